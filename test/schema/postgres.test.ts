/**
 * [postgres] suites: the same engine against a real server (ROLLBOOK_TEST_DATABASE_URL, set by
 * .ci/run). In CI a missing URL fails; locally the suite is skipped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeDifference, diffCatalogs, readCatalog } from '../../src/schema/catalog.js';
import { type Engine, openEngine, openReadOnly, sqlFailureOf } from '../../src/schema/engine.js';
import { evaluateGates } from '../../src/schema/gates.js';
import { readMigrationHistory } from '../../src/schema/history.js';
import { splitSql } from '../../src/schema/sql-split.js';
import { verifyMigrations } from '../../src/schema/verify.js';
import { migrationSet, testDatabaseUrl } from './helpers.js';

const url = testDatabaseUrl();

beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
});

const SCHEMA = `CREATE TYPE mood AS ENUM ('ok', 'sad', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE users (id bigserial PRIMARY KEY, email email NOT NULL UNIQUE, mood mood, age int CHECK (age > 0),
  created_at timestamptz NOT NULL DEFAULT now(), id2 int GENERATED ALWAYS AS IDENTITY);
CREATE TABLE orders (id uuid PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  total numeric(10,2) NOT NULL DEFAULT 0, tags text[]);
CREATE INDEX orders_user_idx ON orders (user_id) WHERE total > 0;
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.total := NEW.total; RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`;

describe.skipIf(!url)('[postgres] engines', () => {
  it('PGlite (18) and PostgreSQL 15 produce the same normalised catalog', async () => {
    const engines: Engine[] = [await openEngine(), await openEngine({ scratchUrl: url as string })];
    try {
      const labels = engines.map((e) => e.info.label);
      expect(labels[0]).toMatch(/^PGlite \(PostgreSQL 18\.\d+\)$/);
      expect(labels[1]).toMatch(/^PostgreSQL \d+\.\d+/);
      const catalogs = [];
      for (const e of engines) {
        for (const stmt of SCHEMA.split(/;\n/)) await e.exec(stmt);
        catalogs.push(await readCatalog((sql) => e.query(sql)));
      }
      const [a, b] = catalogs as [
        Awaited<ReturnType<typeof readCatalog>>,
        Awaited<ReturnType<typeof readCatalog>>,
      ];
      // view definitions are compared within one engine only: PostgreSQL 16+ deparses without
      // qualifying columns ("SELECT id" vs "SELECT orders.id")
      const diffs = diffCatalogs(a, b);
      const serverMajor = engines[1]?.info.major ?? 0;
      expect(diffs.map(describeDifference)).toEqual(
        serverMajor >= 16
          ? []
          : [
              'changed view public.big_orders definition: SELECT id, total FROM orders WHERE total > 100::numeric; → SELECT orders.id, orders.total FROM orders WHERE orders.total > 100::numeric;',
            ],
      );
      expect(a.tables.map((t) => t.name)).toEqual(['public.orders', 'public.users']);
      expect(a.tables[1]?.constraints.map((c) => `${c.name} ${c.type}`)).toEqual([
        'users_age_check check',
        'users_email_key unique',
        'users_pkey primary key',
      ]);
      expect(a.enums).toEqual([{ name: 'public.mood', values: ['ok', 'sad', 'happy'] }]);
    } finally {
      for (const e of engines) await e.close();
    }
  });

  it('drops its scratch database on close', async () => {
    const e = await openEngine({ scratchUrl: url as string });
    const name = (await e.query<{ d: string }>('select current_database() as d'))[0]?.d;
    expect(name).toMatch(/^rollbook_tmp_[0-9a-f]{12}$/);
    await e.close();
    const ro = await openReadOnly(url as string);
    try {
      const rows = await ro.query('select count(*)::int as n from pg_database where datname = $1', [name]);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await ro.close();
    }
  });

  it('verify gives the same verdicts on the server', async () => {
    const set = await migrationSet([
      {
        version: '1',
        name: 'users',
        up: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);',
        down: 'DROP TABLE users;',
      },
      {
        version: '2',
        name: 'idx',
        up: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
        down: 'DROP INDEX CONCURRENTLY users_email_idx;',
      },
      {
        version: '3',
        name: 'nick',
        up: 'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users ALTER COLUMN email TYPE varchar(200);',
        down: 'ALTER TABLE users DROP COLUMN nick;',
      },
    ]);
    const report = await verifyMigrations([set], { scratchUrl: url as string });
    expect(report.engine).toMatch(/^PostgreSQL \d+\.\d+/);
    expect(report.sets[0]?.migrations.map((m) => `${m.version} ${m.status}: ${m.reason}`)).toEqual([
      '1 fail: down loses data in public.users (table dropped, 1 row(s))',
      '2 pass: down restores the schema and keeps the seeded rows',
      '3 fail: down does not restore the schema (1 difference(s)); down loses data in public.users (column(s) nick)',
    ]);
  });
});

describe.skipIf(!url)('[postgres] gates replayed on a scratch server', () => {
  it('gives the same verdicts as PGlite, and says which server answered', async () => {
    const v1 = [
      {
        version: '1',
        name: 'init',
        up: 'CREATE TABLE orders (id bigserial PRIMARY KEY, note text, total integer NOT NULL);',
        down: 'DROP TABLE orders;',
      },
    ];
    const v2 = [
      ...v1,
      {
        version: '2',
        name: 'rename',
        up: 'ALTER TABLE orders RENAME COLUMN note TO comment;\nALTER TABLE orders ADD COLUMN c char(3) NOT NULL;',
        down: 'ALTER TABLE orders DROP COLUMN c;\nALTER TABLE orders RENAME COLUMN comment TO note;',
      },
    ];
    const queries = await splitSql(
      'q.sql',
      'SELECT note FROM orders;\nINSERT INTO orders (total) VALUES ($1);',
    );
    const input = {
      from: 'main',
      to: 'v1',
      current: [await migrationSet(v2)],
      target: [await migrationSet(v1)],
      queries,
    };
    const server = await evaluateGates({ ...input, scratchUrl: url as string });
    const pglite = await evaluateGates(input);
    expect(server.engine).toMatch(/^PostgreSQL \d+\.\d+/);
    const verdicts = (r: typeof server) => r.gates.map((g) => `${g.id} ${g.status}: ${g.reason}`);
    expect(verdicts(server)).toEqual(verdicts(pglite));
    expect(server.gates.map((g) => g.status)).toEqual(['fail', 'fail', 'fail', 'unknown', 'unknown', 'fail']);
  });
});

describe.skipIf(!url)('[postgres] live history, read only', () => {
  it('refuses writes in a read-only session', async () => {
    const ro = await openReadOnly(url as string);
    try {
      const err = await ro.query('create table rollbook_must_not_exist (a int)').catch((e) => e);
      expect(sqlFailureOf(err)?.code).toBe('25006');
      const shown = await ro.query(
        "select current_setting('transaction_read_only') as ro, current_setting('default_transaction_read_only') as d",
      );
      expect(shown[0]).toEqual({ ro: 'on', d: 'on' });
      const exists = await ro.query("select to_regclass('rollbook_must_not_exist') is not null as e");
      expect(exists[0]?.e).toBe(false);
    } finally {
      await ro.close();
    }
  });

  it('reports dirty, failed and in-flight migrations from every tool', async () => {
    // build the history tables in a scratch database, then read them read-only
    const scratch = await openEngine({ scratchUrl: url as string });
    try {
      for (const sql of [
        'create table schema_migrations (version bigint primary key, dirty boolean not null)',
        'insert into schema_migrations values (20240102, true)',
        `create table flyway_schema_history (installed_rank int primary key, version varchar(50), description varchar(200),
          script varchar(1000), success boolean not null)`,
        "insert into flyway_schema_history values (1, '1', 'init', 'V1__init.sql', true), (2, '2', 'add', 'V2__add.sql', false)",
        `create table _prisma_migrations (id varchar(36) primary key, migration_name varchar(255), started_at timestamptz default now(),
          finished_at timestamptz, rolled_back_at timestamptz, logs text)`,
        "insert into _prisma_migrations (id, migration_name, finished_at, logs) values ('a', '20240101_init', now(), null), ('b', '20240102_add', null, 'error: boom'), ('c', '20240103_x', null, null)",
        "insert into _prisma_migrations (id, migration_name, finished_at, rolled_back_at) values ('d', '20231201_old', null, now())",
        'create schema sqitch',
        'create table sqitch.changes (change_id text primary key, change text, committed_at timestamptz default now())',
        `create table sqitch.events (event text, change_id text, change text, committed_at timestamptz)`,
        "insert into sqitch.changes values ('c1', 'users')",
        "insert into sqitch.events values ('deploy', 'c1', 'users', now() - interval '1 hour'), ('deploy', 'c2', 'orders', now() - interval '1 minute'), ('fail', 'c2', 'orders', now())",
        'create table databasechangelog (id varchar(255), orderexecuted int)',
        "insert into databasechangelog values ('1', 1)",
        'create table databasechangeloglock (id int primary key, locked boolean, lockgranted timestamp, lockedby varchar(255))',
        "insert into databasechangeloglock values (1, true, '2026-01-01 00:00:00', 'ci-runner')",
        'create table goose_db_version (id serial primary key, version_id bigint, is_applied boolean, tstamp timestamp default now())',
        'insert into goose_db_version (version_id, is_applied) values (0, true), (3, true)',
      ])
        await scratch.exec(sql);
      const name = (await scratch.query<{ d: string }>('select current_database() as d'))[0]?.d as string;
      const u = new URL(url as string);
      u.pathname = `/${name}`;
      const ro = await openReadOnly(u.toString());
      try {
        const report = await readMigrationHistory((sql, params) => ro.query(sql, params));
        expect(report.tables).toEqual([
          { tool: 'golang-migrate', table: 'schema_migrations', latest: '20240102' },
          { tool: 'flyway', table: 'flyway_schema_history', latest: '2' },
          { tool: 'prisma', table: '_prisma_migrations', latest: expect.any(String) },
          { tool: 'sqitch', table: 'sqitch.changes', latest: 'users' },
          { tool: 'liquibase', table: 'databasechangelog', latest: '1' },
          { tool: 'goose', table: 'goose_db_version', latest: '3' },
        ]);
        expect(report.findings.map((f) => `${f.tool} ${f.state} ${f.subject}`)).toEqual([
          'golang-migrate dirty 20240102',
          'flyway failed 2',
          'prisma failed 20240102_add',
          'prisma in-flight 20240103_x',
          'sqitch failed orders',
          'liquibase in-flight databasechangeloglock',
        ]);
        // the gate reads it through evaluateGates too
        const set = await migrationSet([{ version: '1', name: 'a', up: 'create table a (id int)' }]);
        const gates = await evaluateGates({
          from: 'HEAD',
          to: 'HEAD~1',
          current: [set],
          target: [set],
          liveUrl: u.toString(),
        });
        const g = gates.gates.find((x) => x.id === 'no-in-flight-migration');
        expect(g?.status).toBe('fail');
        expect(g?.reason).toContain('schema_migrations: version 20240102 is dirty');
      } finally {
        await ro.close();
      }
    } finally {
      await scratch.close();
    }
  });
});
