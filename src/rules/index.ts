import type { Finding, Rule } from '../model/finding.js';
import type { Service } from '../model/service.js';
import { sortFindings } from '../util/order.js';

export { cmp, sortFindings } from '../util/order.js';

/** The registry: explicit and sorted by id (a test checks the order and the docs). */
export const RULES: readonly Rule[] = [];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Run every rule (or the given ones) over the model. */
export function runRules(service: Service, rules: readonly Rule[] = RULES): Finding[] {
  return sortFindings(rules.flatMap((r) => r.check(service)));
}
