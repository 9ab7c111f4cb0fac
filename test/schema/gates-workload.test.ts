/**
 * `gates --workload`: the gates check the migration sets bound to one workload (as `plan` selects
 * it); a set bound to no workload is not checked (unknown, never pass); several workloads and no
 * choice is plan's usage error. A real git repository with two services and a shared folder.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import { gates } from '../../src/gates.js';
import { commit, gitIn, shopDeployment, tempRepo, write } from '../helpers/git-repo.js';

let repo: { root: string; cleanup: () => void };
beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
  repo = tempRepo('rollbook-gates-workload-');
  write(repo.root, {
    'services/api/deploy.yaml': shopDeployment('api'),
    'services/api/db/migrations/1_init.up.sql':
      'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n',
    'services/api/db/migrations/1_init.down.sql': 'DROP TABLE accounts;\n',
    'services/worker/deploy.yaml': shopDeployment('worker'),
    'services/worker/db/migrations/1_init.up.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY);\n',
    'services/worker/db/migrations/1_init.down.sql': 'DROP TABLE jobs;\n',
    'db/migrations/1_shared.up.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY);\n',
    'db/migrations/1_shared.down.sql': 'DROP TABLE audit;\n',
  });
  commit(repo.root, 'v1', 'v1');
  write(repo.root, {
    // api drops a column its previous version reads; worker only adds a nullable one
    'services/api/db/migrations/2_drop_email.up.sql': 'ALTER TABLE accounts DROP COLUMN email;\n',
    'services/api/db/migrations/2_drop_email.down.sql': 'ALTER TABLE accounts ADD COLUMN email text;\n',
    'services/worker/db/migrations/2_note.up.sql': 'ALTER TABLE jobs ADD COLUMN note text;\n',
    'services/worker/db/migrations/2_note.down.sql': 'ALTER TABLE jobs DROP COLUMN note;\n',
  });
  commit(repo.root, 'v2', 'v2');
});
afterAll(() => repo.cleanup());

const statuses = (r: Awaited<ReturnType<typeof gates>>) =>
  Object.fromEntries(r.gates.filter((g) => g.blocking).map((g) => [g.id, g.status]));

describe('gates --workload', () => {
  it('several workloads and no --workload: the usage error plan gives, with commands that work', async () => {
    const err = await gates({ dir: '.', cwd: repo.root, to: 'v1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbookError);
    const e = err as RollbookError;
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain('holds 2 workloads');
    expect(e.hint).toContain(
      'rollbook gates . --workload deployment/api --to v1 or rollbook gates . --workload deployment/worker --to v1',
    );
  });

  it('an unknown workload is a usage error naming the ones found', async () => {
    const err = (await gates({ cwd: repo.root, to: 'v1', workload: 'deployment/nope' }).catch(
      (e: unknown) => e,
    )) as RollbookError;
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/--workload deployment\/nope: no such workload; found: .*deployment\/api/);
  });

  it.each([
    // [workload as given, the set checked, the compatibility status]
    ['deployment/api', 'services/api/db/migrations', 'fail'],
    ['services/worker/deploy.yaml', 'services/worker/db/migrations', 'pass'],
  ])('--workload %s checks only %s; the unbound shared set is not checked', async (workload, set, compat) => {
    const r = await gates({ cwd: repo.root, to: 'v1', workload });
    expect(r.locations).toEqual([set]);
    expect(r.scope?.checked.map((m) => m.path)).toEqual([set]);
    expect(r.scope?.notChecked.map((m) => m.path)).toEqual(['db/migrations']);
    expect(r.scope?.others.map((m) => m.path)).toHaveLength(1);
    expect(statuses(r)).toEqual({ 'migration-sets-bound': 'unknown', 'current-target-compatible': compat });
    expect(r.outcome).toBe(compat === 'fail' ? 'fail' : 'unknown');
    const unproven = r.couldNotProve.find((u) => u.id === 'migration-sets-bound');
    expect(unproven?.reason).toContain('not checked: db/migrations (golang-migrate) is bound to no workload');
    expect(unproven?.prove).toContain('state: { migrations: { path: db/migrations');
    // the re-run command selects the same workload
    expect(r.gates[0]?.check.command?.argv).toContain('--workload');
  });

  it('with the shared set gone and deploy.workload declared, the worker passes', async () => {
    rmSync(join(repo.root, 'db'), { recursive: true });
    write(repo.root, {
      'rollbook.yaml': 'version: 1\nservice: worker\ndeploy: { workload: deployment/worker }\n',
    });
    gitIn(repo.root, 'add', '-A');
    gitIn(repo.root, 'commit', '-q', '-m', 'drop shared');
    const r = await gates({ cwd: repo.root, to: 'v1' });
    expect(r.locations).toEqual(['services/worker/db/migrations']);
    expect(statuses(r)).toEqual({ 'current-target-compatible': 'pass' });
    expect(r.outcome).toBe('pass');
  });
});
