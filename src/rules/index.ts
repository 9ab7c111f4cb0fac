import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import { sortFindings } from '../util/order.js';
import addConstraint from './add-constraint.js';
import addRequiredColumn from './add-required-column.js';
import alterColumnType from './alter-column-type.js';
import autosyncBlocksRollback from './autosync-blocks-rollback.js';
import cacheUnversionedKey from './cache-unversioned-key.js';
import catalogManipulation from './catalog-manipulation.js';
import contractInSameRelease from './contract-in-same-release.js';
import crdsInTemplates from './crds-in-templates.js';
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
import flagMissingFromFile from './flag-missing-from-file.js';
import flagStateNotRestored from './flag-state-not-restored.js';
import helmHookMigration from './helm-hook-migration.js';
import killSwitchAvailable from './kill-switch-available.js';
import lambdaNoAlias from './lambda-no-alias.js';
import lossyDown from './lossy-down.js';
import migrationEditedAfterRelease from './migration-edited-after-release.js';
import migrationsBeforeRollout from './migrations-before-rollout.js';
import missingDown from './missing-down.js';
import mutableImageTag from './mutable-image-tag.js';
import noPdb from './no-pdb.js';
import noReadinessProbe from './no-readiness-probe.js';
import noRolloutHistory from './no-rollout-history.js';
import nonConcurrentIndex from './non-concurrent-index.js';
import pausedRollout from './paused-rollout.js';
import queueCompatibility from './queue-compatibility.js';
import recreateStrategy from './recreate-strategy.js';
import renameColumn from './rename-column.js';
import renameTable from './rename-table.js';
import replaceFunctionOrView from './replace-function-or-view.js';
import selfhealRevertsManualRollback from './selfheal-reverts-manual-rollback.js';
import serviceSelectsOtherWorkloads from './service-selects-other-workloads.js';
import setNotNull from './set-not-null.js';
import startupMigrationBlocksRollback from './startup-migration-blocks-rollback.js';
import statefulData from './stateful-data.js';
import statefulsetOrderedReady from './statefulset-ordered-ready.js';
import truncate from './truncate.js';
import unversionedConfig from './unversioned-config.js';

export { cmp, sortFindings } from '../util/order.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [
  addConstraint,
  addRequiredColumn,
  alterColumnType,
  autosyncBlocksRollback,
  cacheUnversionedKey,
  catalogManipulation,
  contractInSameRelease,
  crdsInTemplates,
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
  flagMissingFromFile,
  flagStateNotRestored,
  helmHookMigration,
  killSwitchAvailable,
  lambdaNoAlias,
  lossyDown,
  migrationEditedAfterRelease,
  migrationsBeforeRollout,
  missingDown,
  mutableImageTag,
  noPdb,
  noReadinessProbe,
  noRolloutHistory,
  nonConcurrentIndex,
  pausedRollout,
  queueCompatibility,
  recreateStrategy,
  renameColumn,
  renameTable,
  replaceFunctionOrView,
  selfhealRevertsManualRollback,
  serviceSelectsOtherWorkloads,
  setNotNull,
  startupMigrationBlocksRollback,
  statefulData,
  statefulsetOrderedReady,
  truncate,
  unversionedConfig,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Run every rule (or the given ones) over the model. */
export function runRules(service: Service, rules: readonly Rule[] = RULES): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(service)));
}
