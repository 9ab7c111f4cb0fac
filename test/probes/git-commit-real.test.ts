/**
 * The git commands rollbook prints and runs, measured with the real git (installed here) rather than
 * assumed: how `--end-of-options` and `^{commit}` behave, and what the Terraform runbook's
 * "the commit to revert exists" check prints for each kind of name the operator may type, read by
 * the git-commit probe.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arg } from '../../src/model/plan.js';
import { terraform } from '../../src/platforms/terraform.js';
import { gitCommit } from '../../src/probes/terraform.js';
import { commit, gitIn, tempRepo, write } from '../helpers/git-repo.js';

let repo: { root: string; cleanup: () => void };
let head = '';
let tree = '';
let blob = '';

beforeAll(() => {
  repo = tempRepo('rollbook-git-probe-');
  write(repo.root, { 'main.tf': 'resource "null_resource" "a" {}\n' });
  commit(repo.root, 'first');
  write(repo.root, { 'main.tf': 'resource "null_resource" "b" {}\n', 'v9.9.9': 'a file named like a tag\n' });
  commit(repo.root, 'second');
  gitIn(repo.root, 'tag', '-a', 'v1.0.0', '-m', 'annotated', 'HEAD~1');
  head = gitIn(repo.root, 'rev-parse', 'HEAD').trim();
  tree = gitIn(repo.root, 'rev-parse', 'HEAD^{tree}').trim();
  blob = gitIn(repo.root, 'rev-parse', 'HEAD:main.tf').trim();
});
afterAll(() => repo.cleanup());

function git(...args: string[]) {
  const r = spawnSync('git', args, { cwd: repo.root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('git rev-parse --verify --end-of-options REF^{commit} (the readers: release.ts, change-base.ts)', () => {
  it('peels an annotated tag to its commit; without ^{commit} it prints the tag object', () => {
    const tagged = gitIn(repo.root, 'rev-parse', 'HEAD~1').trim();
    expect(git('rev-parse', '--verify', '--quiet', '--end-of-options', 'v1.0.0^{commit}').out.trim()).toBe(
      tagged,
    );
    const tagObject = git('rev-parse', '--verify', '--quiet', '--end-of-options', 'v1.0.0').out.trim();
    expect(tagObject).toMatch(/^[0-9a-f]{40}$/);
    expect(tagObject).not.toBe(tagged);
  });

  it('refuses a tree with ^{commit}, accepts it without (any object id verifies)', () => {
    expect(git('rev-parse', '--verify', '--quiet', '--end-of-options', `${tree}^{commit}`).code).not.toBe(0);
    expect(git('rev-parse', '--verify', '--quiet', '--end-of-options', tree)).toEqual({
      code: 0,
      out: `${tree}\n`,
    });
  });

  it('after --end-of-options a name beginning with "-" is a revision, never an option', () => {
    const r = git('rev-parse', '--verify', '--quiet', '--end-of-options', '--output=x^{commit}');
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    expect(existsSync(join(repo.root, 'x'))).toBe(false);
  });
});

describe("the Terraform runbook's check that the commit to revert exists, read by the git-commit probe", () => {
  const check = terraform.revisionCheck?.({ service: {} as never });
  if (!check?.command || !check.probe) throw new Error('terraform has a probed revision check');
  const argv = check.command.argv;

  /** The check's command as the runbook runs it, BAD_COMMIT typed by the operator. */
  function runCheck(badCommit: string) {
    const args = argv.map((a: Arg) => (typeof a === 'string' ? a : badCommit));
    const [cmd, ...rest] = args;
    expect(cmd).toBe('git');
    const r = git(...rest);
    return gitCommit.read({ output: r.out, exitCode: r.code, want: badCommit });
  }

  it('the command is what the probe says it reads', () => {
    expect(argv.map((a) => (typeof a === 'string' ? a : 'COMMIT')).join(' ')).toBe(gitCommit.reads);
    expect(check.probe?.id).toBe(gitCommit.id);
  });

  it.each([
    ['the full commit id', (): string => head, 'pass', 'exists'],
    ['a short commit id', (): string => head.slice(0, 9), 'pass', 'exists'],
    ['HEAD', (): string => 'HEAD', 'pass', 'exists'],
    ['an annotated tag (peeled to its commit)', (): string => 'v1.0.0', 'pass', 'exists'],
    ['a tree id', (): string => tree, 'fail', 'not a commit'],
    ['a blob id', (): string => blob, 'fail', 'not a commit'],
    ['a name not in the clone', (): string => 'deadbeefdeadbeef', 'fail', 'not in this clone'],
    [
      'a name that is also a file (never read as a path)',
      (): string => 'v9.9.9',
      'fail',
      'not in this clone',
    ],
    ['an option-like name (never read as an option)', (): string => '--all', 'fail', 'not in this clone'],
  ] as const)('%s → %s', (_what, name, outcome, says) => {
    const v = runCheck(name());
    expect(v.outcome, v.note).toBe(outcome);
    expect(v.note).toContain(says);
  });

  it('an annotated tag passes as the commit it names, not the tag object', () => {
    const tagged = gitIn(repo.root, 'rev-parse', 'HEAD~1').trim();
    expect(runCheck('v1.0.0').note).toBe(`commit ${tagged.slice(0, 12)} exists`);
  });
});
