/**
 * `rollbook plan --from/--to` on real git repositories: the design is about the release window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { commit, gitIn, releaseRepo, tempRepo, write } from '../helpers/git-repo.js';

let repo: { root: string; cleanup: () => void };
beforeAll(() => {
  repo = releaseRepo();
});
afterAll(() => repo.cleanup());

describe('rollbook plan over a release window', () => {
  it('v3 → v2 lists only the migrations v3 added', async () => {
    const r = await cli(['plan', repo.root, '--from', 'v3', '--to', 'v2', '--format', 'json']);
    expect(r.stderr).toBe('');
    const p = JSON.parse(r.stdout);
    expect(p.window.scoped).toBe(true);
    expect(p.window.summary).toMatch(
      /^Rolling back [0-9a-f]{7} \(v3\) → v2 \([0-9a-f]{7}\): 1 commit, 2 migrations/,
    );
    expect(p.window.crossedMigrations.map((m: { version: string }) => m.version)).toEqual([
      '000003',
      '000004',
    ]);
    const files = new Set(
      p.hazards.flatMap((h: { evidence: { file: string }[] }) => h.evidence.map((e) => e.file)),
    );
    for (const f of files) expect(f).not.toMatch(/00000[12]_/);
    expect(p.hazards.some((h: { migration?: string }) => h.migration === '000003')).toBe(true);
    expect(p.hazards.every((h: { unscoped?: boolean }) => !h.unscoped)).toBe(true);
    const target = p.inputs.find((i: { name: string }) => i.name === 'TARGET_SCHEMA_VERSION');
    expect(target.default).toBe('000002');
    expect(target.description).toMatch(/000002 \(add_note\).*db\/migrations\/000002_add_note\.up\.sql:1/);
    expect(p.risk).toBe('high');
    const step = p.runbook.find((s: { touchesData: boolean }) => s.touchesData);
    expect(step.durationBasis).toMatch(/^2 migration\(s\)/);
  });

  it('states the window at the top of every format', async () => {
    for (const format of ['md', 'html', 'sh', 'comms']) {
      const r = await cli(['plan', repo.root, '--from', 'v3', '--to', 'v2', '--format', format]);
      expect(r.stderr).toBe('');
      const head =
        format === 'html'
          ? r.stdout.slice(r.stdout.indexOf('<body'), r.stdout.indexOf('<section'))
          : format === 'sh'
            ? // the first thing the script prints, after its fixed functions
              r.stdout.slice(r.stdout.indexOf('# --- the plan ---')).split('\n').slice(0, 6).join('\n')
            : r.stdout.split('\n').slice(0, 12).join('\n');
      expect(head, format).toMatch(/Rolling back [0-9a-f]{7} \(v3\) → v2/);
    }
  });

  it('nothing stateful crossed: app-only, low risk, one command', async () => {
    const t = tempRepo();
    try {
      write(t.root, {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.0.0\n',
        'db/migrations/000001_init.up.sql': 'CREATE TABLE t (id int);\n',
        'db/migrations/000001_init.down.sql': 'DROP TABLE t;\n',
      });
      commit(t.root, 'one', 'v1.0.0');
      write(t.root, { 'src/app.txt': 'code change\n' });
      commit(t.root, 'two', 'v1.1.0');
      const r = await cli(['plan', t.root, '--format', 'json']);
      expect(r.stderr).toBe('');
      const p = JSON.parse(r.stdout);
      expect(p.window.to.ref).toBe('v1.0.0');
      expect(p.window.summary).toMatch(/: 1 commit, 0 migrations$/);
      expect(p.risk).toBe('low');
      expect(p.trigger.oneCommand).toBe(true);
      expect(p.hazards.filter((h: { kind: string }) => h.kind === 'schema')).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it('no tags: says so at the top, lists the window as unknown, marks migration hazards unscoped', async () => {
    const t = tempRepo();
    try {
      write(t.root, {
        'db/migrations/000001_init.up.sql': 'CREATE TABLE t (id int, c text);\n',
        'db/migrations/000001_init.down.sql': 'DROP TABLE t;\n',
        'db/migrations/000002_drop.up.sql': 'ALTER TABLE t DROP COLUMN c;\n',
        'db/migrations/000002_drop.down.sql': 'ALTER TABLE t ADD COLUMN c text;\n',
      });
      commit(t.root, 'one');
      const r = await cli(['plan', t.root]);
      // no deploy files: only the gates nothing can check are said on stderr (test/planner/unchecked-gates)
      expect(
        r.stderr.split('\n').filter((l) => l && !/^(could not prove| {2}what would prove it): /.test(l)),
      ).toEqual([]);
      expect(r.stdout).toMatch(/\*\*Rolling back [0-9a-f]{7} \(HEAD\) → unknown target: no release tag/);
      expect(r.stdout).toMatch(/\*\*Unscoped:\*\*/);
      expect(r.stdout).toMatch(/\| [^|]*\*\(unscoped\)\* \|/);
      const j = JSON.parse((await cli(['plan', t.root, '--format', 'json'])).stdout);
      expect(j.window.scoped).toBe(false);
      expect(j.unknowns.some((u: { subject: string }) => u.subject === 'release window')).toBe(true);
      const mig = j.hazards.filter((h: { migration?: string }) => h.migration);
      expect(mig.length).toBeGreaterThan(0);
      expect(mig.every((h: { unscoped?: boolean }) => h.unscoped)).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('unknown ref: exit 2, one line; swapped refs: exit 2 saying which is which', async () => {
    const a = await cli(['plan', repo.root, '--to', 'nope']);
    expect(a.code).toBe(2);
    expect(a.stderr.split('\n')[0]).toBe('rollbook: unknown git ref "nope"');
    const b = await cli(['plan', repo.root, '--from', 'v1', '--to', 'v3']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--from v1 \([0-9a-f]{7}\) is older than --to v3/);
    expect(b.stdout).toBe('');
  });

  it('detached HEAD at a tag: the window ends at the previous tag', async () => {
    gitIn(repo.root, 'checkout', '-q', 'v2');
    try {
      const p = JSON.parse((await cli(['plan', repo.root, '--format', 'json'])).stdout);
      expect(p.window.from.how).toBe('detached HEAD');
      expect(p.window.to.ref).toBe('v1');
      expect(p.window.crossedMigrations.map((m: { version: string }) => m.version)).toEqual(['000002']);
    } finally {
      gitIn(repo.root, 'checkout', '-q', 'main');
    }
  });
});
