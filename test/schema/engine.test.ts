import { beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/schema/engine.js';
import { applyFile, extensionsOf, unsupportedOnPglite } from '../../src/schema/replay.js';
import { allowedLiteral, countRows, seedRows } from '../../src/schema/seed.js';
import { verifyMigrations } from '../../src/schema/verify.js';
import { migrationFile, migrationSet } from './helpers.js';

beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
});

describe('seeding', () => {
  it('reads the literal a CHECK constraint admits', () => {
    const checks = [
      "CHECK ((data = ANY (ARRAY['no'::text])))",
      "CHECK ((a = ANY (ARRAY['x1'::text, 'y'::text])))",
      "CHECK (((b)::text = ANY ((ARRAY['p'::character varying, 'q'::character varying])::text[])))",
      "CHECK ((c = 'only'::text))",
      `CHECK (("Weird" = 'it''s'::text))`,
      'CHECK ((length(d) > 3))',
    ];
    expect(['a', 'b', 'c', 'Weird', 'd', 'ta'].map((c) => allowedLiteral(checks, c))).toEqual([
      'x1',
      'p',
      'only',
      "it's",
      undefined,
      undefined,
    ]);
  });
});

describe('PGlite engine', () => {
  it('loads the bundled extensions a migration creates, reports the others as unknown', async () => {
    const set = await migrationSet([
      {
        version: '1',
        name: 'ext',
        up: `CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE TABLE people (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext NOT NULL UNIQUE,
  token text NOT NULL DEFAULT encode(gen_random_bytes(8), 'hex'));`,
        down: 'DROP TABLE people;',
      },
      {
        version: '2',
        name: 'vector',
        up: 'CREATE EXTENSION vector;\nCREATE TABLE items (id int PRIMARY KEY, embedding vector(3));',
        down: 'DROP TABLE items;\nDROP EXTENSION vector;',
      },
      { version: '3', name: 'after', up: 'CREATE TABLE later (id int);', down: 'DROP TABLE later;' },
    ]);
    expect(extensionsOf([set])).toEqual(['citext', 'pgcrypto', 'uuid-ossp', 'vector']);
    expect(unsupportedOnPglite(extensionsOf([set]))).toEqual(['vector']);
    const report = await verifyMigrations([set]);
    expect(
      report.sets[0]?.migrations.map((m) => `${m.version} ${m.status}: ${m.reason}`),
    ).toMatchInlineSnapshot(`
      [
        "1 fail: down does not restore the schema (3 difference(s)); down loses data in public.people (table dropped, 1 row(s))",
        "2 unknown: up fails at db/migrations/2_vector.up.sql:1:1: extension "vector" is not available (0A000); not bundled with PGlite: vector (replay with --scratch-url)",
        "3 unknown: not replayed: migration 2 could not be applied",
      ]
    `);
  });

  it('seeds a row into tables of every common column type, with foreign keys in order', async () => {
    const e = await openEngine({ extensions: ['citext', 'hstore'] });
    try {
      const up = await migrationFile(
        'db/types.up.sql',
        'up',
        `CREATE EXTENSION citext; CREATE EXTENSION hstore;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent(id), self_id int REFERENCES child(id));
CREATE TABLE everything (
  a smallint NOT NULL, b integer NOT NULL, c bigint NOT NULL, d numeric(5,2) NOT NULL, e real NOT NULL,
  f double precision NOT NULL, g boolean NOT NULL, h text NOT NULL, i varchar(3) NOT NULL, j char(2) NOT NULL,
  k uuid NOT NULL, l json NOT NULL, m jsonb NOT NULL, n bytea NOT NULL, o date NOT NULL, p timestamp NOT NULL,
  q timestamptz NOT NULL, r time NOT NULL, s interval NOT NULL, t inet NOT NULL, u cidr NOT NULL,
  v macaddr NOT NULL, w int[] NOT NULL, x text[] NOT NULL, y mood NOT NULL, z posint NOT NULL,
  aa citext NOT NULL, ab hstore NOT NULL, ac int4range NOT NULL, ad bit(4) NOT NULL, ae varbit NOT NULL,
  af money NOT NULL, ag point NOT NULL, ah tsvector NOT NULL, ai xml NOT NULL, aj numeric NOT NULL,
  ak timetz NOT NULL, al tstzrange NOT NULL, am name NOT NULL, an oid NOT NULL,
  ao text NOT NULL CHECK (ao IN ('draft', 'sent')), ap varchar(10) NOT NULL CHECK (ap IN ('x', 'y')),
  aq text NOT NULL CHECK (length(aq) > 5), ar text NOT NULL CHECK (ar LIKE '%@%'), "Odd" text NOT NULL CHECK ("Odd" = 'it''s'));`,
      );
      expect((await applyFile(e, up)).problem).toBeUndefined();
      await e.exec('begin');
      const seed = await seedRows(e, ['public.child', 'public.everything', 'public.parent']);
      expect({ seeded: seed.seeded, problems: seed.problems }).toEqual({
        seeded: ['public.child', 'public.everything', 'public.parent'],
        problems: [],
      });
      // the seeded row of each table, for reports
      expect(JSON.parse(seed.rows.get('public.parent') ?? '{}')).toHaveProperty('id');
      const counts = await countRows(e, ['public.child', 'public.everything', 'public.gone']);
      expect([...counts.entries()]).toEqual([
        ['public.child', 1],
        ['public.everything', 1],
        ['public.gone', null],
      ]);
      await e.exec('rollback');
      const check = await migrationFile(
        'db/bad.sql',
        'up',
        'CREATE TABLE ok (a int);\nCREATE TABLE bad (a int REFERENCES nope(id));',
      );
      const r = await applyFile(e, check);
      expect(r.problem).toEqual({
        kind: 'fail',
        at: { file: 'db/bad.sql', line: 2, col: 1 },
        code: '42P01',
        message: 'relation "nope" does not exist',
      });
    } finally {
      await e.close();
    }
  });

  it('never runs statements the reader found inside PL/pgSQL on their own', async () => {
    const e = await openEngine();
    try {
      const up = await migrationFile(
        'db/1.up.sql',
        'up',
        'CREATE TABLE a (id int);\nCREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE a; END $$;',
      );
      // as the migrations reader reports a function body's statement
      up.statements.push({
        text: 'DROP TABLE a',
        at: { file: 'db/1.up.sql', line: 2, col: 72 },
        embedded: { in: 'function', function: 'purge', dynamic: false, runsAtMigration: false },
      });
      expect((await applyFile(e, up)).problem).toBeUndefined();
      expect(await e.query("select to_regclass('a') is not null as e")).toEqual([{ e: true }]);
    } finally {
      await e.close();
    }
  });

  it('calls a failure in a file the reader rewrote inconclusive (unknown), not a failure', async () => {
    const set = await migrationSet([
      {
        version: '1',
        name: 'tpl',
        up: 'CREATE INDEX i ON tpl_namespace.accounts (email);',
        down: 'DROP INDEX i;',
      },
    ]);
    const up = set.migrations[0]?.up;
    if (!up) throw new Error('no up');
    up.notes = [
      {
        message: 'template placeholder {{ .Schema }} replaced by the identifier tpl_namespace',
        at: { file: up.file, line: 1, col: 20 },
      },
    ];
    const report = await verifyMigrations([set]);
    const m = report.sets[0]?.migrations[0];
    expect(m?.status).toBe('unknown');
    expect(m?.reason).toBe(
      'up fails at db/migrations/1_tpl.up.sql:1:1: schema "tpl_namespace" does not exist; the file was rewritten to be parsed (template placeholder {{ .Schema }} replaced by the identifier tpl_namespace at db/migrations/1_tpl.up.sql:1), so its replay is not conclusive (3F000)',
    );
  });
});
