import { describe, expect, it } from 'vitest';
import { factAttributes, type Setting, type Workload } from '../../src/model/index.js';
import { type Discovery, discover, workloadRef } from '../../src/readers/discover.js';
import { SHOP } from './helpers.js';

let cached: Discovery | undefined;
async function shop(): Promise<Discovery> {
  cached ??= await discover(SHOP);
  return cached;
}

function byRef(d: Discovery, ref: string): Workload {
  const w = d.workloads.find((x) => workloadRef(x) === ref);
  if (!w) throw new Error(`no workload ${ref}; have ${d.workloads.map(workloadRef).join(', ')}`);
  return w;
}

const at = (s: Setting | undefined) => (s ? `${s.value} @${s.at?.file}:${s.at?.line}` : undefined);

describe('discover: shop-monorepo (kustomize overlays, Helm, Argo CD, Argo Rollouts, StatefulSet List)', () => {
  it('finds every workload once per kustomize variant, with platform and location; ignores .gitignored files', async () => {
    const d = await shop();
    expect(d.workloads.map((w) => `${workloadRef(w)} ${w.platform} ${w.at?.file}:${w.at?.line}`)).toEqual([
      'shop/deployment/checkout-api argocd services/checkout/base/deployment.yaml:2',
      'shop-staging/deployment/staging-checkout-api kubernetes services/checkout/base/deployment.yaml:2',
      'shop/statefulset/inventory kubernetes services/inventory/statefulset.yaml:5',
      'shop/deployment/legacy-worker kubernetes services/legacy-worker/deployment.yaml:3',
      'deployment/payments helm services/payments/chart/Chart.yaml:2',
      'web/rollout/storefront argo-rollouts services/storefront/rollout.yaml:2',
    ]);
    expect(d.workloads.some((w) => w.name === 'ignored-by-gitignore')).toBe(false);
  });

  it('applies overlay patches, replicas, images overrides and generators with evidence where each value was set', async () => {
    const d = await shop();
    const prod = byRef(d, 'shop/deployment/checkout-api');
    expect(at(prod.settings.replicas)).toBe('6 @services/checkout/overlays/production/replicas-patch.yaml:6');
    expect(at(prod.settings.maxSurge)).toBe('25% @services/checkout/base/deployment.yaml:18');
    expect(at(prod.settings.maxUnavailable)).toBe('0 @services/checkout/base/deployment.yaml:19');
    expect(at(prod.settings.preStopSeconds)).toBe('10 @services/checkout/base/deployment.yaml:44');
    expect(at(prod.settings.terminationGracePeriodSeconds)).toBe(
      '45 @services/checkout/base/deployment.yaml:25',
    );
    expect(at(prod.settings.readinessPeriodSeconds)).toBe('5 @services/checkout/base/deployment.yaml:41');
    expect(at(prod.settings.autoSync)).toBe('true @argocd/apps.yaml:16');
    expect(at(prod.settings.selfHeal)).toBe('true @argocd/apps.yaml:18');
    expect(prod.images.map((i) => `${i.ref} @${i.at?.file}:${i.at?.line}`)).toEqual([
      'ghcr.io/acme/checkout-api:3f9c2e1a7b5d @services/checkout/overlays/production/kustomization.yaml:9',
    ]);
    expect(prod.config.map((c) => `${c.kind}/${c.name} ${c.versioned}`)).toEqual([
      'ConfigMap/checkout-config true',
      'Secret/checkout-db false',
    ]);
    expect(prod.autoscaler).toMatchObject({ name: 'checkout-api', minReplicas: 4, maxReplicas: 12 });
    expect(prod.disruptionBudget?.name).toBe('checkout-api');
    expect(factAttributes(prod)).toEqual([
      ['app', 'checkout-production'],
      ['overlay', 'services/checkout/overlays/production'],
    ]);

    const staging = byRef(d, 'shop-staging/deployment/staging-checkout-api');
    expect(at(staging.settings.replicas)).toBe('1 @services/checkout/overlays/staging/kustomization.yaml:12');
    expect(staging.images[0]?.tag).toBe('main');
    expect(staging.config.map((c) => `${c.kind}/${c.name} ${c.versioned}`)).toEqual([
      'ConfigMap/staging-checkout-config true',
      'Secret/checkout-db false',
    ]);
    expect(staging.settings.autoSync).toBeUndefined();
  });

  it('reads a StatefulSet from a List, with digest-pinned image and history 0', async () => {
    const w = byRef(await shop(), 'shop/statefulset/inventory');
    expect(at(w.settings.revisionHistoryLimit)).toBe('0 @services/inventory/statefulset.yaml:12');
    expect(at(w.settings.partition)).toBe('0 @services/inventory/statefulset.yaml:19');
    expect(w.settings.podManagementPolicy).toBeUndefined();
    expect(w.images[0]).toMatchObject({ repository: 'ghcr.io/acme/inventory', tag: '1.4.2' });
    expect(w.images[0]?.digest).toMatch(/^sha256:9b2a/);
    expect(w.disruptionBudget).toBeNull();
  });

  it('reads a Helm chart without rendering it: values, appVersion tag, hooks, CRDs in templates/ vs crds/', async () => {
    const w = byRef(await shop(), 'deployment/payments');
    expect(w.images.map((i) => `${i.ref} @${i.at?.file}:${i.at?.line}`)).toEqual([
      'ghcr.io/acme/payments:2.14.1 @services/payments/chart/Chart.yaml:6',
    ]);
    expect(at(w.settings.replicas)).toBe('3 @services/payments/chart/values.yaml:1');
    expect(w.hooks).toEqual([
      {
        kind: 'Job',
        name: 'payments-migrate',
        events: ['pre-install', 'pre-upgrade'],
        runsMigration: true,
        deletePolicy: 'before-hook-creation,hook-succeeded',
        at: {
          file: 'services/payments/chart/templates/migrate-job.yaml',
          line: 6,
          note: '"helm.sh/hook": pre-install,pre-upgrade',
        },
      },
    ]);
    expect(w.crds?.map((c) => `${c.name} ${c.inTemplates} ${c.at?.file}:${c.at?.line}`)).toEqual([
      'paymentroutes.payments.acme.io true services/payments/chart/templates/crd.yaml:2',
      'providers.payments.acme.io false services/payments/chart/crds/providers.yaml:2',
    ]);
    expect(w.helm).toMatchObject({ release: 'payments', chart: 'payments', chartVersion: '1.8.0' });
  });

  it('reads the Argo Rollout and turns its AnalysisTemplate into a trigger signal', async () => {
    const d = await shop();
    const w = byRef(d, 'web/rollout/storefront');
    expect(at(w.settings.strategy)).toBe('canary @services/storefront/rollout.yaml:15');
    expect(at(w.settings.scaleDownDelaySeconds)).toBe('30 @services/storefront/rollout.yaml:18');
    expect(at(w.settings.rollbackWindowRevisions)).toBe('3 @services/storefront/rollout.yaml:13');
    expect(at(w.settings.autoSync)).toBe('true @argocd/apps.yaml:35');
    expect(w.argoRollouts?.analysisTemplates).toEqual(['storefront-success-rate']);
    expect(d.signals).toEqual([
      {
        name: 'storefront-success-rate/success-rate',
        source: 'argo-rollouts AnalysisTemplate storefront-success-rate',
        at: { file: 'services/storefront/analysis.yaml', line: 8, col: 7 },
        query:
          'sum(rate(http_requests_total{app="storefront",code!~"5.."}[2m]))\n/\nsum(rate(http_requests_total{app="storefront"}[2m]))',
        condition: 'success when result[0] >= 0.98; failure when result[0] < 0.95; every 1m; failureLimit 2',
        // the failure condition as written: a rollback when success-rate < 0.95 in 3 measurements
        metric: 'success-rate',
        op: '<',
        threshold: 0.95,
        measurements: { count: 3, interval: '1m' },
        for: '3m',
        forSeconds: 180,
      },
    ]);
  });

  it('reads flags, flag usage in code, the deploy pipeline and migration directories', async () => {
    const d = await shop();
    expect(d.flags.map((f) => `${f.key} kill=${f.killSwitch} ${f.at?.file}:${f.at?.line}`)).toEqual([
      'checkout-kill-switch kill=true flags/flags.json:10',
      'new-checkout-flow kill=false flags/flags.json:4',
    ]);
    expect(d.flagRefs.map((r) => `${r.key} ${r.at.file}:${r.at.line}`)).toEqual([
      'dynamic-pricing libs/pricing/src/pricing.ts:7',
      'new-checkout-flow services/checkout/src/checkout.ts:6',
      'express-pay services/checkout/src/checkout.ts:9',
    ]);
    expect(d.pipelines).toEqual([
      {
        provider: 'github-actions',
        file: '.github/workflows/deploy.yml',
        deployJob: 'deploy',
        deployCommand: 'kustomize edit set image ghcr.io/acme/checkout-api:$' + '{{ github.sha }}',
        // the overlay it cds into (the production one), then the image it pins (also the staging overlay's)
        targets: [
          { kind: 'path', value: 'services/checkout/overlays/production' },
          { kind: 'image', value: 'ghcr.io/acme/checkout-api' },
        ],
        deploys: ['shop/deployment/checkout-api'],
        migrations: [
          {
            job: 'migrate',
            command: 'migrate -path services/checkout/db/migrations -database "$DATABASE_URL" up',
            tool: 'golang-migrate',
            dir: 'services/checkout/db/migrations',
            at: { file: '.github/workflows/deploy.yml', line: 14, col: 3 },
          },
        ],
        migratesBeforeDeploy: true,
        immutableTag: true,
        at: { file: '.github/workflows/deploy.yml', line: 21, col: 3 },
      },
    ]);
    expect(d.migrationDirs).toEqual([
      {
        tool: 'golang-migrate',
        path: 'services/checkout/db/migrations',
        database: 'postgres',
        binding: {
          workloads: ['shop/deployment/checkout-api'],
          by: 'pipeline',
          evidence: [
            {
              detail:
                'github-actions .github/workflows/deploy.yml job migrate: migrate -path services/checkout/db/migrations -database "$DATABASE_URL" up, in the pipeline whose deploy job deploy deploys shop/deployment/checkout-api',
              at: { file: '.github/workflows/deploy.yml', line: 14, col: 3 },
            },
          ],
          checked: [],
        },
      },
    ]);
    expect(d.excludedMigrationDirs).toEqual([]);
  });

  it('lists what it could not read, with the reason and location', async () => {
    const d = await shop();
    expect(d.unknowns.map((u) => `${u.at?.file}:${u.at?.line} ${u.reason.slice(0, 40)}`)).toEqual([
      'assets/legacy-latin1.yaml:1 not valid UTF-8 text; skipped',
      'broken/config.yaml:6 invalid YAML at broken/config.yaml:6:1: ',
      'secrets/production.yaml:1 binary file (NUL bytes); skipped',
      'services/payments/chart/Chart.yaml:2 helm template is switched off (ROLLBOOK_',
      'templated/deployment.yaml:4 templated YAML (contains {{ }} or {% %})',
    ]);
  });

  it('is deterministic', async () => {
    const a = JSON.stringify(await discover(SHOP));
    const b = JSON.stringify(await discover(SHOP));
    expect(a).toBe(b);
  });
});
