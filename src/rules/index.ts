import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import autosyncBlocksRollback from './autosync-blocks-rollback.js';
import crdsInTemplates from './crds-in-templates.js';
import flagMissingFromFile from './flag-missing-from-file.js';
import helmHookMigration from './helm-hook-migration.js';
import lambdaNoAlias from './lambda-no-alias.js';
import migrationsBeforeRollout from './migrations-before-rollout.js';
import mutableImageTag from './mutable-image-tag.js';
import noPdb from './no-pdb.js';
import noReadinessProbe from './no-readiness-probe.js';
import noRolloutHistory from './no-rollout-history.js';
import pausedRollout from './paused-rollout.js';
import recreateStrategy from './recreate-strategy.js';
import selfhealRevertsManualRollback from './selfheal-reverts-manual-rollback.js';
import statefulsetOrderedReady from './statefulset-ordered-ready.js';
import unversionedConfig from './unversioned-config.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [
  autosyncBlocksRollback,
  crdsInTemplates,
  flagMissingFromFile,
  helmHookMigration,
  lambdaNoAlias,
  migrationsBeforeRollout,
  mutableImageTag,
  noPdb,
  noReadinessProbe,
  noRolloutHistory,
  pausedRollout,
  recreateStrategy,
  selfhealRevertsManualRollback,
  statefulsetOrderedReady,
  unversionedConfig,
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
