/**
 * `migrations verify --workload`: only the migration sets bound to that workload are verified (the
 * selection `gates --workload` makes); a set bound to no workload is not verified (unknown, blocking,
 * never pass); an unknown workload is plan's usage error. A real git repository with two services and
 * a shared folder, replayed in PGlite.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import { verifyOutcome } from '../../src/outcomes.js';
import { verifyText } from '../../src/schema/report.js';
import { verify } from '../../src/verify-release.js';
import { commit, gitIn, shopDeployment, tempRepo, write } from '../helpers/git-repo.js';

let repo: { root: string; cleanup: () => void };
beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
  repo = tempRepo('rollbook-verify-workload-');
  write(repo.root, {
    'services/api/deploy.yaml': shopDeployment('api'),
    'services/api/db/migrations/1_init.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n',
    'services/api/db/migrations/1_init.down.sql': 'DROP TABLE accounts;\n',
    'services/worker/deploy.yaml': shopDeployment('worker'),
    'services/worker/db/migrations/1_init.up.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY);\n',
    'services/worker/db/migrations/1_init.down.sql': 'DROP TABLE jobs;\n',
    'db/migrations/1_shared.up.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY);\n',
    'db/migrations/1_shared.down.sql': 'DROP TABLE audit;\n',
  });
  commit(repo.root, 'v1', 'v1');
  write(repo.root, {
    // worker's down drops a column holding data; api's down restores everything
    'services/api/db/migrations/2_idx.up.sql': 'CREATE INDEX accounts_id ON accounts (id);\n',
    'services/api/db/migrations/2_idx.down.sql': 'DROP INDEX accounts_id;\n',
    'services/worker/db/migrations/2_note.up.sql': 'ALTER TABLE jobs ADD COLUMN note text;\n',
    'services/worker/db/migrations/2_note.down.sql': 'ALTER TABLE jobs DROP COLUMN note;\n',
  });
  commit(repo.root, 'v2', 'v2');
});
afterAll(() => repo.cleanup());

const paths = (r: Awaited<ReturnType<typeof verify>>) => r.sets.map((s) => s.path);

describe('migrations verify --workload', () => {
  it('an unknown workload is the usage error plan and gates give', async () => {
    const err = (await verify({ cwd: repo.root, workload: 'deployment/nope' }).catch(
      (e: unknown) => e,
    )) as RollbookError;
    expect(err).toBeInstanceOf(RollbookError);
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/--workload deployment\/nope: no such workload; found: .*deployment\/api/);
  });

  it.each([
    // [workload as given, --to, the set verified, outcome] (the downs the rollback to v1 crosses)
    ['deployment/api', 'v1', 'services/api/db/migrations', 'unknown'],
    ['services/worker/deploy.yaml', 'v1', 'services/worker/db/migrations', 'fail'],
  ])(
    '--workload %s (--to %s) verifies only %s; the unbound shared set is not verified',
    async (workload, to, set, outcome) => {
      const r = await verify({ cwd: repo.root, workload, to });
      expect(paths(r)).toEqual([set]);
      expect(r.workload?.checked.map((m) => m.path)).toEqual([set]);
      expect(r.workload?.notChecked.map((m) => m.path)).toEqual(['db/migrations']);
      const o = verifyOutcome(r, []);
      expect(o.outcome).toBe(outcome);
      if (outcome === 'unknown') {
        expect(o.couldNotProve.map((u) => u.id)).toEqual(['migration-sets-bound']);
        expect(o.couldNotProve[0]?.reason).toContain(
          'db/migrations (golang-migrate) is bound to no workload',
        );
        expect(o.couldNotProve[0]?.prove).toContain('state: { migrations: { path: db/migrations');
      }
      expect(r.scope?.crossed).toBe(1);
      const text = verifyText(r, o.outcome);
      expect(text).toContain(`  checked      ${set} (golang-migrate)`);
      expect(text).toContain('  not checked  db/migrations (golang-migrate): bound to no workload');
    },
  );

  it('with the shared set gone, api passes though the worker set holds SQL files', async () => {
    rmSync(join(repo.root, 'db'), { recursive: true });
    gitIn(repo.root, 'add', '-A');
    gitIn(repo.root, 'commit', '-q', '-m', 'drop shared');
    const r = await verify({ cwd: repo.root, workload: 'deployment/api', to: 'v1' });
    expect(paths(r)).toEqual(['services/api/db/migrations']);
    expect(r.summary).toMatchObject({ pass: 1, fail: 0 });
    expect(verifyOutcome(r, ['services/worker/db/migrations/1_init.up.sql']).outcome).toBe('pass');
  });
});
