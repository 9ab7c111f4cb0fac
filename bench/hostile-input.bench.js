// Benchmark: hostile and pathological inputs (issue 15). Every command on the worst inputs within
// the caps must finish within a time budget and peak at ≤ 1 GiB resident memory, exit 0/1/2 and
// never print a stack trace or a flood of lines. Each case runs the real CLI in a child process
// under /usr/bin/time -v (max RSS); falls back to the child's wall time alone without it.
// Run after `npm run build`: `node bench/hostile-input.bench.js` prints a Markdown section.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.ROLLBOOK_BENCH_BIN ?? join(here, '..', 'bin', 'rollbook.js');
const MIB = 1024 * 1024;
const MEMORY_LIMIT = 1024 * MIB;
const TIME_BUDGET_MS = 60_000;
const MAX_OUTPUT_LINES = 200;

const descriptor = 'version: 1\nservice: hostile\n';

/** name → (dir) → [command args]; each writes its repository into dir. */
const CASES = {
  'ConfigMap without namespace after 5,000 metadata lines': (d) => {
    const labels = Array.from({ length: 5000 }, (_, i) => `    l${i}: v`).join('\n');
    write(
      d,
      'k8s/cm.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n${labels}\n  name: x\ndata: {}\n`,
    );
    write(
      d,
      'k8s/secret.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s # c\n  labels:\n${labels}\n`,
    );
    return ['discover'];
  },
  '2 MiB of one character per reader (spaces, `{`, `-`, `_`)': (d) => {
    write(d, 'k8s/spaces.yaml', `kind: Deployment\nmetadata:\n${' '.repeat(2 * MIB - 40)}x`);
    write(d, 'chart/Chart.yaml', 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
    write(d, 'chart/templates/d.yaml', `kind: Deployment\n${'{'.repeat(2 * MIB - 40)}`);
    write(d, 'Procfile', `web: ${'-'.repeat(MIB)}\n`);
    write(d, 'db/migrations/1_a.up.sql', `SELECT 1; -- ${'_'.repeat(MIB)}\n`);
    write(d, 'db/migrations/1_a.down.sql', 'SELECT 1;\n');
    return ['discover'];
  },
  '2 MiB YAML of `]`': (d) => {
    write(d, 'k8s/brackets.yaml', ']'.repeat(2 * MIB - 1));
    return ['discover'];
  },
  '1 MiB broken rollbook.yaml': (d) => {
    write(d, 'rollbook.yaml', `${descriptor}${'a: [\n'.repeat(MIB / 5)}`);
    return ['plan'];
  },
  'two 4 MiB migrations': (d) => {
    const big = Array.from(
      { length: (4 * MIB) / 64 },
      (_, i) => `INSERT INTO t VALUES (${i}, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');`,
    ).join('\n');
    write(
      d,
      'rollbook.yaml',
      `${descriptor}state:\n  migrations: { tool: golang-migrate, path: db/migrations }\n`,
    );
    write(d, 'db/migrations/1_a.up.sql', big.slice(0, 4 * MIB - 1));
    write(d, 'db/migrations/1_a.down.sql', 'SELECT 1;\n');
    write(d, 'db/migrations/2_b.up.sql', big.slice(0, 4 * MIB - 1));
    write(d, 'db/migrations/2_b.down.sql', 'SELECT 1;\n');
    return ['migrations', 'analyze'];
  },
  // Sectioned layouts used to give the parser the whole file per section (quadratic: 40 s and
  // 3.8 GB for 3,552 changesets); each section is now parsed on its own.
  'Liquibase: 3,552 changesets in one file': (d) => {
    const sets = Array.from(
      { length: 3552 },
      (_, i) =>
        `--changeset a:${i}\nALTER TABLE t ADD COLUMN c${i} int;\n--rollback ALTER TABLE t DROP COLUMN c${i};\n`,
    ).join('');
    write(d, 'db/changelog/changes.sql', `--liquibase formatted sql\n${sets}`);
    return { args: ['migrations', 'analyze'], lines: 8 * 3552 };
  },
  'dbmate: 1,604 up markers in one file': (d) => {
    write(d, 'db/migrations/20240101000000_a.sql', '-- migrate:up\nSELECT 1;\n'.repeat(1604));
    return { args: ['plan', '--format', 'json'], lines: 10 * 1604 };
  },
  'goose: 1,278 markers in one file': (d) => {
    write(d, 'sql/00001_a.sql', '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n'.repeat(639));
    return { args: ['plan'], lines: 1278 + 200 };
  },
  // One file over the per-file statement cap (10,000): not parsed, a located unknown.
  '50,000 ALTER statements in one migration (1.8 MB)': (d) => {
    const alters = Array.from({ length: 50_000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c int;`);
    write(d, 'db/migrations/000001_x.up.sql', `${alters.join('\n')}\n`);
    return { args: ['plan', '--format', 'sh'], lines: 1000 };
  },
  // The worst within the caps: 5 files of 9,999 statements on one table (49,995 < 50,000 total).
  '5 × 9,999 ALTERs on one table (at the statement caps)': (d) => {
    for (let f = 1; f <= 5; f++)
      write(
        d,
        `db/migrations/00000${f}_x.up.sql`,
        'ALTER TABLE t ALTER COLUMN c TYPE bigint;\n'.repeat(9999),
      );
    return { args: ['plan', '--format', 'json'], lines: 1000 };
  },
  '5 × 9,999 shortest statements (`END;`, at the caps)': (d) => {
    for (let f = 1; f <= 5; f++) write(d, `db/migrations/00000${f}_x.up.sql`, 'END;\n'.repeat(9999));
    return ['migrations', 'analyze', '--format', 'json'];
  },
  '9,999 syntax errors in one migration (`x;`)': (d) => {
    write(d, 'db/migrations/000001_x.up.sql', 'x;\n'.repeat(9999));
    return ['migrations', 'analyze'];
  },
  'knex migration: 19 nested async functions': (d) => {
    write(d, 'migrations/20240101000000_a.js', 'exports.down = async function (knex) {\n'.repeat(19));
    return ['migrations', 'analyze'];
  },
  'rollbook.yaml linked to /dev/zero': (d) => {
    symlinkSync('/dev/zero', join(d, 'rollbook.yaml'));
    return ['plan'];
  },
  'rollbook.yaml is a FIFO': (d) => {
    const r = spawnSync('mkfifo', [join(d, 'rollbook.yaml')]);
    if (r.status !== 0) return undefined;
    return ['plan'];
  },
  'a migration linked outside the repository': (d) => {
    write(d, 'db/migrations/1_a.down.sql', 'SELECT 1;\n');
    symlinkSync('/etc/passwd', join(d, 'db/migrations/1_a.up.sql'));
    return ['migrations', 'analyze'];
  },
};

function write(root, rel, text) {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function run(dir, args) {
  const withTime = existsSync('/usr/bin/time');
  // timeout(1) kills the command itself (killing /usr/bin/time would leave it running)
  const limit = ['timeout', '-s', 'KILL', String((TIME_BUDGET_MS * 2) / 1000), process.execPath];
  const argv = [...(withTime ? ['-v'] : []), ...limit, BIN, ...args, dir];
  const t0 = performance.now();
  const r = spawnSync(withTime ? '/usr/bin/time' : limit[0], withTime ? argv : argv.slice(1), {
    encoding: 'utf8',
    maxBuffer: 256 * MIB,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = performance.now() - t0;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/\n\tCommand being timed:[\s\S]*$/, '');
  const out = `${r.stdout ?? ''}${stderr}`;
  return {
    ms,
    rss: rss ? Number(rss[1]) * 1024 : undefined,
    status: r.status === 137 || r.status === 124 ? 'killed (time limit)' : (r.status ?? 'none'),
    lines: out.split('\n').length,
    stack: /\n\s+at .+:\d+:\d+\)?\n/.test(out),
  };
}

export default async function bench() {
  const rows = [];
  let failures = 0;
  // HOSTILE_ONLY=text: only the cases whose name contains it (one case while working on it)
  const only = process.env.HOSTILE_ONLY;
  for (const [name, make] of Object.entries(CASES)) {
    if (only && !name.includes(only)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'rollbook-hostile-'));
    try {
      // a case returns its command, or { args, lines } when its honest output is long (a report of
      // thousands of migrations: one line per finding), with the line budget that still catches a flood
      const made = make(dir);
      const args = Array.isArray(made) || !made ? made : made.args;
      const maxLines = Array.isArray(made) || !made ? MAX_OUTPUT_LINES : made.lines;
      if (!args) {
        rows.push(`| ${name} | skipped (cannot create) | | | | |`);
        continue;
      }
      const r = run(dir, args);
      const ok =
        r.ms < TIME_BUDGET_MS &&
        (r.rss === undefined || r.rss <= MEMORY_LIMIT) &&
        [0, 1, 2].includes(r.status) &&
        !r.stack &&
        r.lines <= maxLines;
      if (!ok) failures++;
      const mib = r.rss === undefined ? 'n/a' : `${(r.rss / MIB).toFixed(0)} MiB`;
      rows.push(
        `| ${name} | \`rollbook ${args.join(' ')}\` | ${(r.ms / 1000).toFixed(1)} s | ${mib} | ${r.status} | ${r.lines}${r.stack ? ', stack trace' : ''} | ${ok ? 'ok' : '**FAIL**'} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    '## Hostile inputs (time and peak memory per command)',
    '',
    `Budget per case: ${TIME_BUDGET_MS / 1000} s, ≤ ${MEMORY_LIMIT / MIB} MiB max RSS, exit 0/1/2, no stack trace, ≤ ${MAX_OUTPUT_LINES} output lines.`,
    '',
    '| input | command | wall | max RSS | exit | output lines | verdict |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    failures === 0 ? 'All within budget.' : `**${failures} case(s) over budget.**`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.stdout.write(await bench());
