/**
 * `migrations verify` fidelity: the round trip behaves as the tool and the server do in reality
 * (bookkeeping table, committed seed rows, column identity, schema-wide drops, data-dependent
 * failures, the engine named on every verdict). The same cases on PGlite and, when
 * ROLLBOOK_TEST_DATABASE_URL is set, on a real server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyMigrations } from '../../src/schema/verify.js';
import { migrationSet, testDatabaseUrl } from './helpers.js';

beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
});

const USERS = {
  version: '1',
  name: 'users',
  up: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, flag boolean, legacy text, a int);',
  down: 'DROP TABLE users;',
};

const SET = await migrationSet([
  USERS,
  {
    version: '2',
    name: 'bookkeeping',
    // golang-migrate creates schema_migrations before the first up: a migration may alter it
    up: 'ALTER TABLE schema_migrations ADD COLUMN applied_at timestamptz;',
    down: 'ALTER TABLE schema_migrations DROP COLUMN applied_at;',
  },
  {
    version: '3',
    name: 'children_deferred_fk',
    up: 'CREATE TABLE children (id int PRIMARY KEY, user_id bigint REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED, x int);',
    // seeded in the down's own transaction this gave "pending trigger events"; in reality it runs
    down: 'ALTER TABLE children DROP COLUMN x;\nDROP TABLE children;',
  },
  {
    version: '4',
    name: 'retype_flag',
    up: 'ALTER TABLE users ALTER COLUMN flag TYPE text;',
    // dropped and re-added with the same name and type: the schema is back, the values are not
    down: 'ALTER TABLE users DROP COLUMN flag;\nALTER TABLE users ADD COLUMN flag boolean;',
  },
  {
    version: '5',
    name: 'rename_a',
    up: 'ALTER TABLE users RENAME COLUMN a TO b;',
    // a drop plus an add of the same type is not a rename
    down: 'ALTER TABLE users DROP COLUMN b;\nALTER TABLE users ADD COLUMN a int;',
  },
  {
    version: '6',
    name: 'rename_and_retype',
    up: 'ALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE users ALTER COLUMN mail TYPE varchar(320);',
    // a rename plus a type change, undone: nothing is lost
    down: 'ALTER TABLE users ALTER COLUMN mail TYPE text;\nALTER TABLE users RENAME COLUMN mail TO email;',
  },
  {
    version: '7',
    name: 'billing_schema',
    up: 'CREATE SCHEMA billing;\nCREATE TABLE billing.invoices (id int PRIMARY KEY, total int);',
    // the table is never named: DROP SCHEMA … CASCADE takes it
    down: 'DROP SCHEMA billing CASCADE;',
  },
  {
    version: '8',
    name: 'drop_legacy',
    up: 'ALTER TABLE users DROP COLUMN legacy;',
    // fine on an empty table, fails on any table with rows
    down: 'ALTER TABLE users ADD COLUMN legacy text NOT NULL;',
  },
]);

function lines(report: Awaited<ReturnType<typeof verifyMigrations>>): string[] {
  return report.sets.flatMap((s) => s.migrations.map((m) => `${m.version} ${m.status}: ${m.reason}`));
}

async function check(databaseUrl?: string): Promise<void> {
  const report = await verifyMigrations([SET], databaseUrl ? { scratchUrl: databaseUrl } : {});
  const l = lines(report);
  expect(l[0]).toBe('1 fail: down loses data in public.users (table dropped, 1 row(s))');
  expect(l[1]).toBe('2 fail: down loses data in public.schema_migrations (column(s) applied_at)');
  expect(l[2]).toBe('3 fail: down loses data in public.children (table dropped, 1 row(s))');
  expect(l[3]).toBe('4 fail: down loses data in public.users (column(s) flag)');
  expect(l[4]).toBe('5 fail: down loses data in public.users (column(s) b)');
  expect(l[5]).toBe('6 pass: down restores the schema and keeps the seeded rows');
  expect(l[6]).toBe('7 fail: down loses data in billing.invoices (table dropped, 1 row(s))');
  expect(l[7]).toMatch(
    /^8 fail: down fails on tables that hold rows \(it passes on empty ones\) at db\/migrations\/8_drop_legacy\.down\.sql:1:1: column "legacy" of relation "users" contains null values \(23502\); the row that trips it: public\.users \{"id":1,/,
  );
  const m8 = report.sets[0]?.migrations[7];
  expect(m8?.dataDependent?.table).toBe('public.users');
  for (const m of report.sets[0]?.migrations ?? []) expect(m.engine).toBe(report.engine);
  expect(report.engine).toMatch(databaseUrl ? /^PostgreSQL \d+\.\d+/ : /^PGlite \(PostgreSQL 18\.\d+\)$/);
}

describe('migrations verify fidelity', () => {
  it('on PGlite', async () => {
    await check();
  }, 60_000);
  const url = testDatabaseUrl();
  it.skipIf(!url)(
    '[postgres] on a real server, with the same verdicts',
    async () => {
      await check(url);
    },
    60_000,
  );
});
