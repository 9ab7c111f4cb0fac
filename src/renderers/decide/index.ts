import type { DecisionReport } from '../../model/decide.js';
import { renderDecisionJson } from './json.js';
import { renderDecisionMarkdown } from './markdown.js';
import { renderDecisionText } from './text.js';

export type DecisionRenderer = (report: DecisionReport) => string;

/** name → renderer for `rollbook decide --format`. The CLI only picks one. */
export const DECISION_RENDERERS: Record<string, DecisionRenderer> = {
  json: renderDecisionJson,
  md: renderDecisionMarkdown,
  text: renderDecisionText,
};

export const DECISION_FORMATS = Object.keys(DECISION_RENDERERS).sort() as readonly string[];
