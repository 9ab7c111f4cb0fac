import { beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/model/finding.js';
import { loadParser } from '../../src/readers/migrations/parse.js';
import { addConstraint } from '../../src/rules/add-constraint.js';
import { addRequiredColumn } from '../../src/rules/add-required-column.js';
import { alterColumnType } from '../../src/rules/alter-column-type.js';
import { catalogManipulation } from '../../src/rules/catalog-manipulation.js';
import { dataBackfill } from '../../src/rules/data-backfill.js';
import { dropColumn } from '../../src/rules/drop-column.js';
import { dropDefault } from '../../src/rules/drop-default.js';
import { dropIndex } from '../../src/rules/drop-index.js';
import { dropNotNull } from '../../src/rules/drop-not-null.js';
import { dropTable } from '../../src/rules/drop-table.js';
import { enumAddValue } from '../../src/rules/enum-add-value.js';
import { enumRenameValue } from '../../src/rules/enum-rename-value.js';
import { lossyDown } from '../../src/rules/lossy-down.js';
import { missingDown } from '../../src/rules/missing-down.js';
import { nonConcurrentIndex } from '../../src/rules/non-concurrent-index.js';
import { renameColumn } from '../../src/rules/rename-column.js';
import { renameTable } from '../../src/rules/rename-table.js';
import { replaceFunctionOrView } from '../../src/rules/replace-function-or-view.js';
import { setNotNull } from '../../src/rules/set-not-null.js';
import { truncate } from '../../src/rules/truncate.js';
import { expectNone, findingsOf, messagesOf, where } from '../helpers/rules.js';
import { type InlineMigration, migrationService } from './helpers.js';

beforeAll(async () => {
  await loadParser();
});

const UP = 'db/migrations/0001_change.up.sql';
const UP2 = 'db/migrations/0002_change.up.sql';
const DOWN = 'db/migrations/0001_change.down.sql';

interface Case {
  name: string;
  sql: InlineMigration[] | string;
  /** `rule@file:line subject` of every finding, in order. */
  expect?: string[];
}

interface Table {
  rule: Rule;
  fire: Case[];
  none: Case[];
  /** Asserted on the first firing case. */
  flags?: { appRollbackSafe: boolean | null; revertLossless: boolean | null; kind: string };
}

const one = (up: string, down?: string): InlineMigration[] => [
  { version: '0001', up, ...(down !== undefined ? { down } : {}) },
];
const base: InlineMigration = {
  version: '0001',
  up: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10,2), note varchar(40), status text);',
  down: 'DROP TABLE orders;',
};
const second = (up: string, down?: string): InlineMigration[] => [
  base,
  { version: '0002', up, ...(down !== undefined ? { down } : {}) },
];

