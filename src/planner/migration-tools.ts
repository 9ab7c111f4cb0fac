import type { Command } from '../model/plan.js';
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

export function migrationToolCommands(set: MigrationSet): MigrationToolCommands {
  const dir = set.path || '.';
  switch (set.tool) {
    case 'golang-migrate':
      return {
        revert: [run('migrate', '-path', dir, '-database', DB, 'goto', TARGET)],
        status: read('migrate', '-path', dir, '-database', DB, 'version'),
        note: 'goto runs every down file between the current and the target version, in order. A dirty version must be fixed (force) first.',
        manual: false,
      };
    case 'goose':
      return {
        revert: [run('goose', '-dir', dir, 'postgres', DB, 'down-to', TARGET)],
        status: read('goose', '-dir', dir, 'postgres', DB, 'version'),
        note: 'down-to runs the Down sections newest first until the target version.',
        manual: false,
      };
    case 'dbmate':
      return {
        revert: [run('dbmate', '--url', DB, '--migrations-dir', dir, '--no-dump-schema', 'rollback')],
        status: read('dbmate', '--url', DB, '--migrations-dir', dir, 'status'),
        note: 'dbmate rollback reverts ONE migration per run: the runbook repeats it, reading dbmate status before each run, until the newest applied migration is the target.',
        manual: false,
        onePerRun: true,
      };
    case 'flyway':
      return {
        revert: [run('flyway', `-locations=filesystem:${dir}`, '-url', DB, 'undo', '-target', TARGET)],
        status: read('flyway', `-locations=filesystem:${dir}`, '-url', DB, 'info'),
        note: 'flyway undo needs the U (undo) scripts and a Flyway edition that supports undo; otherwise write and apply a forward fix.',
        manual: false,
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
