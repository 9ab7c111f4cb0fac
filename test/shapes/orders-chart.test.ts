/**
 * A chart with several components (the layout of multi-component charts: `x.selectorLabels` from
 * _helpers.tpl plus an `app.kubernetes.io/component` label, per-component values `api.*` and
 * `worker.*`): an `api` Deployment with its Service, HPA and PDB, a `worker` Deployment with none.
 * Each Deployment is a workload of its own with its own facts; the release, namespace and hooks are
 * the chart's. Run with and without helm on PATH (helm v3.8.1 from the npm registry).
 */
import { delimiter } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import { helmOnPath } from '../../src/readers/discovery/helm-template.js';
import { realHelmDir } from '../helpers/helm-bin.js';
import { commands, design, drivers, hazardIds, SHAPES } from './helpers.js';

const saved = process.env.PATH;
const savedSwitch = process.env.ROLLBOOK_HELM;
function restore(): void {
  process.env.PATH = saved;
  if (savedSwitch === undefined) delete process.env.ROLLBOOK_HELM;
  else process.env.ROLLBOOK_HELM = savedSwitch;
}
afterAll(restore);

/**
 * PATH without any helm, or with the real one first; the suite's ROLLBOOK_HELM=off switch
 * (vitest.config.ts) is lifted so discovery takes the default path: helm on PATH or not.
 */
function withHelm(on: boolean): boolean {
  delete process.env.ROLLBOOK_HELM;
  const rest = (saved ?? '').split(delimiter).filter((d) => d && helmOnPath(d) === undefined);
  if (!on) {
    process.env.PATH = rest.join(delimiter);
    return true;
  }
  const dir = realHelmDir();
  if (!dir) return false;
  process.env.PATH = [dir, ...rest].join(delimiter);
  return true;
}

const API_DRIVERS = [
  'replicas=4 (manifest@charts/orders/values.yaml:7)',
  'HPA orders-api minReplicas=4 (manifest@charts/orders/values.yaml:23)',
  'HPA orders-api maxReplicas=12 (manifest@charts/orders/values.yaml:24)',
  'readinessInitialDelaySeconds=5 (manifest@charts/orders/values.yaml:18)',
  'readinessPeriodSeconds=5 (manifest@charts/orders/values.yaml:19)',
  'readinessFailureThreshold=3 (manifest@charts/orders/values.yaml:20)',
  'terminationGracePeriodSeconds=40 (manifest@charts/orders/values.yaml:13)',
  'maxSurge=1 (manifest@charts/orders/values.yaml:11)',
  'maxUnavailable=0 (manifest@charts/orders/values.yaml:12)',
];
const WORKER_DRIVERS = [
  'replicas=2 (manifest@charts/orders/values.yaml:30)',
  'startupSeconds=120 (manifest@charts/orders/values.yaml:41)',
  'startupExpectedSeconds=10 (manifest@charts/orders/values.yaml:40)',
  'terminationGracePeriodSeconds=120 (manifest@charts/orders/values.yaml:36)',
  'maxSurge=0 (manifest@charts/orders/values.yaml:34)',
  'maxUnavailable=1 (manifest@charts/orders/values.yaml:35)',
];
const ROLLBACK = 'helm rollback -n orders --wait --timeout 300s -- orders "${HELM_REVISION}"';
const ENDPOINTS = `kubectl get -n orders -o 'jsonpath={range .subsets[*].addresses[*]}ready-endpoint {.ip}{"\\n"}{end}' -- endpoints/orders-api`;

