import type { Command, Gate, Input } from '../model/plan.js';
import type { PlanContext } from './context.js';
import { migrationToolCommands } from './migration-tools.js';

export const GATE_IDS = {
  targetExists: 'target-revision-exists',
  artifact: 'target-artifact-pullable',
  compatibility: 'current-target-compatible',
  inFlight: 'no-in-flight-migration',
  noDeploy: 'no-deploy-in-progress',
  backup: 'backup-taken-and-verified',
  dataVerified: 'data-step-verified',
  schemaBeforeApp: 'schema-at-target-before-app',
} as const;

/** The hazard that makes an app-only rollback impossible (the previous version's migrator refuses a newer schema). */
export const STARTUP_MIGRATOR = 'startup-migration-blocks-rollback';

const read = (...argv: Command['argv']): Command => ({ argv, readOnly: true });

const CURRENT = { var: 'CURRENT_REF' } as const;
const TARGET_REF = { var: 'TARGET_REF' } as const;
const DB = { var: 'DATABASE_URL' } as const;
const BACKUP = { var: 'BACKUP_FILE' } as const;

export const GATE_INPUTS: Record<string, Input> = {
  CURRENT_REF: {
    name: 'CURRENT_REF',
    description: 'git ref of the version running now (the bad deploy)',
    discover: read('git', 'log', '--oneline', '-n', '10'),
  },
  TARGET_REF: {
    name: 'TARGET_REF',
    description: 'git ref of the version to roll back to (the last good deploy)',
    discover: read('git', 'log', '--oneline', '-n', '10'),
  },
  DATABASE_URL: {
    name: 'DATABASE_URL',
    description:
      'connection URL of the production database (a role that may read the migration history; the backup and the schema step need more)',
  },
  BACKUP_FILE: {
    name: 'BACKUP_FILE',
    description:
      'path of the backup file to write before the data step (e.g. /backups/<service>-<UTC time>.dump)',
  },
  TARGET_IMAGE: {
    name: 'TARGET_IMAGE',
    description:
      'image reference of the target version (repository:tag or @digest) as shown by the history command',
  },
};

function hasRule(ctx: PlanContext, id: string): boolean {
  return ctx.hazards.some((h) => h.rule === id);
}

function isPostgres(ctx: PlanContext): boolean {
  return ctx.service.migrations.every((m) => /^(postgres|postgresql|pg)?$/i.test(m.database));
}

