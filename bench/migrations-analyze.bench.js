// Benchmark: `rollbook migrations analyze` vs squawk on a generated golang-migrate corpus.
// Plain Node ESM, run after `npm run build`. bench/run.js imports every bench/*.bench.js and
// calls its default export, which returns a Markdown section. Run alone:
//   npm run build && node bench/migrations-analyze.bench.js [--files N] [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SQUAWK = join(ROOT, 'node_modules/.bin/squawk');

/** Deterministic PRNG (mulberry32) so every run analyses the same corpus. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic mix: new tables with indexes and comments, additive columns (most safe, some
 * NOT NULL without default), backfills, type changes, renames, drops, enum values, functions,
 * DO blocks, seed rows, concurrent indexes; ~70% of migrations have a down.
 */
export function generateCorpus(dir, migrations = 1400) {
  const r = rng(20261126);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const tables = [];
  let statements = 0;
  let files = 0;
  for (let i = 1; i <= migrations; i++) {
    const v = String(i).padStart(5, '0');
    const up = [
      `-- Migration ${v}: ${pick(['orders', 'billing', 'accounts', 'catalogue', 'café menu', 'Zürich team'])}`,
    ];
    const down = [];
    const n = 8 + Math.floor(r() * 10);
    for (let k = 0; k < n; k++) {
      const roll = r();
      const t = tables.length > 0 && roll > 0.25 ? pick(tables) : undefined;
      if (!t) {
        const name = `t_${v}_${k}`;
        tables.push(name);
        up.push(
          `CREATE TABLE ${name} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  account_id bigint NOT NULL,\n  status text NOT NULL DEFAULT 'new',\n  amount numeric(12,2),\n  note varchar(80),\n  created_at timestamptz NOT NULL DEFAULT now()\n);`,
          `CREATE INDEX ${name}_account_idx ON ${name} (account_id);`,
          `COMMENT ON TABLE ${name} IS 'owned by team ${pick(['payments', 'search', 'growth'])}';`,
        );
        down.unshift(`DROP TABLE ${name};`);
        continue;
      }
      const c = `c_${v}_${k}`;
      const kind = Math.floor(r() * 16);
      switch (kind) {
        case 0:
        case 1:
        case 2:
          up.push(`ALTER TABLE ${t} ADD COLUMN ${c} text;`);
          down.unshift(`ALTER TABLE ${t} DROP COLUMN ${c};`);
          break;
        case 3:
          up.push(`ALTER TABLE ${t} ADD COLUMN ${c} integer NOT NULL DEFAULT 0;`);
          down.unshift(`ALTER TABLE ${t} DROP COLUMN ${c};`);
          break;
        case 4:
          up.push(`ALTER TABLE ${t} ADD COLUMN ${c} text NOT NULL;`);
          down.unshift(`ALTER TABLE ${t} DROP COLUMN ${c};`);
          break;
        case 5:
          up.push(
            `UPDATE ${t} SET status = 'active' WHERE status = 'new' AND created_at < now() - interval '30 days';`,
          );
          break;
        case 6:
          up.push(
            `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_idx ON ${t} (created_at DESC) WHERE status <> 'deleted';`,
          );
          down.unshift(`DROP INDEX CONCURRENTLY IF EXISTS ${t}_${c}_idx;`);
          break;
        case 7:
          up.push(`CREATE INDEX ${t}_${c}_idx ON ${t} (status, created_at);`);
          down.unshift(`DROP INDEX ${t}_${c}_idx;`);
          break;
        case 8:
          up.push(`ALTER TABLE ${t} ALTER COLUMN note TYPE text;`);
          down.unshift(`ALTER TABLE ${t} ALTER COLUMN note TYPE varchar(80);`);
          break;
        case 9:
          up.push(
            `ALTER TABLE ${t} ADD CONSTRAINT ${t}_${c}_chk CHECK (amount >= 0) NOT VALID;`,
            `ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_${c}_chk;`,
          );
          down.unshift(`ALTER TABLE ${t} DROP CONSTRAINT ${t}_${c}_chk;`);
          break;
        case 10:
          up.push(
            `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := coalesce(NEW.created_at, now());\n  RETURN NEW;\nEND\n$$;`,
          );
          break;
        case 11:
          up.push(
            `DO $$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = '${t}') THEN\n    UPDATE ${t} SET note = left(note, 40) WHERE length(note) > 40;\n  END IF;\nEND\n$$;`,
          );
          break;
        case 12:
          up.push(`INSERT INTO ${t} (account_id, status, amount) VALUES (1, 'seed', 0), (2, 'seed', 0);`);
          down.unshift(`DELETE FROM ${t} WHERE status = 'seed';`);
          break;
        case 13:
          up.push(`ALTER TABLE ${t} ALTER COLUMN amount SET DEFAULT 0;`);
          down.unshift(`ALTER TABLE ${t} ALTER COLUMN amount DROP DEFAULT;`);
          break;
        case 14:
          up.push(`SELECT id, status FROM ${t} WHERE id = 1 FOR UPDATE;`);
          break;
        default:
          if (r() < 0.3) {
            up.push(`ALTER TABLE ${t} DROP COLUMN IF EXISTS note;`);
          } else {
            up.push(
              `ALTER TABLE ${t} RENAME COLUMN status TO state;`,
              `ALTER TABLE ${t} RENAME COLUMN state TO status;`,
            );
          }
      }
    }
    writeFileSync(join(dir, `${v}_change_${i}.up.sql`), `${up.join('\n')}\n`);
    files++;
    statements += up.length - 1;
    if (r() < 0.72) {
      writeFileSync(join(dir, `${v}_change_${i}.down.sql`), `${down.join('\n')}\n`);
      files++;
      statements += down.length;
    }
  }
  return { files, statements };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Run a command under /usr/bin/time -v when available: wall ms, peak RSS MB, exit code. */
function timed(cmd, args, cwd) {
  const hasTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  return {
    ms,
    cpuMs: user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : undefined,
    rssMb: m ? Number(m[1]) / 1024 : undefined,
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

function squawkNative() {
  try {
    const require = createRequire(join(ROOT, 'node_modules/squawk-cli/package.json'));
    return require.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/squawk`);
  } catch {
    return undefined;
  }
}

/** In-process breakdown: where rollbook's time goes (one run, after the timed ones). */
async function breakdown(dir) {
  const t0 = performance.now();
  const { loadMigrationSets, reportMigrations, renderMigrationsJson } = await import(
    join(ROOT, 'dist/index.js')
  );
  const { emptyService } = await import(join(ROOT, 'dist/readers/service-base.js'));
  const t1 = performance.now();
  const sets = await loadMigrationSets(dir);
  const t2 = performance.now();
  const report = reportMigrations({ ...emptyService(dir), migrations: sets });
  const t3 = performance.now();
  renderMigrationsJson(report);
  const t4 = performance.now();
  return { importMs: t1 - t0, readParseMs: t2 - t1, rulesMs: t3 - t2, renderMs: t4 - t3, report };
}

export default async function run(opts = {}) {
  const migrations = opts.migrations ?? 1400;
  const runs = opts.runs ?? 3;
  const startLoad = loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-bench-'));
  const dir = join(tmp, 'db', 'migrations');
  mkdirSync(dir, { recursive: true });
  try {
    const corpus = generateCorpus(dir, migrations);
    const sqlFiles = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const native = squawkNative();
    const rb = [];
    const sq = [];
    const sqn = [];
    let last;
    for (let i = 0; i < runs; i++) {
      // alternate so that machine load affects both tools alike
      last = timed(
        process.execPath,
        [join(ROOT, 'bin/rollbook.js'), 'migrations', 'analyze', tmp, '--format', 'json'],
        ROOT,
      );
      if (last.code !== 0 && last.code !== 1)
        throw new Error(`rollbook failed (${last.code}): ${last.stderr}`);
      rb.push(last);
      const s = timed(SQUAWK, ['--reporter', 'json', ...sqlFiles], dir);
      if (s.code !== 0 && s.code !== 1)
        throw new Error(`squawk failed (${s.code}): ${s.stderr.slice(0, 500)}`);
      sq.push(s);
      if (native) sqn.push(timed(native, ['--reporter', 'json', ...sqlFiles], dir));
    }
    const out = JSON.parse(last.stdout);
    const parsed = out.summary.statements;
    const rbMs = median(rb.map((x) => x.ms));
    const sqMs = median(sq.map((x) => x.ms));
    const sqnMs = sqn.length ? median(sqn.map((x) => x.ms)) : undefined;
    const b = await breakdown(tmp);
    const f = (n, d = 0) => n.toFixed(d);
    const row = (name, xs) => {
      const wall = median(xs.map((x) => x.ms));
      const cpu = xs.every((x) => x.cpuMs !== undefined) ? `${f(median(xs.map((x) => x.cpuMs)))} ms` : 'n/a';
      const rss = Math.max(...xs.map((x) => x.rssMb ?? 0));
      return `| ${name} | ${f(wall)} ms | ${cpu} | ${f((corpus.statements / wall) * 1000)} | ${rss ? `${f(rss)} MB` : 'n/a'} |`;
    };
    const rbCpu = median(rb.map((x) => x.cpuMs ?? Number.NaN));
    const sqCpu = median(sq.map((x) => x.cpuMs ?? Number.NaN));
    const cpuRatio = Number.isFinite(rbCpu / sqCpu) ? f(rbCpu / sqCpu, 2) : 'n/a';
    const lines = [
      '## migrations analyze vs squawk',
      '',
      `Corpus: golang-migrate layout, ${corpus.files} files, ${corpus.statements} statements generated (${parsed} parsed by rollbook, incl. PL/pgSQL bodies), ${migrations} migrations; median of ${runs} alternating runs, both tools emitting JSON.`,
      '',
      '| tool | wall (median) | CPU user+sys (median) | statements/s (wall) | peak RSS |',
      '|---|---|---|---|---|',
      row('rollbook migrations analyze', rb),
      row('squawk (node_modules/.bin/squawk)', sq),
      ...(sqn.length ? [row('squawk (native binary, no Node shim)', sqn)] : []),
      '',
      `**Wall-time ratio rollbook/squawk: ${f(rbMs / sqMs, 2)}** (goal ≤ 1.00)${sqnMs !== undefined ? `; against the native binary: ${f(rbMs / sqnMs, 2)}` : ''}. CPU-time ratio: ${cpuRatio}. Load average at the start: ${startLoad} on ${cpus().length} CPUs (wall time on a shared machine is noisy; CPU time less so).`,
      '',
      `Where rollbook's time goes (one in-process run): import ${f(b.importMs)} ms, read + parse (libpg-query, file by file) ${f(b.readParseMs)} ms, rules ${f(b.rulesMs)} ms, JSON ${f(b.renderMs)} ms. Findings: ${b.report.summary.errors} errors, ${b.report.summary.warnings} warnings, ${b.report.summary.infos} info, ${b.report.summary.parseErrors} parse errors.`,
      '',
    ];
    return lines.join('\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  process.stdout.write(await run({ migrations: arg('--migrations', 1400), runs: arg('--runs', 3) }));
}
