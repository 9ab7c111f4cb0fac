import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Setting, Workload } from '../../src/model/index.js';
import { type Discovery, discover, workloadRef } from '../../src/readers/discover.js';
import { ZOO } from './helpers.js';

let cached: Discovery | undefined;
async function zoo(): Promise<Discovery> {
  cached ??= await discover(ZOO);
  return cached;
}
function byRef(d: Discovery, ref: string): Workload {
  const w = d.workloads.find((x) => workloadRef(x) === ref);
  if (!w) throw new Error(`no workload ${ref}; have ${d.workloads.map(workloadRef).join(', ')}`);
  return w;
}
const at = (s: Setting | undefined) => (s ? `${s.value} @${s.at?.file}:${s.at?.line}` : undefined);

describe('discover: platform-zoo (ECS, Lambda, Cloud Run, Nomad, Heroku, systemd, Flux, Unleash, GitLab)', () => {
  it('finds one workload per mechanism with its platform', async () => {
    const d = await zoo();
    expect(d.workloads.map((w) => `${workloadRef(w)} ${w.platform}`)).toEqual([
      'service/search-api cloud-run',
      'ecsservice/orders-worker ecs',
      'api/helmrelease/api flux',
      'herokuapp/storefront-classic heroku',
      'function/notifier-prod-send lambda',
      'function/thumbnails lambda',
      'function/CleanupFunction lambda',
      'nomadjob/billing-api nomad',
      'systemdunit/reports vm',
    ]);
  });

  it('ECS: service + task definition, circuit breaker, alarms, deregistration delay, stop timeout', async () => {
    const w = byRef(await zoo(), 'ecsservice/orders-worker');
    const { containerHealthCheck, variants, variantUnknown, ...names } = w.ecs ?? {};
    expect(names).toEqual({
      alarmRollback: true,
      alarms: ['orders-5xx'],
      circuitBreakerRollback: true,
      cluster: 'prod',
      family: 'orders-worker',
      service: 'orders-worker',
      taskDefinition: 'orders-worker:42',
    });
    expect(at(w.settings.circuitBreaker)).toBe('true @ecs/service.json:7');
    expect(at(w.settings.deregistrationDelaySeconds)).toBe('120 @ecs/service.json:16');
    expect(at(w.settings.terminationGracePeriodSeconds)).toBe('90 @ecs/task-definition.json:9');
    expect(at(w.settings.replicas)).toBe('4 @ecs/service.json:5');
    expect(w.images[0]?.tag).toBe('latest');
  });

  it('Lambda: SAM AutoPublishAlias and DeploymentPreference, a function without alias, Serverless canary alias', async () => {
    const d = await zoo();
    const thumbs = byRef(d, 'function/thumbnails');
    expect(thumbs.lambda).toMatchObject({ alias: 'live', function: 'thumbnails' });
    expect(at(thumbs.settings.strategy)).toBe('Canary10Percent5Minutes @lambda/template.yaml:16');
    expect(byRef(d, 'function/CleanupFunction').lambda).toEqual({
      function: 'CleanupFunction',
      logicalId: 'CleanupFunction',
    });
    expect(byRef(d, 'function/notifier-prod-send').lambda).toMatchObject({
      alias: 'Live',
      region: 'eu-west-1',
    });
  });

  it('Cloud Run: revisions, traffic split, secrets pinned or "latest"', async () => {
    const w = byRef(await zoo(), 'service/search-api');
    expect(w.cloudRun).toMatchObject({
      region: 'europe-west1',
      revision: 'search-api-00042-abc',
      traffic: [
        { revision: 'search-api-00041-xyz', percent: 90 },
        { revision: 'LATEST', percent: 10 },
      ],
    });
    expect(w.config.map((c) => `${c.name} ${c.versioned}`)).toEqual([
      'search-api-key false',
      'search-db true',
    ]);
  });

  it('Nomad (via hcl2json): update block with lines; a broken job file is an unknown', async () => {
    const d = await zoo();
    const w = byRef(d, 'nomadjob/billing-api');
    expect(at(w.settings.maxParallel)).toBe('2 @nomad/api.nomad.hcl:6');
    expect(at(w.settings.canary)).toBe('1 @nomad/api.nomad.hcl:7');
    expect(at(w.settings.autoRevert)).toBe('true @nomad/api.nomad.hcl:8');
    expect(at(w.settings.minReadySeconds)).toBe('30 @nomad/api.nomad.hcl:9');
    expect(at(w.settings.replicas)).toBe('3 @nomad/api.nomad.hcl:14');
    expect(w.settings.hasReadinessProbe?.value).toBe(true);
    expect(d.unknowns.find((u) => u.subject === 'nomad/broken.nomad')?.at).toMatchObject({
      line: 2,
      col: 13,
    });
  });

  it('Heroku release phase, systemd unit with symlinked releases, Flux HelmRelease over a local chart', async () => {
    const d = await zoo();
    const h = byRef(d, 'herokuapp/storefront-classic');
    expect(at(h.settings.releasePhase)).toBe('bundle exec rails db:migrate @heroku/Procfile:2');
    expect(at(h.settings.replicas)).toBe('2 @heroku/app.json:4');
    const s = byRef(d, 'systemdunit/reports');
    expect(s.vm).toMatchObject({ unit: 'reports.service', releasesDir: '/srv/reports/releases' });
    expect(at(s.settings.terminationGracePeriodSeconds)).toBe('20 @systemd/reports.service:10');
    const f = byRef(d, 'api/helmrelease/api');
    expect(f.images.map((i) => `${i.ref} @${i.at?.file}:${i.at?.line}`)).toEqual([
      'ghcr.io/acme/api:7c1d2e3f4a5b @gitops/apps/api-helmrelease.yaml:24',
    ]);
    expect(at(f.settings.historyMax)).toBe('1 @gitops/apps/api-helmrelease.yaml:10');
    expect(at(f.settings.remediation)).toBe('true @gitops/apps/api-helmrelease.yaml:19');
    expect(at(f.settings.timeoutSeconds)).toBe('600 @gitops/apps/api-helmrelease.yaml:11');
    expect(f.config).toEqual([
      {
        kind: 'ConfigMap',
        name: 'api-config',
        versioned: true,
        at: {
          file: 'charts/api/templates/deployment.yaml',
          line: 21,
          note: 'pod template has a checksum/ annotation',
        },
      },
    ]);
    expect(d.workloads.some((w) => w.platform === 'helm')).toBe(false);
  });

  it('Unleash export (kill-switch type, strategies) and a GitLab pipeline with migrations and :latest', async () => {
    const d = await zoo();
    expect(d.flags).toEqual([
      {
        key: 'orders.kill-async-export',
        provider: 'unleash',
        killSwitch: true,
        at: { file: 'flags/unleash-export.json', line: 6, col: 5, note: 'type kill-switch' },
        state: 'disabled',
        strategies: ['default'],
      },
      {
        key: 'search.new-ranking',
        provider: 'unleash',
        killSwitch: false,
        at: { file: 'flags/unleash-export.json', line: 4, col: 5, note: 'type release' },
        state: 'enabled',
        strategies: ['flexibleRollout 25%'],
      },
    ]);
    expect(d.pipelines).toEqual([
      {
        provider: 'gitlab-ci',
        file: '.gitlab-ci.yml',
        deployJob: 'deploy_production',
        deployCommand: 'aws ecs update-service --cluster prod --service orders-worker --force-new-deployment',
        targets: [{ kind: 'name', value: 'orders-worker' }],
        deploys: ['ecsservice/orders-worker'],
        migrations: [
          {
            job: 'migrate',
            command: 'dbmate --migrations-dir db/migrations up',
            tool: 'dbmate',
            dir: 'db/migrations',
            at: { file: '.gitlab-ci.yml', line: 12, col: 1 },
          },
        ],
        migratesBeforeDeploy: true,
        immutableTag: false,
        at: { file: '.gitlab-ci.yml', line: 17, col: 1 },
      },
    ]);
    expect(d.migrationDirs.map((m) => `${m.tool} ${m.path}`)).toEqual(['dbmate db/migrations']);
  });

  it('binds the root dbmate set to the ECS service the pipeline that migrates it deploys, and to nothing else', async () => {
    const d = await zoo();
    expect(d.migrationDirs.map((m) => m.binding)).toEqual([
      {
        workloads: ['ecsservice/orders-worker'],
        by: 'pipeline',
        evidence: [
          {
            detail:
              'gitlab-ci .gitlab-ci.yml job migrate: dbmate --migrations-dir db/migrations up, in the pipeline whose deploy job deploy_production deploys ecsservice/orders-worker',
            at: { file: '.gitlab-ci.yml', line: 12, col: 1 },
          },
        ],
        checked: [],
      },
    ]);
  });
});

describe('discover: ECS worker without a load balancer', () => {
  it('marks the service loadBalancer none, so no deregistration delay is modelled', async () => {
    const d = await discover(join(import.meta.dirname, '../../examples/orders-worker'));
    const w = d.workloads.find((x) => x.kind === 'ECSService');
    expect(w?.ecs?.loadBalanced).toBe(false);
  });
});
