import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

const FORWARD = /^(pre|post)-(install|upgrade)$/;

export default createRule(
  {
    id: 'helm-hook-migration',
    kind: 'schema',
    severity: 'warning',
    description: 'A Helm install/upgrade hook runs database migrations',
    rationale:
      "Hook resources are not part of the release: helm rollback does not undo what the hook did, and runs the target revision's rollback hooks, never a down migration. The old code meets the new schema.",
    mitigation:
      'Keep hook migrations backward compatible (expand/contract), and make reverting them a separate, gated runbook step with a backup.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      for (const h of w.hooks ?? []) {
        if (!h.runsMigration) continue;
        const events = h.events.filter((e) => FORWARD.test(e));
        if (!events.length) continue;
        const release = w.helm?.release ?? w.name;
        out.push(
          report({
            subject: `${w.helm?.chart ?? w.name} ${h.kind}/${h.name}`,
            message: `${h.kind} ${h.name} runs migrations as a ${events.join(',')} hook: helm rollback of ${release} leaves the schema migrated`,
            evidence: [h.at ?? w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 }],
            appRollbackSafe: null,
            revertLossless: null,
            touchesData: true,
            mitigation: `Make the migrations run by ${h.name} backward compatible with the previous release of ${release}; if the schema must go back, run the down migration as its own step after a verified backup, not through helm rollback.`,
          }),
        );
      }
    }
    return out;
  },
);
