// Replay benchmark (run by `npm run bench` after `npm run build`): the same generated migrations
// replayed in PGlite and in a real server (ROLLBOOK_TEST_DATABASE_URL or ROLLBOOK_BENCH_DATABASE_URL),
// cold (nothing cached) and warm (catalogs and verdicts cached by content hash of the files).
// Two workloads: `gates` schema build (every up, then the catalog) and `migrations verify`
// (up, catalog, seed, down in a transaction, catalog, row counts, per migration).
import { randomBytes } from 'node:crypto';
import { openEngine } from '../dist/schema/engine.js';
import { buildSchemas } from '../dist/schema/gates.js';
import { splitSql } from '../dist/schema/sql-split.js';
import { verifyMigrations } from '../dist/schema/verify.js';

const COUNT = Number(process.env.ROLLBOOK_BENCH_MIGRATIONS ?? 300);

/** Deterministic migrations: tables, columns, indexes, constraints, enums, views, functions, with downs. */
export function generate(n) {
  const out = [];
  let tables = 0;
  for (let i = 1; i <= n; i++) {
    const v = String(i).padStart(5, '0');
    const t = `t${tables}`;
    let up;
    let down;
    switch (i % 8) {
      case 1:
        tables++;
        up = `CREATE TABLE t${tables} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`;
        down = `DROP TABLE t${tables};`;
        break;
      case 2:
        up = `ALTER TABLE ${t} ADD COLUMN c${i} integer;\nCOMMENT ON COLUMN ${t}.c${i} IS 'generated';`;
        down = `ALTER TABLE ${t} DROP COLUMN c${i};`;
        break;
      case 3:
        up = `CREATE INDEX CONCURRENTLY ${t}_name_${i} ON ${t} (name);`;
        down = `DROP INDEX CONCURRENTLY ${t}_name_${i};`;
        break;
      case 4:
        up = `ALTER TABLE ${t} ADD CONSTRAINT ${t}_name_len_${i} CHECK (length(name) < 500) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_name_len_${i};`;
        down = `ALTER TABLE ${t} DROP CONSTRAINT ${t}_name_len_${i};`;
        break;
      case 5:
        up = `CREATE TYPE e${i} AS ENUM ('a', 'b');\nALTER TABLE ${t} ADD COLUMN s${i} e${i} NOT NULL DEFAULT 'a';`;
        down = `ALTER TABLE ${t} DROP COLUMN s${i};\nDROP TYPE e${i};`;
        break;
      case 6:
        up = `CREATE VIEW v${i} AS SELECT id, name FROM ${t} WHERE name <> '';`;
        down = `DROP VIEW v${i};`;
        break;
      case 7:
        up = `CREATE FUNCTION f${i}(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x + ${i} $$;`;
        down = `DROP FUNCTION f${i}(integer);`;
        break;
      default:
        up = `ALTER TABLE ${t} ADD COLUMN ref${i} bigint REFERENCES ${t}(id);\nUPDATE ${t} SET ref${i} = id;`;
        down = `ALTER TABLE ${t} DROP COLUMN ref${i};`;
    }
    out.push({ version: v, name: `m${i}`, up, down });
  }
  return out;
}

async function toSet(specs, path) {
  const migrations = [];
  let statements = 0;
  for (const m of specs) {
    const upFile = `${path}/${m.version}_${m.name}.up.sql`;
    const downFile = `${path}/${m.version}_${m.name}.down.sql`;
    const up = await splitSql(upFile, m.up);
    const down = await splitSql(downFile, m.down);
    statements += up.length + down.length;
    migrations.push({
      version: m.version,
      name: m.name,
      at: { file: upFile, line: 1 },
      up: { file: upFile, direction: 'up', statements: up, errors: [], empty: up.length === 0 },
      down: { file: downFile, direction: 'down', statements: down, errors: [], empty: down.length === 0 },
    });
  }
  return { set: { tool: 'golang-migrate', path, database: 'postgres', migrations, skipped: [] }, statements };
}

async function time(fn) {
  const t = performance.now();
  const result = await fn();
  return { ms: performance.now() - t, result };
}

const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export default async function () {
  process.env.ROLLBOOK_CACHE = 'on';
  const url = process.env.ROLLBOOK_BENCH_DATABASE_URL ?? process.env.ROLLBOOK_TEST_DATABASE_URL;
  const specs = generate(COUNT);
  const engines = [{ name: 'PGlite', opts: {} }];
  if (url) engines.push({ name: 'PostgreSQL server', opts: { databaseUrl: url } });
  const rows = [];
  let statements = 0;
  for (const e of engines) {
    // a fresh path per run: the first run is cold whatever the cache holds
    const { set, statements: n } = await toSet(specs, `bench/${randomBytes(6).toString('hex')}`);
    statements = n;
    const empty = { ...set, migrations: [] };
    const replayOpts = e.opts.databaseUrl ? { replayUrl: e.opts.databaseUrl } : {};
    const start = await time(async () => {
      const engine = await openEngine(e.opts);
      await engine.close();
    });
    const coldSchema = await time(() => buildSchemas([empty], [set], replayOpts));
    const warmSchema = await time(() => buildSchemas([empty], [set], replayOpts));
    const coldVerify = await time(() => verifyMigrations([set], e.opts));
    const warmVerify = await time(() => verifyMigrations([set], e.opts));
    const label = coldVerify.result.engine;
    const s = coldVerify.result.summary;
    rows.push(
      `| ${label} | ${fmt(start.ms)} | ${fmt(coldSchema.ms)} | ${fmt(warmSchema.ms)} (${((100 * warmSchema.ms) / coldSchema.ms).toFixed(1)}%) | ${fmt(coldVerify.ms)} | ${fmt(warmVerify.ms)} (${((100 * warmVerify.ms) / coldVerify.ms).toFixed(1)}%) | ${s.pass}/${s.fail}/${s.unknown}/${s.skipped} |`,
    );
  }
  const lines = [
    '## Replay: PGlite vs PostgreSQL server (bench/replay.bench.js)',
    '',
    `${COUNT} generated migrations (${statements} statements, ups and downs): tables, columns, concurrent indexes,`,
    'constraints, enums, views, functions, backfills. "schema build" replays every up and reads the catalog',
    '(what `gates` does per version); "verify" is `migrations verify` (per migration: up, catalog, rows seeded and',
    'committed, down in its own transaction, catalog, identity and row counts, rollback, seeded rows removed).',
    'Warm = second run, answered from the content-hash cache.',
    '"start + stop": PGlite from the cached fresh-database snapshot / CREATE + DROP DATABASE on the server.',
    '',
    '| engine | start + stop | schema build cold | warm | verify cold | warm | pass/fail/unknown/skipped |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ];
  if (!url)
    lines.push('', 'No server: set ROLLBOOK_TEST_DATABASE_URL (or ROLLBOOK_BENCH_DATABASE_URL) to compare.');
  return `${lines.join('\n')}\n`;
}
