/** The check report as JSON (the library's CheckReport, stable key order). */
import type { CheckReport } from '../../model/check.js';

export function renderCheckJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
