import type { DecisionReport } from '../../model/decide.js';

/** `rollbook decide --format json` (schema/decide.schema.json): the report as it is, for chat bots. */
export function renderDecisionJson(report: DecisionReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
