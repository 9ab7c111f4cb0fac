import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'selfheal-reverts-manual-rollback',
    kind: 'config',
    severity: 'error',
    description:
      'A GitOps controller (Argo CD selfHeal, Flux reconciliation) re-applies git over a manual rollback',
    rationale:
      'kubectl rollout undo or helm rollback changes the cluster, not git: Argo CD selfHeal reverts it within seconds, Flux at its next interval, and the bad version comes back.',
    mitigation:
      'Suspend the controller for the duration (argocd app set APP --self-heal=false / flux suspend), roll back, git revert, then resume.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const h = w.settings.selfHeal;
      if (!h?.value) continue;
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      const evidence = [h.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }];
      const flux = w.platform === 'flux' || w.flux?.kustomization !== undefined;
      if (flux) {
        const what =
          w.kind === 'HelmRelease'
            ? `helmrelease ${w.name}`
            : `kustomization ${w.flux?.kustomization ?? w.name}`;
        out.push(
          report({
            subject,
            message: `Flux reconciles ${what}: a manual rollback is overwritten at the next interval`,
            evidence,
            appRollbackSafe: null,
            revertLossless: true,
            touchesData: false,
            mitigation: `flux suspend ${what}${w.namespace ? ` -n ${w.namespace}` : ''} before rolling back ${subject}; git revert the change; flux resume ${what}.`,
          }),
        );
        continue;
      }
      const app = w.argocd?.app ?? w.name;
      out.push(
        report({
          subject,
          message: `Argo CD selfHeal on ${app} reverts a manual kubectl/helm rollback within seconds`,
          evidence,
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `argocd app set ${app} --self-heal=false (or --sync-policy none) before rolling back ${subject}; git revert; re-enable self-heal after the revert is synced.`,
        }),
      );
    }
    return out;
  },
);
