import { createRule } from './create-rule.js';
import { evidenceFor } from './support/state.js';

export default createRule(
  {
    id: 'dual-write',
    kind: 'data',
    severity: 'error',
    description: 'The service writes the same data to two stores: a rollback leaves them diverged.',
    rationale:
      'Dual writing is the middle of a data migration. A version that does not dual-write (the rollback target, if it predates the dual write) writes to one store only, so the second store silently falls behind, and whatever the new version kept only in the new store is invisible to the old one.',
    mitigation:
      'Ship the dual write in a release before anything reads the new store, so the rollback target still writes both; record a watermark before rolling back; afterwards run a reconcile job and compare counts before rolling forward.',
    scope: 'state',
  },
  (service, report) =>
    service.writes
      .filter((w) => w.dualWrite === true)
      .map((w) => {
        const desc = w.description ? ` (${w.description.trim()})` : '';
        return report({
          subject: w.store,
          message: `Writes to \`${w.store}\`${desc} are dual-written: after a rollback to a version that does not dual-write, \`${w.store}\` stops receiving writes and the two stores diverge.`,
          evidence: [evidenceFor(service, w.at)],
          // Depends on which store the rollback target reads from; the descriptor does not say.
          appRollbackSafe: null,
          revertLossless: false,
          touchesData: true,
          mitigation: `Keep dual writing in the rollback target (ship the dual write to \`${w.store}\` in a release before anything reads it), so rolling back one release keeps both stores fed. Before rolling back, record the write watermark (last id or timestamp) in both stores; after, run the reconcile job from the source of truth into \`${w.store}\` for everything after the watermark, and compare row counts and checksums per day before rolling forward or switching reads.`,
        });
      }),
);
