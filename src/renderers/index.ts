import type { Plan } from '../model/plan.js';

export type Renderer = (plan: Plan) => string;

/** name → renderer. The CLI only picks one. */
export const RENDERERS: Record<string, Renderer> = {};

export const FORMATS = () => Object.keys(RENDERERS).sort();
