import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import { sortFindings } from '../util/order.js';
import addConstraint from './add-constraint.js';
import addRequiredColumn from './add-required-column.js';
import alterColumnType from './alter-column-type.js';
import cacheUnversionedKey from './cache-unversioned-key.js';
import dataBackfill from './data-backfill.js';
import dataWrittenByNewVersion from './data-written-by-new-version.js';
import dependencyCompatibility from './dependency-compatibility.js';
import dropColumn from './drop-column.js';
import dropDefault from './drop-default.js';
import dropIndex from './drop-index.js';
import dropNotNull from './drop-not-null.js';
import dropTable from './drop-table.js';
import dualWrite from './dual-write.js';
import enumAddValue from './enum-add-value.js';
import enumRenameValue from './enum-rename-value.js';
import externalSideEffect from './external-side-effect.js';
import flagStateNotRestored from './flag-state-not-restored.js';
import killSwitchAvailable from './kill-switch-available.js';
import lossyDown from './lossy-down.js';
import missingDown from './missing-down.js';
import nonConcurrentIndex from './non-concurrent-index.js';
import queueCompatibility from './queue-compatibility.js';
import renameColumn from './rename-column.js';
import renameTable from './rename-table.js';
import replaceFunctionOrView from './replace-function-or-view.js';
import setNotNull from './set-not-null.js';
import truncate from './truncate.js';

export { cmp, sortFindings } from '../util/order.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [
  addConstraint,
  addRequiredColumn,
  alterColumnType,
  cacheUnversionedKey,
  dataBackfill,
  dataWrittenByNewVersion,
  dependencyCompatibility,
  dropColumn,
  dropDefault,
  dropIndex,
  dropNotNull,
  dropTable,
  dualWrite,
  enumAddValue,
  enumRenameValue,
  externalSideEffect,
  flagStateNotRestored,
  killSwitchAvailable,
  lossyDown,
  missingDown,
  nonConcurrentIndex,
  queueCompatibility,
  renameColumn,
  renameTable,
  replaceFunctionOrView,
  setNotNull,
  truncate,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Run every rule (or the given ones) over the model. */
export function runRules(service: Service, rules: readonly Rule[] = RULES): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(service)));
}
