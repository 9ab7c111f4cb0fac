/**
 * Test helpers: MigrationSet objects built from SQL text, split into statements with the real
 * Postgres parser (stmt_location / stmt_len are UTF-8 byte offsets).
 */
import { loadModule, parseSync } from 'libpg-query';
import type { Migration, MigrationFile, MigrationSet, SqlStatement } from '../../src/model/service.js';

await loadModule();

/** Split SQL into located statements, as the migrations reader does. */
export function statementsOf(file: string, sql: string, firstLine = 1): SqlStatement[] {
  const bytes = Buffer.from(sql, 'utf8');
  if (sql.trim() === '') return [];
  const parsed = parseSync(sql) as {
    stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[];
  };
  const out: SqlStatement[] = [];
  for (const s of parsed.stmts ?? []) {
    let start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    // skip leading whitespace and comments the parser includes in the statement span
    let text = bytes.subarray(start, end).toString('utf8');
    const lead = /^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/.exec(text)?.[0] ?? '';
    start += Buffer.byteLength(lead);
    text = text.slice(lead.length).replace(/;\s*$/, '').trimEnd();
    if (!text) continue;
    const before = bytes.subarray(0, start).toString('utf8');
    const lines = before.split('\n');
    out.push({
      text,
      ast: s.stmt,
      at: { file, line: firstLine + lines.length - 1, col: (lines.at(-1)?.length ?? 0) + 1 },
    });
  }
  return out;
}

export function migrationFile(file: string, direction: 'up' | 'down', sql: string): MigrationFile {
  const statements = statementsOf(file, sql);
  return { file, direction, statements, errors: [], empty: statements.length === 0 };
}

export interface MigrationSpecForTest {
  version: string;
  name: string;
  up?: string;
  down?: string;
}

/** A golang-migrate style set under db/migrations. */
export function migrationSet(
  migrations: MigrationSpecForTest[],
  options: { path?: string; serverVersion?: number } = {},
): MigrationSet {
  const path = options.path ?? 'db/migrations';
  const ms: Migration[] = migrations.map((m) => {
    const upFile = `${path}/${m.version}_${m.name}.up.sql`;
    const downFile = `${path}/${m.version}_${m.name}.down.sql`;
    const mig: Migration = { version: m.version, name: m.name, at: { file: upFile, line: 1 } };
    if (m.up !== undefined) mig.up = migrationFile(upFile, 'up', m.up);
    if (m.down !== undefined) mig.down = migrationFile(downFile, 'down', m.down);
    return mig;
  });
  const set: MigrationSet = {
    tool: 'golang-migrate',
    path,
    database: 'postgres',
    migrations: ms,
    skipped: [],
  };
  if (options.serverVersion !== undefined) set.serverVersion = options.serverVersion;
  return set;
}

/** The test server, or undefined locally; in CI (CI=true) a missing URL fails the suite. */
export function testDatabaseUrl(): string | undefined {
  const url = process.env.ROLLBOOK_TEST_DATABASE_URL;
  if (!url && process.env.CI === 'true')
    throw new Error('ROLLBOOK_TEST_DATABASE_URL is not set: the [postgres] suites must run in CI');
  return url;
}
