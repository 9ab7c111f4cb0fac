/**
 * Services by selector (issue 13 item 4), plain manifests and kustomize: a Service binds to a
 * workload when its selector is a non-empty subset of the pod template labels, in the same namespace
 * (and overlay); one that also selects another workload's pods says so; a worker gets an empty list.
 */
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Workload } from '../../src/model/service.js';
import { discover } from '../../src/readers/discover.js';
import { bindServices, labelsMatch } from '../../src/readers/discovery/k8s.js';
import { renderCommand } from '../../src/util/shell.js';
import { tempRepo } from './helpers.js';

function deploy(name: string, labels: Record<string, string>, ns?: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  replicas: 2
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
    spec:
      containers:
        - name: app
          image: ghcr.io/acme/${name}:1.0.0
`;
}

function service(name: string, selector: Record<string, string> | undefined, ns?: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  ports:
    - port: 80
${selector ? `  selector: ${JSON.stringify(selector)}\n` : ''}`;
}

const bound = (w: Workload | undefined) =>
  (w?.services ?? []).map(
    (s) =>
      `${s.name}@${s.at?.file}:${s.at?.line}${s.alsoSelects ? ` +${s.alsoSelects.map((o) => `${o.workload}@${o.at?.file}:${o.at?.line}`).join(',')}` : ''}`,
  );

describe('label selection', () => {
  it.each([
    [{ app: 'web' }, { app: 'web', tier: 'fe' }, true],
    [{ app: 'web', tier: 'fe' }, { app: 'web', tier: 'fe' }, true],
    [{ app: 'web', tier: 'be' }, { app: 'web', tier: 'fe' }, false],
    [{ app: 'web', tier: 'fe' }, { app: 'web' }, false],
    [{}, { app: 'web' }, false],
    [{ version: 2 }, { version: '2' }, true],
  ])('selector %j on labels %j → %s', (selector, labels, want) => {
    expect(labelsMatch(selector, labels)).toBe(want);
  });

  it('a Service matching two targets lists the other one on each', () => {
    const [a, b] = bindServices(
      [{ name: 'web', selector: { app: 'web' }, at: { file: 's.yaml', line: 2 } }],
      [
        { ref: 'deployment/blue', labels: { app: 'web', color: 'blue' }, at: { file: 'b.yaml', line: 9 } },
        { ref: 'deployment/green', labels: { app: 'web', color: 'green' }, at: { file: 'g.yaml', line: 9 } },
      ],
    );
    expect(a?.[0]?.alsoSelects).toEqual([{ workload: 'deployment/green', at: { file: 'g.yaml', line: 9 } }]);
    expect(b?.[0]?.alsoSelects).toEqual([{ workload: 'deployment/blue', at: { file: 'b.yaml', line: 9 } }]);
  });
});

describe('discovery binds Services to the workloads they select', () => {
  const repo = () =>
    tempRepo({
      'k8s/api.yaml': `${deploy('api', { app: 'api', tier: 'backend' })}---\n${service('api', { app: 'api' })}`,
      'k8s/worker.yaml': deploy('worker', { app: 'worker' }),
      'k8s/web.yaml': [
        deploy('web-blue', { app: 'web', color: 'blue' }),
        deploy('web-green', { app: 'web', color: 'green' }),
        service('web', { app: 'web' }),
        service('web-preview', { app: 'web', color: 'green' }),
      ].join('---\n'),
      // another namespace's Service with the same selector never attaches
      'k8s/other-ns.yaml': service('api-mirror', { app: 'api' }, 'mirror'),
      // a Service without a selector (manual endpoints) selects nothing
      'k8s/external.yaml': service('legacy', undefined),
    });

  it('binds by selector subset, in the same namespace; a worker gets none', async () => {
    const d = await discover(repo());
    const by = (n: string) => d.workloads.find((w) => w.name === n);
    expect(bound(by('api'))).toEqual(['api@k8s/api.yaml:18']);
    expect(by('worker')?.services).toEqual([]);
    expect(bound(by('web-blue'))).toEqual(['web@k8s/web.yaml:34 +deployment/web-green@k8s/web.yaml:27']);
    expect(bound(by('web-green'))).toEqual([
      'web@k8s/web.yaml:34 +deployment/web-blue@k8s/web.yaml:11',
      'web-preview@k8s/web.yaml:43',
    ]);
    // the Service files feed the workloads they route to
    const api = d.deployFiles.find((f) => f.file === 'k8s/other-ns.yaml');
    expect(api?.workloads).toEqual([]);
  });

  it('the design checks the Service endpoints after the rollback and reports the shared selector', async () => {
    const root = repo();
    const svc = await loadService(root, { workload: 'deployment/web-blue' });
    const p = plan(svc, analyze(svc));
    const endpoints = p.verification.checks.filter((c) => c.command?.argv.includes('endpoints/web'));
    expect(endpoints.map((c) => c.command && renderCommand(c.command))).toEqual([
      `kubectl get -o 'jsonpath={range .subsets[*].addresses[*]}ready-endpoint {.ip}{"\\n"}{end}' -- endpoints/web`,
    ]);
    expect(endpoints[0]?.expectOutput).toBe('ready-endpoint ');
    const verify = p.runbook.find((s) => s.id === 'verify-recovery');
    expect(verify?.check.expect).toContain('Service web listing ready endpoints');
    const shared = p.hazards.filter((h) => h.rule === 'service-selects-other-workloads');
    expect(shared.map((h) => h.evidence.map((e) => `${e.file}:${e.line}`))).toEqual([
      ['k8s/web.yaml:40', 'k8s/web.yaml:2', 'k8s/web.yaml:27'],
    ]);
    // the api's Service is not web-blue's: no check names it
    expect(p.verification.checks.some((c) => c.command?.argv.includes('endpoints/api'))).toBe(false);
  });

  it('a worker: no endpoints check, no finding', async () => {
    const svc = await loadService(repo(), { workload: 'deployment/worker' });
    const p = plan(svc, analyze(svc));
    expect(p.verification.checks.some((c) => c.command?.argv.includes('endpoints'))).toBe(false);
    expect(
      p.verification.checks.some((c) => c.command?.argv.some((a) => String(a).startsWith('endpoints/'))),
    ).toBe(false);
    expect(p.hazards.some((h) => h.rule === 'service-selects-other-workloads')).toBe(false);
  });
});
