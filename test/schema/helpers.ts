/**
 * Test helpers: MigrationSet objects built from SQL text, split into statements with the real
 * Postgres parser (as the migrations reader does), and the [postgres] test server URL.
 */
import type { Migration, MigrationFile, MigrationSet } from '../../src/model/service.js';
import { splitSql } from '../../src/schema/sql-split.js';

export async function migrationFile(
  file: string,
  direction: 'up' | 'down',
  sql: string,
): Promise<MigrationFile> {
  const statements = await splitSql(file, sql);
  return { file, direction, statements, errors: [], empty: statements.length === 0 };
}

export interface MigrationSpecForTest {
  version: string;
  name: string;
  up?: string;
  down?: string;
}

/** A golang-migrate style set under db/migrations. */
export async function migrationSet(
  migrations: MigrationSpecForTest[],
  options: { path?: string; serverVersion?: number } = {},
): Promise<MigrationSet> {
  const path = options.path ?? 'db/migrations';
  const ms: Migration[] = [];
  for (const m of migrations) {
    const upFile = `${path}/${m.version}_${m.name}.up.sql`;
    const downFile = `${path}/${m.version}_${m.name}.down.sql`;
    const mig: Migration = { version: m.version, name: m.name, at: { file: upFile, line: 1 } };
    if (m.up !== undefined) mig.up = await migrationFile(upFile, 'up', m.up);
    if (m.down !== undefined) mig.down = await migrationFile(downFile, 'down', m.down);
    ms.push(mig);
  }
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

/** git in a test repository, with a fixed identity, dates and no system or user configuration. */
export { gitIn as git } from '../helpers/git-repo.js';
