import type { Plan } from '../model/plan.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

export type Renderer = (plan: Plan) => string;

/** name → renderer. The CLI only picks one. */
export const RENDERERS: Record<string, Renderer> = {
  json: renderJson,
  md: renderMarkdown,
};

export const FORMATS = (): string[] => Object.keys(RENDERERS).sort();