/** The pre-rollback safety gates, in the order they are checked. */
export function buildGates(ctx: PlanContext, inputs: Set<string>): Gate[] {
  const gates: Gate[] = [];
  const { service, platform, pctx } = ctx;

  const historyZero = ctx.workload?.settings.revisionHistoryLimit?.value === 0;
  const history: Gate = {
    id: GATE_IDS.targetExists,
    title: 'The target revision exists in the rollout history',
    kind: 'history',
    check: platform
      ? {
          command: platform.history(pctx),
          expect: 'the history lists the target revision (the last good one) — note its number/id',
          timeoutSeconds: 30,
          retries: 1,
        }
      : {
          expect: 'you can name the last good version and where its artifact is',
          timeoutSeconds: 60,
          retries: 0,
          manual: true,
        },
    blocking: true,
    status: historyZero ? 'fail' : 'unknown',
    reason: historyZero
      ? 'revisionHistoryLimit is 0: there is no previous revision to roll back to; redeploy the previous version through the pipeline instead'
      : 'evaluated when the rollback starts (needs cluster/cloud access)',
  };
  if (historyZero && ctx.workload?.settings.revisionHistoryLimit?.at)
    history.evidence = [ctx.workload.settings.revisionHistoryLimit.at];
  gates.push(history);

  const hasImage = (ctx.workload?.images.length ?? 0) > 0 || service.artifact.image !== undefined;
  if (hasImage) {
    const mutable = hasRule(ctx, 'mutable-image-tag') || service.artifact.versioning === 'mutable-tag';
    inputs.add('TARGET_IMAGE');
    gates.push({
      id: GATE_IDS.artifact,
      title: 'The target image is pinned and still pullable',
      kind: 'artifact',
      check: {
        command: read('docker', 'manifest', 'inspect', { var: 'TARGET_IMAGE' }),
        expect: 'a manifest is returned (exit 0): the image was not deleted by a retention policy',
        timeoutSeconds: 30,
        retries: 2,
      },
      blocking: true,
      status: mutable ? 'fail' : 'unknown',
      reason: mutable
        ? 'the image is referenced by a mutable tag: "the previous revision" may now point at different bytes; pin the target by digest before rolling back'
        : 'evaluated when the rollback starts (needs registry access)',
    });
  }

  const incompatible = ctx.hazards.filter((h) => h.appRollbackSafe === false);
  const doubtful = ctx.hazards.filter((h) => h.appRollbackSafe === null);
  inputs.add('CURRENT_REF');
  inputs.add('TARGET_REF');
  const compat: Gate = {
    id: GATE_IDS.compatibility,
    title: 'The target version runs on the current schema, messages and config',
    kind: 'compatibility',
    check: {
      command: read('rollbook', 'gates', '.', '--from', CURRENT, '--to', TARGET_REF),
      expect:
        'every gate passes: the old app finds every table, column, type, enum value and message field it needs',
      timeoutSeconds: 300,
      retries: 0,
    },
    // With a schema/data step in the runbook, a failing compatibility check is what calls for that
    // step (it runs before the app when the old version cannot run on the current schema): not a stop.
    blocking: !ctx.touchesData,
    status: incompatible.length > 0 ? 'fail' : doubtful.length > 0 ? 'unknown' : 'pass',
    reason:
      incompatible.length > 0
        ? `${ctx.touchesData ? 'the schema/data step of the runbook must run before the app rollback: ' : ''}the previous version cannot run on the current state: ${[...new Set(incompatible.map((h) => `${h.rule} (${h.subject})`))].slice(0, 6).join(', ')}`
        : doubtful.length > 0
          ? `compatibility depends on the target: ${[...new Set(doubtful.map((h) => h.rule))].join(', ')}`
          : 'no hazard makes the previous version incompatible with the current state',
  };
  if (incompatible.length > 0)
    compat.evidence = incompatible.flatMap((h) => h.evidence.slice(0, 1)).slice(0, 6);
  gates.push(compat);

  const refusing = ctx.hazards.filter((h) => h.rule === STARTUP_MIGRATOR);
  const commanded = service.migrations.find((m) => m.selection !== 'one-of-several');
  if (refusing.length > 0) {
    const status = commanded ? migrationToolCommands(commanded).status : undefined;
    gates.push({
      id: GATE_IDS.schemaBeforeApp,
      title: 'The schema is back at the target version before the app rolls back',
      kind: 'migration',
      check: {
        ...(status ? { command: status } : {}),
        expect:
          "the schema version equals the target release's newest migration and is not dirty: the previous version migrates itself on the way up and refuses a newer database, so an app-only rollback crash-loops",
        timeoutSeconds: 120,
        retries: 1,
      },
      blocking: true,
      status: 'unknown',
      reason: `app-only rollback impossible: ${refusing.map((h) => `${h.subject} (${h.evidence[0]?.file}:${h.evidence[0]?.line})`).join(', ')}; revert the schema first (runbook) or pin the migration version`,
      evidence: refusing.flatMap((h) => h.evidence.slice(0, 1)),
    });
  }

  if (service.migrations.some((m) => m.migrations.length > 0)) {
    inputs.add('DATABASE_URL');
    gates.push({
      id: GATE_IDS.inFlight,
      title: 'No migration is running, failed or dirty',
      kind: 'migration',
      check: {
        command: read('rollbook', 'gates', '.', '--from', CURRENT, '--to', TARGET_REF, '--database-url', DB),
        expect:
          'the migration history table shows no dirty, failed or unfinished migration (read-only session)',
        timeoutSeconds: 120,
        retries: 1,
      },
      blocking: true,
      status: 'unknown',
      reason: 'needs the live database (read-only)',
    });
  }

  gates.push({
    id: GATE_IDS.noDeploy,
    title: 'No deploy is running and the pipeline is frozen',
    kind: 'state',
    check: platform
      ? {
          command: platform.status(pctx),
          expect:
            'the current rollout is finished or stalled (not progressing), and the deploy pipeline is paused so nothing redeploys the bad version',
          timeoutSeconds: 60,
          retries: 1,
        }
      : {
          expect: 'the deploy pipeline is paused and no deploy is running',
          timeoutSeconds: 60,
          retries: 0,
          manual: true,
        },
    blocking: true,
    status: 'unknown',
    reason: 'evaluated when the rollback starts',
  });

  if (ctx.touchesData) {
    inputs.add('DATABASE_URL');
    inputs.add('BACKUP_FILE');
    const pg = isPostgres(ctx);
    gates.push({
      id: GATE_IDS.backup,
      title: 'A backup of the database was taken now and reads back',
      kind: 'backup',
      prepare: pg
        ? [{ argv: ['pg_dump', '--format=custom', '--no-owner', '--file', BACKUP, DB], readOnly: true }]
        : [],
      check: pg
        ? {
            command: read('pg_restore', '--list', BACKUP),
            expect: 'the archive table of contents lists the tables of the service (exit 0)',
            timeoutSeconds: 120,
            retries: 0,
          }
        : {
            expect:
              'a backup/snapshot of the database was taken after the incident began and its restore was tested',
            timeoutSeconds: 600,
            retries: 0,
            manual: true,
          },
      blocking: true,
      status: 'unknown',
      reason: 'must be taken at rollback time, after the bad version wrote data',
    });
    gates.push({
      id: GATE_IDS.dataVerified,
      title: 'The data step was verified: downs restore the schema without losing data',
      kind: 'verification',
      check:
        service.migrations.length > 0
          ? {
              command: read('rollbook', 'migrations', 'verify', '.'),
              expect:
                'every down migration newer than the target restores the previous schema and keeps the seeded rows (replayed in a throw-away Postgres); lossy downs are listed and accepted by the data owner',
              timeoutSeconds: 600,
              retries: 0,
            }
          : {
              expect: 'the reconciliation / compensation for the data hazards was reviewed by the data owner',
              timeoutSeconds: 600,
              retries: 0,
              manual: true,
            },
      blocking: true,
      status: 'unknown',
      reason: 'run before any schema or data step',
    });
  }
  return gates;
}
