import {
  type Check,
  type Command,
  type Gate,
  type Input,
  VERIFY_LOSS_ONLY,
  VERIFY_PASSED,
} from '../model/plan.js';
import { PLATFORM_IDS } from '../model/service.js';
import { designBackup } from './backup.js';
import type { PlanContext } from './context.js';
import { migrationToolCommands, versionCheck } from './migration-tools.js';
import { hasDataStep } from './reconcile.js';

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
      'connection URL of the production database, postgres://user:password@host:5432/db (a role that may read the migration history; the backup and the schema step need more). Read without echo; the password reaches the tools as PGPASSWORD, never on a command line',
    secret: true,
  },
  TARGET_SCHEMA_VERSION: {
    name: 'TARGET_SCHEMA_VERSION',
    description: 'schema version the target (older) release expects: its newest migration version',
  },
  REDIS_URL: {
    name: 'REDIS_URL',
    description: 'redis://[user:password@]host:6379 of the store to snapshot (read without echo)',
    secret: true,
  },
  BACKUP_FILE: {
    name: 'BACKUP_FILE',
    description:
      'path of the backup file to write before the data step (e.g. /backups/<service>-<UTC time>.dump); it must not exist yet',
  },
  DB_DUMP_FILE: {
    name: 'DB_DUMP_FILE',
    description:
      "local path the logical dump of the workload's database (pg_dumpall / mysqldump, copied out of its container) is written to (e.g. /backups/<service>-<UTC time>.sql); it must not exist yet",
  },
  VOLUME_BACKUP_DIR: {
    name: 'VOLUME_BACKUP_DIR',
    description:
      "existing local directory the named volumes' archives (VOLUME.tgz) are copied into, with room for their contents",
  },
  CR_BACKUP_FILE: {
    name: 'CR_BACKUP_FILE',
    description:
      "local path the custom resources of the chart's templated CRDs are saved to as a kubectl List (e.g. /backups/<service>-crs-<UTC time>.yaml); it must not exist yet",
  },
  DYNAMODB_BACKUP_FILE: {
    name: 'DYNAMODB_BACKUP_FILE',
    description:
      "local path the create-backup responses of this run are saved to (e.g. /backups/<service>-dynamodb-<UTC time>.json): the backups' ARNs the check looks for; it must not exist yet",
  },
  DB_POD: {
    name: 'DB_POD',
    description:
      "name of the database subchart's primary pod (kubectl get pods -l app.kubernetes.io/name=<subchart>,app.kubernetes.io/instance=<release>; its name comes from the subchart's templates)",
  },
  TARGET_IMAGE: {
    name: 'TARGET_IMAGE',
    description:
      'image reference of the target version (repository:tag or @digest) as shown by the history command',
  },
};

/** What would check a gate that needs the deploy mechanism, when none was found or declared. */
export const DECLARE_PLATFORM = `declare deploy.platform (${PLATFORM_IDS.join(' | ')}) and deploy.workload in rollbook.yaml (or commit the deploy files rollbook reads: Kubernetes manifests, a Helm chart, a compose file, an ECS task definition…); the gate then runs that platform's read-only check`;

const NOT_CHECKED = 'not checked: no deploy mechanism was found or declared, so';
/** The reason of a gate nothing can check: what was not checked, then what would check it. */
const unchecked = (what: string) => `${NOT_CHECKED} ${what}; what would check it: ${DECLARE_PLATFORM}`;

/** The history gate when no deploy mechanism is known: nothing can check it, and the report says so. */
export function uncheckedHistoryGate(): Gate {
  return {
    id: GATE_IDS.targetExists,
    title: 'The target revision exists in the rollout history',
    kind: 'history',
    check: {
      expect: 'you can name the last good version and where its artifact is',
      timeoutSeconds: 60,
      retries: 0,
      manual: true,
    },
    blocking: true,
    status: 'unknown',
    reason: unchecked('no command reads the rollout history for the target version'),
    prove: DECLARE_PLATFORM,
  };
}

function hasRule(ctx: PlanContext, id: string): boolean {
  return ctx.hazards.some((h) => h.rule === id);
}

/** The lossy downs the rollback crosses, one line each, from the hazard table. */
export function lossyDowns(ctx: PlanContext): string[] {
  const lines = ctx.hazards
    .filter((h) => h.revertLossless === false && (h.migration !== undefined || h.rule === 'lossy-down'))
    .map(
      (h) =>
        `${h.migration ? `${h.migration}: ` : ''}${h.subject} (${h.rule}${h.evidence[0] ? `, ${h.evidence[0].file}:${h.evidence[0].line}` : ''})`,
    );
  return [...new Set(lines)];
}

/**
 * The data step is verified when the downs restore the schema without loss, or when the data owner
 * accepts the listed losses (typed, logged with who and when). Nothing else makes it pass.
 */
