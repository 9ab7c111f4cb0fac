/**
 * The backup, taken at rollback time with each store's own tool, and the check that it is fresh and
 * readable. Pure knowledge, no I/O: (service) → the backup step's commands and the backup gate's check.
 *
 * - PostgreSQL (the migration sets' database): `pg_dump --format=custom` into BACKUP_FILE, checked
 *   to be written during this run and non-empty, then read back with `pg_restore --list`, which must
 *   list the service's tables.
 * - DynamoDB (`dynamodb://TABLE` writes): an on-demand backup per table (`aws dynamodb create-backup`),
 *   its response saved to DYNAMODB_BACKUP_FILE; checked with `aws dynamodb list-backups` read by the
 *   dynamodb-backup probe: the backup of this run (by the ARN AWS returned) is AVAILABLE, and the file
 *   was written during this run. No clock is compared with AWS's (an older backup of the same name,
 *   or a skewed local clock, cannot pass).
 * - S3 (`s3://BUCKET` writes): versioning is the backup; checked Enabled with
 *   `aws s3api get-bucket-versioning` (s3-versioning probe; no output at all means never enabled).
 * - Redis (`redis://…` writes): `redis-cli BGSAVE`, checked with `INFO` (redis-bgsave probe: no save
 *   in progress, the last one ok and finished during this run, its age read on the server's clock).
 * - Anything else: a manual step that names what to back up.
 */
import type { Arg, Check, Command } from '../model/plan.js';
import type { Service, Workload, WorkloadState } from '../model/service.js';
import { contextFlag, flag, namespaceInput, namespaceOf } from '../platforms/common.js';
import { projectArgs } from '../platforms/compose.js';
import type { PlatformContext } from '../platforms/types.js';
import { dynamodbBackup as dynamodbBackupProbe, redisBgsave, s3Versioning } from '../probes/backup.js';
import { cmp } from '../util/order.js';
import { renderCommand } from '../util/shell.js';
import { selectWorkload } from './context.js';

const read = (...argv: Arg[]): Command => ({ argv, readOnly: true });
const manual = (text: string): Command => ({ argv: [], readOnly: false, manual: text });

export const BACKUP_FILE = { var: 'BACKUP_FILE' } as const;
const DB = { var: 'DATABASE_URL' } as const;
const REDIS = { var: 'REDIS_URL' } as const;
/** The logical dump of a data store the workload runs (pg_dumpall / mysqldump output), copied out of its container. */
export const DB_DUMP_FILE = { var: 'DB_DUMP_FILE' } as const;
/** The directory the named volumes' archives are copied into (VOLUME.tgz each). */
export const VOLUME_BACKUP_DIR = { var: 'VOLUME_BACKUP_DIR' } as const;
/** The pod of a database subchart (its name comes from the subchart's templates, not read here). */
const DB_POD = { var: 'DB_POD' } as const;

export interface StoreBackup {
  /** What is backed up, for titles and logs. */
  store: string;
  /** Commands that take the backup (manual when the store has no tool rollbook knows). */
  take: Command[];
  /** The check that it exists and reads back. */
  check: Check;
}

export interface BackupDesign {
  stores: StoreBackup[];
  /** Runtime inputs the commands use. */
  inputs: string[];
}

export function isPostgres(service: Service): boolean {
  return (
    service.migrations.length > 0 &&
    service.migrations.every((m) => /^(postgres|postgresql|pg)?$/i.test(m.database))
  );
}

function relName(node: unknown): string | undefined {
  const r = node as { relname?: unknown } | undefined;
  return typeof r?.relname === 'string' ? r.relname : undefined;
}

/**
 * The tables the rollback's migrations create or alter and leave behind (not dropped by a later
 * up): the tables the data step changes, which a dump of the database must list. (With a release
 * window the service's migrations are the crossed ones.)
 */
export function serviceTables(service: Service): string[] {
  const tables = new Set<string>();
  for (const set of service.migrations) {
    for (const m of set.migrations) {
      for (const st of m.up?.statements ?? []) {
        if (st.embedded) continue;
        const ast = st.ast as Record<string, unknown> | undefined;
        const create = ast?.CreateStmt as { relation?: unknown } | undefined;
        const alter = ast?.AlterTableStmt as { relation?: unknown; objtype?: string } | undefined;
        const name =
          relName(create?.relation) ??
          (alter?.objtype === 'OBJECT_TABLE' ? relName(alter.relation) : undefined);
        if (name) tables.add(name);
        const drop = ast?.DropStmt as { removeType?: string; objects?: unknown[] } | undefined;
        if (drop?.removeType === 'OBJECT_TABLE') {
          for (const o of drop.objects ?? []) {
            const items = (o as { List?: { items?: { String?: { sval?: string } }[] } }).List?.items ?? [];
            const last = items[items.length - 1]?.String?.sval;
            if (last) tables.delete(last);
          }
        }
      }
    }
  }
  return [...tables].sort(cmp);
}

/** An ERE for the `pg_restore --list` line of a table: `215; 1259 16386 TABLE public orders owner`. */
const ere = (t: string) => t.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
const tableLine = (t: string) => `^[0-9]+; [0-9]+ [0-9]+ TABLE [^ ]+ ${ere(t)}( |$)`;

