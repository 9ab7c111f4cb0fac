/**
 * `rollbook target` renderers: name → (report, options) → string. md and json show both paths;
 * html and sh show one path's runbook in full (the recommended one unless `path` names the other),
 * with the context (suspect, revert test, collateral, both estimates) above it.
 */
import type { TargetPath, TargetReport } from '../../model/target.js';
import { chosenPlan } from '../../target/plan.js';
import { renderHtml } from '../html.js';
import { renderSh, type ShOptions } from '../sh.js';
import { renderTargetJson } from './json.js';
import { renderTargetMarkdown } from './markdown.js';
import { targetPreface } from './preface.js';

export interface TargetRenderOptions extends Omit<ShOptions, 'preface'> {
  /** The path html and sh show (default: the recommended one). */
  path?: TargetPath;
}

export type TargetRenderer = (report: TargetReport, options?: TargetRenderOptions) => string;

function shown(report: TargetReport, options: TargetRenderOptions): TargetPath {
  return options.path ?? report.recommendation.path;
}

export const TARGET_RENDERERS: Record<string, TargetRenderer> = {
  html: (r, o = {}) => renderHtml(chosenPlan(r, shown(r, o)), { preface: targetPreface(r, shown(r, o)) }),
  json: (r) => renderTargetJson(r),
  md: (r) => renderTargetMarkdown(r),
  sh: (r, o = {}) =>
    renderSh(chosenPlan(r, shown(r, o)), {
      ...(o.rollbookBin ? { rollbookBin: o.rollbookBin } : {}),
      preface: targetPreface(r, shown(r, o)),
    }),
};

export const TARGET_FORMATS = (): string[] => Object.keys(TARGET_RENDERERS).sort();

export { renderTargetJson, targetToJson } from './json.js';
export { renderTargetMarkdown } from './markdown.js';
