/**
 * `rollbook gates` on real git repositories (the built binary): migration locations come from the
 * working tree for both refs; an empty or unbuildable side is UNKNOWN and exits 1, never PASS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin } from '../helpers/cli.js';
import { commit, releaseRepo, tempRepo, write } from '../helpers/git-repo.js';

const OFF = { ROLLBOOK_CACHE: 'off' };
let repo: { root: string; cleanup: () => void };
beforeAll(() => {
  repo = releaseRepo();
});
afterAll(() => repo.cleanup());

describe('rollbook gates over a release', () => {
  it('a release pair that changes a column type FAILS, though rollbook.yaml exists only at v3', () => {
    const r = bin(['gates', '.', '--from', 'v3', '--to', 'v2'], repo.root, OFF);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {4}current-target-compatible/m);
    expect(r.stdout).toMatch(/payload/);
    expect(r.stdout).toMatch(/blocking gate\(s\) failed/);
  });

  it('defaults: --from HEAD, --to the previous release tag', () => {
    const r = bin(['gates', '--format', 'json'], repo.root, OFF);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.release.to.ref).toBe('v2');
    expect(report.locations).toEqual(['db/migrations']);
    expect(report.outcome).toBe('fail');
  });

  it('a compatible pair passes, and gates not asked for do not block', () => {
    const r = bin(['gates', '--from', 'v2', '--to', 'v1', '--format', 'json'], repo.root, OFF);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const compat = report.gates.find((g: { id: string }) => g.id === 'current-target-compatible');
    expect(compat.status).toBe('pass');
    expect(report.outcome).toBe('pass');
    expect(r.code).toBe(0);
  });

  it('swapped refs are a usage error that says which is which', () => {
    const r = bin(['gates', '--from', 'v1', '--to', 'v3'], repo.root, OFF);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from v1 \([0-9a-f]{7}\) is older than --to v3/);
    expect(r.stdout).toBe('');
  });

  it('an empty side is UNKNOWN: exit 1, "could not prove" and what would prove it', () => {
    const t = tempRepo();
    try {
      write(t.root, { 'README.md': 'x\n' });
      commit(t.root, 'before any database', 'v0');
      write(t.root, { 'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int);\n' });
      commit(t.root, 'first migration', 'v1');
      const r = bin(['gates', '--from', 'v1', '--to', 'v0'], t.root, OFF);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^UNKNOWN current-target-compatible/m);
      expect(r.stdout).toMatch(
        /could not prove: current-target-compatible: no migration found at v0 in db\/migrations/,
      );
      expect(r.stdout).toMatch(/what would prove it: /);
      expect(r.stdout).not.toMatch(/PASS +current-target-compatible/);
    } finally {
      t.cleanup();
    }
  });

  it('sides that cannot be built exit 1 with "could not prove"', () => {
    const t = tempRepo();
    try {
      write(t.root, {
        'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int REFERENCES missing_table (id));\n',
        'db/migrations/000001_a.down.sql': 'DROP TABLE a;\n',
      });
      commit(t.root, 'one', 'v1');
      write(t.root, { 'db/migrations/000002_b.up.sql': 'ALTER TABLE a ADD COLUMN b int;\n' });
      commit(t.root, 'two', 'v2');
      const r = bin(['gates'], t.root, OFF);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^UNKNOWN current-target-compatible/m);
      expect(r.stdout).toMatch(
        /could not prove: current-target-compatible: the target schema could not be built/,
      );
    } finally {
      t.cleanup();
    }
  });

  it('no target at all is a usage error', () => {
    const t = tempRepo();
    try {
      write(t.root, { 'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int);\n' });
      commit(t.root, 'one');
      const r = bin(['gates'], t.root, OFF);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/gates needs a target version: no release tag/);
    } finally {
      t.cleanup();
    }
  });
});

describe('rollbook migrations verify over a release: only the downs the rollback crosses', () => {
  it('v2 → v1 checks 000002 only (its down loses data); 000001 is replayed, its down not checked', () => {
    const r = bin(['migrations', 'verify', '.', '--from', 'v2', '--to', 'v1'], repo.root, OFF);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'rollback v2 → v1: checks the downs of the 1 migration(s) it crosses; 1 older migration(s) replayed to build the schema, their downs not checked',
    );
    expect(r.stdout).toMatch(/^ {2}FAIL {4}000002 add_note: down loses data in public\.orders/m);
    expect(r.stdout).not.toContain('000001');
    expect(r.stdout).toContain(
      'data loss only: every failing down restores the schema; 1 lose(s) data: 000002 add_note.',
    );
    expect(r.code).toBe(1);
  });

  it('a rollback that crosses no migration has no down to check: pass', () => {
    const t = tempRepo();
    try {
      write(t.root, {
        'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int);\n',
        'db/migrations/000001_a.down.sql': 'DROP TABLE a;\n',
      });
      commit(t.root, 'v1', 'v1');
      write(t.root, { 'README.md': 'docs only\n' });
      commit(t.root, 'docs');
      const r = bin(['migrations', 'verify', '--to', 'v1'], t.root, OFF);
      expect(r.stdout).toContain('checks the downs of the 0 migration(s) it crosses');
      expect(r.stdout).toContain('no migration crossed');
      expect(r.code).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});
