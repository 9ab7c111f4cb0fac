import type { Finding, Rule, RuleMeta } from '../model/finding.js';
import type { Service } from '../model/service.js';

type FindingInput = Omit<Finding, 'rule' | 'kind' | 'severity' | 'mitigation'> &
  Partial<Pick<Finding, 'kind' | 'severity' | 'mitigation'>>;

/**
 * Define a rule: meta first, then a check over the model. The check receives a `report`
 * helper that fills rule id, kind, severity and the generic mitigation from meta.
 */
export function createRule(
  meta: RuleMeta,
  check: (service: Service, report: (f: FindingInput) => Finding) => Finding[],
): Rule {
  const report = (f: FindingInput): Finding => ({
    rule: meta.id,
    kind: f.kind ?? meta.kind,
    severity: f.severity ?? meta.severity,
    mitigation: f.mitigation ?? meta.mitigation,
    ...f,
  });
  return { meta, check: (service) => check(service, report) };
}
