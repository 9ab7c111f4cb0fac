/**
 * Unknown is never pass: a read-only command check whose output nothing reads and whose exit code
 * does not decide (a `get`, `describe`, `log`) is read by the person on call. A table on
 * readByPerson, and how the guided script runs such a check (shown, then asked), on a hand-made plan
 * and on every fixture plan. The person-read checks are counted, per fixture and per platform: a check
 * that loses its probe (or a new one that nothing reads) changes a count and fails here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Check } from '../../src/model/plan.js';
import { PLATFORM_IDS, type PlatformId } from '../../src/model/service.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import { readByPerson } from '../../src/renderers/check-text.js';
import { renderSh } from '../../src/renderers/sh.js';
import { ROOT } from '../helpers/cli.js';
import { ctxOf, everyFact } from '../platforms/helpers.js';
import { lowRiskPlan } from './plans.js';

const get: Check = {
  command: { argv: ['argocd', 'app', 'get', '--', 'web'], readOnly: true },
  expect: 'Sync Policy shows Manual',
  timeoutSeconds: 30,
  retries: 1,
};

describe('readByPerson', () => {
  it.each<[string, Check, boolean]>([
    ['a get whose output nothing reads', get, true],
    ['a waiter whose exit code decides', { ...get, exitCodeDecides: true }, false],
    ['output rules', { ...get, outcomes: [{ contains: 'x', result: 'pass', note: 'x' }] }, false],
    ['a probe', { ...get, probe: { id: 'argocd-app' } }, false],
    ['a text to find', { ...get, expectOutput: 'Manual' }, false],
    ['a revision to find', { ...get, listsRevision: { var: 'REV' } }, false],
    ['already manual', { ...get, manual: true }, false],
    [
      'a command that changes something (never run by the script)',
      { ...get, command: { argv: ['x'], readOnly: false } },
      false,
    ],
    ['no command', { expect: 'x', timeoutSeconds: 1, retries: 0 }, false],
  ])('%s → %s', (_name, c, want) => {
    expect(readByPerson(c)).toBe(want);
  });

  it('the guided script shows the output and asks, instead of passing on exit 0', () => {
    const p = lowRiskPlan();
    const step = p.runbook[0];
    if (!step) throw new Error('no step');
    step.check = get;
    const sh = renderSh(p);
    expect(sh).toContain(
      "rb_check_by_eye 30 'Does the output above show: Sync Policy shows Manual?' argocd app get -- web",
    );
  });
});

describe('every fixture plan: the checks a person reads are asked in the guided script', () => {
  const REPOS = join(ROOT, 'fixtures/repos');
  const repos = readdirSync(REPOS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  it.each(repos.map((r) => [r]))('fixtures/repos/%s', async (repo) => {
    const base = await loadService(join(REPOS, repo), { release: false });
    const names = base.workloads.length > 1 ? base.workloads.map((w) => `${w.kind}/${w.name}`) : [undefined];
    const notAsked: string[] = [];
    const byPerson: string[] = [];
    for (const workload of names) {
      const svc = await loadService(join(REPOS, repo), { release: false, ...(workload ? { workload } : {}) });
      const p = plan(svc, analyze(svc));
      const sh = renderSh(p);
      const checks = [
        ...p.runbook.map((s) => [s.id, s.check] as const),
        ...p.gates.map((g) => [g.id, g.check] as const),
      ];
      for (const [id, c] of checks.filter(([, c]) => readByPerson(c))) {
        byPerson.push(`${workload ?? svc.deploy.platform} ${id}`);
        if (!sh.includes(`Does the output above show: ${c.expect}?`))
          notAsked.push(`${workload ?? ''} ${c.expect}`);
      }
    }
    expect(notAsked).toEqual([]);
    expect(byPerson.sort()).toEqual([...(PERSON_READ_IN_FIXTURES[repo] ?? [])].sort());
  });
});

/**
 * The checks still read by the person on call in the fixtures: none. The Argo Rollouts abort reads the
 * Rollout's JSON (argo-rollouts-aborted); Flux suspend/resume, the helm rollback and the git revert read
 * probes too. A fixture whose plan gains a person-read check fails here until it is listed.
 */
const PERSON_READ_IN_FIXTURES: Record<string, string[]> = {};

/**
 * Per platform, on a context where every name is known: the rollback steps, gates and status checks a
 * person still reads, and why no probe decides them.
 */
const PERSON_READ_BY_PLATFORM: Record<PlatformId, string[]> = {
  kubernetes: [],
  helm: [],
  // the abort reads status.abort, the phase and the traffic weights (argo-rollouts-aborted)
  'argo-rollouts': [],
  argocd: [],
  flux: [],
  ecs: [],
  lambda: [],
  'cloud-run': [],
  nomad: [],
  heroku: [],
  vm: [],
  // "shows only the reverse of the bad change" is a review of the plan, not a value to compare
  terraform: ['terraform-plan'],
  compose: [],
};

describe('every platform: the checks a person still reads, counted', () => {
  it.each(PLATFORM_IDS.map((id) => [id]))('%s', (id) => {
    const p = PLATFORMS[id];
    if (!p) throw new Error(id);
    const found = new Set<string>();
    for (const ctx of [
      ctxOf(id),
      ctxOf(id, { ...everyFact('x'), vm: { ...everyFact('x').vm, releasesDir: '/srv/x/releases' } }),
      ctxOf(id, { kind: 'HelmRelease' }),
    ]) {
      const checks = [
        ...p.rollback(ctx).steps.map((s) => [s.id, s.check] as const),
        ['revision', p.revisionCheck?.(ctx)] as const,
        ['deploy-state', p.deployStateCheck?.(ctx)] as const,
      ];
      for (const [sid, c] of checks) if (c && readByPerson(c)) found.add(sid);
    }
    expect([...found].sort()).toEqual(PERSON_READ_BY_PLATFORM[id]);
  });
});
