/**
 * Issue 13 item 5, per platform: the duration drivers of Cloud Run, Lambda (SAM and Serverless),
 * Heroku and Terraform — which values were read from the repository (with the file and line that
 * set them) and which were assumed (with where the real value would come from).
 */
import { describe, expect, it } from 'vitest';
import type { DurationDriver, Service } from '../../src/model/index.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import { loadService } from '../../src/readers/load-service.js';
import { tempRepo, ZOO } from '../discovery/helpers.js';
import { service, y } from './helpers.js';

/** `name = value (source @file:line)` per driver. */
function drivers(list: DurationDriver[]): string[] {
  return list.map((d) => `${d.name} = ${d.value} (${d.source}${d.at ? ` @${d.at.file}:${d.at.line}` : ''})`);
}

function realFrom(list: DurationDriver[], name: string): string {
  const d = list.find((x) => x.name === name);
  if (!d) throw new Error(`no driver ${name} in ${list.map((x) => x.name).join(', ')}`);
  return d.realFrom ?? '';
}

const loaded = new Map<string, Promise<Service>>();

async function durationOf(dir: string, ref: string) {
  if (!loaded.has(dir)) loaded.set(dir, loadService(dir, { release: false }));
  const svc = await (loaded.get(dir) as Promise<Service>);
  const w = svc.workloads.find((x) => `${x.kind}/${x.name}` === ref);
  if (!w) throw new Error(`no ${ref} in ${svc.workloads.map((x) => `${x.kind}/${x.name}`).join(', ')}`);
  const p = PLATFORMS[w.platform];
  if (!p) throw new Error(w.platform);
  return p.duration({ service: svc, workload: w });
}

const zoo = (ref: string) => durationOf(ZOO, ref);

describe('Cloud Run', () => {
  it('platform-zoo (no startupProbe, no minScale): every value assumed, each saying where it is set', async () => {
    const d = await zoo('Service/search-api');
    expect(drivers(d.drivers)).toEqual([
      'traffic switch = route update (15s, worst 60s) (default)',
      'cold start (expected) = 10 (default)',
      'cold start (worst) = 240 (default)',
      'minScale = 0 (default)',
    ]);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([25, 300]);
    expect(realFrom(d.drivers, 'cold start (worst)')).toContain(
      'spec.template.spec.containers[].startupProbe',
    );
    expect(realFrom(d.drivers, 'cold start (worst)')).toContain('default TCP startup probe allows 240s');
    expect(realFrom(d.drivers, 'minScale')).toContain('autoscaling.knative.dev/minScale');
    expect(realFrom(d.drivers, 'minScale')).toContain('run.googleapis.com/minScale');
    expect(realFrom(d.drivers, 'traffic switch')).toContain('time it on a past rollback');
  });

  it('a startupProbe and minScale in the service YAML drive the numbers, cited', async () => {
    const dir = tempRepo({
      'service.yaml': `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/minScale: "2"
    spec:
      containers:
        - image: europe-docker.pkg.dev/acme/api/api:1.2.3
          startupProbe:
            initialDelaySeconds: 5
            periodSeconds: 5
            failureThreshold: 12
            httpGet:
              path: /ready
`,
    });
    const d = await durationOf(dir, 'Service/api');
    expect(drivers(d.drivers)).toEqual([
      'traffic switch = route update (15s, worst 60s) (default)',
      'cold start (expected) = 10 (manifest @service.yaml:15)',
      'cold start (worst) = 65 (manifest @service.yaml:16)',
      'minScale = 2 (manifest @service.yaml:9)',
    ]);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([25, 125]);
    expect(d.basis).toContain('minScale 2 starts only once the revision gets traffic');
  });

  it('the service-level run.googleapis.com/minScale when the template sets none', async () => {
    const dir = tempRepo({
      'service.yaml': `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
  annotations:
    run.googleapis.com/minScale: "1"
spec:
  template:
    spec:
      containers:
        - image: europe-docker.pkg.dev/acme/api/api:1.2.3
`,
    });
    const d = await durationOf(dir, 'Service/api');
    expect(drivers(d.drivers)).toContain('minScale = 1 (manifest @service.yaml:6)');
  });
});