describe.each([
  ['without helm on PATH (rollbook binds the templates to values.yaml)', false],
  ['with helm on PATH (helm template renders the chart)', true],
])('fixture orders-chart, %s', (_title, helm) => {
  let ready = false;
  beforeAll(() => {
    ready = withHelm(helm);
  });
  afterAll(restore);

  it('the api: low risk, helm rollback of the release, its own durations, its Service checked after the rollback', async () => {
    if (!ready) return;
    const p = await design('orders-chart', 'deployment/orders-api');
    expect(p.risk).toBe('low');
    expect(commands(p)).toEqual(expect.arrayContaining([ROLLBACK, ENDPOINTS]));
    expect(drivers(p)).toEqual(expect.arrayContaining(API_DRIVERS));
    expect(drivers(p).some((d) => /values\.yaml:(30|3[4-9]|4[01])\)/.test(d))).toBe(false);
    const step = p.runbook.find((s) => s.id === 'helm-rollback');
    // 4 batches of 1 (maxSurge 1, maxUnavailable 0) × (pull 10 + ready 5 + 5 × 1)
    expect(step?.expectedSeconds).toBe(80);
    expect(step?.durationBasis).toContain('up to 12 with HPA orders-api');
    const check = p.verification.checks.find((c) => c.command?.argv.includes('endpoints/orders-api'));
    expect(check?.expect).toContain('Service orders-api lists at least one ready endpoint');
    expect(hazardIds(p)).not.toContain('no-readiness-probe');
    expect(hazardIds(p)).not.toContain('no-pdb');
    expect(hazardIds(p)).not.toContain('service-selects-other-workloads');
    // nothing about the worker leaks into the api's design
    expect(JSON.stringify(p)).not.toContain('orders-worker');
  });

  it('the worker: its own replicas, startup probe and grace; no Service, so no endpoints check', async () => {
    if (!ready) return;
    const p = await design('orders-chart', 'deployment/orders-worker');
    expect(p.risk).toBe('low');
    expect(commands(p)).toContain(ROLLBACK);
    expect(commands(p).some((c) => c.includes('endpoints'))).toBe(false);
    expect(drivers(p)).toEqual(expect.arrayContaining(WORKER_DRIVERS));
    expect(drivers(p).some((d) => d.startsWith('HPA '))).toBe(false);
    const step = p.runbook.find((s) => s.id === 'helm-rollback');
    // 2 batches of 1 (maxSurge 0, maxUnavailable 1) × (pull 10 + startup 10, no readiness probe)
    expect(step?.expectedSeconds).toBe(40);
    expect(hazardIds(p)).toEqual(expect.arrayContaining(['no-readiness-probe', 'no-pdb']));
    expect(JSON.stringify(p)).not.toContain('orders-api');
  });

  it('without --workload: the suggestion lists references that each select one workload', async () => {
    if (!ready) return;
    const all = await loadService(`${SHAPES}/orders-chart`);
    expect(all.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual([
      'Deployment/orders-api',
      'Deployment/orders-worker',
    ]);
    // chart-level facts are shared: one release, one chart
    expect(new Set(all.workloads.map((w) => JSON.stringify(w.helm))).size).toBe(1);
    expect(all.workloads.map((w) => w.services?.map((s) => `${s.name}@${s.at?.file}:${s.at?.line}`))).toEqual(
      [['orders-api@charts/orders/templates/api-service.yaml:2'], []],
    );
    // helm rendered the chart, or rollbook bound it and says so
    const bound = all.unknowns.filter((u) => u.subject === 'helm chart orders').map((u) => u.reason);
    expect(bound).toEqual(
      helm ? [] : [expect.stringMatching(/^helm is not on PATH: the workload templates were bound/)],
    );
    const reason = all.unknowns.find((u) => u.subject === 'workload')?.reason ?? '';
    const refs = /pick one with --workload \(([^)]*)\)/.exec(reason)?.[1]?.split(', ') ?? [];
    expect(refs).toEqual(['deployment/orders-api', 'deployment/orders-worker']);
    for (const ref of refs) {
      const one = await loadService(`${SHAPES}/orders-chart`, { workload: ref });
      expect(one.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}`)).toEqual([ref]);
      const p = plan(one, analyze(one));
      expect(p.runbook.length).toBeGreaterThan(0);
    }
    await expect(loadService(`${SHAPES}/orders-chart`, { workload: 'deployment/orders' })).rejects.toThrow(
      /found: deployment\/orders-api, deployment\/orders-worker/,
    );
  });
});
