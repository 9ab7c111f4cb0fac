/**
 * `rollbook migrations status`: the live migration history and nothing else. Reads the tools'
 * history tables and pg_stat_activity in a READ ONLY session: which version is applied, and
 * whether a migration is dirty, failed or running. It never reads the migration files.
 */
import { openReadOnly, redactUrl } from './engine.js';
import { type HistoryReport, readMigrationHistory } from './history.js';

export interface MigrationStatusReport extends HistoryReport {
  /** The database, password masked. */
  database: string;
  /** What answered, e.g. "PostgreSQL 15.18". */
  engine: string;
  /**
   * pass: a history table was found and nothing is dirty, failed or running; fail: something is;
   * unknown: no history table was found, so nothing is proven.
   */
  outcome: 'pass' | 'fail' | 'unknown';
}

export async function migrationStatus(options: { databaseUrl: string }): Promise<MigrationStatusReport> {
  const session = await openReadOnly(options.databaseUrl);
  try {
    const history = await readMigrationHistory((sql, params) => session.query(sql, params));
    const outcome = history.findings.length > 0 ? 'fail' : history.tables.length === 0 ? 'unknown' : 'pass';
    return {
      database: redactUrl(options.databaseUrl),
      engine: session.info.label,
      ...history,
      outcome,
    };
  } finally {
    await session.close();
  }
}

export function migrationStatusText(r: MigrationStatusReport): string {
  const lines = [`migrations status: ${r.database} (${r.engine}, read-only session)`];
  for (const t of r.tables)
    lines.push(
      `  ${t.table} (${t.tool}): version ${t.latest === undefined || t.latest === '' ? 'none applied' : t.latest}`,
    );
  for (const f of r.findings) lines.push(`  ${f.state.toUpperCase()} ${f.subject}: ${f.detail}`);
  lines.push(
    r.outcome === 'pass'
      ? 'PASS no migration is dirty, failed or running'
      : r.outcome === 'fail'
        ? `FAIL ${r.findings.length} migration(s) dirty, failed or running: the schema is in an unknown state`
        : 'UNKNOWN could not prove: no migration history table was found (schema_migrations, flyway_schema_history, _prisma_migrations, sqitch.changes, databasechangelog, goose_db_version); is this the right database?',
  );
  return `${lines.join('\n')}\n`;
}

export function migrationStatusJson(r: MigrationStatusReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
