import { describe, expect, it } from 'vitest';
import { discover, workloadRef } from '../../src/readers/discover.js';
import { DEPLOYMENT, tempRepo } from './helpers.js';

const envFrom = `          envFrom:
            - configMapRef:
                name: settings
            - secretRef:
                name: creds
`;

describe('kustomize', () => {
  it('generators: hashed names unless disableNameSuffixHash; nameSuffix; remote, missing and 6902 patches are unknowns', async () => {
    const dir = tempRepo({
      'base/kustomization.yaml':
        'resources:\n  - deploy.yaml\nconfigMapGenerator:\n  - name: settings\n    literals: [A=1]\nsecretGenerator:\n  - name: creds\n    options:\n      disableNameSuffixHash: true\n    literals: [B=2]\n',
      'base/deploy.yaml': DEPLOYMENT('api', envFrom),
      'prod/kustomization.yaml':
        'nameSuffix: -prod\nresources:\n  - ../base\n  - https://github.com/acme/shared//base?ref=v1\n  - missing.yaml\npatchesJson6902:\n  - target: {kind: Deployment, name: api}\n    path: p.json\n',
    });
    const d = await discover(dir);
    expect(d.workloads.map(workloadRef)).toEqual(['deployment/api-prod']);
    expect(d.workloads[0]?.config.map((c) => `${c.kind}/${c.name} ${c.versioned}`)).toEqual([
      'ConfigMap/settings-prod true',
      'Secret/creds-prod false',
    ]);
    expect(d.unknowns.map((u) => `${u.at?.file}:${u.at?.line} ${u.subject}: ${u.reason}`)).toEqual([
      'prod/kustomization.yaml:4 https://github.com/acme/shared//base?ref=v1: remote kustomize resource; not fetched',
      'prod/kustomization.yaml:5 prod/missing.yaml: kustomize resource not found (or not readable)',
      'prod/kustomization.yaml:7 prod/patchesJson6902[0]: JSON 6902 kustomize patch; not applied',
    ]);
  });

  it('a kustomization cycle is reported, not followed forever', async () => {
    const dir = tempRepo({
      'a/kustomization.yaml': 'resources:\n  - ../b\n  - d.yaml\n',
      'a/d.yaml': DEPLOYMENT('api'),
      'b/kustomization.yaml': 'resources:\n  - ../a\n',
    });
    const d = await discover(dir);
    expect(d.unknowns.some((u) => u.reason === 'kustomization cycle; not followed')).toBe(true);
  });
});

describe('Argo CD and Flux manage paths', () => {
  it('ApplicationSet git directory generator with a glob marks the workloads it deploys', async () => {
    const dir = tempRepo({
      'apps/api/deploy.yaml': DEPLOYMENT('api'),
      'apps/web/deploy.yaml': DEPLOYMENT('web'),
      'infra/deploy.yaml': DEPLOYMENT('infra'),
      'argocd/appset.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: apps
spec:
  generators:
    - git:
        repoURL: https://github.com/acme/x.git
        directories:
          - path: apps/*
  template:
    metadata:
      name: '{{path.basename}}'
    spec:
      source:
        repoURL: https://github.com/acme/x.git
        path: '{{path}}'
      destination:
        namespace: '{{path.basename}}'
      syncPolicy:
        automated:
          selfHeal: true
`,
    });
    const d = await discover(dir);
    expect(
      d.workloads.map(
        (w) => `${w.name} ${w.platform} ${w.argocd?.app ?? '-'} ${w.settings.selfHeal?.value ?? '-'}`,
      ),
    ).toEqual(['api argocd apps true', 'web argocd apps true', 'infra kubernetes - -']);
  });

  it('an Application deploying a Helm repository chart becomes a workload of its own', async () => {
    const dir = tempRepo({
      'app.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: redis
spec:
  source:
    repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 18.1.0
    helm:
      parameters:
        - name: image.repository
          value: bitnami/redis
        - name: image.tag
          value: latest
  destination:
    namespace: cache
  syncPolicy:
    automated:
      prune: true
`,
    });
    const d = await discover(dir);
    expect(
      d.workloads.map((w) => `${workloadRef(w)} ${w.platform} ${w.images.map((i) => i.ref).join()}`),
    ).toEqual(['cache/application/redis argocd bitnami/redis:latest']);
    expect(d.workloads[0]?.settings.prune?.value).toBe(true);
    expect(d.workloads[0]?.settings.selfHeal?.value).toBe(false);
  });

  it('a Flux Kustomization marks the workloads under its path, suspended or not', async () => {
    const dir = tempRepo({
      'clusters/prod/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
spec:
  interval: 10m
  path: ./apps
  prune: true
  suspend: true
`,
      'apps/deploy.yaml': DEPLOYMENT('api'),
    });
    const d = await discover(dir);
    const w = d.workloads[0];
    expect(w?.platform).toBe('flux');
    expect(w?.flux?.kustomization).toBe('apps');
    expect(w?.settings.autoSync).toEqual({
      value: false,
      at: { file: 'clusters/prod/apps.yaml', line: 9, col: 3 },
    });
  });
});

describe('Argo Rollouts workloadRef', () => {
  it('reads the pod template from the referenced Deployment, which is not a workload of its own', async () => {
    const dir = tempRepo({
      'deploy.yaml': DEPLOYMENT(
        'api',
        '          readinessProbe:\n            httpGet: { path: /ready, port: 8080 }\n',
      ),
      'rollout.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: api
spec:
  replicas: 4
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  strategy:
    blueGreen:
      activeService: api
      scaleDownDelaySeconds: 60
`,
    });
    const d = await discover(dir);
    expect(d.workloads.map(workloadRef)).toEqual(['rollout/api']);
    const w = d.workloads[0];
    expect(w?.images[0]).toMatchObject({
      ref: 'ghcr.io/acme/api:1.2.3',
      at: { file: 'deploy.yaml', line: 17 },
    });
    expect(w?.settings.strategy?.value).toBe('blueGreen');
    expect(w?.settings.scaleDownDelaySeconds).toEqual({
      value: 60,
      at: { file: 'rollout.yaml', line: 14, col: 7 },
    });
    expect(w?.settings.hasReadinessProbe).toEqual({
      value: true,
      at: { file: 'deploy.yaml', line: 18, col: 11 },
    });
  });
});

describe('kustomize components and helmCharts', () => {
  it('a Component contributes its resources; helmCharts are reported, not rendered', async () => {
    const dir = tempRepo({
      'app/kustomization.yaml':
        'resources:\n  - d.yaml\ncomponents:\n  - ../monitoring\nhelmCharts:\n  - name: redis\n    repo: https://charts.bitnami.com/bitnami\n',
      'app/d.yaml': DEPLOYMENT('api'),
      'monitoring/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - sidecar.yaml\n',
      'monitoring/sidecar.yaml': DEPLOYMENT('exporter'),
    });
    const d = await discover(dir);
    expect(d.workloads.map((w) => `${w.name} ${w.kustomize?.overlay}`)).toEqual(['api app', 'exporter app']);
    expect(d.unknowns.map((u) => u.reason)).toEqual([
      'kustomize helmCharts inflation (redis) is not rendered; its resources are unknown',
    ]);
  });
});