function dataVerifiedGate(ctx: PlanContext): Gate {
  const { service } = ctx;
  const owners = service.roles.dataRollback.length > 0 ? service.roles.dataRollback : ['the data owner'];
  const check: Check =
    service.migrations.length > 0
      ? {
          command: read('rollbook', 'migrations', 'verify', '.', '--from', CURRENT, '--to', TARGET_REF),
          expect:
            'every down the rollback crosses restores the previous schema and keeps the seeded rows (replayed in a throw-away Postgres); when the only failures are data losses, the data owner accepts them by typing the acceptance',
          outcomes: [
            {
              contains: VERIFY_LOSS_ONLY,
              result: 'accept',
              note: 'the downs restore the schema but lose data: the data owner must accept the losses',
            },
            {
              contains: VERIFY_PASSED,
              result: 'pass',
              note: 'verified: every crossed down restores the schema without losing the seeded rows',
            },
          ],
          acceptance: { by: owners, losses: lossyDowns(ctx) },
          timeoutSeconds: 600,
          retries: 0,
        }
      : {
          expect: 'the reconciliation / compensation for the data hazards was reviewed by the data owner',
          timeoutSeconds: 600,
          retries: 0,
          manual: true,
        };
  return {
    id: GATE_IDS.dataVerified,
    title:
      service.migrations.length > 0
        ? 'The data step was verified: the downs restore the schema, and any data loss is accepted by the data owner'
        : 'The data step was reviewed: the data owner approved the reconciliation of each item',
    kind: 'verification',
    check,
    blocking: true,
    status: 'unknown',
    reason: 'run before any schema or data step',
  };
}

/** The pre-rollback safety gates, in the order they are checked. */
export function buildGates(ctx: PlanContext, inputs: Set<string>): Gate[] {
  const gates: Gate[] = [];
  const { service, platform, pctx } = ctx;

  const historyZero = ctx.workload?.settings.revisionHistoryLimit?.value === 0;
  const history: Gate = platform
    ? {
        id: GATE_IDS.targetExists,
        title: 'The target revision exists in the rollout history',
        kind: 'history',
        check: platform.revisionCheck?.(pctx) ?? {
          command: platform.history(pctx),
          expect: 'the history lists the target revision (the last good one): confirm it by reading the list',
          timeoutSeconds: 30,
          retries: 1,
          manual: true,
        },
        blocking: true,
        status: historyZero ? 'fail' : 'unknown',
        reason: historyZero
          ? 'revisionHistoryLimit is 0: there is no previous revision to roll back to; redeploy the previous version through the pipeline instead'
          : 'evaluated when the rollback starts (needs cluster/cloud access)',
      }
    : uncheckedHistoryGate();
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
        exitCodeDecides: true,
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
      command: read(
        'rollbook',
        'gates',
        '.',
        '--from',
        CURRENT,
        '--to',
        TARGET_REF,
        ...(service.deploy.selectedBy ? ['--workload', service.deploy.selectedBy] : []),
      ),
      expect:
        'every gate passes: the old app finds every table, column, type, enum value and message field it needs',
      exitCodeDecides: true,
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
  const commanded = service.migrations.find(
    (m) => m.selection !== 'one-of-several' && m.selection !== 'unbound',
  );
  if (refusing.length > 0) {
    const status = commanded ? migrationToolCommands(commanded).status : undefined;
    // read like the data step's check: the version parsed from the tool's output (exit 0 proves nothing)
    const version = versionCheck(commanded ? [commanded] : [], status);
    if (version.schemaVersion) inputs.add('TARGET_SCHEMA_VERSION');
    gates.push({
      id: GATE_IDS.schemaBeforeApp,
      title: 'The schema is back at the target version before the app rolls back',
      kind: 'migration',
      check: {
        ...version,
        expect: `the schema version equals the target release's newest migration and is not dirty (${version.schemaVersion ? `read from the output of ${version.schemaVersion.tool}` : 'read it in the output'}): the previous version migrates itself on the way up and refuses a newer database, so an app-only rollback crash-loops`,
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
        command: read('rollbook', 'migrations', 'status', '--database-url', DB),
        expect:
          'the migration history shows no dirty, failed or unfinished migration and no DDL is running (read-only session)',
        exitCodeDecides: true,
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
    title: 'No deploy is in progress (the rollout is complete or stalled)',
    kind: 'state',
    check:
      platform?.deployStateCheck?.(pctx) ??
      (platform
        ? {
            command: platform.status(pctx),
            expect:
              'the current rollout is finished or stalled, not progressing (a stalled rollout is the usual reason to roll back)',
            timeoutSeconds: 60,
            retries: 1,
          }
        : {
            expect: 'no deploy of this service is running',
            timeoutSeconds: 60,
            retries: 0,
            manual: true,
          }),
    blocking: true,
    status: 'unknown',
    ...(platform
      ? { reason: 'evaluated when the rollback starts' }
      : { reason: unchecked('no command reads whether a deploy is running'), prove: DECLARE_PLATFORM }),
  });

  if (ctx.touchesData) {
    const backup = designBackup(service);
    for (const name of backup.inputs) inputs.add(name);
    backup.stores.forEach((b, i) => {
      gates.push({
        id: i === 0 ? GATE_IDS.backup : `${GATE_IDS.backup}-${i + 1}`,
        title: `A backup of ${b.store} was taken in this run and reads back`,
        kind: 'backup',
        check: b.check,
        blocking: true,
        status: 'unknown',
        reason: 'taken by the backup step at rollback time, after the bad version wrote data',
      });
    });
    if (backup.stores.length === 0) {
      gates.push({
        id: GATE_IDS.backup,
        title: 'A backup of the data the rollback changes was taken in this run',
        kind: 'backup',
        check: {
          expect: `a backup of the data named in the hazard table (${ctx.dataReasons.join('; ')}) was taken during this incident`,
          timeoutSeconds: 1800,
          retries: 0,
          manual: true,
        },
        blocking: true,
        status: 'unknown',
        reason: 'rollbook knows no backup command for this data: the backup step says what to protect',
      });
    }
    // verified before a step that changes data: none in the runbook, no such gate
    if (hasDataStep(ctx)) gates.push(dataVerifiedGate(ctx));
  }
  return gates;
}
