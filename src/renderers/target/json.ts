/** `rollbook target --format json` (schema: schema/target.schema.json). */
import type { TargetReport } from '../../model/target.js';
import { planToJson } from '../json.js';

export function targetToJson(report: TargetReport) {
  const { paths, ...rest } = report;
  return {
    ...rest,
    paths: {
      ...(paths.revert ? { revert: planToJson(paths.revert) } : {}),
      rollback: planToJson(paths.rollback),
    },
  };
}

export function renderTargetJson(report: TargetReport): string {
  return `${JSON.stringify(targetToJson(report), null, 2)}\n`;
}
