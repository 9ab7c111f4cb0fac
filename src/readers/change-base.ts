/**
 * The base a change is compared with (`rollbook check --base`), read from git without writing:
 * the ref named, or the one CI names (GITHUB_BASE_REF, CI_MERGE_REQUEST_DIFF_BASE_SHA), or the
 * default branch (origin/HEAD, else main, else master); then the merge-base of that ref and HEAD.
 */
import { RollbookError } from '../errors.js';
import type { CheckBase } from '../model/check.js';
import { git, resolveRef } from './git.js';

export interface BaseOptions {
  /** --base REF. */
  base?: string;
  /** The environment (CI variables). */
  env?: NodeJS.ProcessEnv;
}

async function exists(root: string, ref: string): Promise<string | undefined> {
  try {
    return (
      await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
    ).trim();
  } catch {
    return undefined;
  }
}

async function isShallow(root: string): Promise<boolean> {
  return (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
}

const FETCH_HINT = (branch: string) =>
  `Fetch the base and enough history to reach the merge-base: git fetch --no-tags --depth=200 origin ${branch} ` +
  `(GitHub Actions: actions/checkout with fetch-depth: 0; GitLab CI: GIT_DEPTH: 0 or a depth that covers the branch).`;

/** Candidates for the base, in order, with how each was chosen. */
function candidates(opts: BaseOptions): { ref: string; how: string }[] {
  const env = opts.env ?? {};
  if (opts.base !== undefined) return [{ ref: opts.base, how: '--base' }];
  if (env.GITHUB_BASE_REF)
    return [
      { ref: `origin/${env.GITHUB_BASE_REF}`, how: 'GITHUB_BASE_REF (pull request target)' },
      { ref: env.GITHUB_BASE_REF, how: 'GITHUB_BASE_REF (pull request target)' },
    ];
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA)
    return [
      { ref: env.CI_MERGE_REQUEST_DIFF_BASE_SHA, how: 'CI_MERGE_REQUEST_DIFF_BASE_SHA (merge request base)' },
    ];
  const list = [
    { ref: 'origin/HEAD', how: 'the default branch (origin/HEAD)' },
    { ref: 'main', how: 'the default branch (main)' },
    { ref: 'master', how: 'the default branch (master)' },
  ];
  if (env.CI_DEFAULT_BRANCH)
    list.push({ ref: `origin/${env.CI_DEFAULT_BRANCH}`, how: 'the default branch (CI_DEFAULT_BRANCH)' });
  list.push(
    { ref: 'origin/main', how: 'the default branch (origin/main)' },
    { ref: 'origin/master', how: 'the default branch (origin/master)' },
  );
  return list;
}

/** Resolve the base and its merge-base with HEAD. Exit 2 (RollbookError) when either is missing. */
export async function resolveBase(
  root: string,
  opts: BaseOptions = {},
): Promise<CheckBase & { head: string }> {
  const head = await resolveRef(root, 'HEAD');
  const shallow = await isShallow(root);
  const list = candidates(opts);
  let chosen: { ref: string; how: string; commit: string } | undefined;
  if (opts.base !== undefined) {
    try {
      chosen = { ref: opts.base, how: '--base', commit: await resolveRef(root, opts.base) };
    } catch (e) {
      if (!shallow) throw e;
      throw new RollbookError(
        'GIT',
        `unknown git ref "${opts.base}" (this is a shallow clone)`,
        FETCH_HINT(opts.base),
      );
    }
  } else {
    for (const c of list) {
      const commit = await exists(root, c.ref);
      if (commit) {
        chosen = { ...c, commit };
        break;
      }
    }
  }
  if (!chosen) {
    const target = opts.env?.GITHUB_BASE_REF;
    throw new RollbookError(
      'GIT',
      `no base to compare the change with: none of ${list.map((c) => c.ref).join(', ')} exists here${shallow ? ' (this is a shallow clone)' : ''}`,
      target
        ? FETCH_HINT(target)
        : 'Name it: rollbook check --base origin/main (after git fetch origin main).',
    );
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(root, ['merge-base', chosen.commit, head])).trim();
  } catch {
    mergeBase = '';
  }
  if (!mergeBase) {
    const branch = chosen.ref.replace(/^origin\//, '');
    if (shallow)
      throw new RollbookError(
        'GIT',
        `${chosen.ref} and HEAD have no common commit in this shallow clone: the history between them was not fetched`,
        FETCH_HINT(branch),
      );
    throw new RollbookError(
      'GIT',
      `${chosen.ref} and HEAD share no history (unrelated branches)`,
      'Pass the branch this change will merge into: rollbook check --base <branch>.',
    );
  }
  return { ref: chosen.ref, how: chosen.how, commit: chosen.commit, mergeBase, head };
}
