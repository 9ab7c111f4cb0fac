/**
 * Live, read-only: the migration tool's history table on the deployed database. An in-flight,
 * failed or dirty migration blocks a rollback (the schema is in an unknown state).
 * Every query runs in a READ ONLY session (see openReadOnly).
 */
import type { Row } from './engine.js';

export type HistoryTool =
  | 'golang-migrate'
  | 'flyway'
  | 'prisma'
  | 'sqitch'
  | 'liquibase'
  | 'goose'
  | 'dbmate'
  | 'activity';

export interface HistoryFinding {
  tool: HistoryTool;
  table: string;
  state: 'dirty' | 'failed' | 'in-flight';
  /** Version / migration name the finding is about. */
  subject: string;
  detail: string;
}

export interface HistoryReport {
  /** History tables found (qualified names). */
  tables: { tool: HistoryTool; table: string; latest?: string }[];
  findings: HistoryFinding[];
}

type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

async function tableExists(query: Query, name: string): Promise<boolean> {
  const r = await query('select to_regclass($1) is not null as e', [name]);
  return r[0]?.e === true;
}

async function hasColumn(query: Query, table: string, column: string): Promise<boolean> {
  const r = await query(
    `select exists (select 1 from pg_attribute where attrelid = to_regclass($1) and attname = $2 and not attisdropped) as e`,
    [table, column],
  );
  return r[0]?.e === true;
}

/** A (possibly schema-qualified) table name as a quoted SQL identifier. */
function ident(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');
}

/** History tables the service configured instead of the tools' defaults (MigrationSet.historyTable). */
export type HistoryTables = Partial<Record<'golang-migrate' | 'flyway' | 'goose', string>>;

/** Read every known history table that exists; report dirty, failed and in-flight migrations. */
export async function readMigrationHistory(query: Query, custom: HistoryTables = {}): Promise<HistoryReport> {
  const report: HistoryReport = { tables: [], findings: [] };

  // golang-migrate: schema_migrations(version bigint, dirty boolean). dbmate (and Rails) share the name
  // without `dirty`: one row per applied version, written in the migration's transaction.
  const gm = custom['golang-migrate'] ?? 'schema_migrations';
  if (await tableExists(query, gm)) {
    if (!(await hasColumn(query, gm, 'dirty'))) {
      const rows = await query(`select max(version::text) as v from ${ident(gm)}`);
      report.tables.push({ tool: 'dbmate', table: gm, latest: str(rows[0]?.v) });
    } else {
      const rows = await query(`select version::text as v, dirty from ${ident(gm)} order by version desc`);
      report.tables.push({ tool: 'golang-migrate', table: gm, latest: str(rows[0]?.v) });
      for (const r of rows)
        if (r.dirty === true)
          report.findings.push({
            tool: 'golang-migrate',
            table: gm,
            state: 'dirty',
            subject: str(r.v),
            detail: `version ${str(r.v)} is dirty: a migration failed half-way; fix the schema by hand, then \`migrate force\``,
          });
    }
  }

  const fw = custom.flyway ?? 'flyway_schema_history';
  if (await tableExists(query, fw)) {
    const rows = await query(
      `select coalesce(version, '') as v, description as d, script as s, success from ${ident(fw)}
       order by installed_rank desc`,
    );
    report.tables.push({ tool: 'flyway', table: fw, latest: str(rows[0]?.v) });
    for (const r of rows)
      if (r.success === false)
        report.findings.push({
          tool: 'flyway',
          table: fw,
          state: 'failed',
          subject: str(r.v) || str(r.s),
          detail: `${str(r.s)} (${str(r.d)}) failed (success = false); run \`flyway repair\` after fixing`,
        });
  }

  if (await tableExists(query, '_prisma_migrations')) {
    const rows = await query(
      `select migration_name as n, finished_at is null as unfinished, rolled_back_at is not null as rolled_back,
       coalesce(logs, '') as logs from _prisma_migrations order by started_at desc`,
    );
    report.tables.push({ tool: 'prisma', table: '_prisma_migrations', latest: str(rows[0]?.n) });
    for (const r of rows)
      if (r.unfinished === true && r.rolled_back !== true)
        report.findings.push({
          tool: 'prisma',
          table: '_prisma_migrations',
          state: str(r.logs) ? 'failed' : 'in-flight',
          subject: str(r.n),
          detail: str(r.logs)
            ? `${str(r.n)} failed (finished_at is null): ${str(r.logs).split('\n')[0]}`
            : `${str(r.n)} started and has not finished (finished_at is null)`,
        });
  }

  if (await tableExists(query, 'sqitch.changes')) {
    const latest = await query('select change as c from sqitch.changes order by committed_at desc limit 1');
    report.tables.push({ tool: 'sqitch', table: 'sqitch.changes', latest: str(latest[0]?.c) });
    if (await tableExists(query, 'sqitch.events')) {
      // the newest event per change: a "fail" means the deploy or revert stopped there
      const rows = await query(
        `select distinct on (change_id) change as c, event as e from sqitch.events
         order by change_id, committed_at desc`,
      );
      for (const r of rows)
        if (str(r.e) === 'fail')
          report.findings.push({
            tool: 'sqitch',
            table: 'sqitch.events',
            state: 'failed',
            subject: str(r.c),
            detail: `the last event of change ${str(r.c)} is "fail"`,
          });
    }
  }

  if (await tableExists(query, 'databasechangelog')) {
    const latest = await query('select id as i from databasechangelog order by orderexecuted desc limit 1');
    report.tables.push({ tool: 'liquibase', table: 'databasechangelog', latest: str(latest[0]?.i) });
    if (await tableExists(query, 'databasechangeloglock')) {
      const rows = await query(
        "select locked, coalesce(lockedby, '') as by, lockgranted::text as since from databasechangeloglock where locked",
      );
      for (const r of rows)
        report.findings.push({
          tool: 'liquibase',
          table: 'databasechangeloglock',
          state: 'in-flight',
          subject: 'databasechangeloglock',
          detail: `liquibase lock held by ${str(r.by) || 'unknown'} since ${str(r.since)} (an update is running or died: \`liquibase release-locks\`)`,
        });
    }
  }

  const gs = custom.goose ?? 'goose_db_version';
  if (await tableExists(query, gs)) {
    const rows = await query(
      `select version_id::text as v, is_applied from ${ident(gs)} order by id desc limit 1`,
    );
    report.tables.push({ tool: 'goose', table: gs, latest: str(rows[0]?.v) });
  }

  // In-flight DDL from any tool: a running ALTER/CREATE/DROP on this database.
  const active = await query(
    `select pid::text as pid, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) as q from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
     and query ~* '^\\s*(alter|create|drop|reindex)\\s' order by pid`,
  );
  for (const r of active)
    report.findings.push({
      tool: 'activity',
      table: 'pg_stat_activity',
      state: 'in-flight',
      subject: `pid ${str(r.pid)}`,
      detail: `DDL running now: ${str(r.q)}`,
    });

  return report;
}
