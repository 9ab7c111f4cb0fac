import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import { addConstraint } from './add-constraint.js';
import { addRequiredColumn } from './add-required-column.js';
import { alterColumnType } from './alter-column-type.js';
import { dataBackfill } from './data-backfill.js';
import { dropColumn } from './drop-column.js';
import { dropDefault } from './drop-default.js';
import { dropIndex } from './drop-index.js';
import { dropNotNull } from './drop-not-null.js';
import { dropTable } from './drop-table.js';
import { enumAddValue } from './enum-add-value.js';
import { enumRenameValue } from './enum-rename-value.js';
import { lossyDown } from './lossy-down.js';
import { missingDown } from './missing-down.js';
import { nonConcurrentIndex } from './non-concurrent-index.js';
import { renameColumn } from './rename-column.js';
import { renameTable } from './rename-table.js';
import { replaceFunctionOrView } from './replace-function-or-view.js';
import { setNotNull } from './set-not-null.js';
import { truncate } from './truncate.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [
  addConstraint,
  addRequiredColumn,
  alterColumnType,
  dataBackfill,
  dropColumn,
  dropDefault,
  dropIndex,
  dropNotNull,
  dropTable,
  enumAddValue,
  enumRenameValue,
  lossyDown,
  missingDown,
  nonConcurrentIndex,
  renameColumn,
  renameTable,
  replaceFunctionOrView,
  setNotNull,
  truncate,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Deterministic order: severity, then first evidence file:line, then rule id, then subject. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
    if (s !== 0) return s;
    const ea = a.evidence[0];
    const eb = b.evidence[0];
    const f = (ea?.file ?? '').localeCompare(eb?.file ?? '');
    if (f !== 0) return f;
    const l = (ea?.line ?? 0) - (eb?.line ?? 0);
    if (l !== 0) return l;
    return a.rule.localeCompare(b.rule) || a.subject.localeCompare(b.subject);
  });
}

/** Run every rule (or the given ones) over the model. */
export function runRules(service: Service, rules: readonly Rule[] = RULES): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(service)));
}
