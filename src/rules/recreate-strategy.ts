import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'recreate-strategy',
    kind: 'config',
    severity: 'warning',
    description: 'A Deployment uses the Recreate strategy',
    rationale:
      'Recreate stops every pod before starting the old version: the rollback itself is an outage lasting termination grace + image pull + startup + readiness.',
    mitigation:
      'Use RollingUpdate (maxUnavailable 0, maxSurge 25%) unless two versions truly cannot run together; then plan the rollback downtime.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const s = w.settings.strategy;
      if (s?.value !== 'Recreate') continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      out.push(
        report({
          subject,
          message:
            'strategy Recreate: every pod stops before the previous version starts, so the rollback is an outage',
          evidence: [s.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Switch ${subject} to strategy RollingUpdate with maxUnavailable: 0; if both versions cannot run side by side, announce the rollback downtime in the status update.`,
        }),
      );
    }
    return out;
  },
);
