import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'autosync-blocks-rollback',
    kind: 'config',
    severity: 'error',
    description: 'Argo CD automated sync is on for the application that deploys the workload',
    rationale:
      'Argo CD refuses "argocd app rollback" while automated sync is enabled, and keeps applying git: the rollback is a sequence (disable auto-sync, roll back, git revert, re-enable), not one command.',
    mitigation:
      'Write the sequence into the runbook: argocd app set APP --sync-policy none, argocd app rollback APP ID, git revert, argocd app set APP --sync-policy automated.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const a = w.settings.autoSync;
      if (!a?.value) continue;
      const app = w.argocd?.app ?? (w.platform === 'argocd' ? w.name : undefined);
      if (!app) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      out.push(
        report({
          subject,
          message: `Argo CD application ${app} syncs automatically: "argocd app rollback" is refused until auto-sync is disabled`,
          evidence: [a.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Roll back ${subject} with: argocd app set ${app} --sync-policy none; argocd app rollback ${app} <ID>; git revert the bad commit; argocd app set ${app} --sync-policy automated.`,
        }),
      );
    }
    return out;
  },
);
