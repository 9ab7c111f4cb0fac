import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import cacheUnversionedKey from './cache-unversioned-key.js';
import dataWrittenByNewVersion from './data-written-by-new-version.js';
import dependencyCompatibility from './dependency-compatibility.js';
import dualWrite from './dual-write.js';
import externalSideEffect from './external-side-effect.js';
import flagStateNotRestored from './flag-state-not-restored.js';
import killSwitchAvailable from './kill-switch-available.js';
import queueCompatibility from './queue-compatibility.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [
  cacheUnversionedKey,
  dataWrittenByNewVersion,
  dependencyCompatibility,
  dualWrite,
  externalSideEffect,
  flagStateNotRestored,
  killSwitchAvailable,
  queueCompatibility,
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
