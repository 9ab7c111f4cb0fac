import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'statefulset-ordered-ready',
    kind: 'config',
    severity: 'warning',
    description: 'A StatefulSet updates with OrderedReady pod management (the default)',
    rationale:
      'With OrderedReady a pod that never becomes ready blocks the whole rollout, including the rollback: the controller waits for it forever, and the pods that ran the bad template must be deleted by hand.',
    mitigation:
      'Put "delete the stuck pods" in the runbook; consider podManagementPolicy: Parallel when the application allows it.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      if (w.kind !== 'StatefulSet') continue;
      const policy = w.settings.podManagementPolicy;
      if (policy && policy.value !== 'OrderedReady') continue;
      if (w.settings.strategy?.value === 'OnDelete') continue;
      const ns = w.namespace ? ` -n ${w.namespace}` : '';
      out.push(
        report({
          subject: `${w.namespace ? `${w.namespace}/` : ''}statefulset/${w.name}`,
          message: `${w.name} uses OrderedReady${policy ? '' : ' (default)'}: a pod stuck on the bad revision blocks "rollout undo"`,
          evidence: [policy?.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `After kubectl rollout undo statefulset/${w.name}${ns}, delete the pods still on the bad revision (highest ordinal first: kubectl delete pod ${w.name}-<N>${ns}) so the controller recreates them from the restored template.`,
        }),
      );
    }
    return out;
  },
);
