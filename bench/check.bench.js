// Benchmark: `rollbook check` on a pull request adding 5 migrations to a repository with 1,000
// (goal: <= 1 s wall, the built CLI as CI runs it, process start included). The corpus is the
// generated one of migrations-analyze.bench.js. Run alone:
//   npm run build && node bench/check.bench.js [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './migrations-analyze.bench.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function git(cwd, ...args) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
  });
}

/** main with 1,000 migrations (tagged v1.0.0), a branch adding 5. */
export function buildRepo(dir, migrations = 1000, added = 5) {
  const mig = join(dir, 'db', 'migrations');
  mkdirSync(mig, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  generateCorpus(mig, migrations);
  writeFileSync(
    join(dir, 'rollbook.yaml'),
    'version: 1\nservice: bench\nstate:\n  migrations: { tool: golang-migrate, path: db/migrations }\n',
  );
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'history');
  git(dir, 'tag', 'v1.0.0');
  git(dir, 'checkout', '-q', '-b', 'feature');
  for (let i = 1; i <= added; i++) {
    const v = String(migrations + i).padStart(5, '0');
    writeFileSync(
      join(mig, `${v}_pr_${i}.up.sql`),
      `ALTER TABLE t_00001_0 ADD COLUMN pr_${i} text;\nCREATE INDEX CONCURRENTLY t_00001_0_pr_${i}_idx ON t_00001_0 (pr_${i});\n`,
    );
    writeFileSync(join(mig, `${v}_pr_${i}.down.sql`), `ALTER TABLE t_00001_0 DROP COLUMN pr_${i};\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'five migrations');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function run(opts = {}) {
  const runs = opts.runs ?? 5;
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-bench-check-'));
  try {
    buildRepo(tmp);
    const times = [];
    let last;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      last = spawnSync(
        process.execPath,
        [join(ROOT, 'bin/rollbook.js'), 'check', '--base', 'main', '--format', 'json'],
        {
          cwd: tmp,
          encoding: 'utf8',
          env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_BASE_REF: '' },
        },
      );
      const ms = performance.now() - t0;
      if (last.status !== 0 && last.status !== 1) throw new Error(`rollbook check failed: ${last.stderr}`);
      if (i > 0) times.push(ms); // the first run warms the file cache
    }
    const report = JSON.parse(last.stdout);
    const m = median(times);
    return [
      '## rollbook check on a pull request',
      '',
      `A branch adding 5 migrations to a repository with 1,000 (generated corpus), \`rollbook check --base main\` with the built CLI, median of ${runs} runs after one warm-up; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(', ')}.`,
      '',
      '| changed files | findings | wall (ms) | goal |',
      '|---|---|---|---|',
      `| ${report.summary.files} | ${report.findings.length} | ${m.toFixed(0)} | ≤ 1000 ${m <= 1000 ? '✓' : '✗'} |`,
      '',
    ].join('\n');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--runs');
  process.stdout.write(await run(i > 0 ? { runs: Number(process.argv[i + 1]) } : {}));
}
