import type { Finding, MigrationRun } from '../model/index.js';
import { createRule } from './create-rule.js';

/** Where the previous version's own migrator runs again when it is rolled back to. */
const RERUNS_ON_ROLLBACK: Record<MigrationRun['mode'], string | undefined> = {
  startup: 'the previous version migrates at startup',
  'init-container': "the previous version's init container migrates before the app starts",
  'argocd-hook': "the Argo CD sync hook runs the previous version's migrator on rollback",
  'compose-service': "the compose migration service re-runs with the previous version's files",
  'release-phase': 'the release phase runs again on rollback',
  pipeline: 'redeploying the previous version through the pipeline re-runs its migration step',
  'helm-hook': undefined,
};

export default createRule(
  {
    id: 'startup-migration-blocks-rollback',
    kind: 'schema',
    severity: 'error',
    description: 'The rolled-back version runs a migrator that refuses a database newer than its files',
    rationale:
      "golang-migrate's Up() fails when the database is at a version its migration files do not contain. When the previous version runs its migrator on the way up (at startup, in an init container, a sync hook, a compose service, the pipeline), an app-only rollback crash-loops on the newer schema.",
    mitigation:
      'Put the schema back to the target version before the app rollback (the runbook does), or pin the migration version for the rollback (skip the startup migration, e.g. behind an environment switch).',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    if (!service.migrations.some((s) => s.migrations.length > 0)) return out;
    for (const r of service.migrationRuns ?? []) {
      const why = RERUNS_ON_ROLLBACK[r.mode];
      if (!r.refusesNewerDatabase || !why) continue;
      out.push(
        report({
          subject: `${r.tool ?? 'migrator'} ${r.mode}`,
          message: `${why} (${r.detail}); ${r.tool} refuses a database at a version its files do not have: an app-only rollback fails to start`,
          evidence: [r.at],
          appRollbackSafe: false,
          revertLossless: null,
          touchesData: true,
          mitigation: `Revert the schema to the target version BEFORE rolling back the app, or roll back with the migration pinned/skipped (${r.at.file}:${r.at.line}); make the startup migrator tolerate a newer database (skip when the version is ahead) so a future app-only rollback works.`,
        }),
      );
    }
    return out;
  },
);
