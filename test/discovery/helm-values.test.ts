/**
 * The values a deployment passes to a chart of the repository, merged as Helm and Argo CD do
 * (parameters > valuesObject > values > valueFiles > values.yaml; Flux: valuesFiles, valuesFrom in
 * order, then values), each fact citing the line that set it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverRepository } from '../../src/discover.js';
import { RollbookError } from '../../src/errors.js';
import { initDescriptor } from '../../src/init.js';
import { discover } from '../../src/readers/discover.js';
import { loadService } from '../../src/readers/load-service.js';
import { discoverText } from '../../src/renderers/discover.js';
import { cli } from '../helpers/cli.js';
import { write } from '../helpers/git-repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CHART = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'charts/web/values.yaml':
    'replicaCount: 2\nimage:\n  repository: ghcr.io/acme/web\n  tag: "1.0.0"\nreadinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080\n  periodSeconds: 3\n',
  'charts/web/values-prod.yaml': 'replicaCount: 4\n',
  'charts/web/templates/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ include "web.fullname" . }}',
    'spec:',
    '  replicas: {{ .Values.replicaCount }}',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '          readinessProbe:',
    '            {{- toYaml .Values.readinessProbe | nindent 12 }}',
    '',
  ].join('\n'),
};

function app(name: string, helm: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  source:
    repoURL: https://example.com/acme/web.git
    path: charts/web
    helm:
${helm
  .split('\n')
  .map((l) => (l ? `      ${l}` : l))
  .join('\n')}
  destination:
    namespace: web
`;
}

function repo(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'rb-helm-values-'));
  dirs.push(d);
  write(d, { ...CHART, ...files });
  return d;
}

async function settings(files: Record<string, string>) {
  const d = await discover(repo(files));
  const w = d.workloads.find((x) => x.helm?.chartPath === 'charts/web');
  const cite = (s?: { value: unknown; at?: { file: string; line: number } }) =>
    s ? `${String(s.value)}@${s.at?.file}:${s.at?.line}` : undefined;
  return {
    replicas: cite(w?.settings.replicas),
    period: cite(w?.settings.readinessPeriodSeconds),
    unknowns: d.unknowns.map((u) => `${u.subject}: ${u.reason}`),
    release: w?.helm?.release,
  };
}

describe('Argo CD values: parameters > valuesObject > values > valueFiles > values.yaml', () => {
  const layers = [
    'valueFiles:\n  - values-prod.yaml',
    'values: |\n  replicaCount: 5\n  readinessProbe:\n    periodSeconds: 6',
    'valuesObject:\n  replicaCount: 7',
    'parameters:\n  - name: replicaCount\n    value: "8"',
  ];
  // the helm block starts at line 10 of the Application file
  const cases: [string, number, string, string][] = [
    ['values.yaml alone', 0, '2@charts/web/values.yaml:1', '3@charts/web/values.yaml:9'],
    ['+ valueFiles', 1, '4@charts/web/values-prod.yaml:1', '3@charts/web/values.yaml:9'],
    ['+ values (a block scalar: its own lines)', 2, '5@argocd/web.yaml:14', '6@argocd/web.yaml:16'],
    ['+ valuesObject', 3, '7@argocd/web.yaml:18', '6@argocd/web.yaml:16'],
    ['+ parameters', 4, '8@argocd/web.yaml:20', '6@argocd/web.yaml:16'],
  ];
  for (const [name, n, replicas, period] of cases)
    it(name, async () => {
      const s = await settings(
        n === 0 ? {} : { 'argocd/web.yaml': app('web-prod', layers.slice(0, n).join('\n')) },
      );
      expect(s.replicas).toBe(replicas);
      expect(s.period).toBe(period);
    });

  it('the release is the Application name unless helm.releaseName says otherwise', async () => {
    expect((await settings({ 'argocd/web.yaml': app('web-prod', 'valuesObject:\n  a: 1') })).release).toBe(
      'web-prod',
    );
    expect(
      (await settings({ 'argocd/web.yaml': app('web-prod', 'releaseName: web\nvaluesObject:\n  a: 1') }))
        .release,
    ).toBe('web');
  });

  it('a values file of another source, and a missing one, are unknowns naming them', async () => {
    const s = await settings({
      'argocd/web.yaml': app('web-prod', 'valueFiles:\n  - $values/envs/prod.yaml\n  - values-eu.yaml'),
    });
    expect(s.unknowns).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$values\/envs\/prod\.yaml: .*another source/),
        expect.stringMatching(/^charts\/web\/values-eu\.yaml: .*not in the repository/),
      ]),
    );
    expect(s.replicas).toBe('2@charts/web/values.yaml:1');
  });

  it('two applications passing values to one chart: values.yaml alone, and an unknown', async () => {
    const s = await settings({
      'argocd/web.yaml': app('web-prod', 'valueFiles:\n  - values-prod.yaml'),
      'argocd/web-staging.yaml': app('web-staging', 'valuesObject:\n  replicaCount: 1'),
    });
    expect(s.replicas).toBe('2@charts/web/values.yaml:1');
    expect(s.unknowns.join('\n')).toContain(
      '2 deployments pass values to this chart (Argo CD Application web-prod, Argo CD Application web-staging)',
    );
  });
});

describe('rollbook.yaml deploy.valuesFiles', () => {
  it('applies the files after values.yaml and wins over an Argo CD application', async () => {
    const d = repo({
      'rollbook.yaml':
        'version: 1\nservice: web\ndeploy:\n  valuesFiles:\n    - charts/web/values-prod.yaml\n',
      'argocd/web.yaml': app('web-staging', 'valuesObject:\n  replicaCount: 1'),
    });
    const s = await loadService(d, { release: false });
    const w = s.workloads[0];
    expect(
      `${w?.settings.replicas?.value}@${w?.settings.replicas?.at?.file}:${w?.settings.replicas?.at?.line}`,
    ).toBe('4@charts/web/values-prod.yaml:1');
  });

  it('a file that does not exist is an input error at its line in rollbook.yaml', async () => {
    const d = repo({
      'rollbook.yaml': 'version: 1\nservice: web\ndeploy:\n  valuesFiles:\n    - charts/web/values-eu.yaml\n',
    });
    const e = await loadService(d, { release: false }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RollbookError);
    expect((e as RollbookError).message).toBe(
      'rollbook.yaml:5:7: deploy.valuesFiles[0]: values file "charts/web/values-eu.yaml" does not exist',
    );
  });
});

describe('rollbook discover reads rollbook.yaml as plan does', () => {
  it('deploy.valuesFiles and deploy.namespace drive discovery, and discover says they came from rollbook.yaml', async () => {
    const d = repo({
      'rollbook.yaml':
        'version: 1\nservice: web\ndeploy:\n  namespace: shop\n  valuesFiles:\n    - charts/web/values-prod.yaml\n',
    });
    const r = await discoverRepository({ dir: d });
    const w = r.discovery.workloads[0];
    expect(`${w?.settings.replicas?.value}@${w?.settings.replicas?.at?.file}`).toBe(
      '4@charts/web/values-prod.yaml',
    );
    expect(r.inputs.declared.map((i) => `${i.key} ${i.value} @${i.at?.file}:${i.at?.line}`)).toEqual([
      'deploy.namespace shop @rollbook.yaml:4',
      'deploy.valuesFiles charts/web/values-prod.yaml @rollbook.yaml:6',
    ]);
    const text = discoverText(r);
    expect(text).toContain(
      'Read with rollbook.yaml: what it declares wins over what the files say\n  deploy.namespace shop  (declared in rollbook.yaml:4)\n  deploy.valuesFiles charts/web/values-prod.yaml  (declared in rollbook.yaml:6)\n',
    );
    // plan reads the same: one path
    const s = await loadService(d, { release: false });
    expect(s.workloads[0]?.settings.replicas?.value).toBe(4);
  });

  it('a bad rollbook.yaml: the same message with file:line:col and exit 2 as plan', async () => {
    const d = repo({
      'rollbook.yaml': 'version: 1\nservice: web\ndeploy:\n  valuesFiles:\n    - charts/web/values-eu.yaml\n',
    });
    const discoverRun = await cli(['discover', d]);
    const planRun = await cli(['plan', d]);
    expect(discoverRun.code).toBe(2);
    expect(discoverRun.stderr).toContain(
      'rollbook.yaml:5:7: deploy.valuesFiles[0]: values file "charts/web/values-eu.yaml" does not exist',
    );
    expect([discoverRun.code, discoverRun.stderr, discoverRun.stdout]).toEqual([
      planRun.code,
      planRun.stderr,
      planRun.stdout,
    ]);
  });
});

describe('init and deploy.valuesFiles', () => {
  it('writes the one production values file beside a chart nothing else passes values to; plan reads it', async () => {
    const d = repo({ 'charts/web/values-staging.yaml': 'replicaCount: 1\n' });
    const r = await initDescriptor({ dir: d });
    expect(r.text).toContain('  valuesFiles:\n    - charts/web/values-prod.yaml\n');
    expect(r.text).toContain('also beside the chart: charts/web/values-staging.yaml');
    writeFileSync(join(d, 'rollbook.yaml'), r.text);
    const s = await loadService(d, { release: false });
    expect(s.workloads[0]?.settings.replicas).toMatchObject({
      value: 4,
      at: { file: 'charts/web/values-prod.yaml' },
    });
  });

  it('writes none when an Argo CD application passes the values', async () => {
    const r = await initDescriptor({
      dir: repo({ 'argocd/web.yaml': app('web-prod', 'valueFiles:\n  - values-prod.yaml') }),
    });
    expect(r.text).not.toContain('valuesFiles');
  });
});

describe('Flux valuesFrom', () => {
  const hr = (valuesFrom: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: web
spec:
  chart:
    spec:
      chart: ./charts/web
  valuesFrom:
${valuesFrom}
`;
  it("a Secret's base64 data: numbers read and cited at its key, strings withheld", async () => {
    const data = Buffer.from('replicaCount: 9\ntoken: abc-secret\n').toString('base64');
    const d = await discover(
      repo({
        'flux/hr.yaml': hr('    - kind: Secret\n      name: web-values'),
        'flux/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-values\n  namespace: web\ndata:\n  values.yaml: ${data}\n`,
      }),
    );
    const w = d.workloads.find((x) => x.kind === 'HelmRelease');
    expect(w?.settings.replicas?.value).toBe(9);
    expect(w?.settings.replicas?.at).toMatchObject({ file: 'flux/secret.yaml', line: 7 });
    expect(JSON.stringify(d)).not.toContain('abc-secret');
  });

  it('a SOPS-encrypted Secret and a missing key are unknowns', async () => {
    const d = await discover(
      repo({
        'flux/hr.yaml': hr(
          '    - kind: Secret\n      name: web-sops\n    - kind: ConfigMap\n      name: web-cm\n      valuesKey: prod.yaml',
        ),
        'flux/secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-sops\nstringData:\n  values.yaml: ENC[AES256_GCM,data:xx]\nsops:\n  version: 3.8.1\n',
        'flux/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-cm\ndata:\n  values.yaml: "replicaCount: 3"\n',
      }),
    );
    const u = d.unknowns.map((x) => `${x.subject}: ${x.reason}`).join('\n');
    expect(u).toContain(
      'Secret web-sops: values of Flux HelmRelease web come from Secret web-sops (flux/secret.yaml), encrypted with SOPS',
    );
    expect(u).toContain('ConfigMap web-cm (flux/cm.yaml) has no key prod.yaml');
  });
});
