import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';

export const migrationEditedAfterRelease = createRule(
  {
    id: 'migration-edited-after-release',
    kind: 'schema',
    severity: 'error',
    description: 'A migration that already shipped in a release tag is edited or deleted.',
    rationale:
      'Databases that ran the released migration keep what it did: migration tools skip a version they already applied (or stop on a checksum mismatch), so environments diverge and a rollback to that release meets a schema its own migrations do not describe.',
    mitigation:
      'Restore the released file as it is in the tag and put the change in a new migration with the next version number.',
    scope: 'migration',
  },
  (service, report) => {
    const release = service.release;
    if (!release) return [];
    const out: Finding[] = [];
    for (const c of release.changes) {
      if (c.kind !== 'released-migration-edited') continue;
      // `to` chosen as the previous release tag is a release by definition
      const tag = c.releasedIn ?? (release.to?.chosen === 'previous-tag' ? release.to.ref : undefined);
      if (!tag) continue;
      const deleted = c.status === 'deleted';
      out.push(
        report({
          subject: c.file,
          message: `${c.file} shipped in ${tag} and is ${deleted ? 'deleted' : 'edited'} since: databases that ran it keep the ${tag} version (tools skip applied migrations or stop on a checksum mismatch), so schemas diverge and a rollback to ${tag} meets a schema its migrations do not describe.`,
          evidence: [c.at],
          appRollbackSafe: null,
          revertLossless: null,
          touchesData: true,
          ...(c.migration ? { migration: c.migration.version } : {}),
          mitigation: deleted
            ? `Restore ${c.file} as it is in ${tag} (git checkout ${tag} -- ${c.file}); to undo what it did, add a new migration with the next version number.`
            : `Restore ${c.file} as it is in ${tag} (git checkout ${tag} -- ${c.file}) and put the change in a new migration with the next version number.`,
        }),
      );
    }
    return out;
  },
);

export default migrationEditedAfterRelease;
