/**
 * A real world for the generated runbook of examples/ledger-api: a git repository of the service
 * with two releases (v1: one migration; HEAD: three), a PostgreSQL database at HEAD's schema with
 * rows in it, the real dbmate, pg_dump and pg_restore on PATH, and a stateful stand-in for kubectl
 * (rollout history / status / undo of one Deployment) and for `docker manifest inspect` (no registry
 * is reachable here). Everything else the script runs is real, rollbook included.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git } from '../schema/helpers.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLE = join(ROOT, 'examples/ledger-api');
export const DBMATE_BIN_DIR = join(ROOT, 'node_modules/.bin');
/** A password that must never appear on screen or in the log (the test server trusts loopback). */
export const PASSWORD = 'Sup3r-s3cret%21pw';
export const TARGET_VERSION = '20260301090000';

const KUBECTL = `#!/usr/bin/env bash
# Stand-in for kubectl: rollout history / status / undo of one Deployment, state in $KFAKE_DIR.
set -euo pipefail
d=\${KFAKE_DIR:?}
printf '%s\\n' "kubectl $*" >>"$d/calls"
revs=$(cat "$d/revisions")
status=$(cat "$d/status")
case "$1 $2" in
  'rollout history')
    printf 'deployment.apps/ledger-api\\nREVISION  CHANGE-CAUSE\\n'
    for r in $revs; do printf '%-9s <none>\\n' "$r"; done
    ;;
  'rollout status')
    case "$status" in
      complete) echo 'deployment "ledger-api" successfully rolled out' ;;
      progressing) echo 'Waiting for deployment "ledger-api" rollout to finish: 1 out of 3 new replicas have been updated...' ;;
      stalled) echo 'error: deployment "ledger-api" exceeded its progress deadline' >&2; exit 1 ;;
    esac
    ;;
  'rollout undo')
    to=''
    prev=''
    for a in "$@"; do [[ "$prev" == --to-revision ]] && to=$a; prev=$a; done
    if [[ " $revs " != *" $to "* ]]; then echo "error: unable to find specified revision $to in history" >&2; exit 1; fi
    last=\${revs##* }
    new=''
    for r in $revs; do [[ "$r" == "$to" ]] || new="$new $r"; done
    echo "\${new# } $((last + 1))" >"$d/revisions"
    cat "$d/after-undo" >"$d/status"
    echo 'deployment.apps/ledger-api rolled back'
    ;;
  *) echo "kubectl stand-in: unsupported: $*" >&2; exit 2 ;;
esac
`;

const DOCKER = `#!/usr/bin/env bash
# Stand-in for docker manifest inspect (no registry is reachable from the tests).
set -euo pipefail
printf '%s\\n' "docker $*" >>"\${KFAKE_DIR:?}/calls"
[[ "$1 $2" == 'manifest inspect' ]] || { echo "docker stand-in: unsupported: $*" >&2; exit 2; }
printf '{\\n  "schemaVersion": 2,\\n  "mediaType": "application/vnd.oci.image.index.v1+json",\\n  "manifests": []\\n}\\n'
`;

function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8' });
}

export interface World {
  dir: string;
  repo: string;
  bin: string;
  kube: string;
  logs: string;
  /** The database URL with the password, as the on-call engineer types it. */
  url: string;
  /** The same database without the password (what the tests connect with). */
  plainUrl: string;
  env: Record<string, string>;
  /** Schema of the database, normalised for comparison (pg_dump --schema-only). */
  schema(url?: string): string;
  kubectlCalls(): string[];
  cleanup(): void;
}

function withDb(base: string, db: string, password?: string): string {
  const u = new URL(base);
  u.pathname = `/${db}`;
  if (password !== undefined) u.password = password;
  return u.toString();
}

function normalisedSchema(url: string): string {
  const out = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '--dbname', url], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(
      (l) => l.trim() !== '' && !l.startsWith('--') && !/^SET |^SELECT pg_catalog|^\\(un)?restrict /.test(l),
    )
    .join('\n');
}

