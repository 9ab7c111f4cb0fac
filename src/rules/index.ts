import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import { sortFindings } from '../util/order.js';
import cacheUnversionedKey from './cache-unversioned-key.js';
import dataWrittenByNewVersion from './data-written-by-new-version.js';
import dependencyCompatibility from './dependency-compatibility.js';
import dualWrite from './dual-write.js';
import externalSideEffect from './external-side-effect.js';
import flagStateNotRestored from './flag-state-not-restored.js';
import killSwitchAvailable from './kill-switch-available.js';
import queueCompatibility from './queue-compatibility.js';

export { cmp, sortFindings } from '../util/order.js';

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

/** Run every rule (or the given ones) over the model. */
export function runRules(service: Service, rules: readonly Rule[] = RULES): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(service)));
}
