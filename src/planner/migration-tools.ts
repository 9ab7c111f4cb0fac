import type { Check, Command } from '../model/plan.js';
import type { MigrationSet } from '../model/service.js';

/**
 * How each migration tool reverts and reports its schema version. Pure knowledge, no I/O.
 * `revert` moves the schema back to the target version (an operator input); `status` is read-only.
 */
export interface MigrationToolCommands {
  revert: Command[];
  status: Command;
  /** What a person must know before running the revert. */
  note: string;
  /** True when the tool has no way to revert (prisma) or only in paid editions (flyway undo). */
  manual: boolean;
  /** The revert undoes one migration per run: the runbook repeats it until the version check passes. */
  onePerRun?: boolean;
}

const DB = { var: 'DATABASE_URL' } as const;
const TARGET = { var: 'TARGET_SCHEMA_VERSION' } as const;

const run = (...argv: Command['argv']): Command => ({ argv, readOnly: false });
const read = (...argv: Command['argv']): Command => ({ argv, readOnly: true });

/** golang-migrate reads a custom history table from the URL's x-migrations-table parameter. */
export const MIGRATE_URL = 'MIGRATE_DATABASE_URL';

export function migrationToolCommands(set: MigrationSet): MigrationToolCommands {
  const dir = set.path || '.';
  const table = set.historyTable?.value;
  const tableNote = table
    ? ` The service keeps this tool's history in table ${table} (${set.historyTable?.at ? `${set.historyTable.at.file}:${set.historyTable.at.line}` : 'rollbook.yaml'}), not the default.`
    : '';
  switch (set.tool) {
    case 'golang-migrate': {
      const url = table ? { var: MIGRATE_URL } : DB;
      return {
        revert: [run('migrate', '-path', dir, '-database', url, 'goto', TARGET)],
        status: read('migrate', '-path', dir, '-database', url, 'version'),
        note: `goto runs every down file between the current and the target version, in order. A dirty version must be fixed (force) first.${table ? ` ${MIGRATE_URL} is DATABASE_URL with x-migrations-table=${table} in its query string.` : ''}${tableNote}`,
        manual: false,
      };
    }
    case 'goose': {
      const t = table ? ['-table', table] : [];
      return {
        revert: [run('goose', ...t, '-dir', dir, 'postgres', DB, 'down-to', TARGET)],
        status: read('goose', ...t, '-dir', dir, 'postgres', DB, 'version'),
        note: `down-to runs the Down sections newest first until the target version.${tableNote}`,
        manual: false,
      };
    }
    case 'dbmate': {
      const t = table ? ['--migrations-table', table] : [];
      return {
        revert: [run('dbmate', '--url', DB, ...t, '--migrations-dir', dir, '--no-dump-schema', 'rollback')],
        status: read('dbmate', '--url', DB, ...t, '--migrations-dir', dir, 'status'),
        note: `dbmate rollback reverts ONE migration per run: the runbook repeats it, reading dbmate status before each run, until the newest applied migration is the target.${tableNote}`,
        manual: false,
        onePerRun: true,
      };
    }
    case 'flyway': {
      const t = table ? [`-table=${table}`] : [];
      return {
        revert: [run('flyway', `-locations=filesystem:${dir}`, ...t, '-url', DB, 'undo', '-target', TARGET)],
        status: read('flyway', `-locations=filesystem:${dir}`, ...t, '-url', DB, 'info'),
        note: `flyway undo needs the U (undo) scripts and a Flyway edition that supports undo; otherwise write and apply a forward fix.${tableNote}`,
        manual: false,
      };
    }
    case 'knex': {
      const t = table ? ['--migrations-table-name', table] : [];
      return {
        revert: [run('npx', 'knex', 'migrate:down', '--migrations-directory', dir, ...t)],
        status: read('npx', 'knex', 'migrate:status', '--migrations-directory', dir, ...t),
        note: `knex migrate:down reverts ONE migration per run (the knexfile's connection, normally DATABASE_URL): repeat it once per migration newer than the target, checking migrate:status after each. Migrations written with knex.schema are not analysed by rollbook: review their down functions.${tableNote}`,
        manual: false,
      };
    }
    case 'db-migrate': {
      const t = table ? ['--migration-table', table] : [];
      return {
        revert: [run('npx', 'db-migrate', 'down', '-m', dir, ...t, '-c', { var: 'MIGRATIONS_TO_REVERT' })],
        status: read(
          'psql',
          DB,
          '-c',
          `SELECT name, run_on FROM ${table ?? 'migrations'} ORDER BY run_on DESC, id DESC LIMIT 10`,
        ),
        note: `db-migrate down -c N reverts the N newest migrations (database.json, normally DATABASE_URL); N = the migrations newer than the target.${tableNote}`,
        manual: false,
      };
    }
    case 'custom':
      return {
        revert: [],
        status: table
          ? read('psql', DB, '-c', `SELECT * FROM ${table} ORDER BY 1 DESC LIMIT 10`)
          : read('psql', DB, '-c', '\\dt'),
        note: set.forwardOnly
          ? `${dir} is applied forward only by the service's own runner: there are no downs to run. The data path is restoring the backup taken at the backup gate, or a reviewed forward fix.${tableNote}`
          : `${dir} is applied by the service's own runner (no standard CLI): revert with the reviewed down SQL of each migration newer than the target, in reverse order, in one transaction where possible, and update the runner's history to match.${tableNote}`,
        manual: true,
      };
    case 'sqitch':
      return {
        revert: [run('sqitch', 'revert', '--to', TARGET, DB)],
        status: read('sqitch', 'status', DB),
        note: 'sqitch revert runs the revert/ scripts back to the target change and asks for confirmation; then run verify.',
        manual: false,
      };
    case 'diesel':
      return {
        revert: [run('diesel', 'migration', 'revert', '--migration-dir', dir, '--database-url', DB)],
        status: read('diesel', 'migration', 'list', '--migration-dir', dir, '--database-url', DB),
        note: 'diesel migration revert reverts ONE migration per run: repeat it once per migration newer than the target.',
        manual: false,
        onePerRun: true,
      };
    case 'liquibase':
      return {
        revert: [run('liquibase', '--url', DB, 'rollback-count', '--count', { var: 'CHANGESETS_TO_REVERT' })],
        status: read('liquibase', '--url', DB, 'status', '--verbose'),
        note: 'rollback-count runs the --rollback blocks of the newest changesets; a changeset without one cannot be rolled back.',
        manual: false,
      };
    case 'prisma':
      return {
        revert: [],
        status: read('npx', 'prisma', 'migrate', 'status'),
        note: 'Prisma has no down migrations: write a forward migration that restores the previous schema (prisma migrate diff --from-migrations ... --to-schema-datamodel ...), review it, apply it; or restore the backup.',
        manual: true,
      };
    default:
      return {
        revert: [],
        status: read('psql', DB, '-c', '\\dt'),
        note: 'No migration tool was identified: revert the schema with the reviewed down SQL of each migration newer than the target, in reverse order, in one transaction where possible.',
        manual: true,
      };
  }
}

/** Tools whose status output the runbook reads for the version (and the dirty flag). */
export const VERSION_PARSERS = new Set(['golang-migrate', 'dbmate', 'goose']);

/** The data step's check: the tool's own status, parsed (version equals the target, not dirty). */
export function versionCheck(sets: MigrationSet[], status: Command | undefined): Check {
  const tool = sets[0]?.tool ?? 'unknown';
  const expect = 'the schema version equals the target version and is not dirty';
  if (status && VERSION_PARSERS.has(tool) && sets.length === 1)
    return {
      command: status,
      expect: `${expect} (read from the output of ${tool})`,
      schemaVersion: { tool, target: { var: 'TARGET_SCHEMA_VERSION' } },
      timeoutSeconds: 120,
      retries: 1,
    };
  return {
    ...(status ? { command: status } : {}),
    expect: `${expect}: read it in the output`,
    timeoutSeconds: 120,
    retries: 0,
    manual: true,
  };
}
