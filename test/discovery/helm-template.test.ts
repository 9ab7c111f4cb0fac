/**
 * `helm template` with a real helm (v3.8.1 from the npm registry, see test/helpers/helm-bin.ts) on
 * PATH: the exact manifests are read; a value the binding agrees with cites its values line, one
 * only helm could compute cites the template; a chart helm cannot render falls back to the binding
 * and says why. Without helm on PATH, the binding is used and the unknown says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, plan } from '../../src/index.js';
import type { Workload } from '../../src/model/service.js';
import { discover } from '../../src/readers/discover.js';
import {
  dependencyEnabled,
  helmBinary,
  helmTemplate,
  missingDependencies,
  splitRendered,
} from '../../src/readers/discovery/helm-template.js';
import { loadService } from '../../src/readers/load-service.js';
import { write } from '../helpers/git-repo.js';
import { useRealHelm } from '../helpers/helm-bin.js';

const REPOS = resolve(import.meta.dirname, '../../fixtures/repos');
const dirs: string[] = [];

// the suite runs with ROLLBOOK_HELM=off (vitest.config.ts); these tests take the default path: helm on PATH
const helm = useRealHelm();
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function settingsOf(w: Workload | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(w?.settings ?? {})) {
    const s = v as { value: unknown; at?: { file: string; line: number; note?: string } };
    out[k] =
      `${String(s.value)}@${s.at?.file}:${s.at?.line}${s.at?.note?.includes('helm template') ? ' (helm)' : ''}`;
  }
  return out;
}

describe('helm template (real helm from the npm registry)', () => {
  it('is installed by package.json on linux-x64', () => {
    if (process.platform === 'linux' && process.arch === 'x64') expect(helm()).toBeDefined();
  });

  it('renders the Flux release with its valuesFrom layers; the facts match the binding and cite the values lines', async () => {
    if (!helm()) return;
    const d = await discover(join(REPOS, 'flux-helmrelease'));
    const w = d.workloads.find((x) => x.kind === 'HelmRelease');
    const s = settingsOf(w);
    expect(s.readinessPeriodSeconds).toBe('10@clusters/prod/payments/values.yaml:11');
    expect(s.readinessFailureThreshold).toBe('5@clusters/prod/payments/values.yaml:12');
    expect(s.startupSeconds).toBe('300@clusters/prod/payments/values.yaml:18');
    expect(s.terminationGracePeriodSeconds).toBe('60@clusters/prod/payments/secret.yaml:11');
    expect(s.maxSurge).toBe('25%@charts/payments-api/values.yaml:18');
    expect(s.replicas).toBeUndefined();
    expect(w?.autoscaler?.maxReplicas).toBe(10);
    const chart = d.unknowns.filter((u) => u.subject === 'helm chart payments-api').map((u) => u.reason);
    expect(chart).toEqual([]);
  });

  it('a value only helm computes cites the template; a chart helm cannot render falls back and says why', async () => {
    if (!helm()) return;
    const root = mkdtempSync(join(tmpdir(), 'rb-helm-tpl-'));
    dirs.push(root);
    write(root, {
      'Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'values.yaml': 'replicaCount: 3\nprobe:\n  period: 5\n',
      'templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        'spec:',
        '  replicas: {{ .Values.replicaCount }}',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: api',
        '          image: ghcr.io/acme/api:1.0.0',
        '          readinessProbe:',
        '            periodSeconds: {{ mul .Values.probe.period 2 }}',
        '',
      ].join('\n'),
    });
    const d = await discover(root);
    const s = settingsOf(d.workloads[0]);
    expect(s.replicas).toBe('3@values.yaml:1');
    // rollbook's binding reads 5 here; helm computes 10
    expect(s.readinessPeriodSeconds).toBe('10@templates/deployment.yaml:2 (helm)');

    // a template that needs an unvendored subchart's own template cannot render even without it
    write(root, {
      'templates/secret.yaml': 'kind: Secret\ndata:\n  host: {{ include "postgresql.primary.fullname" . }}\n',
    });
    write(root, {
      'Chart.yaml':
        'apiVersion: v2\nname: api\nversion: 1.0.0\ndependencies:\n  - name: postgresql\n    version: 15.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n',
    });
    const broken = await discover(root);
    expect(broken.unknowns.map((x) => `${x.subject}: ${x.reason}`)).toEqual([
      expect.stringMatching(
        /^helm chart api: helm template failed \(rendered without the unvendored subcharts postgresql\): .*no template "postgresql.primary.fullname".*: the workload template was bound to values.yaml by rollbook/,
      ),
    ]);
  });

  it('renders a chart whose dependencies were never vendored without them, and names the enabled ones', async () => {
    if (!helm()) return;
    const root = mkdtempSync(join(tmpdir(), 'rb-helm-deps-'));
    dirs.push(root);
    const chartYaml = [
      'apiVersion: v2',
      'name: web',
      'version: 0.9.2',
      'appVersion: "3.14.0"',
      'dependencies:',
      '  - name: postgresql',
      '    version: 15.5.x',
      '    repository: oci://registry-1.docker.io/bitnamicharts',
      '    condition: postgresql.enabled',
      '  - name: redis',
      '    version: 19.x.x',
      '    repository: oci://registry-1.docker.io/bitnamicharts',
      '    condition: redis.enabled',
      '  - name: analytics',
      '    version: 2.x.x',
      '    repository: https://charts.example.com',
      '    tags: [analytics]',
      '  - name: cache',
      '    version: 1.0.0',
      '    repository: file://../cache',
      '  - name: metrics',
      '    version: 1.0.0',
      '    repository: https://charts.example.com',
      '',
    ].join('\n');
    write(root, {
      'chart/Chart.yaml': chartYaml,
      'chart/Chart.lock':
        'dependencies:\n- name: postgresql\n  repository: oci://registry-1.docker.io/bitnamicharts\n  version: 15.5.38\n- name: cache\n  repository: file://../cache\n  version: 1.0.0\ndigest: sha256:0000\ngenerated: "2026-11-02T10:00:00Z"\n',
      'chart/values.yaml':
        'postgresql:\n  enabled: true\nredis:\n  enabled: false\ntags:\n  analytics: false\n',
      'chart/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        '  annotations:',
        '    cache: {{ include "cache.host" . }}',
        '    metrics: "{{ include "metrics.port" . }}"',
        'spec:',
        '  replicas: 2',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: ghcr.io/acme/web:3.14.0',
        '',
      ].join('\n'),
      // vendored as a directory and as a packaged chart: both are rendered
      'chart/charts/cache/Chart.yaml': 'apiVersion: v2\nname: cache\nversion: 1.0.0\n',
      'chart/charts/cache/templates/_helpers.tpl':
        '{{- define "cache.host" -}}cache.{{ .Release.Namespace }}.svc{{- end -}}\n',
      'pkg/metrics/Chart.yaml': 'apiVersion: v2\nname: metrics\nversion: 1.0.0\n',
      'pkg/metrics/templates/_helpers.tpl': '{{- define "metrics.port" -}}9102{{- end -}}\n',
    });
    execFileSync('tar', [
      '-czf',
      join(root, 'chart/charts/metrics-1.0.0.tgz'),
      '-C',
      join(root, 'pkg'),
      'metrics',
    ]);
    rmSync(join(root, 'pkg'), { recursive: true });

    const r = await helmTemplate({
      chartPath: join(root, 'chart'),
      chartDir: 'chart',
      chart: 'web',
      release: 'web',
      namespace: 'shop',
      values: [],
    });
    expect(r.ok ? r.unvendored : r.reason).toEqual(['postgresql', 'redis', 'analytics']);
    expect(r.ok && r.docs.map((d) => d.text).join('')).toMatch(/cache: cache\.shop\.svc\n\s+metrics: "9102"/);

    const d = await discover(root);
    expect(d.unknowns.map((u) => `${u.at?.file}:${u.at?.line} ${u.subject}: ${u.reason}`)).toEqual([
      'chart/Chart.yaml:6 helm chart web: subchart postgresql 15.5.x from oci://registry-1.docker.io/bitnamicharts is enabled (postgresql.enabled) but not vendored under charts/: helm template rendered the chart without it, so what it installs (workloads, Services, volumes) is not in this design; `helm dependency build chart` would vendor it: it downloads, rollbook never does',
    ]);
    expect(settingsOf(d.workloads[0]).replicas).toBe('2@chart/templates/deployment.yaml:9');
    // the repository is read, never written
    expect(readFileSync(join(root, 'chart/Chart.yaml'), 'utf8')).toBe(chartYaml);
    expect(readdirSync(join(root, 'chart/charts')).sort()).toEqual(['cache', 'metrics-1.0.0.tgz']);
  });

  it('the Argo CD chart with an unvendored postgresql subchart: rendered, the subchart named, still high risk', async () => {
    if (!helm()) return;
    const service = await loadService(join(REPOS, 'helm-values-app'));
    const p = plan(service, analyze(service));
    expect(p.risk).toBe('high');
    const data = p.hazards.find((h) => h.rule === 'stateful-data');
    expect(data?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['charts/web/Chart.yaml:8']);
    expect(p.unknowns.filter((u) => u.subject === 'helm chart web').map((u) => u.reason)).toEqual([
      expect.stringMatching(
        /^subchart postgresql 15\.5\.x .* is enabled \(postgresql\.enabled\) but not vendored/,
      ),
    ]);
    // rendered by helm with the Argo CD values: the same drivers as the binding, citing the values lines
    expect(p.estimate.drivers.map((x) => `${x.name}=${x.value}@${x.at?.file}:${x.at?.line}`)).toEqual(
      expect.arrayContaining([
        'readinessFailureThreshold=5@charts/web/values.yaml:30',
        'terminationGracePeriodSeconds=45@charts/web/values.yaml:17',
      ]),
    );
  });

  it('renders with the namespace the deployment declares: rollbook.yaml deploy.namespace reaches {{ .Release.Namespace }}', async () => {
    if (!helm()) return;
    const root = mkdtempSync(join(tmpdir(), 'rb-helm-ns-'));
    dirs.push(root);
    write(root, {
      'rollbook.yaml': 'version: 1\nservice: api\ndeploy:\n  platform: helm\n  namespace: shop\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'chart/values.yaml': 'replicaCount: 1\n',
      'chart/templates/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        '  namespace: {{ .Release.Namespace }}',
        'spec:',
        '  replicas: {{ if eq .Release.Namespace "shop" }}4{{ else }}{{ .Values.replicaCount }}{{ end }}',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: api',
        '          image: ghcr.io/acme/api:1.0.0',
        '',
      ].join('\n'),
    });
    const service = await loadService(root);
    expect(settingsOf(service.workloads[0]).replicas).toBe('4@chart/templates/deployment.yaml:2 (helm)');
    const r = await helmTemplate({
      chartPath: join(root, 'chart'),
      chartDir: 'chart',
      chart: 'api',
      release: 'api',
      namespace: 'shop',
      values: [],
    });
    expect(r.ok && r.docs[0]?.text).toContain('namespace: shop');
  });

  it('refuses a release name that is not one, without running helm', async () => {
    const r = await helmTemplate(
      { chartPath: '/nonexistent', chartDir: '', chart: 'x', release: '--kube-apiserver=evil', values: [] },
      { helm: '/bin/false' },
    );
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/^helm template not run: /);
  });
});

describe('ROLLBOOK_HELM: which helm discovery runs', () => {
  it('off never runs one; a path or a program name runs that one; unset: helm on PATH', () => {
    const dir = helm() ?? '/nonexistent';
    const cases: [NodeJS.ProcessEnv, string][] = [
      [{ ROLLBOOK_HELM: 'off', PATH: dir }, 'reason: helm template is switched off (ROLLBOOK_HELM=off)'],
      [{ ROLLBOOK_HELM: '0', PATH: dir }, 'reason: helm template is switched off (ROLLBOOK_HELM=0)'],
      [{ PATH: '/nonexistent' }, 'reason: helm is not on PATH'],
      [{ ROLLBOOK_HELM: '', PATH: '/nonexistent' }, 'reason: helm is not on PATH'],
      [
        { ROLLBOOK_HELM: '/nonexistent/helm' },
        'error: ROLLBOOK_HELM=/nonexistent/helm: not an executable file',
      ],
      [{ ROLLBOOK_HELM: 'helm3', PATH: dir }, 'error: ROLLBOOK_HELM=helm3: not an executable file on PATH'],
      ...(helm()
        ? ([
            [{ PATH: `/nonexistent${delimiter}${helm()}` }, `bin: ${helm()}/helm`],
            [{ ROLLBOOK_HELM: `${helm()}/helm`, PATH: '' }, `bin: ${helm()}/helm`],
            [{ ROLLBOOK_HELM: 'helm', PATH: helm() }, `bin: ${helm()}/helm`],
          ] as [NodeJS.ProcessEnv, string][])
        : []),
    ];
    const got = cases.map(([env]) => {
      try {
        const r = helmBinary(env);
        return r.bin ? `bin: ${r.bin}` : `reason: ${r.reason}`;
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    });
    expect(got).toEqual(cases.map(([, want]) => want));
  });
});

describe('unvendored dependencies', () => {
  it("helm's missing-dependency message gives the names; anything else none", () => {
    expect(
      missingDependencies(
        'Error: An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: postgresql, redis\n',
      ),
    ).toEqual(['postgresql', 'redis']);
    expect(
      missingDependencies('Error: template: api/templates/x.yaml:3: function "nope" not defined'),
    ).toBeUndefined();
  });

  it('a dependency is rendered as helm decides: tags, then the first boolean condition path; on by default', () => {
    const values = { db: { enabled: false }, cache: { enabled: true }, tags: { batch: false, web: true } };
    const cases: [unknown, boolean][] = [
      [{ name: 'a' }, true],
      [{ name: 'a', condition: 'db.enabled' }, false],
      [{ name: 'a', condition: 'missing.enabled, cache.enabled' }, true],
      [{ name: 'a', condition: 'missing.enabled' }, true],
      [{ name: 'a', tags: ['batch'] }, false],
      [{ name: 'a', tags: ['batch', 'web'] }, true],
      [{ name: 'a', tags: ['unset'] }, true],
      [{ name: 'a', tags: ['batch'], condition: 'cache.enabled' }, true],
      [{ name: 'a', tags: ['web'], condition: 'db.enabled' }, false],
    ];
    expect(cases.map(([dep]) => dependencyEnabled(dep, values))).toEqual(cases.map(([, want]) => want));
  });
});

describe('helm template output', () => {
  it('is split per template of this chart; subcharts and other charts are left out', () => {
    const out = [
      '---',
      '# Source: api/templates/service.yaml',
      'kind: Service',
      '---',
      '# Source: api/charts/postgresql/templates/statefulset.yaml',
      'kind: StatefulSet',
      '---',
      '# Source: api/templates/deployment.yaml',
      'kind: Deployment',
    ].join('\n');
    expect(splitRendered(out, 'api', 'charts/api').map((d) => d.file)).toEqual([
      'charts/api/templates/service.yaml',
      'charts/api/templates/deployment.yaml',
    ]);
  });
});
