import { posix } from 'node:path';

/**
 * Which migration folders are a service's production set. A folder named for another database
 * engine (`mysql/`, `sqlite/`…) or holding test data, fixtures or examples is not: it is listed as
 * excluded, with why, and never replayed nor given a runbook command.
 */

/** Postgres and the names people give it (folders, drivers, `state.migrations.database`). */
const POSTGRES = new Set([
  'postgres',
  'postgresql',
  'pg',
  'pgsql',
  'psql',
  'pgx',
  'timescale',
  'timescaledb',
]);

/** Other engines, by the names folders, file infixes and drivers use. */
const ENGINES: Record<string, string> = {
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  cockroach: 'cockroachdb',
  cockroachdb: 'cockroachdb',
  crdb: 'cockroachdb',
  mssql: 'sqlserver',
  sqlserver: 'sqlserver',
  tsql: 'sqlserver',
  oracle: 'oracle',
  clickhouse: 'clickhouse',
  spanner: 'spanner',
  redshift: 'redshift',
  snowflake: 'snowflake',
  tidb: 'tidb',
  ydb: 'ydb',
  vertica: 'vertica',
  duckdb: 'duckdb',
  cassandra: 'cassandra',
  cql: 'cassandra',
  h2: 'h2',
  hsqldb: 'hsqldb',
  derby: 'derby',
  db2: 'db2',
};

const TEST_DIRS =
  /^(testdata|test|tests|__tests__|testing|spec|specs|fixtures?|__fixtures__|examples?|samples?|e2e|mocks?|integration[-_]?tests?)$/i;

/** The engine a name denotes (`postgres` for every Postgres alias), or undefined. */
export function engineOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (POSTGRES.has(lower)) return 'postgres';
  return ENGINES[lower];
}

/** The engines a path names, segment by segment (`db/migrations_mysql` → mysql). */
function enginesIn(path: string): { engine: string; segment: string }[] {
  const out: { engine: string; segment: string }[] = [];
  for (const segment of path.split('/')) {
    for (const token of segment.split(/[-_.]/)) {
      const engine = engineOf(token);
      if (engine) out.push({ engine, segment });
    }
  }
  return out;
}

/** The production engine: the descriptor's database, else postgres (the engine rollbook replays). */
export function targetEngine(database: string | undefined): string {
  return (database && engineOf(database)) ?? database?.toLowerCase() ?? 'postgres';
}

/**
 * Why a detected folder is not the production set, or undefined when it may be. `target` is the
 * production engine (postgres unless the descriptor says otherwise).
 */
export function exclusionReason(dir: string, target: string): string | undefined {
  const test = testSegment(dir);
  if (test)
    return `under ${test}/: test data, fixtures or examples, not the production set (never replayed, never given a runbook command)`;
  const other = enginesIn(dir).find((e) => e.engine !== target);
  if (other)
    return `folder ${other.segment}/ is named for ${other.engine}, another engine than the production ${target} database (never replayed, never given a runbook command)`;
  return undefined;
}

function testSegment(dir: string): string | undefined {
  return dir === '.' ? undefined : dir.split('/').find((s) => TEST_DIRS.test(s));
}

/** The folder sits under testdata/, fixtures/, examples/ or a test folder. */
export function isTestDir(dir: string): boolean {
  return testSegment(dir) !== undefined;
}

/** The engine a set's folder names, if any (`migrations/postgres` → postgres). */
export function engineOfDir(dir: string): string | undefined {
  return enginesIn(dir)[0]?.engine;
}

/** Names that are never migrations: documentation, keep files, tool configuration. */
const KNOWN_NON_MIGRATION: [RegExp, string][] = [
  [/^(readme|changelog|license|notes?)(\.[a-z]+)?$/i, 'documentation'],
  [/\.(md|markdown|rst|txt|adoc)$/i, 'documentation'],
  [/^\.(gitkeep|keep|gitignore|gitattributes|DS_Store)$/, 'repository housekeeping'],
  [/^sqitch\.(conf|plan)$/, 'sqitch configuration / plan'],
  [/^migration_lock\.toml$/, 'Prisma migration lock (provider)'],
  [
    /^(atlas\.sum|goose\.env|dbmate\.env|flyway\.conf|liquibase\.properties|diesel\.toml|\.env.*)$/,
    'tool configuration',
  ],
  [/^(schema\.prisma|schema\.rb|structure\.sql|schema\.sql)$/, 'schema snapshot, not a migration'],
  [
    /^(go\.mod|go\.sum|package\.json|tsconfig\.json|embed\.go|migrations?\.go|doc\.go)$/,
    'package glue (embeds or configures the migrations)',
  ],
  [/_test\.go$/, 'Go test'],
];

/** Why a file under a migration folder is known not to be a migration, or undefined. */
export function nonMigrationReason(file: string): string | undefined {
  const base = posix.basename(file);
  for (const [re, why] of KNOWN_NON_MIGRATION) if (re.test(base)) return why;
  if (/(^|\/)verify\/[^/]+\.sql$/.test(file)) return 'sqitch verify script (read-only check)';
  return undefined;
}
