import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRollbookError } from '../../src/errors.js';
import { listTree, materialize, readBlobs, resolveRef } from '../../src/readers/git.js';
import { git } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A repository whose service lives in svc/: v1 has one migration, HEAD two (one with non-ASCII text). */
function repo(): { root: string; svc: string } {
  const root = tmp('rollbook-git-');
  git(root, 'init', '-q', '-b', 'main');
  const svc = join(root, 'svc');
  mkdirSync(join(svc, 'db/migrations'), { recursive: true });
  writeFileSync(join(svc, 'db/migrations/1_init.up.sql'), 'CREATE TABLE a (id int);\n');
  writeFileSync(join(svc, 'README.md'), 'not a migration\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'v1');
  git(root, 'tag', 'v1');
  writeFileSync(
    join(svc, 'db/migrations/2_größe.up.sql'),
    "ALTER TABLE a ADD COLUMN größe text DEFAULT 'ü';\n",
  );
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'v2');
  return { root, svc };
}

describe('git reader (read only)', () => {
  it('resolves refs and lists and reads the files of a commit, relative to the service', async () => {
    const { svc } = repo();
    const head = await resolveRef(svc, 'HEAD');
    const v1 = await resolveRef(svc, 'v1');
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(v1).not.toBe(head);
    expect((await listTree(svc, v1, ['db/migrations'])).map((e) => e.path)).toEqual([
      'db/migrations/1_init.up.sql',
    ]);
    const files = await listTree(svc, head, ['db/migrations']);
    expect(files.map((e) => e.path)).toEqual(['db/migrations/1_init.up.sql', 'db/migrations/2_größe.up.sql']);
    const blobs = await readBlobs(
      svc,
      files.map((f) => f.oid),
    );
    expect(blobs.get(files[1]?.oid as string)?.toString('utf8')).toBe(
      "ALTER TABLE a ADD COLUMN größe text DEFAULT 'ü';\n",
    );
    const dest = tmp('rollbook-mat-');
    expect(await materialize(svc, v1, ['db/migrations', 'rollbook.yaml'], dest)).toEqual([
      'db/migrations/1_init.up.sql',
    ]);
    expect(readFileSync(join(dest, 'db/migrations/1_init.up.sql'), 'utf8')).toBe(
      'CREATE TABLE a (id int);\n',
    );
    // nothing in the repository changed
    expect(git(svc, 'status', '--porcelain')).toBe('');
  });

  it('rejects unknown and option-like refs with exit-2 errors', async () => {
    const { svc } = repo();
    for (const [ref, code, message] of [
      ['no-such-branch', 'GIT', 'unknown git ref "no-such-branch"'],
      ['--output=/tmp/x', 'USAGE', 'invalid git ref "--output=/tmp/x"'],
      ['HEAD~99', 'GIT', 'unknown git ref "HEAD~99"'],
    ] as const) {
      const err = await resolveRef(svc, ref).catch((e) => e);
      expect(isRollbookError(err)).toBe(true);
      expect(err.code).toBe(code);
      expect(err.message).toBe(message);
    }
    const notRepo = tmp('rollbook-norepo-');
    const err = await resolveRef(notRepo, 'HEAD').catch((e) => e);
    expect(err.code).toBe('GIT');
    expect(err.message).toContain('is not inside a git repository');
  });
});