function postgresBackup(service: Service): StoreBackup {
  const tables = serviceTables(service);
  const check: Check = {
    command: read('pg_restore', '--list', BACKUP_FILE),
    expect: `the dump was written during this run, is not empty, and its table of contents lists the service's tables${tables.length ? ` (${tables.join(', ')})` : ''}`,
    freshFile: BACKUP_FILE,
    timeoutSeconds: 120,
    retries: 0,
  };
  check.expectLines = tables.length > 0 ? tables.map(tableLine) : ['^[0-9]+; [0-9]+ [0-9]+ TABLE '];
  return {
    store: 'the PostgreSQL database (DATABASE_URL)',
    take: [
      {
        // libpq reads the password from PGPASSWORD, which the runbook sets from the secret input.
        argv: ['pg_dump', '--format=custom', '--no-owner', '--file', BACKUP_FILE, '--dbname', DB],
        readOnly: true,
      },
    ],
    check,
  };
}

function storeName(store: string, scheme: string): string {
  return store.slice(scheme.length).split('/')[0] as string;
}

/** The file the create-backup responses of this run are saved to: the ARNs the check looks for. */
export const DYNAMODB_BACKUP_FILE = { var: 'DYNAMODB_BACKUP_FILE' } as const;
/** A DynamoDB table name (API_CreateTable: 3-255 of [a-zA-Z0-9_.-]): never read as an option. */
const DYNAMODB_TABLE = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]{2,254}$/;

/**
 * DynamoDB tables: one on-demand backup each (`create-backup`), whose responses (BackupDetails with the
 * BackupArn AWS issued) are saved to DYNAMODB_BACKUP_FILE; the check reads that file, written during
 * this run, and each table's list-backups: the dynamodb-backup probe finds this run's backups by ARN,
 * so no clock is compared (the local clock against AWS's was). Constant `sh -c` scripts: the file and
 * the tables are arguments, never parts of the script.
 */
function dynamodbBackup(tables: string[]): StoreBackup {
  return {
    store: `DynamoDB table${tables.length === 1 ? '' : 's'} ${tables.join(', ')}`,
    take: [
      {
        argv: [
          'sh',
          '-c',
          'set -e; out="$1"; shift; : > "$out"; for t in "$@"; do aws dynamodb create-backup --table-name "$t" --backup-name "$t-before-rollback" --output json >> "$out"; done',
          'sh',
          DYNAMODB_BACKUP_FILE,
          ...tables,
        ],
        readOnly: true,
      },
    ],
    check: {
      command: read(
        'sh',
        '-c',
        'set -e; cat -- "$1"; shift; for t in "$@"; do aws dynamodb list-backups --table-name "$t" --backup-type USER --output json; done',
        'sh',
        DYNAMODB_BACKUP_FILE,
        ...tables,
      ),
      expect: `the on-demand backup this run created of ${tables.join(', ')} (named TABLE-before-rollback; its ARN saved in DYNAMODB_BACKUP_FILE, written during this run) is AVAILABLE (CREATING: wait)`,
      freshFile: DYNAMODB_BACKUP_FILE,
      probe: { id: dynamodbBackupProbe.id, want: tables.join(',') },
      timeoutSeconds: 60,
      retries: 12,
    },
  };
}

function writeBackup(store: string): StoreBackup | undefined {
  const s = store.trim();
  if (/^s3:\/\//i.test(s)) {
    const bucket = storeName(s, 's3://');
    return {
      store: `S3 bucket ${bucket}`,
      take: [
        manual(
          `S3 bucket ${bucket}: objects are protected by versioning only; nothing to run if the check shows it Enabled.`,
        ),
      ],
      check: {
        command: read('aws', 's3api', 'get-bucket-versioning', `--bucket=${bucket}`),
        expect: `versioning is Enabled on ${bucket}, so overwritten and deleted objects can be restored`,
        probe: { id: s3Versioning.id },
        timeoutSeconds: 30,
        retries: 1,
      },
    };
  }
  if (/^rediss?:\/\//i.test(s) || /^redis$/i.test(s)) {
    return {
      store: `Redis ${s}`,
      take: [{ argv: ['redis-cli', '-u', REDIS, 'BGSAVE'], readOnly: true }],
      check: {
        // INFO's default sections: persistence (the save) and server (server_time_usec, the server's
        // clock), so the save's age is read on the server's own clock, not compared with this machine's
        command: read('redis-cli', '-u', REDIS, 'INFO'),
        expect:
          "the background save finished during this run and succeeded (rdb_bgsave_in_progress:0, rdb_last_bgsave_status:ok, and server_time_usec - rdb_last_save_time, both the server's clock, within the run's elapsed time)",
        probe: { id: redisBgsave.id, since: true },
        timeoutSeconds: 30,
        retries: 60,
      },
    };
  }
  return undefined;
}