const TABLES: Table[] = [
  {
    rule: dropColumn,
    flags: { appRollbackSafe: false, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'plain drop',
        sql: 'ALTER TABLE orders DROP COLUMN legacy_total;',
        expect: [`drop-column@${UP}:1 orders.legacy_total`],
      },
      {
        name: 'without COLUMN keyword, schema-qualified, second line',
        sql: 'SELECT 1;\nALTER TABLE shop.orders DROP IF EXISTS note;',
        expect: [`drop-column@${UP}:2 shop.orders.note`],
      },
      {
        name: 'inside a DO block',
        sql: 'DO $$\nBEGIN\n  ALTER TABLE orders DROP COLUMN note;\nEND $$;',
        expect: [`drop-column@${UP}:3 orders.note`],
      },
      {
        name: 'EXECUTE of a constant string in a DO block',
        sql: "DO $$ BEGIN EXECUTE 'ALTER TABLE orders DROP COLUMN note'; END $$;",
        expect: [`drop-column@${UP}:1 orders.note`],
      },
      {
        name: 'dropped, then re-added with the same name (every value is gone)',
        sql: 'ALTER TABLE orders DROP COLUMN paid, ADD COLUMN paid boolean DEFAULT false NOT NULL;',
        expect: [`drop-column@${UP}:1 orders.paid`],
      },
      {
        name: 'then IF EXISTS again in a later migration: only the first drop is reported',
        sql: [
          base,
          { version: '0002', up: 'ALTER TABLE orders DROP COLUMN note;' },
          { version: '0003', up: 'ALTER TABLE orders DROP COLUMN IF EXISTS note;' },
        ],
        expect: [`drop-column@${UP2}:1 orders.note`],
      },
      {
        name: 'dropped, then re-added by a later statement',
        sql: 'ALTER TABLE orders DROP COLUMN paid;\nALTER TABLE orders ADD COLUMN paid boolean;',
        expect: [`drop-column@${UP}:1 orders.paid`],
      },
    ],
    none: [
      {
        name: 'table created in the same migration',
        sql: 'CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;',
      },
      {
        name: 'column added in the same migration',
        sql: 'ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t DROP COLUMN b;',
      },
      { name: 'only in a down file', sql: one('SELECT 1;', 'ALTER TABLE orders DROP COLUMN note;') },

      {
        name: 'in a function body nobody calls during the migration',
        sql: 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE orders DROP COLUMN note; END $$;',
      },
    ],
  },
  {
    rule: dropTable,
    flags: { appRollbackSafe: false, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'two tables',
        sql: 'DROP TABLE orders, public.items CASCADE;',
        expect: [`drop-table@${UP}:1 orders`, `drop-table@${UP}:1 items`],
      },
      {
        name: 'IF EXISTS',
        sql: '-- é\nDROP TABLE IF EXISTS legacy.audit;',
        expect: [`drop-table@${UP}:2 legacy.audit`],
      },
      {
        name: 'dropped, then re-created in the same file (every row is gone)',
        sql: 'DROP TABLE orders;\nCREATE TABLE orders (id bigint PRIMARY KEY);',
        expect: [`drop-table@${UP}:1 orders`],
      },
      {
        name: 'template placeholder shown as a readable name',
        sql: 'DROP TABLE {{ .Namespace }}.users;',
        expect: [`drop-table@${UP}:1 <namespace>.users`],
      },
    ],
    none: [
      { name: 'created in the same migration', sql: 'CREATE TABLE tmp_copy (a int);\nDROP TABLE tmp_copy;' },
      {
        name: 'created, renamed, then dropped in the same migration',
        sql: 'CREATE TABLE tmp_copy (a int);\nALTER TABLE tmp_copy RENAME TO tmp_old;\nDROP TABLE tmp_old;',
      },
      { name: 'DROP VIEW', sql: 'DROP VIEW orders_view;' },
    ],
  },
  {
    rule: truncate,
    flags: { appRollbackSafe: false, revertLossless: false, kind: 'data' },
    fire: [
      {
        name: 'two tables',
        sql: 'TRUNCATE orders, items;',
        expect: [`truncate@${UP}:1 orders`, `truncate@${UP}:1 items`],
      },
    ],
    none: [{ name: 'new staging table', sql: 'CREATE TABLE staging (a int);\nTRUNCATE staging;' }],
  },
  {
    rule: renameColumn,
    flags: { appRollbackSafe: false, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'with COLUMN',
        sql: 'ALTER TABLE orders RENAME COLUMN total TO amount;',
        expect: [`rename-column@${UP}:1 orders.total`],
      },
      {
        name: 'without COLUMN',
        sql: 'ALTER TABLE orders RENAME total TO amount;',
        expect: [`rename-column@${UP}:1 orders.total`],
      },
    ],
    none: [
      { name: 'rename table', sql: 'ALTER TABLE orders RENAME TO purchases;' },
      { name: 'new table', sql: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME a TO b;' },
      {
        name: 'renamed, then renamed back in the same file',
        sql: 'ALTER TABLE orders RENAME COLUMN status TO state;\nALTER TABLE orders RENAME COLUMN state TO status;',
      },
    ],
  },
  {
    rule: renameTable,
    flags: { appRollbackSafe: false, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'rename',
        sql: 'ALTER TABLE orders RENAME TO purchases;',
        expect: [`rename-table@${UP}:1 orders`],
      },
    ],
    none: [{ name: 'rename column', sql: 'ALTER TABLE orders RENAME total TO amount;' }],
  },
  {
    rule: alterColumnType,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'narrowing, previous type from an earlier migration',
        sql: second('ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);'),
        expect: [`alter-column-type@${UP2}:1 orders.note`],
      },
      {
        name: 'widening integer to bigint',
        sql: [
          { version: '0001', up: 'CREATE TABLE t (id integer);' },
          { version: '0002', up: 'ALTER TABLE t ALTER COLUMN id TYPE bigint;' },
        ],
        expect: [`alter-column-type@${UP2}:1 t.id`],
      },
      {
        name: 'unknown previous type',
        sql: 'ALTER TABLE x ALTER c SET DATA TYPE text USING c::text;',
        expect: [`alter-column-type@${UP}:1 x.c`],
      },
    ],
    none: [
      { name: 'new table', sql: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;' },
      {
        name: 'already that type (from an earlier migration): a no-op',
        sql: second('ALTER TABLE orders ALTER COLUMN status TYPE text;'),
      },
      {
        name: 'already that type (from an earlier statement of the file), USING the column itself',
        sql: [
          base,
          {
            version: '0002',
            up: 'ALTER TABLE orders ADD COLUMN meta jsonb;\nALTER TABLE orders ALTER COLUMN meta TYPE jsonb USING meta::jsonb;',
          },
          { version: '0003', up: 'ALTER TABLE orders ALTER COLUMN meta TYPE jsonb USING meta::jsonb;' },
        ],
      },
    ],
  },
  {
    rule: addRequiredColumn,
    flags: { appRollbackSafe: false, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'NOT NULL without default',
        sql: 'ALTER TABLE orders ADD COLUMN region text NOT NULL;',
        expect: [`add-required-column@${UP}:1 orders.region`],
      },
      {
        name: 'quoted identifiers',
        sql: 'ALTER TABLE "User" ADD COLUMN "Handle" text NOT NULL;',
        expect: [`add-required-column@${UP}:1 "User"."Handle"`],
      },
    ],
    none: [
      { name: 'with a default', sql: "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';" },
      { name: 'nullable', sql: 'ALTER TABLE orders ADD COLUMN region text;' },
      { name: 'bigserial', sql: 'ALTER TABLE orders ADD COLUMN seq bigserial NOT NULL;' },
      {
        name: 'identity',
        sql: 'ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL;',
      },
      { name: 'new table', sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int NOT NULL;' },
    ],
  },
  {
    rule: setNotNull,
    flags: { appRollbackSafe: null, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'set not null',
        sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;',
        expect: [`set-not-null@${UP}:1 orders.status`],
      },
    ],
    none: [
      {
        name: 'column added just now',
        sql: 'ALTER TABLE orders ADD COLUMN s text;\nALTER TABLE orders ALTER COLUMN s SET NOT NULL;',
      },
    ],
  },
  {
    rule: addConstraint,
    flags: { appRollbackSafe: null, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'CHECK, FK and UNIQUE validated at once',
        sql: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0);\nALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\nALTER TABLE orders ADD UNIQUE (note);',
        expect: [
          `add-constraint@${UP}:1 orders.total_positive`,
          `add-constraint@${UP}:2 orders.orders_customer_fk`,
          `add-constraint@${UP}:3 orders.orders_note_key`,
        ],
      },
      {
        name: 'unique index and partial unique index count like unique constraints',
        sql: "CREATE UNIQUE INDEX orders_note_idx ON orders (note);\nCREATE UNIQUE INDEX CONCURRENTLY orders_open_idx ON orders (customer_id) WHERE status = 'open';",
        expect: [
          `add-constraint@${UP}:1 orders.orders_note_idx`,
          `add-constraint@${UP}:2 orders.orders_open_idx`,
        ],
      },
    ],
    none: [
      { name: 'NOT VALID check', sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;' },
      {
        name: 'NOT VALID FK',
        sql: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id) NOT VALID;',
      },
      {
        name: 'UNIQUE USING INDEX',
        sql: 'ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX orders_note_idx;',
      },
      { name: 'VALIDATE CONSTRAINT', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT c;' },
      { name: 'new table', sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);' },
      {
        name: 'unique index on a new table',
        sql: 'CREATE TABLE t (a int);\nCREATE UNIQUE INDEX i ON t (a);',
      },
      { name: 'plain index', sql: 'CREATE INDEX CONCURRENTLY i ON orders (note);' },
    ],
  },
  {
    rule: dropNotNull,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'drop not null',
        sql: 'ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;',
        expect: [`drop-not-null@${UP}:1 orders.status`],
      },
    ],
    none: [{ name: 'set not null', sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;' }],
  },
  {
    rule: dropDefault,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'drop default',
        sql: 'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;',
        expect: [`drop-default@${UP}:1 orders.status`],
      },
    ],
    none: [{ name: 'set default', sql: "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';" }],
  },
  {
    rule: enumAddValue,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'add value',
        sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';",
        expect: [`enum-add-value@${UP}:1 order_status.refunded`],
      },
    ],
    none: [
      {
        name: 'enum created in the same migration',
        sql: "CREATE TYPE s AS ENUM ('a');\nALTER TYPE s ADD VALUE 'b';",
      },
      { name: 'rename value', sql: "ALTER TYPE s RENAME VALUE 'a' TO 'b';" },
    ],
  },
  {
    rule: enumRenameValue,
    flags: { appRollbackSafe: false, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'rename value',
        sql: "ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';",
        expect: [`enum-rename-value@${UP}:1 order_status.canceled`],
      },
    ],
    none: [{ name: 'add value', sql: "ALTER TYPE s ADD VALUE 'b';" }],
  },
  {
    rule: dataBackfill,
    flags: { appRollbackSafe: true, revertLossless: false, kind: 'data' },
    fire: [
      {
        name: 'UPDATE, DELETE and INSERT … SELECT',
        sql: "UPDATE orders SET status = 'open' WHERE status IS NULL;\nDELETE FROM orders;\nINSERT INTO archive SELECT * FROM orders;",
        expect: [
          `data-backfill@${UP}:1 orders`,
          `data-backfill@${UP}:2 orders`,
          `data-backfill@${UP}:3 archive`,
        ],
      },
      {
        name: 'UPDATE in a DO block',
        sql: "DO $$\nBEGIN\n  IF true THEN\n    UPDATE orders SET status = 'x';\n  END IF;\nEND $$;",
        expect: [`data-backfill@${UP}:4 orders`],
      },
      {
        name: 'function body called by the same migration',
        sql: 'CREATE FUNCTION fix() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  DELETE FROM orders WHERE total < 0;\nEND $$;\nSELECT fix();',
        expect: [`data-backfill@${UP}:3 orders`],
      },
    ],
    none: [
      { name: 'INSERT … VALUES seed rows', sql: "INSERT INTO settings (k, v) VALUES ('a', 'b');" },
      {
        name: 'copy into a new table',
        sql: 'CREATE TABLE t2 (a int);\nINSERT INTO t2 SELECT a FROM t;\nUPDATE t2 SET a = 1;',
      },
      {
        name: 'a system catalog toggle (catalog-manipulation reports it)',
        sql: "UPDATE pg_index SET indisready = false WHERE indexrelid = 'orders_note_idx'::regclass;",
      },
      {
        name: 'trigger function never called',
        sql: 'CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE orders SET total = 0; RETURN NEW; END $$;',
      },
    ],
  },
  {
    rule: catalogManipulation,
    flags: { appRollbackSafe: null, revertLossless: null, kind: 'schema' },
    fire: [
      {
        name: 'a catalog toggle in the up and its inverse in the down',
        sql: one(
          "UPDATE pg_index SET indisready = false WHERE indexrelid = 'orders_note_idx'::regclass;",
          "UPDATE pg_catalog.pg_index SET indisready = true WHERE indexrelid = 'orders_note_idx'::regclass;",
        ),
        expect: [
          `catalog-manipulation@${UP}:1 pg_index`,
          `catalog-manipulation@${DOWN}:1 pg_catalog.pg_index`,
        ],
      },
      {
        name: 'DELETE FROM pg_enum in a DO block',
        sql: "DO $$ BEGIN DELETE FROM pg_enum WHERE enumlabel = 'gone'; END $$;",
        expect: [`catalog-manipulation@${UP}:1 pg_enum`],
      },
    ],
    none: [
      { name: 'a user table', sql: "UPDATE orders SET status = 'x';" },
      { name: 'reading the catalog', sql: 'SELECT * FROM pg_index WHERE indisready;' },
    ],
  },
  {
    rule: replaceFunctionOrView,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'view replaced by a later migration',
        sql: [
          { version: '0001', up: 'CREATE VIEW v AS SELECT 1 AS a;' },
          { version: '0002', up: 'SELECT 1;\nCREATE OR REPLACE VIEW v AS SELECT 1 AS a, 2 AS b;' },
        ],
        expect: [`replace-function-or-view@${UP2}:2 v`],
      },
      {
        name: 'function replaced, down restores it',
        sql: [
          { version: '0001', up: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';" },
          {
            version: '0002',
            up: "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';",
            down: "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
          },
        ],
        expect: [`replace-function-or-view@${UP2}:1 f`],
      },
    ],
    none: [
      { name: 'first definition with OR REPLACE', sql: 'CREATE OR REPLACE VIEW v AS SELECT 1;' },
      {
        name: 'the same definition again (a no-op)',
        sql: [
          { version: '0001', up: 'CREATE OR REPLACE VIEW v AS SELECT 1;' },
          { version: '0002', up: 'CREATE OR REPLACE VIEW v AS\n  SELECT 1;' },
        ],
      },
      {
        name: 'plain CREATE',
        sql: [
          { version: '0001', up: 'CREATE VIEW v AS SELECT 1;' },
          { version: '0002', up: 'CREATE VIEW w AS SELECT 1;' },
        ],
      },
    ],
  },
  {
    rule: nonConcurrentIndex,
    flags: { appRollbackSafe: true, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'plain and unique',
        sql: 'CREATE INDEX orders_status_idx ON orders (status);\nCREATE UNIQUE INDEX ON orders (note);',
        expect: [
          `non-concurrent-index@${UP}:1 orders_status_idx`,
          `non-concurrent-index@${UP}:2 orders(note)`,
        ],
      },
    ],
    none: [
      { name: 'concurrently', sql: 'CREATE INDEX CONCURRENTLY i ON orders (status);' },
      { name: 'new table', sql: 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);' },
    ],
  },
  {
    rule: dropIndex,
    flags: { appRollbackSafe: true, revertLossless: true, kind: 'schema' },
    fire: [
      {
        name: 'plain and concurrent',
        sql: 'DROP INDEX orders_status_idx;\nDROP INDEX CONCURRENTLY IF EXISTS shop.orders_note_idx;',
        expect: [`drop-index@${UP}:1 orders_status_idx`, `drop-index@${UP}:2 shop.orders_note_idx`],
      },
    ],
    none: [
      {
        name: 'index created in the same migration',
        sql: 'CREATE INDEX CONCURRENTLY i ON t (a);\nDROP INDEX i;',
      },
    ],
  },
  {
    rule: missingDown,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'schema' },
    fire: [
      {
        name: 'no down file',
        sql: [{ version: '0001', up: 'CREATE TABLE t (a int);\nALTER TABLE u ADD COLUMN b int;' }],
        expect: [`missing-down@${UP}:1 ${UP}`],
      },
      {
        name: 'empty down file',
        sql: [{ version: '0001', up: 'CREATE INDEX CONCURRENTLY i ON t (a);', down: '-- irreversible\n' }],
        expect: [`missing-down@${DOWN}:1 ${UP}`],
      },
    ],
    none: [
      { name: 'has a down', sql: one('CREATE TABLE t (a int);', 'DROP TABLE t;') },
      { name: 'empty up', sql: [{ version: '0001', up: '-- nothing\n' }] },
    ],
  },
  {
    rule: lossyDown,
    flags: { appRollbackSafe: null, revertLossless: false, kind: 'data' },
    fire: [
      {
        name: 'drops what the up added (warning) and what it did not (error)',
        sql: one(
          'ALTER TABLE orders ADD COLUMN region text;',
          'ALTER TABLE orders DROP COLUMN region;\nALTER TABLE orders DROP COLUMN note;\nDELETE FROM orders;',
        ),
        expect: [
          `lossy-down@${DOWN}:1 orders.region`,
          `lossy-down@${DOWN}:2 orders.note`,
          `lossy-down@${DOWN}:3 orders`,
        ],
      },
      {
        name: 'drops the table the up created',
        sql: one('CREATE TABLE t (a int);', 'DROP TABLE t;'),
        expect: [`lossy-down@${DOWN}:1 t`],
      },
    ],
    none: [
      {
        name: 'reverts a rename',
        sql: one('ALTER TABLE orders RENAME a TO b;', 'ALTER TABLE orders RENAME b TO a;'),
      },
      {
        name: 'deletes the seed rows its up inserted',
        sql: one("INSERT INTO settings VALUES ('k', 'v');", "DELETE FROM settings WHERE k = 'k';"),
      },
      {
        name: 'drops an index',
        sql: one('CREATE INDEX CONCURRENTLY i ON t (a);', 'DROP INDEX CONCURRENTLY i;'),
      },
    ],
  },
];

