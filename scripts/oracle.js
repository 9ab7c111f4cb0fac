// npm run oracle [dir ...]: the same up/down round trips as `rollbook migrations verify`, run with
// psql against a real PostgreSQL server, independently of rollbook's replay, and the agreement of
// the two per pair on (a) schema restored, (b) objects or rows destroyed, (c) up or down fails.
// Not part of npm test. Needs psql, pg_dump and a server: ROLLBOOK_ORACLE_DATABASE_URL or
// ROLLBOOK_TEST_DATABASE_URL (source /tmp/pgenv.sh), a role that may CREATE DATABASE.
//
// Without arguments it runs on the bench corpora (bench/migrations-analyze and bench/replay
// generators, ROLLBOOK_ORACLE_MIGRATIONS each, default 120) and on examples/*. It prints a Markdown
// table and every disagreement, and writes bench/out/oracle.md.
//
// The oracle's protocol, per pair (up_i, down_i), on a server:
//   base database: the tool's bookkeeping table, then up_1 … up_i, each file run by psql
//   statement by statement (ON_ERROR_STOP); a failing up ends the set (later pairs: not evaluated);
//   trial database: CREATE DATABASE … TEMPLATE base; one row committed into every empty table
//   (its own transaction, by a DO block of its own, not rollbook's seeding); then down_i by psql;
//   (a) pg_dump -s of the trial equals pg_dump -s of the base before up_i (column order ignored);
//   (b) a table holding rows vanished (by oid, or by name when re-created), lost rows, or lost a
//       column (table oid + attribute number: a drop then re-add of the same name is a loss);
//   (c) up_i fails on base, or down_i fails on the seeded trial.
// rollbook's answers come from `rollbook migrations verify --format json` (PGlite, or
// --database-url with ROLLBOOK_ORACLE_ENGINE=server).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descriptorMigrationSpecs } from '../dist/readers/descriptor.js';
import { loadMigrationSets } from '../dist/readers/migrations/index.js';
import { bookkeepingDdl } from '../dist/schema/bookkeeping.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const URL_ = process.env.ROLLBOOK_ORACLE_DATABASE_URL ?? process.env.ROLLBOOK_TEST_DATABASE_URL;
if (!URL_) {
  process.stderr.write('oracle: set ROLLBOOK_ORACLE_DATABASE_URL (or source /tmp/pgenv.sh)\n');
  process.exit(2);
}
const COUNT = Number(process.env.ROLLBOOK_ORACLE_MIGRATIONS ?? 120);

function dbUrl(name) {
  const u = new URL(URL_);
  u.pathname = `/${name}`;
  return u.toString();
}

