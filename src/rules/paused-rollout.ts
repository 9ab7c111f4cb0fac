import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'paused-rollout',
    kind: 'config',
    severity: 'error',
    description: 'A Deployment or Rollout is declared paused',
    rationale:
      'kubectl refuses to roll back a paused Deployment, and a paused Argo Rollout does not progress: the rollback command fails or waits.',
    mitigation: 'Remove spec.paused from the manifest; resume before rolling back.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const p = w.settings.paused;
      if (!p?.value) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      const ns = w.namespace ? ` -n ${w.namespace}` : '';
      const resume =
        w.kind === 'Rollout'
          ? `kubectl argo rollouts promote ${w.name}${ns}`
          : `kubectl rollout resume ${w.kind.toLowerCase()}/${w.name}${ns}`;
      out.push(
        report({
          subject,
          message: 'spec.paused is true: the rollback is refused until the rollout is resumed',
          evidence: [p.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Remove spec.paused from ${subject}${p.at ? ` (${p.at.file}:${p.at.line})` : ''}; in an incident run ${resume} before the rollback.`,
        }),
      );
    }
    return out;
  },
);