/** A Kubernetes object name (RFC 1123 subdomain): starts and ends alphanumeric, so never an option. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** A compose service or volume name as compose accepts it: starts alphanumeric, so never an option. */
const COMPOSE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Where the dump is written inside the container before it is copied out (a constant: nothing of the user's). */
const IN_CONTAINER_DUMP = '/tmp/rollbook-dumpall.sql';

/** `VAR_FILE`'s contents when it names a readable file (`$(cat)` drops trailing newlines, as the images' own entrypoints do). */
const FROM_FILE = 'if [ -n "$f" ] && [ -r "$f" ]; then pw="$(cat -- "$f")"; fi';

/**
 * The MySQL/MariaDB root account and its password as the images take them, read inside the container:
 * - official mysql / mariadb images: MYSQL_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD (mariadb's own name),
 *   or the file a *_FILE variable names (docker-library docker-entrypoint.sh `file_env`);
 * - bitnami mysql / mariadb charts (bitnami/charts bitnami/{mysql,mariadb}/templates/primary/statefulset.yaml):
 *   MYSQL_ROOT_PASSWORD / MARIADB_ROOT_PASSWORD from the release's secret, or with `auth.usePasswordFiles`
 *   MYSQL_ROOT_PASSWORD_FILE / MARIADB_ROOT_PASSWORD_FILE (the file wins when it exists, as in the charts'
 *   own probes: `password_aux=$(cat "$MYSQL_ROOT_PASSWORD_FILE")`, then `mysqladmin -uroot`); the bitnami
 *   images name the account MYSQL_ROOT_USER / MARIADB_ROOT_USER (default root; bitnami/containers README).
 * The entrypoint reads a *_FILE for its own process only, so `exec` reads the file itself. The password
 * reaches the dump tool as MYSQL_PWD in that one process's environment, never as --password on a
 * command line (ps, shell history, logs), and is never printed.
 */
const MYSQL_CREDENTIALS = [
  `pw="\${MARIADB_ROOT_PASSWORD:-\${MYSQL_ROOT_PASSWORD:-}}"`,
  `f="\${MARIADB_ROOT_PASSWORD_FILE:-\${MYSQL_ROOT_PASSWORD_FILE:-}}"`,
  FROM_FILE,
  `u="\${MARIADB_ROOT_USER:-\${MYSQL_ROOT_USER:-root}}"`,
].join('; ');

/**
 * The PostgreSQL superuser and its password, read inside the container:
 * - official postgres image: POSTGRES_USER (default postgres) is the superuser, POSTGRES_PASSWORD or
 *   POSTGRES_PASSWORD_FILE its password; local socket connections are trusted, so the password is
 *   only passed along (docker-library/postgres docker-entrypoint.sh).
 * - bitnami images (BITNAMI_APP_NAME=postgresql…, bitnami/containers bitnami/postgresql Dockerfile): the
 *   superuser is always `postgres`; local connections need its password once one is set (libpostgresql.sh
 *   `postgresql_restrict_pghba`: trust → md5). POSTGRES_* names are aliases of POSTGRESQL_* (README).
 *   With no custom user (the chart's `auth.username` empty), POSTGRESQL_PASSWORD / POSTGRES_PASSWORD
 *   (or *_FILE) is postgres's password; with one, that is the custom user's (not a superuser) and
 *   postgres's is POSTGRESQL_POSTGRES_PASSWORD / POSTGRES_POSTGRES_PASSWORD (or *_FILE), set by the chart
 *   only with `auth.enablePostgresUser` (bitnami/charts bitnami/postgresql/templates/primary/statefulset.yaml).
 *   Without it postgres has no password: said on stderr (no secret), and pg_dumpall is refused.
 */
const POSTGRES_CREDENTIALS = [
  `case "\${BITNAMI_APP_NAME:-}" in postgresql*) u=postgres; if [ "\${POSTGRESQL_USERNAME:-\${POSTGRES_USER:-postgres}}" = postgres ]; then pw="\${POSTGRESQL_PASSWORD:-\${POSTGRES_PASSWORD:-}}"; f="\${POSTGRESQL_PASSWORD_FILE:-\${POSTGRES_PASSWORD_FILE:-}}"; else pw="\${POSTGRESQL_POSTGRES_PASSWORD:-\${POSTGRES_POSTGRES_PASSWORD:-}}"; f="\${POSTGRESQL_POSTGRES_PASSWORD_FILE:-\${POSTGRES_POSTGRES_PASSWORD_FILE:-}}"; fi ;; *) u="\${POSTGRES_USER:-postgres}"; pw="\${POSTGRES_PASSWORD:-}"; f="\${POSTGRES_PASSWORD_FILE:-}" ;; esac`,
  FROM_FILE,
  `if [ -z "$pw" ] && [ -n "\${BITNAMI_APP_NAME:-}" ]; then echo "rollbook: no password for the postgres superuser in this container (bitnami chart: auth.enablePostgresUser off?)" >&2; fi`,
].join('; ');

/**
 * Redis's password as the images take it: bitnami's REDIS_PASSWORD, or with `auth.usePasswordFiles`
 * REDIS_PASSWORD_FILE (bitnami/charts bitnami/redis/templates/master/application.yaml); the official
 * image has none of its own (a `--requirepass "$REDIS_PASSWORD"` command line is the usual way).
 * redis-cli reads it from REDISCLI_AUTH (exported only when set: an empty one would send AUTH ""),
 * never from -a on a command line. TLS as bitnami configures it (REDIS_TLS_ENABLED, REDIS_TLS_PORT,
 * REDIS_TLS_*_FILE), else REDIS_PORT, else 6379.
 */
const REDIS_CONNECTION = [
  `pw="\${REDIS_PASSWORD:-}"`,
  `f="\${REDIS_PASSWORD_FILE:-}"`,
  FROM_FILE,
  'if [ -n "$pw" ]; then REDISCLI_AUTH="$pw"; export REDISCLI_AUTH; fi',
  `set -- -p "\${REDIS_PORT:-6379}"`,
  `case "\${REDIS_TLS_ENABLED:-no}" in yes|true) set -- -p "\${REDIS_TLS_PORT:-\${REDIS_PORT:-6379}}" --tls --cacert "\${REDIS_TLS_CA_FILE:-}" --cert "\${REDIS_TLS_CERT_FILE:-}" --key "\${REDIS_TLS_KEY_FILE:-}" ;; esac`,
].join('; ');

/**
 * MongoDB's root account as the images take it: bitnami's MONGODB_ROOT_USER (default root) and
 * MONGODB_ROOT_PASSWORD, or MONGODB_ROOT_PASSWORD_FILE with `auth.usePasswordFiles` (bitnami/charts
 * bitnami/mongodb); the official image's MONGO_INITDB_ROOT_USERNAME / MONGO_INITDB_ROOT_PASSWORD(_FILE).
 * mongodump gets the password from a YAML file only the dump can read (`--config`, umask 077, removed
 * afterwards), never from --password or a URI on a command line; without a password it runs without
 * authentication (an image started with none).
 */
const MONGO_CREDENTIALS = [
  `pw="\${MONGODB_ROOT_PASSWORD:-\${MONGO_INITDB_ROOT_PASSWORD:-}}"`,
  `f="\${MONGODB_ROOT_PASSWORD_FILE:-\${MONGO_INITDB_ROOT_PASSWORD_FILE:-}}"`,
  FROM_FILE,
  `u="\${MONGODB_ROOT_USER:-\${MONGO_INITDB_ROOT_USERNAME:-root}}"`,
].join('; ');

/** A logical dump taken inside the store's container: the script, the file it writes there, and the check of the copy. */
interface Dump {
  tool: string;
  script: string;
  /** The file the script writes inside the container (a constant). */
  file: string;
  check: (what: string) => Check;
}

/** Where each dump is written inside the container before it is copied out (constants: nothing of the user's). */
const IN_CONTAINER_RDB = '/tmp/rollbook-dump.rdb';
const IN_CONTAINER_ARCHIVE = '/tmp/rollbook-dump.archive.gz';
const MONGO_CONFIG = '/tmp/rollbook-mongodump.yaml';

/** Dumps of relational stores first: a workload holding several gets the first one. */
const DUMP_ORDER = ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis'];
const dumpRank = (engine: string | undefined) => {
  const i = DUMP_ORDER.indexOf(engine ?? '');
  return i < 0 ? DUMP_ORDER.length : i;
};

/**
 * The dump command run inside the store's own container, as a constant `sh -c` script (only the
 * image's own environment is expanded there, never a name from the repository), as the superuser
 * (see the credentials above). MariaDB 11 images ship mariadb-dump without the mysqldump name: the
 * first one present runs. Redis: `redis-cli --rdb` (a replica's full sync: the server's RDB snapshot,
 * streamed to a file); its copy must start with the RDB signature. MongoDB: `mongodump --archive --gzip`;
 * its copy must pass gzip's integrity test and start with the archive's magic number.
 */
function dumpScript(engine: string): Dump | undefined {
  if (engine === 'postgres')
    return {
      tool: 'pg_dumpall',
      script: `${POSTGRES_CREDENTIALS}; PGPASSWORD="$pw" pg_dumpall --username="$u" --file=${IN_CONTAINER_DUMP}`,
      file: IN_CONTAINER_DUMP,
      check: (what) => dumpCheck(what, 'PostgreSQL database cluster dump complete'),
    };
  if (engine === 'mysql' || engine === 'mariadb')
    return {
      tool: engine === 'mariadb' ? 'mariadb-dump' : 'mysqldump',
      script: `${MYSQL_CREDENTIALS}; dump="$(command -v mariadb-dump || command -v mysqldump)" || { echo "rollbook: no mariadb-dump or mysqldump in this container" >&2; exit 127; }; MYSQL_PWD="$pw" "$dump" --all-databases --single-transaction --user="$u" --result-file=${IN_CONTAINER_DUMP}`,
      file: IN_CONTAINER_DUMP,
      check: (what) => dumpCheck(what, 'Dump completed'),
    };
  if (engine === 'redis')
    return {
      tool: 'redis-cli --rdb',
      script: `${REDIS_CONNECTION}; rm -f ${IN_CONTAINER_RDB}; redis-cli "$@" --rdb ${IN_CONTAINER_RDB}`,
      file: IN_CONTAINER_RDB,
      check: (what) => ({
        command: read('head', '-c', '5', DB_DUMP_FILE),
        expect: `the RDB snapshot of ${what} was written during this run, is not empty, and starts with the RDB signature "REDIS"`,
        freshFile: DB_DUMP_FILE,
        expectLines: ['^REDIS$'],
        timeoutSeconds: 30,
        retries: 0,
      }),
    };
  if (engine === 'mongodb')
    return {
      tool: 'mongodump',
      script: `${MONGO_CREDENTIALS}; command -v mongodump >/dev/null || { echo "rollbook: no mongodump in this container" >&2; exit 127; }; umask 077; rm -f ${MONGO_CONFIG} ${IN_CONTAINER_ARCHIVE}; set --; if [ -n "$pw" ]; then printf "password: '%s'\\n" "$(printf '%s' "$pw" | sed "s/'/''/g")" > ${MONGO_CONFIG}; set -- --username="$u" --authenticationDatabase=admin --config=${MONGO_CONFIG}; fi; mongodump "$@" --archive=${IN_CONTAINER_ARCHIVE} --gzip; s=$?; rm -f ${MONGO_CONFIG}; exit "$s"`,
      file: IN_CONTAINER_ARCHIVE,
      check: (what) => ({
        // the whole gzip stream tested, then the archive's magic number (0x8199e26d, little-endian)
        command: read(
          'sh',
          '-c',
          'gzip -t -- "$1" && gzip -dc -- "$1" | od -An -tx1 -N4',
          'sh',
          DB_DUMP_FILE,
        ),
        expect: `the mongodump archive of ${what} was written during this run, is not empty, decompresses whole (gzip -t) and starts with the archive magic number 6d e2 99 81`,
        freshFile: DB_DUMP_FILE,
        expectLines: ['^ *6d e2 99 81 *$'],
        timeoutSeconds: 120,
        retries: 0,
      }),
    };
  return undefined;
}

/** kubectl's output into `file`: a constant sh -c script redirects, every name is an argument. */
function kubectlInto(file: Arg, args: Arg[]): Command {
  return {
    argv: ['sh', '-c', 'out="$1"; shift; kubectl "$@" > "$out"', 'sh', file, ...args],
    readOnly: true,
  };
}

function dumpCheck(what: string, complete: string): Check {
  return {
    command: read('grep', '-c', '--', complete, DB_DUMP_FILE),
    expect: `the dump of ${what} was written during this run, is not empty, and ends with "${complete}" (the tool finished)`,
    freshFile: DB_DUMP_FILE,
    expectLines: ['^[1-9][0-9]*$'],
    timeoutSeconds: 30,
    retries: 0,
  };
}

/**
 * The kubectl flags every kubectl command of the plan carries: --context=NAME, and -n NS when known
 * (a Helm release or an Argo Rollout of unknown namespace: the HELM_NAMESPACE / ROLLOUT_NAMESPACE
 * input its own commands use).
 */
function kubeFlags(ctx: PlatformContext, platform: string | undefined): Arg[] {
  const ns = namespaceOf(ctx);
  const v = namespaceInput(platform);
  return [...contextFlag(ctx, '--context'), ...(ns === undefined && v ? ['-n', { var: v }] : flag('-n', ns))];
}

function kubeWhere(ctx: PlatformContext, platform: string | undefined): string {
  const ns = namespaceOf(ctx);
  const v = namespaceInput(platform);
  return ns
    ? ` in namespace ${ns}`
    : v
      ? ` in the ${platform === 'helm' ? "release's" : "Rollout's"} namespace (${v})`
      : ' (namespace: the one kubectl uses, none is declared)';
}

/**
 * A data store of the workload the guided backup does not dump: the step writes one dump file (the
 * first store, relational first), and a store rollbook has no dump command for (kafka, rabbitmq,
 * elasticsearch…) gets none. Each is named as a manual step with what would protect it, so no store
 * holding data is left out of the backup silently.
 */
function otherStore(
  s: WorkloadState,
  owner: string,
  where: string,
  dump: Dump | undefined,
  first: string | undefined,
  unless = '',
): StoreBackup {
  const what = `the ${s.engine ?? 'data store'} of ${owner}${where}`;
  const how = dump
    ? `the guided step dumps one store per run${first ? ` (${first})` : ''}: dump this one too with ${dump.tool} in its container, to a second file (not DB_DUMP_FILE), the way the step above does`
    : `rollbook has no dump command for ${s.engine ?? 'this store'}: use its own backup tool, or snapshot its PersistentVolumeClaims (a VolumeSnapshot per claim)`;
  return {
    store: what,
    take: [manual(`Also back up ${what}${s.at ? ` (${s.at.file}:${s.at.line})` : ''}${unless}: ${how}.`)],
    check: {
      expect: `a backup of ${what} taken during this incident exists and is not empty`,
      timeoutSeconds: 1800,
      retries: 0,
      manual: true,
    },
  };
}

/** Kubernetes: a logical dump through the pod, or a snapshot of each PVC the workload claims. */
function kubernetesState(
  ctx: PlatformContext,
  platform: string | undefined,
  w: Workload,
  state: WorkloadState[],
): StoreBackup[] {
  const out: StoreBackup[] = [];
  const kube = kubeFlags(ctx, platform);
  const where = kubeWhere(ctx, platform);
  const sts = w.kind === 'StatefulSet';
  const replicas = Math.max(1, w.settings.replicas?.value ?? 1);
  let dumped: string | undefined;
  // [the store, whether rollbook has a dump command for it]
  const others: [StoreBackup, boolean][] = [];
  for (const s of [...state].sort((a, b) => dumpRank(a.engine) - dumpRank(b.engine))) {
    const dump = s.engine ? dumpScript(s.engine) : undefined;
    // a pod name in exec/cp is positional: only a valid Kubernetes name (never one read as an option)
    const own = s.kind === 'data-image' && sts && DNS_LABEL.test(w.name);
    const sub = s.kind === 'data-subchart';
    if (!own && !sub) continue;
    if (!dump || dumped) {
      // the guided step writes one dump file: every other store is named, never dropped
      others.push([
        otherStore(s, own ? `StatefulSet ${w.name}` : `subchart ${s.name}`, where, dump, dumped),
        !!dump,
      ]);
      continue;
    }
    // the subchart's pod as the subchart names it (cited), else the DB_POD input with the reason
    const named = sub && s.pod && 'name' in s.pod && DNS_LABEL.test(s.pod.name) ? s.pod : undefined;
    const deployment = named?.deployment === true;
    const pod = own ? `${w.name}-0` : deployment ? undefined : named?.name;
    const target = pod ? `pod/${pod}` : deployment && named ? `deploy/${named.name}` : DB_POD;
    const what = own
      ? `${s.engine} in pod ${w.name}-0 of StatefulSet ${w.name}${where}`
      : named
        ? `the ${s.engine} of subchart ${s.name} in ${deployment ? `Deployment ${named.name}` : `pod ${named.name}`}${where}`
        : `the ${s.engine} of subchart ${s.name} (pod DB_POD)${where}`;
    const cite = named ? ` (${named.how}: ${named.at.map((e) => `${e.file}:${e.line}`).join(', ')})` : '';
    const unnamed = sub && s.pod && 'reason' in s.pod ? s.pod.reason : undefined;
    out.push({
      store: what,
      take: [
        ...(named
          ? [
              manual(
                deployment
                  ? `Deployment ${named.name}${cite}; kubectl exec picks one of its pods (one replica: the database).`
                  : `Pod ${named.name}${cite}; check it is the primary before dumping: kubectl get pod ${named.name}.`,
              ),
            ]
          : []),
        { argv: ['kubectl', ...kube, 'exec', target, '--', 'sh', '-c', dump.script], readOnly: true },
        pod
          ? { argv: ['kubectl', ...kube, 'cp', `${pod}:${dump.file}`, DB_DUMP_FILE], readOnly: true }
          : deployment
            ? // kubectl cp needs a pod name: the file is streamed out through exec into DB_DUMP_FILE
              kubectlInto(DB_DUMP_FILE, [...kube, 'exec', target, '--', 'cat', dump.file])
            : manual(
                `Copy the dump out of the pod: ${renderCommand({ argv: ['kubectl', ...kube], readOnly: true })} cp "\${DB_POD}:${dump.file}" "\${DB_DUMP_FILE}"${unnamed ? ` (DB_POD is an input: ${unnamed})` : ''}`,
              ),
      ],
      check: dump.check(what),
    });
    dumped = what;
  }
  let snapshot = false;
  if (!dumped) {
    const pvcs = state.flatMap((s) =>
      s.kind === 'volume-claim-template'
        ? sts
          ? Array.from({ length: replicas }, (_, i) => `${s.name}-${w.name}-${i}`)
          : [s.name]
        : s.kind === 'persistent-volume-claim'
          ? [s.name]
          : [],
    );
    if (pvcs.length > 0) {
      snapshot = true;
      const names = pvcs.join(', ');
      out.push({
        store: `PersistentVolumeClaim${pvcs.length === 1 ? '' : 's'} ${names}${where}`,
        take: [
          manual(
            `Snapshot PersistentVolumeClaim${pvcs.length === 1 ? '' : 's'} ${names}${where}: a VolumeSnapshot per claim (spec.source.persistentVolumeClaimName, a VolumeSnapshotClass of the cluster's CSI driver) or the storage provider's disk snapshot; wait until readyToUse is true.`,
          ),
        ],
        check: {
          expect: `a snapshot of each of ${names} taken during this incident is ready to use (kubectl get volumesnapshot${namespaceOf(ctx) ? ` -n ${namespaceOf(ctx)}` : ''}: READYTOUSE true)`,
          timeoutSeconds: 1800,
          retries: 0,
          manual: true,
        },
      });
    }
  }
  // a store with no dump command is protected by the claims' snapshot when there is one
  out.splice(dumped ? 1 : 0, 0, ...others.filter(([, canDump]) => canDump || !snapshot).map(([b]) => b));
  return out;
}

/** docker compose: a tar of each named volume, and a logical dump through a database service's container. */
function composeState(w: Workload): StoreBackup[] {
  const f = w.compose;
  if (!f) return [];
  const out: StoreBackup[] = [];
  const files = projectArgs(f);
  const dbs = [...f.services, ...f.others]
    .filter((s) => s.engine && dumpScript(s.engine) && COMPOSE_NAME.test(s.name))
    .sort((a, b) => dumpRank(a.engine) - dumpRank(b.engine));
  const db = dbs[0];
  if (db?.engine) {
    const dump = dumpScript(db.engine) as NonNullable<ReturnType<typeof dumpScript>>;
    const what = `${db.engine} of compose service ${db.name} (${dump.tool})`;
    out.push({
      store: what,
      take: [
        {
          argv: ['docker', 'compose', ...files, 'exec', '-T', db.name, 'sh', '-c', dump.script],
          readOnly: true,
        },
        {
          argv: ['docker', 'compose', ...files, 'cp', `${db.name}:${dump.file}`, DB_DUMP_FILE],
          readOnly: true,
        },
      ],
      check: dump.check(what),
    });
  }
  // every other database service: one dump file per run, or no dump command for its engine
  const first = db?.engine ? `${db.engine} of compose service ${db.name}` : undefined;
  for (const o of [...f.services, ...f.others]
    .filter((s) => s.engine && s !== db)
    .sort((a, b) => cmp(a.name, b.name)))
    out.push(
      otherStore(
        { kind: 'data-image', name: o.name, engine: o.engine },
        `compose service ${o.name}`,
        '',
        o.engine ? dumpScript(o.engine) : undefined,
        first,
        // compose does not say whether a cache keeps its data: the person on call knows
        o.engine === 'redis'
          ? ' if it keeps data the service needs (a volume, appendonly or save; a pure cache needs none)'
          : '',
      ),
    );
  const mounted = new Set((w.state ?? []).filter((s) => s.kind === 'named-volume').map((s) => s.name));
  // the volume's name on the host, as discovery read it (`name:`, `external`, or `<project>_<key>`)
  const volumes = f.volumes
    .filter((v) => COMPOSE_NAME.test(v.name) && v.dockerName !== undefined && COMPOSE_NAME.test(v.dockerName))
    .filter((v) => mounted.has(v.name))
    .map((v) => ({ v: v.name, real: v.dockerName as string }))
    .sort((a, b) => cmp(a.v, b.v));
  for (const { v, real } of volumes) {
    const box = `rollbook-backup-${real}`;
    out.push({
      store: `named volume ${v} (docker volume ${real})`,
      take: [
        // the volume must exist: `docker run --volume` would create an empty one and archive nothing
        read('docker', 'volume', 'inspect', '--format', '{{.Name}}', '--', real),
        {
          argv: [
            'docker',
            'run',
            '--name',
            box,
            '--volume',
            `${real}:/v:ro`,
            'alpine',
            'tar',
            'czf',
            `/${v}.tgz`,
            '-C',
            '/v',
            '.',
          ],
          readOnly: true,
        },
        { argv: ['docker', 'cp', `${box}:/${v}.tgz`, VOLUME_BACKUP_DIR], readOnly: true },
        { argv: ['docker', 'rm', '--', box], readOnly: false },
      ],
      check: {
        command: read(
          'find',
          VOLUME_BACKUP_DIR,
          '-maxdepth',
          '1',
          '-name',
          `${v}.tgz`,
          '-size',
          '+0',
          '-mmin',
          '-120',
        ),
        expect: `${v}.tgz is in VOLUME_BACKUP_DIR, not empty, and written in the last two hours (this incident)`,
        expectLines: [`/${ere(v)}\\.tgz$`],
        timeoutSeconds: 30,
        retries: 0,
      },
    });
  }
  return out;
}

/** The file the custom resources of a chart's templated CRDs are saved to (kubectl get -o yaml). */
export const CR_BACKUP_FILE = { var: 'CR_BACKUP_FILE' } as const;

/**
 * What a Helm chart changes besides the workload: the objects of CRDs shipped in templates/ (a rollback
 * can delete the CRD with all of them: saved with kubectl get -o yaml, a List that kubectl apply -f
 * restores), and the database a migration hook migrates (unknown to rollbook unless state.migrations
 * names it: a manual backup naming the hook and what would let rollbook write the command).
 */
function chartState(
  service: Service,
  ctx: PlatformContext,
  platform: string | undefined,
  w: Workload,
): StoreBackup[] {
  const out: StoreBackup[] = [];
  const crds = [
    ...new Set((w.crds ?? []).filter((c) => c.inTemplates && DNS_LABEL.test(c.name)).map((c) => c.name)),
  ].sort(cmp);
  if (crds.length > 0) {
    const names = crds.join(', ');
    const what = `the custom resources of ${crds.length === 1 ? 'CRD' : 'CRDs'} ${names} (all namespaces)`;
    out.push({
      store: what,
      take: [
        // kubectl get has no output-file flag
        kubectlInto(CR_BACKUP_FILE, [
          ...contextFlag(ctx, '--context'),
          'get',
          crds.join(','),
          '--all-namespaces',
          '-o',
          'yaml',
        ]),
      ],
      check: {
        command: read('grep', '-c', '-x', '--', 'kind: List', CR_BACKUP_FILE),
        expect: `the saved list of ${what} was written during this run and is a complete kubectl List (kubectl apply -f restores it)`,
        freshFile: CR_BACKUP_FILE,
        expectLines: ['^[1-9][0-9]*$'],
        timeoutSeconds: 30,
        retries: 0,
      },
    });
  }
  const migrators = (w.hooks ?? []).filter((h) => h.runsMigration);
  if (migrators.length > 0 && service.migrations.length === 0) {
    const hooks = migrators
      .map((h) => `${h.kind} ${h.name}${h.at ? ` (${h.at.file}:${h.at.line})` : ''}`)
      .join(', ');
    out.push({
      store: `the database ${migrators.map((h) => h.name).join(', ')} migrate${migrators.length === 1 ? 's' : ''}`,
      take: [
        manual(
          `Back up the database that ${hooks} migrate${migrators.length === 1 ? 's' : ''} (a Helm hook of release ${w.helm?.release ?? w.name}${kubeWhere(ctx, platform)}): rollbook cannot name it (no DATABASE_URL, no state.migrations in rollbook.yaml), so take a snapshot or dump with the database's own tool now and note where it is. Declaring state.migrations (tool, path, database) lets rollbook write this command.`,
        ),
      ],
      check: {
        expect: `a backup of the database ${migrators.map((h) => h.name).join(', ')} migrate${migrators.length === 1 ? 's' : ''}, taken during this incident, exists and its restore listing shows the service's tables`,
        timeoutSeconds: 1800,
        retries: 0,
        manual: true,
      },
    });
  }
  return out;
}

/** What the workload itself holds (rule stateful-data), backed up with the platform's own tools. */
export function workloadStateBackups(service: Service): StoreBackup[] {
  const w = selectWorkload(service);
  if (!w) return [];
  const platform = service.deploy.platform ?? w.platform;
  if (platform === 'compose') return w.state?.length ? composeState(w) : [];
  if (['kubernetes', 'helm', 'argocd', 'flux', 'argo-rollouts'].includes(platform ?? '')) {
    const ctx = { service, workload: w };
    return [
      ...(w.state?.length ? kubernetesState(ctx, platform, w, w.state) : []),
      ...chartState(service, ctx, platform, w),
    ];
  }
  return [];
}

/** Every store the rollback may change, with how to back it up. */
export function designBackup(service: Service): BackupDesign {
  const stores: StoreBackup[] = [];
  const inputs = new Set<string>();
  // a set bound to no workload: which database runs it is unknown, so no command backs it up
  const unbound = service.migrations.filter((m) => m.selection === 'unbound');
  const own = unbound.length
    ? { ...service, migrations: service.migrations.filter((m) => m.selection !== 'unbound') }
    : service;
  if (isPostgres(own)) {
    stores.push(postgresBackup(own));
    inputs.add('DATABASE_URL').add('BACKUP_FILE');
  } else if (own.migrations.length > 0) {
    const dbs = [...new Set(own.migrations.map((m) => m.database || 'the database'))].join(', ');
    stores.push({
      store: dbs,
      take: [
        manual(
          `Back up ${dbs} (the migrations' database) with its own tool (a snapshot or dump) now, after the incident began.`,
        ),
      ],
      check: {
        expect: `a backup of ${dbs} was taken during this incident and its restore listing shows the service's tables`,
        timeoutSeconds: 1800,
        retries: 0,
        manual: true,
      },
    });
  }
  if (unbound.length) {
    const sets = unbound.map((m) => `${m.path || '.'} (${m.tool})`).join(', ');
    stores.push({
      store: `the database migration set ${sets} runs against`,
      take: [
        manual(
          `${sets}: bound to no workload, so rollbook does not know its database. If it is this service's, back that database up with its own tool (a snapshot or dump) now, before any step touches it; if it is not, write down whose it is.`,
        ),
      ],
      check: {
        expect: `the database ${sets} runs against is named, and if it is this service's, a backup of it was taken during this incident`,
        timeoutSeconds: 1800,
        retries: 0,
        manual: true,
      },
    });
  }
  const seen = new Set<string>();
  // every DynamoDB table in one step (one file of create-backup responses), where the first one is written
  const dynamo = service.writes.filter((w) => !w.external && /^dynamodb:\/\//i.test(w.store.trim()));
  const tables = [...new Set(dynamo.map((w) => storeName(w.store.trim(), 'dynamodb://')))].filter((t) =>
    DYNAMODB_TABLE.test(t),
  );
  for (const w of service.writes) {
    if (w.external || seen.has(w.store)) continue;
    seen.add(w.store);
    const table = dynamo.includes(w) ? storeName(w.store.trim(), 'dynamodb://') : undefined;
    if (table !== undefined && tables.includes(table)) {
      if (table !== tables[0]) continue;
      stores.push(dynamodbBackup(tables));
      inputs.add(DYNAMODB_BACKUP_FILE.var);
      continue;
    }
    const b = table === undefined ? writeBackup(w.store) : undefined;
    if (b) {
      stores.push(b);
      if (/^rediss?:|^redis$/i.test(w.store.trim())) inputs.add('REDIS_URL');
    } else if (w.dualWrite || table !== undefined) {
      stores.push({
        store: w.store,
        take: [
          manual(
            `Back up ${w.store}${w.description ? ` (${w.description})` : ''}: rollbook has no command for this store.`,
          ),
        ],
        check: {
          expect: `a backup or snapshot of ${w.store} taken during this incident exists`,
          timeoutSeconds: 1800,
          retries: 0,
          manual: true,
        },
      });
    }
  }
  for (const b of workloadStateBackups(service)) {
    stores.push(b);
    for (const c of [...b.take, ...(b.check.command ? [b.check.command] : [])])
      for (const a of c.argv) if (typeof a !== 'string') inputs.add(a.var);
  }
  return { stores, inputs: [...inputs].sort(cmp) };
}
