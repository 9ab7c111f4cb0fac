import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/schema/gates.js';
import { splitSql } from '../../src/schema/sql-split.js';
import { migrationSet } from './helpers.js';

beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
});

const BASE = [
  {
    version: '1',
    name: 'init',
    up: `CREATE TYPE status AS ENUM ('new', 'paid');
CREATE TABLE orders (id bigserial PRIMARY KEY, status status NOT NULL DEFAULT 'new', total integer NOT NULL, note text);`,
    down: 'DROP TABLE orders; DROP TYPE status;',
  },
];
const NEXT = [
  ...BASE,
  {
    version: '2',
    name: 'expand',
    up: `ALTER TABLE orders ADD COLUMN currency text NOT NULL;
ALTER TABLE orders RENAME COLUMN note TO comment;
ALTER TYPE status ADD VALUE 'refunded';
ALTER TABLE orders ALTER COLUMN total TYPE bigint;`,
    down: 'ALTER TABLE orders DROP COLUMN currency; ALTER TABLE orders RENAME COLUMN comment TO note;',
  },
];

describe('gates on PGlite', () => {
  it('fails the compatibility gates for a rename and a required column', async () => {
    const queries = await splitSql(
      'queries.sql',
      `SELECT id, status FROM orders WHERE id = $1;
SELECT note FROM orders WHERE id = $1;
INSERT INTO orders (total) VALUES ($1);
UPDATE orders SET total = $1 WHERE id = $2;
SELECT sum(total) AS s, max(total) FROM orders WHERE total > $1;`,
    );
    const report = await evaluateGates({
      from: 'main',
      to: 'v1',
      current: [await migrationSet(NEXT)],
      target: [await migrationSet(BASE)],
      queries,
    });
    expect(report.engine).toMatch(/^PGlite \(PostgreSQL 18\.\d+\)$/);
    expect(report.migrations.onlyInCurrent.map((m) => m.version)).toEqual(['2']);
    expect(
      report.gates.map((g) => `${g.id} ${g.status} blocking=${g.blocking}: ${g.reason}`),
    ).toMatchInlineSnapshot(`
      [
        "current-target-compatible fail blocking=true: 2 incompatibilities: new column public.orders.currency is NOT NULL without a default: the old app's INSERTs fail; column public.orders.note is gone (dropped or renamed): the old app's reads and writes of it fail",
        "old-queries-prepare fail blocking=true: queries.sql:2:8: column "note" does not exist (42703); 3 queries changed types since the target: queries.sql:3:1: $1 integer → bigint; queries.sql:4:1: $1 integer → bigint; queries.sql:5:1: $1 integer → bigint, result column 1 bigint → numeric, result column 2 integer → bigint",
        "old-writes-dry-run fail blocking=true: queries.sql:3:1: null value in column "currency" of relation "orders" violates not-null constraint (23502)",
        "no-in-flight-migration unknown blocking=false: not checked: no --database-url; the live migration history was not read",
        "live-version-is-current unknown blocking=false: not checked: no --database-url",
        "migrations-since-target fail blocking=false: 1 migration(s) ran since v1: 2 (db/migrations/2_expand.up.sql); leave them in place (app-only rollback) unless the target cannot run on them",
      ]
    `);
    expect(
      report.queries.map(
        (q) => `${q.at.file}:${q.at.line}:${q.at.col} ${q.prepare.status} ${q.dryRun?.status ?? '-'}`,
      ),
    ).toMatchInlineSnapshot(`
      [
        "queries.sql:1:1 pass -",
        "queries.sql:2:8 fail -",
        "queries.sql:3:1 pass fail",
        "queries.sql:4:1 pass pass",
        "queries.sql:5:1 pass -",
      ]
    `);
  });

  it('passes when nothing changed and marks live history unknown without --database-url', async () => {
    const set = await migrationSet(BASE);
    const report = await evaluateGates({ from: 'main', to: 'v1', current: [set], target: [set] });
    expect(report.gates.map((g) => [g.id, g.status])).toEqual([
      ['current-target-compatible', 'pass'],
      ['old-queries-prepare', 'unknown'],
      ['old-writes-dry-run', 'unknown'],
      ['no-in-flight-migration', 'unknown'],
      ['live-version-is-current', 'unknown'],
      ['migrations-since-target', 'pass'],
    ]);
  });
});
