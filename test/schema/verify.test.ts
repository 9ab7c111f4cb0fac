import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeDifference } from '../../src/schema/catalog.js';
import { verifyMigrations } from '../../src/schema/verify.js';
import { migrationSet } from './helpers.js';

beforeAll(() => {
  // results cache per test file run: cold every time (the cache test sets its own dir)
  process.env.ROLLBOOK_CACHE = 'off';
});

const SET = await migrationSet(
  [
    {
      version: '1',
      name: 'users',
      up: `CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, mood mood NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
      down: 'DROP TABLE users;\nDROP TYPE mood;',
    },
    {
      version: '2',
      name: 'orders',
      up: `CREATE TABLE orders (id uuid PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total numeric(10,2) NOT NULL, note varchar(20));
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);`,
      down: 'DROP INDEX CONCURRENTLY orders_user_idx;\nDROP TABLE orders;',
    },
    {
      version: '3',
      name: 'add_nickname',
      up: 'ALTER TABLE users ADD COLUMN nickname text;',
      // forgets nothing: restores the schema, but the nickname values are gone
      down: 'ALTER TABLE users DROP COLUMN nickname;',
    },
    {
      version: '4',
      name: 'rename_note',
      up: 'ALTER TABLE orders RENAME COLUMN note TO comment;',
      down: 'ALTER TABLE orders RENAME COLUMN comment TO note;',
    },
    {
      version: '5',
      name: 'widen_and_forget',
      up: "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\nALTER TYPE mood ADD VALUE 'happy';",
      // does not restore the type; enum values cannot be dropped
      down: 'SELECT 1;',
    },
    {
      version: '6',
      name: 'purge',
      up: 'CREATE TABLE audit (id int PRIMARY KEY);',
      down: 'TRUNCATE users CASCADE;\nDROP TABLE audit;',
    },
    { version: '7', name: 'irreversible', up: 'CREATE TABLE t7 (a int);', down: '' },
    { version: '8', name: 'no_down', up: 'CREATE TABLE t8 (a int);' },
  ],
  { serverVersion: 15 },
);

function summary(report: Awaited<ReturnType<typeof verifyMigrations>>): string[] {
  return report.sets.flatMap((s) => s.migrations.map((m) => `${m.version} ${m.status}: ${m.reason}`));
}

describe('migrations verify on PGlite', () => {
  it('finds downs that do not restore the schema and downs that lose data', async () => {
    const report = await verifyMigrations([SET]);
    expect(report.engine).toMatch(/^PGlite \(PostgreSQL 18\.\d+\)$/);
    expect(summary(report)).toMatchInlineSnapshot(`
      [
        "1 fail: down loses data in public.users (table dropped, 1 row(s))",
        "2 fail: down loses data in public.orders (table dropped, 1 row(s))",
        "3 fail: down loses data in public.users (column(s) nickname)",
        "4 pass: down restores the schema and keeps the seeded rows",
        "5 fail: down does not restore the schema (2 difference(s))",
        "6 fail: down loses data in public.audit (table dropped, 1 row(s)), public.orders (1 of 1 row(s)), public.users (1 of 1 row(s))",
        "7 skipped: down is empty (marked irreversible)",
        "8 skipped: no down migration",
      ]
    `);
    const m5 = report.sets[0]?.migrations[4];
    expect(m5?.schemaDifferences.map(describeDifference)).toMatchInlineSnapshot(`
      [
        "changed column public.orders.total type: numeric(10,2) → numeric(12,2)",
        "added enum value public.mood.happy",
      ]
    `);
    expect(report.summary).toEqual({ pass: 1, fail: 5, unknown: 0, skipped: 2 });
  });

  it('answers a second run from the catalog cache (content hash of the files)', async () => {
    process.env.ROLLBOOK_CACHE = 'on';
    try {
      // a unique set path makes the first run cold whatever the cache holds
      const set = await migrationSet(
        [
          { version: '1', name: 'a', up: 'CREATE TABLE a (id int PRIMARY KEY);', down: 'DROP TABLE a;' },
          { version: '2', name: 'b', up: 'ALTER TABLE a ADD COLUMN b int;', down: 'SELECT 1;' },
        ],
        { path: `db/cache-${randomBytes(6).toString('hex')}` },
      );
      let t = performance.now();
      const cold = await verifyMigrations([set]);
      const coldMs = performance.now() - t;
      t = performance.now();
      const warm = await verifyMigrations([set]);
      const warmMs = performance.now() - t;
      expect(cold.cache).toEqual({ hits: 0, misses: 2 });
      expect(warm.cache).toEqual({ hits: 2, misses: 0 });
      expect({ ...warm, cache: null }).toEqual({ ...cold, cache: null });
      expect(warmMs).toBeLessThan(coldMs / 10);
      // editing the second file replays, but answers the first from the cache
      const edited = structuredClone(set);
      const down = edited.migrations[1]?.down;
      if (down?.statements[0]) down.statements[0].text = 'ALTER TABLE a DROP COLUMN b';
      const third = await verifyMigrations([edited]);
      expect(third.cache).toEqual({ hits: 1, misses: 1 });
      expect(third.sets[0]?.migrations[1]?.status).toBe('pass');
    } finally {
      process.env.ROLLBOOK_CACHE = 'off';
    }
  });
});
