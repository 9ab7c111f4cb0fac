/**
 * "Unknown is never pass" for a service whose deploy mechanism rollbook neither found nor was told:
 * the history and deploy-state gates have no command, so nothing checks them. They must say so, name
 * what would check them (deploy.platform in rollbook.yaml), keep the design's outcome unknown (exit 1),
 * and the guided runbook must log the operator's answer as theirs, never as a check that passed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, plan, planOutcome, render } from '../../src/index.js';
import { GATE_IDS } from '../../src/planner/gates.js';
import { cli } from '../helpers/cli.js';
import { commit, tempRepo, write } from '../helpers/git-repo.js';
import { service, workload } from '../platforms/helpers.js';

const CASES = [
  {
    name: 'no platform, no workload',
    svc: service({ name: 'billing' }),
    unchecked: [GATE_IDS.targetExists, GATE_IDS.noDeploy],
    outcome: 'unknown',
  },
  {
    name: 'no platform, with a dual write (a blocking hazard: fail beats unknown)',
    svc: service({
      name: 'billing',
      writes: [{ store: 'postgres://billing', dualWrite: true, external: false, description: 'ledger rows' }],
    }),
    unchecked: [GATE_IDS.targetExists, GATE_IDS.noDeploy],
    outcome: 'fail',
  },
  {
    name: 'a declared platform',
    svc: service({
      deploy: {
        platform: 'kubernetes',
        manifests: [],
        workload: 'deployment/checkout-api',
        namespace: 'shop',
      },
      workloads: [workload('kubernetes', { name: 'checkout-api' })],
    }),
    unchecked: [],
    outcome: 'pass',
  },
];

describe('gates nothing can check (no deploy mechanism)', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.unchecked.length ? 'unknown, with what would check them' : 'checked by the platform'}`, () => {
      const p = plan(c.svc, analyze(c.svc));
      const unchecked = p.gates.filter((g) => g.prove !== undefined).map((g) => g.id);
      expect(unchecked).toEqual(c.unchecked);
      for (const g of p.gates.filter((x) => x.prove !== undefined)) {
        expect(g.status).toBe('unknown');
        expect(g.blocking).toBe(true);
        expect(g.reason).toMatch(/^not checked: no deploy mechanism was found or declared/);
        expect(g.reason).toContain('what would check it: declare deploy.platform (kubernetes | helm');
      }
      const outcome = planOutcome(p);
      expect(outcome.outcome).toBe(c.outcome);
      if (c.unchecked.length === 0) {
        expect(outcome.couldNotProve).toEqual([]);
        return;
      }
      expect(outcome.couldNotProve.map((u) => u.id)).toEqual(c.unchecked);
      expect(outcome.couldNotProve[0]!.prove).toMatch(/^declare deploy\.platform/);
      // the reason is said once, without the "what would check it" the renderers show
      expect(outcome.couldNotProve[0]!.reason).not.toContain('what would check it');

      // every format says it; none reads it as passed
      expect(render(p, 'md')).toContain('what would check it: declare deploy.platform');
      expect(render(p, 'html')).toContain('what would check it: declare deploy.platform');
      const json = JSON.parse(render(p, 'json')) as { gates: { id: string; status: string }[] };
      for (const id of c.unchecked) expect(json.gates.find((g) => g.id === id)?.status).toBe('unknown');
      const sh = render(p, 'sh');
      expect(sh).toContain('rollbook could not check this (not checked: no deploy mechanism');
      expect(sh).toContain('(confirmed by you, not checked by rollbook)');
      expect(sh).not.toContain("'Confirm by eye: you can name the last good version");
    });
  }
});

describe('rollbook plan on a repository with migrations and no deploy files', () => {
  const repo = tempRepo('rollbook-noplatform-');
  afterAll(() => repo.cleanup());
  write(repo.root, {
    'db/migrations/001_init.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
    'db/migrations/001_init.down.sql': 'DROP TABLE users;\n',
  });
  commit(repo.root, 'init', 'v1.0.0');
  write(repo.root, {
    'db/migrations/002_name.up.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
    'db/migrations/002_name.down.sql': 'ALTER TABLE users DROP COLUMN name;\n',
  });
  commit(repo.root, 'add name');

  it('exits 1 and says on stderr what could not be proven and what would prove it', async () => {
    const r = await cli(['plan', repo.root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'could not prove: The target revision exists in the rollout history: not checked: no deploy mechanism was found or declared',
    );
    expect(r.stderr).toContain('what would prove it: declare deploy.platform');
    expect(r.stdout).toContain('| `no-deploy-in-progress`');
  });

  it('with deploy.platform declared, the gates get a command and the design passes', async () => {
    write(repo.root, {
      'rollbook.yaml':
        'version: 1\nservice: billing\ndeploy:\n  platform: kubernetes\n  workload: deployment/billing\n  namespace: shop\n',
    });
    commit(repo.root, 'declare the platform');
    const r = await cli(['plan', repo.root, '--to', 'v1.0.0']);
    expect(r.stderr).not.toContain('could not prove');
    expect(r.code).toBe(0);
  });
});
