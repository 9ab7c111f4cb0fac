import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'no-rollout-history',
    kind: 'artifact',
    severity: 'error',
    description: 'Rollout history is not kept (revisionHistoryLimit: 0, Helm/Flux history max below 2)',
    rationale:
      'kubectl rollout undo and helm rollback need the previous revision to still exist; with no history there is nothing to roll back to and the only path is a new deploy of old code.',
    mitigation:
      'Keep at least a few revisions: revisionHistoryLimit 5-10, helm --history-max 10, Flux spec.maxHistory 5+.',
    scope: 'config',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      const subject = `${w.namespace ? `${w.namespace}/` : ''}${w.kind.toLowerCase()}/${w.name}`;
      const rhl = w.settings.revisionHistoryLimit;
      if (rhl && rhl.value === 0) {
        out.push(
          report({
            subject,
            message: `revisionHistoryLimit: 0 keeps no old ReplicaSets/revisions: "rollout undo" has nothing to go back to`,
            evidence: [rhl.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
            appRollbackSafe: null,
            revertLossless: true,
            touchesData: false,
            mitigation: `Set spec.revisionHistoryLimit to 10 on ${subject}${rhl.at ? ` (${rhl.at.file}:${rhl.at.line})` : ''}; until then roll back by re-deploying the previous image tag.`,
          }),
        );
      }
      const hm = w.settings.historyMax;
      if (hm && hm.value > 0 && hm.value < 2) {
        out.push(
          report({
            subject,
            message: `history max ${hm.value} keeps only the current release: "helm rollback" has no target`,
            evidence: [hm.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
            appRollbackSafe: null,
            revertLossless: true,
            touchesData: false,
            mitigation: `Raise the history max of ${w.helm?.release ?? w.name} to at least 5 (Flux spec.maxHistory, or --history-max 10 where the pipeline runs helm upgrade).`,
          }),
        );
      }
    }
    return out;
  },
);
