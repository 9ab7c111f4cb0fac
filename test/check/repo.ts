/**
 * Git repositories for `rollbook check` tests, built from fixtures/check/<name>/{base,pr}: `base`
 * is committed on main and tagged as a release, `pr` is laid over it on a feature branch. Helpers
 * then clone it the way CI does (actions/checkout, a GitLab runner), shallow or not.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const dirs: string[] = [];

export function cleanupRepos(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function tmp(prefix = 'rollbook-check-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** git with a fixed identity and no user or system configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: '2026-11-02T10:00:00Z',
      GIT_COMMITTER_DATE: '2026-11-02T10:00:00Z',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      HOME: cwd,
    },
  }).trim();
}

export interface PrRepo {
  /** The developer's clone: main, the release tag, the feature branch checked out. */
  work: string;
  /** A bare mirror standing for the hosted repository (with refs/pull/1/merge). */
  origin: string;
  /** main's tip (the merge-base of the pull request). */
  base: string;
  /** The feature branch's tip. */
  head: string;
  /** GitHub's pull request merge commit (refs/pull/1/merge). */
  merge: string;
}

/** A repository from fixtures/check/<name>: base on main (tagged `tag`), pr on branch feature. */
export function prRepo(name: string, tag = 'v1.4.0', extraCommits = 0): PrRepo {
  const work = join(tmp(), 'work');
  mkdirSync(work);
  const fixture = join(ROOT, 'fixtures/check', name);
  git(work, 'init', '-q', '-b', 'main');
  cpSync(join(fixture, 'base'), work, { recursive: true });
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', `release ${tag}`);
  git(work, 'tag', '-a', tag, '-m', tag);
  for (let i = 0; i < extraCommits; i++) git(work, 'commit', '-q', '--allow-empty', '-m', `main ${i}`);
  const base = git(work, 'rev-parse', 'HEAD');
  git(work, 'checkout', '-q', '-b', 'feature');
  cpSync(join(fixture, 'pr'), work, { recursive: true });
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'orders: store totals in cents');
  const head = git(work, 'rev-parse', 'HEAD');
  // GitHub's test merge of the pull request into main
  git(work, 'checkout', '-q', '--detach', base);
  git(work, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', head);
  const merge = git(work, 'rev-parse', 'HEAD');
  git(work, 'update-ref', 'refs/pull/1/merge', merge);
  git(work, 'checkout', '-q', 'feature');
  const origin = join(tmp(), 'origin.git');
  git(work, 'clone', '-q', '--mirror', work, origin);
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'fetch', '-q', 'origin');
  git(work, 'remote', 'set-head', 'origin', 'main');
  return { work, origin, base, head, merge };
}

/**
 * What actions/checkout@v4 does on a pull_request event: a fresh repository, a fetch of the
 * merge ref (fetch-depth 1 by default: only that commit, no tags; 0: every branch and tag),
 * then a detached checkout of the merge commit.
 */
export function githubCheckout(repo: PrRepo, fetchDepth: number): string {
  const dir = join(tmp(), 'gh-workspace');
  mkdirSync(dir);
  git(dir, 'init', '-q');
  git(dir, 'remote', 'add', 'origin', `file://${repo.origin}`);
  if (fetchDepth === 0) {
    git(
      dir,
      'fetch',
      '-q',
      '--prune',
      '--no-recurse-submodules',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/tags/*:refs/tags/*',
    );
    git(dir, 'fetch', '-q', 'origin', `+${repo.merge}:refs/remotes/pull/1/merge`);
  } else {
    git(
      dir,
      'fetch',
      '-q',
      '--no-tags',
      '--prune',
      '--no-recurse-submodules',
      `--depth=${fetchDepth}`,
      'origin',
      `+${repo.merge}:refs/remotes/pull/1/merge`,
    );
  }
  git(dir, 'checkout', '-q', '--force', 'refs/remotes/pull/1/merge');
  return dir;
}

/** What a GitLab runner does for a merge request pipeline: fetch the source branch (GIT_DEPTH) and tags, detached checkout. */
export function gitlabCheckout(repo: PrRepo, depth: number): string {
  const dir = join(tmp(), 'gl-build');
  mkdirSync(dir);
  git(dir, 'init', '-q');
  git(dir, 'remote', 'add', 'origin', `file://${repo.origin}`);
  git(
    dir,
    'fetch',
    '-q',
    ...(depth > 0 ? [`--depth=${depth}`] : []),
    'origin',
    '+refs/heads/feature:refs/remotes/origin/feature',
    '+refs/tags/*:refs/tags/*',
  );
  git(dir, 'checkout', '-q', '--force', '--detach', repo.head);
  return dir;
}
