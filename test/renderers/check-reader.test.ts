/**
 * Unknown is never pass: a read-only command check whose output nothing reads and whose exit code
 * does not decide (a `get`, `describe`, `log`) is read by the person on call. A table on
 * readByPerson, and how the guided script runs such a check (shown, then asked), on a hand-made plan
 * and on every fixture plan.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Check } from '../../src/model/plan.js';
import { readByPerson } from '../../src/renderers/check-text.js';
import { renderSh } from '../../src/renderers/sh.js';
import { ROOT } from '../helpers/cli.js';
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
    for (const workload of names) {
      const svc = await loadService(join(REPOS, repo), { release: false, ...(workload ? { workload } : {}) });
      const p = plan(svc, analyze(svc));
      const sh = renderSh(p);
      const checks = [...p.runbook.map((s) => s.check), ...p.gates.map((g) => g.check)];
      for (const c of checks.filter(readByPerson))
        if (!sh.includes(`Does the output above show: ${c.expect}?`))
          notAsked.push(`${workload ?? ''} ${c.expect}`);
    }
    expect(notAsked).toEqual([]);
  });
});
