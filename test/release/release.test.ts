import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareVersionTags, loadService, release } from '../../src/index.js';
import { commit, editReleasedMigration, gitIn, releaseRepo, tempRepo, write } from '../helpers/git-repo.js';

let repo: { root: string; cleanup: () => void };
const extra: string[] = [];
beforeAll(() => {
  repo = releaseRepo();
});
afterAll(() => {
  repo.cleanup();
  for (const d of extra) rmSync(d, { recursive: true, force: true });
});

describe('version tag order', () => {
  it('orders as versions, not as text or dates', () => {
    const tags = ['v1.10.0', 'v1.9.0', 'v1.10.0-rc.1', 'v2', '1.2.3', 'v1.10.0-rc.2'];
    expect([...tags].sort(compareVersionTags)).toEqual([
      '1.2.3',
      'v1.9.0',
      'v1.10.0-rc.1',
      'v1.10.0-rc.2',
      'v1.10.0',
      'v2',
    ]);
  });
});

describe('the release read from git', () => {
  it('defaults: from = HEAD, to = the newest version tag before it', async () => {
    gitIn(repo.root, 'checkout', '-q', 'v3');
    const r = await release(repo.root);
    expect(r.from).toMatchObject({ ref: 'HEAD', chosen: 'head', how: 'detached HEAD' });
    expect(r.to).toMatchObject({ ref: 'v2', chosen: 'previous-tag' });
    expect(r.scoped).toBe(true);
    expect(r.commits).toBe(1);
    const migrations = r.changes.filter((c) => c.kind === 'migration');
    expect(migrations.map((c) => [c.migration?.version, c.at.file, c.at.line])).toEqual([
      ['000003', 'db/migrations/000003_payload_array.up.sql', 1],
      ['000004', 'db/migrations/000004_add_total.up.sql', 1],
    ]);
    expect(r.targetSchema).toEqual([
      expect.objectContaining({ set: 'db/migrations', version: '000002', name: 'add_note' }),
    ]);
    const flags = r.changes.find((c) => c.kind === 'flags');
    expect(flags?.flags).toEqual({ added: [], removed: [], defaultChanged: ['new-checkout'] });
    const manifest = r.changes.find((c) => c.kind === 'manifest');
    expect(manifest).toMatchObject({ file: 'k8s/deployment.yaml', fields: ['image', 'replicas'] });
    expect(manifest?.at.line).toBe(7);
    expect(r.changes.some((c) => c.kind === 'descriptor')).toBe(true);
    expect(r.summary).toMatch(
      /^Rolling back [0-9a-f]{7} \(HEAD\) → v2 \([0-9a-f]{7}\): 1 commit, 2 migrations, 1 flag change, 1 manifest, rollbook\.yaml changed$/,
    );
    gitIn(repo.root, 'checkout', '-q', 'main');
  });

  it('scopes the service migrations to the crossed ones, read at --from', async () => {
    const s = await loadService(repo.root, { from: 'v2', to: 'v1' });
    expect(s.migrations[0]?.migrations.map((m) => m.version)).toEqual(['000002']);
    expect(s.release?.summary).toMatch(/→ v1 .*1 migration/);
  });

  it('--from older than --to is a usage error that says which is which', async () => {
    await expect(release(repo.root, { from: 'v1', to: 'v3' })).rejects.toThrow(
      /--from v1 \([0-9a-f]{7}\) is older than --to v3/,
    );
  });

  it('an unknown ref is one line', async () => {
    await expect(release(repo.root, { to: 'v9' })).rejects.toThrow(/^unknown git ref "v9"$/);
  });

  it('a released migration edited later is a change of its own', async () => {
    const r2 = releaseRepo();
    extra.push(r2.root);
    editReleasedMigration(r2.root);
    const r = await release(r2.root);
    expect(r.to?.ref).toBe('v3');
    expect(r.changes.map((c) => [c.kind, c.file, c.migration?.version])).toEqual([
      ['released-migration-edited', 'db/migrations/000001_create_orders.up.sql', '000001'],
    ]);
    expect(r.targetSchema[0]?.version).toBe('000004');
  });

  it('names uncommitted migration files and keeps them out of the window', async () => {
    const r2 = releaseRepo();
    extra.push(r2.root);
    write(r2.root, { 'db/migrations/000005_wip.up.sql': 'ALTER TABLE orders ADD COLUMN wip int;\n' });
    const r = await release(r2.root, { to: 'v2' });
    expect(r.uncommitted).toEqual(['db/migrations/000005_wip.up.sql']);
    expect(r.changes.filter((c) => c.kind === 'migration').map((c) => c.migration?.version)).toEqual([
      '000003',
      '000004',
    ]);
    expect(r.targetSchema[0]?.version).toBe('000002');
  });

  it('no tags: unscoped, said once with what would scope it', async () => {
    const t = tempRepo();
    extra.push(t.root);
    write(t.root, { 'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int);\n' });
    commit(t.root, 'one');
    const r = await release(t.root);
    expect(r.scoped).toBe(false);
    expect(r.to).toBeUndefined();
    expect(r.unscopedReason).toMatch(/no release tag .* is reachable from HEAD: name the target with --to/);
    expect(r.summary).toMatch(/→ unknown target/);
  });

  it("a local chart's values.yaml is part of the release (helm rollback reverts it), not config left behind", async () => {
    const t = tempRepo();
    extra.push(t.root);
    const chart = {
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: "ghcr.io/acme/web:{{ .Values.tag }}"\n',
      'config/app.env': 'LOG=info\n',
    };
    write(t.root, { ...chart, 'charts/web/values.yaml': 'replicaCount: 2\ntag: "1.0.0"\n' });
    commit(t.root, 'one', 'v1.0.0');
    write(t.root, {
      'charts/web/values.yaml': 'replicaCount: 2\ntag: "1.1.0"\n',
      'config/app.env': 'LOG=debug\n',
    });
    commit(t.root, 'two', 'v1.1.0');
    const r = await release(t.root);
    expect(r.changes.map((c) => [c.kind, c.file])).toEqual([
      ['manifest', 'charts/web/values.yaml'],
      ['config', 'config/app.env'],
    ]);
  });

  it('release.tags picks the tags of this service', async () => {
    const t = tempRepo();
    extra.push(t.root);
    write(t.root, { 'rollbook.yaml': 'version: 1\nservice: a\nrelease:\n  tags: "api/v*"\n' });
    commit(t.root, 'one', 'api/v1.9.0');
    commit(t.root, 'two', 'api/v1.10.0');
    commit(t.root, 'three', 'v99');
    commit(t.root, 'four');
    const r = await release(t.root);
    expect(r.to?.ref).toBe('api/v1.10.0');
  });

  it('not a git repository: unscoped; --to there is exit-2 material', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rollbook-nogit-'));
    extra.push(d);
    writeFileSync(join(d, 'README.md'), 'x\n');
    const r = await release(d);
    expect(r.scoped).toBe(false);
    expect(r.unscopedReason).toMatch(/^not a git repository/);
    await expect(release(d, { to: 'v1' })).rejects.toThrow(/not inside a git repository/);
  });

  it('a repository without commits', async () => {
    const t = tempRepo();
    extra.push(t.root);
    const r = await release(t.root);
    expect(r.unscopedReason).toMatch(/no commits yet/);
    await expect(release(t.root, { to: 'v1' })).rejects.toThrow(
      /unknown git ref "v1" \(the repository has no commits yet\)/,
    );
  });

  it('a shallow clone says how to fetch enough history', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rollbook-shallow-'));
    extra.push(d);
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-tags', `file://${repo.root}`, join(d, 'c')]);
    const r = await release(join(d, 'c'));
    expect(r.shallow).toBe(true);
    expect(r.unscopedReason).toMatch(
      /shallow clone: fetch the history and tags \(git fetch --tags --unshallow/,
    );
    await expect(release(join(d, 'c'), { to: 'v2' })).rejects.toThrow(/unknown git ref "v2"/);
  });
});