describe('Lambda', () => {
  it('SAM (platform-zoo): DeploymentPreference.Type read and cited; provisioned concurrency assumed 0', async () => {
    const d = await zoo('Function/thumbnails');
    expect(drivers(d.drivers)).toEqual([
      'alias switch = atomic pointer update (5s, worst 60s) (default)',
      'traffic shifting = Canary10Percent5Minutes (manifest @lambda/template.yaml:16)',
      'provisionedConcurrency = 0 (default)',
    ]);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([5, 60]);
    expect(d.basis).toContain('a redeploy through the pipeline would shift traffic Canary10Percent5Minutes');
    expect(realFrom(d.drivers, 'provisionedConcurrency')).toContain(
      'ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions of the function in template.yaml (SAM)',
    );
    expect(realFrom(d.drivers, 'provisionedConcurrency')).toContain(
      'provisionedConcurrency of the function in serverless.yml',
    );
  });

  it('SAM without a DeploymentPreference: AllAtOnce assumed, saying where it is set', async () => {
    const d = await zoo('Function/CleanupFunction');
    expect(drivers(d.drivers)).toContain('traffic shifting = AllAtOnce (default)');
    expect(realFrom(d.drivers, 'traffic shifting')).toContain(
      'DeploymentPreference.Type of the function in template.yaml (SAM)',
    );
    expect(realFrom(d.drivers, 'traffic shifting')).toContain('deploymentSettings.type in serverless.yml');
  });

  it('Serverless (platform-zoo): deploymentSettings.type read and cited', async () => {
    const d = await zoo('Function/notifier-prod-send');
    expect(drivers(d.drivers)).toContain(
      'traffic shifting = Linear10PercentEvery1Minute (manifest @lambda/serverless.yml:13)',
    );
  });

  it('provisioned concurrency set in SAM and in serverless.yml drives the allocation time, cited', async () => {
    const dir = tempRepo({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 5
`,
      'jobs/serverless.yml': `service: jobs
provider:
  name: aws
functions:
  run:
    handler: run.handler
    provisionedConcurrency: 3
`,
    });
    const sam = await durationOf(dir, 'Function/api');
    expect(drivers(sam.drivers)).toContain('provisionedConcurrency = 5 (manifest @template.yaml:9)');
    expect([sam.expectedSeconds, sam.maxSeconds]).toEqual([125, 960]);
    const sls = await durationOf(dir, 'Function/jobs-dev-run');
    expect(drivers(sls.drivers)).toContain('provisionedConcurrency = 3 (manifest @jobs/serverless.yml:7)');
  });
});

describe('Heroku', () => {
  it('platform-zoo: the release phase from the Procfile; preboot, boot timeout and restart assumed with where to read them', async () => {
    const d = await zoo('HerokuApp/storefront-classic');
    expect(drivers(d.drivers)).toEqual([
      'dyno restart (estimate) = 30 (default)',
      'boot timeout = 60 (default)',
      'preboot = off (assumed) (default)',
      'release phase = bundle exec rails db:migrate (manifest @heroku/Procfile:2)',
      'release phase limit = 3600 (default)',
    ]);
    expect(realFrom(d.drivers, 'preboot')).toContain('heroku features -a APP');
    expect(realFrom(d.drivers, 'preboot')).toContain('heroku features:enable preboot -a APP');
    expect(realFrom(d.drivers, 'boot timeout')).toContain('R10');
    expect(realFrom(d.drivers, 'dyno restart (estimate)')).toContain('State changed from starting to up');
    expect(realFrom(d.drivers, 'release phase limit')).toContain('heroku releases:output');
    expect(d.basis).toContain('with preboot on');
  });
});

describe('Terraform', () => {
  const terraform = PLATFORMS.terraform;
  if (!terraform) throw new Error('terraform');

  it('declared in rollbook.yaml only: the apply time and its worst case say where they are set', () => {
    const d = terraform.duration({
      service: service({ deploy: { manifests: ['infra'], platform: 'terraform' } }),
    });
    expect(drivers(d.drivers)).toEqual([
      'apply (estimate) = 120 (default)',
      'apply worst case = 1800 (default)',
    ]);
    expect(realFrom(d.drivers, 'apply (estimate)')).toContain('a past terraform apply of this root module');
    const worst = realFrom(d.drivers, 'apply worst case');
    for (const part of [
      'timeouts { create / update / delete }',
      'create_before_destroy',
      'health_check_grace_period',
    ])
      expect(worst).toContain(part);
  });

  it('a declared timeout is the worst case, cited from rollbook.yaml', () => {
    const d = terraform.duration({
      service: service({ deploy: { manifests: ['infra'], platform: 'terraform' } }),
      workload: {
        kind: 'TerraformRoot',
        name: 'infra',
        platform: 'terraform',
        images: [],
        config: [],
        settings: { timeoutSeconds: y(2700, 7) },
      },
    });
    expect(drivers(d.drivers)).toEqual([
      'apply (estimate) = 120 (default)',
      'apply worst case = 2700 (descriptor @rollbook.yaml:7)',
    ]);
    expect(d.maxSeconds).toBe(2700);
  });
});
