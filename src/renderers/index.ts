import type { Plan } from '../model/plan.js';
import { cmp } from '../util/order.js';
import { renderComms } from './comms.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSh, type ShOptions } from './sh.js';

/** What a renderer may be told about the installation that runs it (only sh uses it). */
export type RenderOptions = ShOptions;

export type Renderer = (plan: Plan, options?: RenderOptions) => string;

/** name → renderer. The CLI only picks one. */
export const RENDERERS: Record<string, Renderer> = {
  comms: renderComms,
  html: renderHtml,
  json: renderJson,
  md: renderMarkdown,
  sh: renderSh,
};

export const FORMATS = (): string[] => Object.keys(RENDERERS).sort(cmp);