/** psql on a database: { ok, out, err }. `file`: run a file; `sql`: one command. */
function psql(db, { sql, file, tuples = false }) {
  const args = [dbUrl(db), '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
  if (tuples) args.push('-At', '-F', '\t');
  if (file) args.push('-f', file);
  else args.push('-c', sql);
  const r = spawnSync('psql', args, {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim() };
}

function must(r, what) {
  if (!r.ok) throw new Error(`${what}: ${r.err}`);
  return r.out;
}

const admin = new URL(URL_).pathname.slice(1) || 'postgres';

/** The text psql runs for a migration file: its top-level statements (sections of one-file layouts included). */
function fileText(f) {
  return `${f.statements
    .filter((s) => !s.embedded)
    .map((s) => s.text)
    .join(';\n')};\n`;
}

// One committed row in every empty user table: typed dummy values, foreign keys pointing at the
// referenced table's row, literals a CHECK (col = ANY (ARRAY['a', ...])) admits; repeated until
// no table makes progress (foreign-key order without computing it).
const SEED = `DO $seed$
DECLARE
  pending text[];
  t text;
  c record;
  cols text;
  vals text;
  v text;
  lit text;
  progress boolean := true;
  full_row boolean;
  has_rows boolean;
BEGIN
  SELECT coalesce(array_agg(format('%I.%I', n.nspname, k.relname) ORDER BY 1), '{}') INTO pending
    FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
    WHERE k.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_%' AND NOT k.relispartition;
  WHILE progress AND cardinality(pending) > 0 LOOP
    progress := false;
    FOREACH t IN ARRAY pending LOOP
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', t) INTO has_rows;
      IF has_rows THEN pending := array_remove(pending, t); progress := true; CONTINUE; END IF;
      FOREACH full_row IN ARRAY ARRAY[true, false] LOOP
        cols := ''; vals := '';
        FOR c IN SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS ft, a.attnotnull AS nn,
                   coalesce(bt.typcategory, ty.typcategory) AS cat, coalesce(bt.typtype, ty.typtype) AS tt,
                   coalesce(bt.typname, ty.typname) AS tn
                 FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                 LEFT JOIN pg_type bt ON ty.typtype = 'd' AND bt.oid = ty.typbasetype
                 WHERE a.attrelid = t::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = ''
                 ORDER BY a.attnum LOOP
          IF NOT c.nn AND NOT full_row THEN CONTINUE; END IF;
          v := NULL;
          SELECT format('(SELECT %I FROM %s LIMIT 1)', ra.attname, k.confrelid::regclass) INTO v
            FROM pg_constraint k JOIN pg_attribute ra ON ra.attrelid = k.confrelid
              AND ra.attnum = k.confkey[array_position(k.conkey, c.attnum)]
            WHERE k.conrelid = t::regclass AND k.contype = 'f' AND c.attnum = ANY (k.conkey) LIMIT 1;
          IF v IS NULL THEN
            SELECT substring(pg_get_constraintdef(k.oid) FROM '\\m' || c.attname || '\\M[^=]*= ANY \\(+ARRAY\\[''([^'']*)''') INTO lit
              FROM pg_constraint k WHERE k.conrelid = t::regclass AND k.contype = 'c'
                AND pg_get_constraintdef(k.oid) ~ ('\\m' || c.attname || '\\M[^=]*= ANY') LIMIT 1;
            v := CASE
              WHEN lit IS NOT NULL THEN format('%L::%s', lit, c.ft)
              WHEN c.tt = 'e' THEN format('(enum_range(NULL::%s))[1]', c.ft)
              WHEN c.cat = 'A' THEN format('''{}''::%s', c.ft)
              WHEN c.tn = 'uuid' THEN '''00000000-0000-4000-8000-000000000001''::uuid'
              WHEN c.tn IN ('json', 'jsonb') THEN format('''{}''::%s', c.ft)
              WHEN c.tn = 'bytea' THEN '''\\x00''::bytea'
              WHEN c.tn IN ('inet', 'cidr') THEN format('''10.0.0.0/8''::%s', c.ft)
              WHEN c.tn IN ('time', 'timetz') THEN format('''00:00''::%s', c.ft)
              WHEN c.cat = 'B' THEN 'true'
              WHEN c.cat = 'N' THEN format('1::%s', c.ft)
              WHEN c.cat = 'D' THEN format('''2000-01-01''::%s', c.ft)
              WHEN c.cat = 'T' THEN format('''1 day''::%s', c.ft)
              WHEN c.cat = 'S' THEN format('''oracle@example.com''::%s', c.ft)
              ELSE NULL END;
            lit := NULL;
          END IF;
          IF v IS NULL THEN CONTINUE; END IF;
          cols := cols || ', ' || quote_ident(c.attname);
          vals := vals || ', ' || v;
        END LOOP;
        BEGIN
          IF cols = '' THEN EXECUTE format('INSERT INTO %s DEFAULT VALUES', t);
          ELSE EXECUTE format('INSERT INTO %s (%s) VALUES (%s)', t, substr(cols, 3), substr(vals, 3));
          END IF;
          pending := array_remove(pending, t);
          progress := true;
          EXIT;
        EXCEPTION WHEN others THEN NULL;
        END;
      END LOOP;
    END LOOP;
  END LOOP;
END $seed$;`;

/** table → { oid, rows, cols: Set<attnum> } for every user table. */
function inventory(db) {
  const out = must(
    psql(db, {
      tuples: true,
      sql: `SELECT format('%I.%I', n.nspname, k.relname), k.oid, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, k.relname), false, true, '')))[1]::text,
        (SELECT string_agg(a.attnum::text, ',') FROM pg_attribute a WHERE a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped)
        FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
        WHERE k.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    }),
    'inventory',
  );
  const m = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, oid, rows, cols] = line.split('\t');
    m.set(name, { oid, rows: Number(rows), cols: new Set((cols ?? '').split(',').filter(Boolean)) });
  }
  return m;
}

/** What the down destroyed: tables holding rows that vanished, lost rows, or lost a column. */
function destroyed(before, after) {
  const byOid = new Map([...after.entries()].map(([n, t]) => [t.oid, { name: n, ...t }]));
  const lost = [];
  for (const [name, t] of before) {
    if (t.rows === 0) continue;
    const same = byOid.get(t.oid);
    const now = same ?? (after.has(name) ? { name, ...after.get(name), recreated: true } : undefined);
    if (!now) lost.push(`${name} (table gone)`);
    else if (now.rows < t.rows) lost.push(`${name} (rows)`);
    else if (!now.recreated && [...t.cols].some((c) => !now.cols.has(c))) lost.push(`${name} (column)`);
  }
  return lost;
}

/** pg_dump -s, without comments/owners/privileges, column order within a table ignored. */
function schemaOf(db) {
  const r = spawnSync('pg_dump', ['-s', '--no-owner', '--no-privileges', '--no-comments', dbUrl(db)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pg_dump: ${r.stderr}`);
  const lines = r.stdout
    .split('\n')
    .filter(
      (l) => l && !l.startsWith('--') && !/^SET |^SELECT pg_catalog\.set_config|^\\(un)?restrict /.test(l),
    );
  const out = [];
  let block;
  for (const l of lines) {
    if (/^CREATE TABLE /.test(l)) {
      out.push(l);
      block = [];
      continue;
    }
    if (block) {
      if (/^\)/.test(l)) {
        out.push(...block.map((x) => x.replace(/,$/, '')).sort(), l);
        block = undefined;
      } else block.push(l);
      continue;
    }
    out.push(l);
  }
  return out.join('\n');
}

function oraclePairs(set) {
  const base = `oracle_base_${randomBytes(4).toString('hex')}`;
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-oracle-'));
  const results = [];
  must(psql(admin, { sql: `CREATE DATABASE ${base}` }), 'create base');
  try {
    for (const ddl of bookkeepingDdl(set.tool)) must(psql(base, { sql: ddl }), 'bookkeeping');
    let stopped = false;
    for (const m of set.migrations) {
      const r = { version: m.version };
      results.push(r);
      if (stopped) {
        r.status = 'not evaluated';
        continue;
      }
      if (!m.up) {
        r.status = 'skipped';
        continue;
      }
      const schemaBefore = schemaOf(base);
      const upFile = join(tmp, 'up.sql');
      writeFileSync(upFile, fileText(m.up));
      const up = psql(base, { file: upFile });
      if (!up.ok) {
        r.status = 'evaluated';
        r.upFails = true;
        r.error = up.err.split('\n')[0];
        stopped = true;
        continue;
      }
      r.upFails = false;
      if (!m.down || m.down.empty) {
        r.status = 'skipped';
        continue;
      }
      r.status = 'evaluated';
      const trial = `oracle_trial_${randomBytes(4).toString('hex')}`;
      must(psql(admin, { sql: `CREATE DATABASE ${trial} TEMPLATE ${base}` }), 'create trial');
      try {
        must(psql(trial, { sql: SEED }), 'seed');
        const inv0 = inventory(trial);
        const downFile = join(tmp, 'down.sql');
        writeFileSync(downFile, fileText(m.down));
        const down = psql(trial, { file: downFile });
        r.downFails = !down.ok;
        if (!down.ok) {
          r.error = down.err.split('\n')[0];
          continue;
        }
        r.restored = schemaOf(trial) === schemaBefore;
        r.lost = destroyed(inv0, inventory(trial));
        r.destroyed = r.lost.length > 0;
      } finally {
        psql(admin, { sql: `DROP DATABASE IF EXISTS ${trial}` });
      }
    }
  } finally {
    psql(admin, { sql: `DROP DATABASE IF EXISTS ${base}` });
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

/** rollbook's verdicts, from the CLI as a user runs it. */
function rollbookVerdicts(dir) {
  const args = [join(ROOT, 'bin/rollbook.js'), 'migrations', 'verify', dir, '--format', 'json'];
  if (process.env.ROLLBOOK_ORACLE_ENGINE === 'server') args.push('--database-url', URL_);
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    env: { ...process.env, ROLLBOOK_CACHE: 'off' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rollbook verify ${dir}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function rollbookPair(v) {
  if (!v) return { status: 'missing' };
  if (v.status === 'skipped') return { status: 'skipped' };
  if (v.status === 'unknown') return { status: 'unknown', reason: v.reason };
  const upFails = v.reason.startsWith('up fails');
  const downFails = !upFails && (v.reason.startsWith('down fails') || v.dataDependent !== undefined);
  return {
    status: 'evaluated',
    upFails,
    downFails,
    restored: upFails || downFails ? undefined : v.schemaDifferences.length === 0,
    destroyed: upFails || downFails ? undefined : v.dataLoss.length > 0,
    reason: v.reason,
  };
}

async function corpusDirs(work) {
  const dirs = [];
  const { generateCorpus } = await import('../bench/migrations-analyze.bench.js');
  const a = join(work, 'bench-analyze');
  mkdirSync(join(a, 'migrations'), { recursive: true });
  generateCorpus(join(a, 'migrations'), COUNT);
  dirs.push(['bench: migrations-analyze corpus', a]);
  const { generate } = await import('../bench/replay.bench.js');
  const b = join(work, 'bench-replay');
  mkdirSync(join(b, 'migrations'), { recursive: true });
  for (const m of generate(COUNT)) {
    writeFileSync(join(b, 'migrations', `${m.version}_${m.name}.up.sql`), `${m.up}\n`);
    if (m.down !== undefined)
      writeFileSync(join(b, 'migrations', `${m.version}_${m.name}.down.sql`), `${m.down}\n`);
  }
  dirs.push(['bench: replay corpus', b]);
  for (const e of readdirSync(join(ROOT, 'examples')).sort())
    dirs.push([`example: ${e}`, join(ROOT, 'examples', e)]);
  return dirs;
}

const DIMS = [
  ['upFails', '(c) up fails'],
  ['downFails', '(c) down fails'],
  ['restored', '(a) schema restored'],
  ['destroyed', '(b) objects or rows destroyed'],
];

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'rollbook-oracle-corpus-'));
  const named = process.argv.slice(2);
  const dirs = named.length > 0 ? named.map((d) => [d, d]) : await corpusDirs(work);
  const rows = [];
  const disagreements = [];
  const upFailures = [];
  const totals = Object.fromEntries(DIMS.map(([k]) => [k, { agree: 0, n: 0 }]));
  let pairs = 0;
  try {
    for (const [label, dir] of dirs) {
      const sets = await loadMigrationSets(dir, descriptorMigrationSpecs(dir));
      const report = rollbookVerdicts(dir);
      for (const set of sets) {
        const verdicts = new Map(
          (report.sets.find((s) => s.path === set.path)?.migrations ?? []).map((v) => [v.version, v]),
        );
        const oracle = oraclePairs(set);
        const per = Object.fromEntries(DIMS.map(([k]) => [k, { agree: 0, n: 0 }]));
        let evaluated = 0;
        for (const o of oracle) {
          if (o.status !== 'evaluated') continue;
          evaluated++;
          if (o.upFails) upFailures.push(`${label} ${set.path} ${o.version}: ${o.error}`);
          const rb = rollbookPair(verdicts.get(o.version));
          for (const [k, name] of DIMS) {
            if (o[k] === undefined) continue;
            per[k].n++;
            const agree = rb.status === 'evaluated' && rb[k] === o[k];
            if (agree) per[k].agree++;
            else
              disagreements.push(
                `${label} ${set.path} ${o.version} ${name}: oracle ${o[k]}${o.error ? ` (${o.error})` : ''}${o.lost?.length ? ` [${o.lost.join(', ')}]` : ''}; rollbook ${rb.status === 'evaluated' ? rb[k] : rb.status} (${rb.reason ?? ''})`,
              );
          }
        }
        pairs += evaluated;
        for (const [k] of DIMS) {
          totals[k].agree += per[k].agree;
          totals[k].n += per[k].n;
        }
        const cell = (k) => (per[k].n === 0 ? '–' : `${per[k].agree}/${per[k].n}`);
        rows.push(
          `| ${label} | ${set.path} | ${set.migrations.length} | ${evaluated} | ${DIMS.map(([k]) => cell(k)).join(' | ')} |`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const pct = (k) =>
    totals[k].n === 0
      ? '–'
      : `${totals[k].agree}/${totals[k].n} (${((100 * totals[k].agree) / totals[k].n).toFixed(1)} %)`;
  const engine =
    process.env.ROLLBOOK_ORACLE_ENGINE === 'server' ? 'rollbook on the same server' : 'rollbook on PGlite';
  const version = must(psql(admin, { sql: 'SHOW server_version', tuples: true }), 'version').trim();
  const md = [
    `# oracle: psql round trips on PostgreSQL ${version} vs ${engine}`,
    '',
    `| corpus | set | migrations | pairs evaluated by the oracle | ${DIMS.map(([, n]) => n).join(' | ')} |`,
    `|---|---|---|---|${DIMS.map(() => '---').join('|')}|`,
    ...rows,
    `| **total** | | | ${pairs} | ${DIMS.map(([k]) => pct(k)).join(' | ')} |`,
    '',
    `## Ups that fail on the server (later pairs not evaluated) (${upFailures.length})`,
    '',
    ...(upFailures.length ? upFailures.map((d) => `- ${d}`) : ['none']),
    '',
    `## Disagreements (${disagreements.length})`,
    '',
    ...(disagreements.length ? disagreements.map((d) => `- ${d}`) : ['none']),
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'out', 'oracle.md'), md);
  process.stdout.write(md);
}

await main();
