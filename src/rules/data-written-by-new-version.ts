import type { DataWrite } from '../model/service.js';
import { createRule } from './create-rule.js';
import { evidenceFor } from './support/state.js';

/** Object stores where overwritten objects can be kept by turning on the store's own versioning. */
function versioningHint(store: string): string {
  const s3 = /^s3:\/\/([^/\s]+)/i.exec(store);
  if (s3)
    return ` Keep bucket versioning on so objects the bad version overwrites or deletes can be restored (\`aws s3api get-bucket-versioning --bucket ${s3[1]}\` shows whether it is on).`;
  const gcs = /^gs:\/\/([^/\s]+)/i.exec(store);
  if (gcs)
    return ` Keep object versioning on so objects the bad version overwrites or deletes can be restored (\`gcloud storage buckets describe gs://${gcs[1]}\` shows whether it is on).`;
  return '';
}

function findHow(w: DataWrite): string {
  if (/^(s3|gs):\/\//i.test(w.store)) return 'objects modified after the deploy';
  return 'records created or updated after the deploy';
}

export default createRule(
  {
    id: 'data-written-by-new-version',
    kind: 'data',
    severity: 'info',
    description:
      'A store the service writes to: what the new version wrote stays after a rollback, in whatever format it wrote.',
    rationale:
      'A deploy rollback restores code, never data. If the new version changed the format of what it stores, the rolled-back version reads data it does not understand; if it wrote wrong data, that data stays.',
    mitigation:
      'Version the stored format (a format field or key prefix) so both versions can tell old from new; after a rollback, list what was written during the deploy window and check the old version reads it.',
    scope: 'state',
  },
  (service, report) =>
    service.writes
      .filter((w) => w.dualWrite !== true && w.external !== true)
      .map((w) => {
        const desc = w.description ? ` (${w.description.trim()})` : '';
        return report({
          subject: w.store,
          message: `Data the new version writes to \`${w.store}\`${desc} stays after a rollback: if its format changed, the rolled-back version must still read it.`,
          evidence: [evidenceFor(service, w.at)],
          appRollbackSafe: null,
          revertLossless: null,
          touchesData: false,
          mitigation: `Keep the format of \`${w.store}\` readable by the previous version (add fields, never rename or re-type; carry a format version). After a rollback, list the ${findHow(w)} in \`${w.store}\` and check the rolled-back version reads them before closing the incident.${versioningHint(w.store)}`,
        });
      }),
);
