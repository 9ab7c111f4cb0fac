import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

const KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout']);

export default createRule(
  {
    id: 'no-pdb',
    kind: 'config',
    severity: 'info',
    description: 'A replicated workload has no PodDisruptionBudget',
    rationale:
      'Incidents and rollbacks often coincide with node drains and autoscaler scale-downs; without a PodDisruptionBudget those evictions can take the remaining healthy pods while the rollback is still rolling, and capacity drops to zero.',
    mitigation: 'Add a PodDisruptionBudget (minAvailable or maxUnavailable) selecting the pods.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      if (w.disruptionBudget !== null || !KINDS.has(w.kind)) continue;
      const replicas = w.settings.replicas?.value ?? 1;
      if (replicas < 2 && !w.autoscaler) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      out.push(
        report({
          subject,
          message: `${replicas} replicas and no PodDisruptionBudget: voluntary evictions during a rollback can take all pods at once`,
          evidence: [w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Add a PodDisruptionBudget for ${subject} (e.g. maxUnavailable: 1 with the pod template's labels as selector).`,
        }),
      );
    }
    return out;
  },
);
