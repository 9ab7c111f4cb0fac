// The release window (issue: every design and gate is about two versions): `gates` and `plan`
// between two releases of a generated repository with 1,000 migrations, 2 of them crossed, cold
// (empty schema cache) and warm; and the design's length on a 10- vs a 1,000-migration history
// with the same 2 crossed migrations (it must not grow with history: ± 5 %).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pad = (n) => String(n).padStart(6, '0');

function git(dir, ...args) {
  execFileSync('git', ['-C', dir, '-c', 'commit.gpgsign=false', ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@rollbook.dev',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@rollbook.dev',
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
    stdio: 'ignore',
  });
}

/** A service repository: `history` released migrations (tag v1.0.0), then 2 more (tag v1.1.0, HEAD). */
function generate(history) {
  const dir = mkdtempSync(join(tmpdir(), `rollbook-bench-release-${history}-`));
  const m = join(dir, 'db/migrations');
  mkdirSync(m, { recursive: true });
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  writeFileSync(
    join(dir, 'rollbook.yaml'),
    'version: 1\nservice: bench\ndeploy: { platform: kubernetes, workload: deployment/bench, namespace: prod }\nstate:\n  migrations: { tool: golang-migrate, path: db/migrations }\n',
  );
  writeFileSync(
    join(dir, 'deploy/deployment.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: bench, namespace: prod }\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: bench\n          image: ghcr.io/acme/bench:1.0.0\n',
  );
  for (let i = 1; i <= history; i++) {
    writeFileSync(
      join(m, `${pad(i)}_table_${i}.up.sql`),
      `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, payload jsonb);\nCREATE INDEX t${i}_name ON t${i} (name);\n`,
    );
    writeFileSync(join(m, `${pad(i)}_table_${i}.down.sql`), `DROP TABLE t${i};\n`);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'v1.0.0');
  git(dir, 'tag', 'v1.0.0');
  const a = history + 1;
  const b = history + 2;
  writeFileSync(join(m, `${pad(a)}_add_status.up.sql`), 'ALTER TABLE t1 ADD COLUMN status text NOT NULL;\n');
  writeFileSync(join(m, `${pad(a)}_add_status.down.sql`), 'ALTER TABLE t1 DROP COLUMN status;\n');
  writeFileSync(join(m, `${pad(b)}_drop_payload.up.sql`), 'ALTER TABLE t1 DROP COLUMN payload;\n');
  writeFileSync(join(m, `${pad(b)}_drop_payload.down.sql`), 'ALTER TABLE t1 ADD COLUMN payload jsonb;\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'v1.1.0');
  git(dir, 'tag', 'v1.1.0');
  return dir;
}

function run(args, cwd, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/rollbook.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`rollbook ${args.join(' ')}: ${r.stderr}`);
  return { ms, stdout: r.stdout, code: r.status };
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

export default async function bench() {
  const big = generate(1000);
  const small = generate(10);
  const cache = mkdtempSync(join(tmpdir(), 'rollbook-bench-cache-'));
  try {
    const env = { ROLLBOOK_CACHE_DIR: cache };
    const gatesCold = run(['gates', '.'], big, env);
    const gatesWarm = run(['gates', '.'], big, env);
    const planCold = run(['plan', '.'], big, env);
    const planWarm = run(['plan', '.'], big, env);
    const mdBig = planWarm.stdout;
    const mdSmall = run(['plan', '.'], small, env).stdout;
    const jsonBig = run(['plan', '.', '--format', 'json'], big, env).stdout;
    const lines = (t) => t.split('\n').length;
    const diff = (100 * (mdBig.length - mdSmall.length)) / mdSmall.length;
    const crossed = JSON.parse(jsonBig).window.crossedMigrations.length;
    return [
      '## Release window (1,000-migration history, 2 crossed)',
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| gates v1.1.0 → v1.0.0, cold (empty schema cache) | ${s(gatesCold.ms)} (exit ${gatesCold.code}) | ≤ 3 s |`,
      `| gates, warm (schemas from the cache) | ${s(gatesWarm.ms)} | ≤ 0.5 s |`,
      `| plan, cold | ${s(planCold.ms)} | ≤ 3 s |`,
      `| plan, warm | ${s(planWarm.ms)} | ≤ 0.5 s |`,
      `| crossed migrations in the design | ${crossed} | 2 |`,
      `| design (md) on 10-migration history | ${mdSmall.length} bytes, ${lines(mdSmall)} lines | |`,
      `| design (md) on 1,000-migration history | ${mdBig.length} bytes, ${lines(mdBig)} lines (${diff >= 0 ? '+' : ''}${diff.toFixed(1)} %) | ± 5 % |`,
      '',
    ].join('\n');
  } finally {
    for (const d of [big, small, cache]) rmSync(d, { recursive: true, force: true });
  }
}
