/**
 * The git-revert step's check (src/platforms/common.ts gitRevertStep) run with the real git on a clone
 * of a real upstream: the exact argv the runbook runs, its output read by the git-reverted probe. The
 * revert passes only once it is on the branch the clone tracks, and fails again when reverted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitRevertStep } from '../../src/platforms/common.js';
import { runProbe } from '../../src/probes/index.js';
import { commit, gitIn, write } from '../helpers/git-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'rollbook-git-revert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = gitRevertStep('git-revert', 'Flux', undefined).check;

/** The check's command run in the clone, read by its probe with the bad commit as --want. */
function readCheck(cwd: string, bad: string) {
  const argv = (check.command?.argv ?? []).map((a) => (typeof a === 'string' ? a : bad));
  const r = spawnSync(argv[0] ?? 'git', argv.slice(1), {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HOME: cwd },
  });
  return runProbe(check.probe?.id ?? '', {
    output: `${r.stdout}${r.stderr}`,
    exitCode: r.status ?? -1,
    want: bad,
  });
}

describe('git-reverted on a real clone', () => {
  const origin = join(dir, 'origin.git');
  const clone = join(dir, 'clone');
  gitIn(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  gitIn(dir, 'clone', '-q', origin, clone);
  gitIn(clone, 'checkout', '-q', '-b', 'main');
  write(clone, { 'values.yaml': 'pool: 10\n' });
  commit(clone, 'first');
  write(clone, { 'values.yaml': 'pool: 50\n' });
  commit(clone, 'web: raise pool size');
  const bad = gitIn(clone, 'rev-parse', '--short=7', 'HEAD').trim();
  gitIn(clone, 'push', '-q', '-u', 'origin', 'main');

  it('reads a probe, not a person', () => {
    expect(check.probe).toEqual({ id: 'git-reverted', want: { var: 'BAD_COMMIT' } });
  });

  it('fails while the bad commit is the newest on the upstream branch', () => {
    const r = readCheck(clone, bad);
    expect(r.outcome, r.note).toBe('fail');
    expect(r.note).toContain('the bad commit is on it');
  });

  it('fails when reverted locally but not pushed, passes once pushed', () => {
    gitIn(clone, 'revert', '--no-edit', bad);
    expect(readCheck(clone, bad).outcome).toBe('fail');
    gitIn(clone, 'push', '-q');
    const r = readCheck(clone, bad);
    expect(r.outcome, r.note).toBe('pass');
    expect(r.note).toContain('Revert "web: raise pool size"');
  });

  it('fails again when the revert is reverted', () => {
    const revert = gitIn(clone, 'rev-parse', 'HEAD').trim();
    gitIn(clone, 'revert', '--no-edit', revert);
    gitIn(clone, 'push', '-q');
    const r = readCheck(clone, bad);
    expect(r.outcome, r.note).toBe('fail');
    expect(r.note).toContain('itself reverted');
  });

  it('a branch with no upstream is unknown, never a pass', () => {
    gitIn(clone, 'checkout', '-q', '-b', 'hotfix');
    const r = readCheck(clone, bad);
    expect(r.outcome, r.note).toBe('unknown');
    expect(r.note).toContain('tracks no upstream');
  });
});
