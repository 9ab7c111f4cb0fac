/**
 * The backup, taken at rollback time with each store's own tool, and the check that it is fresh and
 * readable. Pure knowledge, no I/O: (service) → the backup step's commands and the backup gate's check.
 *
 * - PostgreSQL (the migration sets' database): `pg_dump --format=custom` into BACKUP_FILE, checked
 *   to be written during this run and non-empty, then read back with `pg_restore --list`, which must
 *   list the service's tables.
 * - DynamoDB (`dynamodb://TABLE` writes): an on-demand backup (`aws dynamodb create-backup`), checked
 *   with `aws dynamodb list-backups` read by the dynamodb-backup probe: the named backup, created during
 *   this run, is AVAILABLE (an older backup of the same name does not count).
 * - S3 (`s3://BUCKET` writes): versioning is the backup; checked Enabled with
 *   `aws s3api get-bucket-versioning` (s3-versioning probe; no output at all means never enabled).
 * - Redis (`redis://…` writes): `redis-cli BGSAVE`, checked with `INFO persistence` (redis-bgsave probe:
 *   no save in progress, the last one ok and finished during this run).
 * - Anything else: a manual step that names what to back up.
 */
import type { Arg, Check, Command } from '../model/plan.js';
import type { Service } from '../model/service.js';
import { dynamodbBackup, redisBgsave, s3Versioning } from '../probes/backup.js';
import { cmp } from '../util/order.js';

const read = (...argv: Arg[]): Command => ({ argv, readOnly: true });
const manual = (text: string): Command => ({ argv: [], readOnly: false, manual: text });

export const BACKUP_FILE = { var: 'BACKUP_FILE' } as const;
const DB = { var: 'DATABASE_URL' } as const;
const REDIS = { var: 'REDIS_URL' } as const;

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
const tableLine = (t: string) =>
  `^[0-9]+; [0-9]+ [0-9]+ TABLE [^ ]+ ${t.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&')}( |$)`;

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

function writeBackup(store: string): StoreBackup | undefined {
  const s = store.trim();
  if (/^dynamodb:\/\//i.test(s)) {
    const table = storeName(s, 'dynamodb://');
    return {
      store: `DynamoDB table ${table}`,
      take: [
        {
          argv: [
            'aws',
            'dynamodb',
            'create-backup',
            `--table-name=${table}`,
            `--backup-name=${table}-before-rollback`,
          ],
          readOnly: true,
        },
      ],
      check: {
        command: read('aws', 'dynamodb', 'list-backups', `--table-name=${table}`, '--backup-type', 'USER'),
        expect: `an on-demand backup of ${table} named ${table}-before-rollback, created during this run, is AVAILABLE (CREATING: wait)`,
        probe: { id: dynamodbBackup.id, want: `${table}-before-rollback`, since: true },
        timeoutSeconds: 60,
        retries: 12,
      },
    };
  }
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
        command: read('redis-cli', '-u', REDIS, 'INFO', 'persistence'),
        expect:
          'the background save finished during this run and succeeded (rdb_bgsave_in_progress:0, rdb_last_bgsave_status:ok, rdb_last_save_time after the run started)',
        probe: { id: redisBgsave.id, since: true },
        timeoutSeconds: 30,
        retries: 60,
      },
    };
  }
  return undefined;
}

/** Every store the rollback may change, with how to back it up. */
export function designBackup(service: Service): BackupDesign {
  const stores: StoreBackup[] = [];
  const inputs = new Set<string>();
  if (isPostgres(service)) {
    stores.push(postgresBackup(service));
    inputs.add('DATABASE_URL').add('BACKUP_FILE');
  } else if (service.migrations.length > 0) {
    const dbs = [...new Set(service.migrations.map((m) => m.database || 'the database'))].join(', ');
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
  const seen = new Set<string>();
  for (const w of service.writes) {
    if (w.external || seen.has(w.store)) continue;
    seen.add(w.store);
    const b = writeBackup(w.store);
    if (b) {
      stores.push(b);
      if (/^rediss?:|^redis$/i.test(w.store.trim())) inputs.add('REDIS_URL');
    } else if (w.dualWrite) {
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
  return { stores, inputs: [...inputs] };
}