describe.each(TABLES)('$rule.meta.id', ({ rule, fire, none, flags }) => {
  it.each(fire)('fires: $name', ({ sql, expect: expected }) => {
    const svc = migrationService(sql);
    const found = findingsOf(rule, svc);
    expect(where(found)).toEqual(expected);
    for (const f of found) {
      expect(f.touchesData).toBe(true);
      expect(f.migration).toMatch(/^000[12]$/);
      expect(f.evidence[0]?.col).toBeGreaterThan(0);
    }
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });
  it.each(none)('does not fire: $name', ({ sql }) => {
    expectNone(rule, migrationService(sql));
  });
  if (flags)
    it('carries the catalogue flags', () => {
      const f = findingsOf(rule, migrationService((fire[0] as Case).sql))[0];
      expect({
        appRollbackSafe: f?.appRollbackSafe,
        revertLossless: f?.revertLossless,
        kind: f?.kind,
      }).toEqual(flags);
    });
});

describe('rule-specific details', () => {
  it('alter-column-type: widening keeps the app-only rollback safe', () => {
    const svc = migrationService([
      { version: '0001', up: 'CREATE TABLE t (id integer);' },
      { version: '0002', up: 'ALTER TABLE t ALTER COLUMN id TYPE bigint;' },
    ]);
    const [f] = findingsOf(alterColumnType, svc);
    expect(f?.appRollbackSafe).toBe(true);
    expect(f?.message).toContain('from integer to bigint');
  });
  it('lossy-down: severity says which kind of loss', () => {
    const svc = migrationService(
      one(
        'ALTER TABLE orders ADD COLUMN region text;',
        'ALTER TABLE orders DROP COLUMN region;\nALTER TABLE orders DROP COLUMN note;',
      ),
    );
    expect(findingsOf(lossyDown, svc).map((f) => f.severity)).toEqual(['warning', 'error']);
  });
  it('replace-function-or-view: revertLossless when the down restores the definition', () => {
    const svc = migrationService([
      { version: '0001', up: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';" },
      {
        version: '0002',
        up: "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';",
        down: "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
      },
    ]);
    const [f] = findingsOf(replaceFunctionOrView, svc);
    expect(f?.revertLossless).toBe(true);
    expect(f?.evidence[1]).toMatchObject({ file: UP, line: 1 });
  });
  it('missing-down: not for tools without downs (prisma, plain)', () => {
    for (const tool of ['prisma', 'plain'] as const)
      expectNone(
        missingDown,
        migrationService([{ version: '0001', up: 'CREATE TABLE t (a int);' }], { tool }),
      );
  });
  it('non-concurrent-index: the fix names the tool-specific way out of the transaction', () => {
    const svc = migrationService('CREATE INDEX i ON orders (status);', { tool: 'goose' });
    expect(findingsOf(nonConcurrentIndex, svc)[0]?.mitigation).toContain('-- +goose NO TRANSACTION');
  });
});