/** Build the world: `after-undo` is what `kubectl rollout status` reports once the undo ran. */
export function buildWorld(baseUrl: string, afterUndo: 'complete' | 'stalled' = 'complete'): World {
  const dir = mkdtempSync(join(tmpdir(), 'rollbook-e2e-'));
  const repo = join(dir, 'ledger-api');
  const bin = join(dir, 'bin');
  const kube = join(dir, 'kube');
  const logs = join(dir, 'logs');
  for (const d of [bin, kube, logs]) mkdirSync(d);
  // two releases in git: v1 has the first migration only, HEAD all three
  cpSync(EXAMPLE, repo, { recursive: true });
  const migrations = join(repo, 'db/migrations');
  const later = ['20261020120000_entry_memo.sql', '20261110080000_create_reversals.sql'];
  const held = later.map((f) => [f, readFileSync(join(migrations, f), 'utf8')] as const);
  for (const [f] of held) rmSync(join(migrations, f));
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'v1');
  git(repo, 'tag', 'v1');
  for (const [f, text] of held) writeFileSync(join(migrations, f), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'memo and reversals');
  writeFileSync(join(bin, 'kubectl'), KUBECTL, { mode: 0o755 });
  writeFileSync(join(bin, 'docker'), DOCKER, { mode: 0o755 });
  chmodSync(join(bin, 'kubectl'), 0o755);
  writeFileSync(join(kube, 'revisions'), '1 2 3');
  writeFileSync(join(kube, 'status'), 'complete');
  writeFileSync(join(kube, 'after-undo'), afterUndo);
  writeFileSync(join(kube, 'calls'), '');

  // the production database at HEAD, with data, and the target release's schema for comparison
  const suffix = Math.random().toString(36).slice(2, 10);
  const db = `rb_e2e_${suffix}`;
  const targetDb = `rb_e2e_target_${suffix}`;
  psql(baseUrl, `CREATE DATABASE ${db}`);
  psql(baseUrl, `CREATE DATABASE ${targetDb}`);
  const plainUrl = withDb(baseUrl, db);
  const targetUrl = withDb(baseUrl, targetDb);
  const dbmate = (url: string, dirPath: string, ...args: string[]) =>
    execFileSync(
      join(DBMATE_BIN_DIR, 'dbmate'),
      ['--url', url, '--migrations-dir', dirPath, '--no-dump-schema', ...args],
      {
        encoding: 'utf8',
      },
    );
  dbmate(`${plainUrl}?sslmode=disable`, migrations, 'up');
  psql(
    plainUrl,
    `INSERT INTO entries (account, amount_cents, memo) VALUES ('acme', 1200, 'first'), ('acme', -300, 'refund');
     INSERT INTO reversals (entry_id, reason) VALUES (2, 'duplicate');`,
  );
  const v1 = join(dir, 'v1-migrations');
  mkdirSync(v1);
  cpSync(
    join(migrations, '20260301090000_create_entries.sql'),
    join(v1, '20260301090000_create_entries.sql'),
  );
  dbmate(`${targetUrl}?sslmode=disable`, v1, 'up');

  const env: Record<string, string> = {
    PATH: `${bin}:${DBMATE_BIN_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    // the user's HOME: rollbook's replay cache (a saved fresh database) is reused across runs
    HOME: process.env.HOME ?? dir,
    LANG: 'C.UTF-8',
    KFAKE_DIR: kube,
    ROLLBOOK_LOG_DIR: logs,
    ROLLBOOK_RETRY_DELAY: '0',
    TERM: 'xterm',
  };
  return {
    dir,
    repo,
    bin,
    kube,
    logs,
    url: `${withDb(baseUrl, db, PASSWORD)}?sslmode=disable`,
    plainUrl,
    env,
    schema: (url = plainUrl) => normalisedSchema(url),
    kubectlCalls: () =>
      readFileSync(join(kube, 'calls'), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    cleanup() {
      for (const name of [db, targetDb])
        spawnSync('psql', [baseUrl, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
      rmSync(dir, { recursive: true, force: true });
    },
    ...{ targetUrl },
  } as World & { targetUrl: string };
}

/** Generate the runbook with the real binary, as the README says. */
export function generateRunbook(w: World): string {
  const script = join(w.dir, 'rollback.sh');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/rollbook.js'), 'plan', w.repo, '--format', 'sh', '--out', script],
    { encoding: 'utf8' },
  );
  // exit 1 is "designed, with blocking hazards"; 2 is an error
  if (r.status !== 0 && r.status !== 1) throw new Error(`rollbook plan failed: ${r.stderr}`);
  return script;
}
