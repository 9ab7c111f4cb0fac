/**
 * `rollbook check` spent most of its time starting git: repoState asked four questions in four git
 * processes, and every ref resolved asked them again (41 git processes on the tagged example). Now one
 * rev-parse answers the usual case and a ref is resolved before the state is asked (only to explain a
 * failure). The state must stay what git says in every case; the count is guarded.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import { type RepoState, repoState, resolveRef } from '../../src/readers/git.js';
import { bin } from '../helpers/cli.js';
import { commit, gitIn, tempRepo, write } from '../helpers/git-repo.js';

const repos: { cleanup: () => void }[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});
function repo(): string {
  const r = tempRepo('rollbook-gitstate-');
  repos.push(r);
  return r.root;
}

describe('repoState answers what git says', () => {
  const cases: [string, () => string, (root: string) => RepoState][] = [
    [
      'no repository',
      () => {
        const d = mkdtempSync(join(tmpdir(), 'rollbook-norepo-'));
        repos.push({ cleanup: () => rmSync(d, { recursive: true, force: true }) });
        return d;
      },
      () => ({ isRepo: false, hasCommits: false, shallow: false }),
    ],
    [
      'no commits yet',
      () => repo(),
      () => ({ isRepo: true, hasCommits: false, shallow: false, branch: 'main' }),
    ],
    [
      'a commit on a branch',
      () => {
        const root = repo();
        commit(root, 'one');
        gitIn(root, 'checkout', '-q', '-b', 'feature/x');
        return root;
      },
      (root) => ({
        isRepo: true,
        hasCommits: true,
        shallow: false,
        branch: 'feature/x',
        head: gitIn(root, 'rev-parse', 'HEAD').trim(),
      }),
    ],
    [
      'detached HEAD',
      () => {
        const root = repo();
        commit(root, 'one');
        gitIn(root, 'checkout', '-q', '--detach');
        return root;
      },
      (root) => ({
        isRepo: true,
        hasCommits: true,
        shallow: false,
        head: gitIn(root, 'rev-parse', 'HEAD').trim(),
      }),
    ],
  ];
  for (const [name, make, expected] of cases) {
    it(name, async () => {
      const root = make();
      expect(await repoState(root)).toEqual(expected(root));
    });
  }

  it('an unknown ref, and a directory outside any repository, are the same errors as before', async () => {
    const root = repo();
    commit(root, 'one');
    await expect(resolveRef(root, 'v9.9.9')).rejects.toThrow(/unknown git ref "v9\.9\.9"/);
    const empty = repo();
    await expect(resolveRef(empty, 'HEAD')).rejects.toThrow(/\(the repository has no commits yet\)/);
    const d = mkdtempSync(join(tmpdir(), 'rollbook-norepo-'));
    repos.push({ cleanup: () => rmSync(d, { recursive: true, force: true }) });
    const e = await resolveRef(d, 'HEAD').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RollbookError);
    expect((e as RollbookError).message).toMatch(/is not inside a git repository/);
  });
});

describe('git processes a check starts', () => {
  it('rollbook check on a tagged release with a migration starts at most 20 git processes (41 before)', () => {
    const root = repo();
    write(root, {
      'rollbook.yaml': 'version: 1\nservice: orders\n',
      'db/migrations/000001_init.up.sql': 'CREATE TABLE t (id int PRIMARY KEY);\n',
      'db/migrations/000001_init.down.sql': 'DROP TABLE t;\n',
    });
    commit(root, 'release', 'v1.0.0');
    write(root, {
      'db/migrations/000002_note.up.sql': 'ALTER TABLE t ADD COLUMN note text;\n',
      'db/migrations/000002_note.down.sql': 'ALTER TABLE t DROP COLUMN note;\n',
    });
    commit(root, 'next', 'v1.1.0');
    // a git on PATH that logs each call, then runs the real one
    const wrap = mkdtempSync(join(tmpdir(), 'rollbook-gitwrap-'));
    repos.push({ cleanup: () => rmSync(wrap, { recursive: true, force: true }) });
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(wrap, 'git'), `#!/bin/sh\necho "$*" >> "${wrap}/calls"\nexec ${real} "$@"\n`);
    chmodSync(join(wrap, 'git'), 0o755);
    const r = bin(['check', '--base', 'v1.0.0'], root, { PATH: `${wrap}:${process.env.PATH}` });
    expect([0, 1], r.stderr).toContain(r.code);
    const calls = readFileSync(join(wrap, 'calls'), 'utf8').trim().split('\n');
    expect(calls.length, calls.join('\n')).toBeLessThanOrEqual(20);
  });
});
