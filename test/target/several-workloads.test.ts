/**
 * `rollbook target` on a repository with several workloads: the orders chart (fixtures/repos/
 * orders-chart: an api Deployment with its Service, HPA and PDB, a worker Deployment with none)
 * under git, a release tag, then a suspect commit. Selecting one workload must work, and nothing of
 * the other may leak into its report; without a selection the hint lists references that work.
 */
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetToJson } from '../../src/renderers/target/index.js';
import { target } from '../../src/target/index.js';
import { cli } from '../helpers/cli.js';
import { commit, gitIn, tempRepo, write } from '../helpers/git-repo.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/repos/orders-chart');
let repo: { root: string; cleanup: () => void };
let suspect = '';

beforeAll(() => {
  repo = tempRepo('rollbook-target-several-');
  cpSync(FIXTURE, repo.root, { recursive: true });
  commit(repo.root, 'orders 2.4.1', 'v2.4.1');
  write(repo.root, { 'src/orders.js': 'export const total = (items) => items.length;\n' });
  commit(repo.root, 'orders: count items');
  suspect = gitIn(repo.root, 'rev-parse', 'HEAD').trim();
});
afterAll(() => repo.cleanup());

describe('rollbook target with several workloads', () => {
  it('--workload selects one of them; the other never appears in its report', async () => {
    for (const [mine, other] of [
      ['orders-api', 'orders-worker'],
      ['orders-worker', 'orders-api'],
    ] as const) {
      const r = await target(repo.root, { suspect, workload: `deployment/${mine}` });
      const text = JSON.stringify(targetToJson(r));
      expect(text).toContain(`deployment/${mine}`);
      expect(text).not.toContain(other);
      // the api's Service is checked after the rollback; the worker has none
      expect(text.includes('endpoints/orders-api')).toBe(mine === 'orders-api');
    }
  });

  it('the CLI selects the same way, and without --workload names the references that work', async () => {
    const one = await cli([
      'target',
      repo.root,
      '--suspect',
      suspect,
      '--workload',
      'deployment/orders-worker',
    ]);
    expect(one.stderr).toBe('');
    expect(one.stdout).toContain('deployment/orders-worker');
    expect(one.stdout).not.toContain('orders-api');
    const none = await cli(['target', repo.root, '--suspect', suspect]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--workload deployment/orders-api, --workload deployment/orders-worker');
  });
});
