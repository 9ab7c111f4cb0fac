#!/usr/bin/env node
// Gives a bundled example a git history, so that `rollbook plan` designs a real release:
//   node scripts/example-history.js examples/checkout-api /tmp/checkout-api
//   npx rollbook plan /tmp/checkout-api
// The example is copied to DEST (which must not exist, be empty, or already hold this very history:
// running the README's commands twice is harmless) and committed twice:
//   v1.0.0  every file except the newest migration of each migration folder
//   v1.1.0  everything (HEAD): the rollback from HEAD to v1.0.0 crosses that newest migration.
// Author, committer and dates are fixed, so the commit ids are the same on every machine.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATION = /^(\d+)_[^/]*\.sql$/; // golang-migrate (N_x.up.sql / .down.sql) and dbmate (N_x.sql)

function files(dir, root = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, root));
    else out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

/** The newest migration of each folder (its up and down files): held back from the first release. */
function newestMigrations(list) {
  const newest = new Map();
  for (const f of list) {
    const slash = f.lastIndexOf('/');
    const m = MIGRATION.exec(f.slice(slash + 1));
    if (!m) continue;
    const dir = f.slice(0, slash);
    if (!newest.has(dir) || Number(m[1]) > newest.get(dir)) newest.set(dir, Number(m[1]));
  }
  return new Set(
    list.filter((f) => {
      const slash = f.lastIndexOf('/');
      const m = MIGRATION.exec(f.slice(slash + 1));
      return m && newest.get(f.slice(0, slash)) === Number(m[1]);
    }),
  );
}

/** The commit a tag names in the repository at DIR, or undefined (not a repository, no such tag). */
function tagCommit(dir, tag) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds the history of EXAMPLE in DEST and returns DEST's absolute path. A DEST that is not empty is
 * accepted only when it already holds the same history (the commit ids are fixed, so the same
 * example gives the same v1.1.0): then nothing is written and `reused` is true.
 */
export function buildExampleHistory(example, dest) {
  const out = resolve(dest);
  if (existsSync(out) && readdirSync(out).length > 0) {
    const scratch = mkdtempSync(join(tmpdir(), 'rollbook-example-'));
    try {
      const fresh = build(example, join(scratch, 'repo'));
      const want = tagCommit(fresh, 'v1.1.0');
      if (
        want &&
        tagCommit(out, 'v1.1.0') === want &&
        tagCommit(out, 'v1.0.0') === tagCommit(fresh, 'v1.0.0')
      ) {
        return { dir: out, reused: true };
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    throw new Error(
      `${dest} exists, is not empty and does not hold this example's history: choose another DEST`,
    );
  }
  return { dir: build(example, out), reused: false };
}

function build(example, out) {
  const src = resolve(example);
  mkdirSync(out, { recursive: true });
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'rollbook example',
    GIT_AUTHOR_EMAIL: 'example@rollbook.dev',
    GIT_COMMITTER_NAME: 'rollbook example',
    GIT_COMMITTER_EMAIL: 'example@rollbook.dev',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = (date, ...args) =>
    execFileSync('git', ['-C', out, '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
      env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const all = files(src);
  const held = newestMigrations(all);
  git('2026-01-05T10:00:00Z', 'init', '-q', '-b', 'main');
  for (const f of all) if (!held.has(f)) cpSync(join(src, f), join(out, f));
  git('2026-01-05T10:00:00Z', 'add', '-A');
  git('2026-01-05T10:00:00Z', 'commit', '-q', '--allow-empty', '-m', 'release v1.0.0');
  git('2026-01-05T10:00:00Z', 'tag', 'v1.0.0');
  for (const f of held) cpSync(join(src, f), join(out, f));
  git('2026-01-12T10:00:00Z', 'add', '-A');
  git(
    '2026-01-12T10:00:00Z',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    held.size > 0
      ? `release v1.1.0: ${[...held].filter((f) => f.endsWith('.up.sql')).join(', ')}`
      : 'release v1.1.0',
  );
  git('2026-01-12T10:00:00Z', 'tag', 'v1.1.0');
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [example, dest] = process.argv.slice(2);
  if (!example || !dest) {
    process.stderr.write('usage: node scripts/example-history.js EXAMPLE_DIR DEST\n');
    process.exit(2);
  }
  try {
    const { reused } = buildExampleHistory(example, dest);
    process.stdout.write(`${dest}: v1.0.0 → v1.1.0 (HEAD)${reused ? ', already built' : ''}\n`);
  } catch (e) {
    process.stderr.write(`example-history: ${e.message}\n`);
    process.exit(2);
  }
}
