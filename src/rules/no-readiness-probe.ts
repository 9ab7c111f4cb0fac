import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'no-readiness-probe',
    kind: 'config',
    severity: 'warning',
    description: 'A workload has no readiness probe (or health check)',
    rationale:
      'Without a readiness probe a pod counts as ready as soon as its process starts: "rollout status" reports success for a rollback that serves errors, so the rollback cannot be verified.',
    mitigation:
      'Add a readinessProbe that exercises the real dependencies (HTTP /ready), or a platform health check.',
    scope: 'config',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const p = w.settings.hasReadinessProbe;
      if (p?.value !== false) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      const at = p.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
      out.push(
        report({
          subject,
          message: 'no readiness probe: rollout status cannot tell a healthy rollback from a broken one',
          evidence: [at],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Add a readinessProbe to the containers of ${subject} (${at.file}:${at.line}); until then verify a rollback with the error-rate signal, not rollout status.`,
        }),
      );
    }
    return out;
  },
);
