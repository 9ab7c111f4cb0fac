import { describe, expect, it } from 'vitest';
import {
  applyDiscovery,
  discover,
  matchWorkloads,
  uniqueRef,
  workloadRef,
} from '../../src/readers/discover.js';
import { emptyService } from '../../src/readers/service-base.js';
import { SHOP, ZOO } from './helpers.js';

describe('applyDiscovery', () => {
  it('with several workloads and none chosen keeps all and lists the candidates and --workload', async () => {
    const d = await discover(SHOP);
    const s = applyDiscovery(emptyService(SHOP, 'shop'), d);
    expect(s.workloads).toHaveLength(6);
    expect(s.deploy.platform).toBeUndefined();
    const u = s.unknowns.find((x) => x.subject === 'workload');
    expect(u?.reason).toContain(
      'pick one with --workload (deployment/checkout-api, deployment/staging-checkout-api, statefulset/inventory',
    );
    expect(u?.reason).toContain(
      'shop-staging/deployment/staging-checkout-api (overlay services/checkout/overlays/staging)',
    );
    expect(s.unknowns.filter((x) => x.subject !== 'workload')).toEqual(d.unknowns);
  });

  it('--workload selects one workload and fills deploy, artifact and its own signals', async () => {
    const d = await discover(SHOP, { workload: 'rollout/storefront' });
    const s = applyDiscovery(emptyService(SHOP, 'shop'), d);
    expect(s.workloads.map(workloadRef)).toEqual(['web/rollout/storefront']);
    expect(s.deploy).toMatchObject({
      platform: 'argo-rollouts',
      workload: 'rollout/storefront',
      namespace: 'web',
      manifests: ['services/storefront'],
      pipeline: 'github-actions',
    });
    expect(s.artifact).toMatchObject({ image: 'ghcr.io/acme/storefront', versioning: 'mutable-tag' });
    expect(s.signals.map((x) => x.name)).toEqual(['storefront-success-rate/success-rate']);
    // the repository's flags are checkout's (its code evaluates them, its name prefixes them), not storefront's
    expect(s.flags.map((f) => f.key)).toEqual([]);
    expect(s.flagSources).toEqual([]);
    // only the evaluation in shared code (libs/pricing, no workload's) of a key no flag file defines
    expect(s.flagRefs).toEqual([
      { key: 'dynamic-pricing', at: { file: 'libs/pricing/src/pricing.ts', line: 7 }, shared: true },
    ]);
    expect(s.repoFlagFiles).toEqual(['flags/flags.json']);

    const other = applyDiscovery(
      emptyService(SHOP, 'shop'),
      await discover(SHOP, { workload: 'shop/deployment/checkout-api' }),
    );
    expect(other.signals).toEqual([]);
    expect(other.flags.map((f) => `${f.key}: ${f.boundBy}`)).toEqual([
      'checkout-kill-switch: its key prefix "checkout-" names checkout-api (no other evidence)',
      'new-checkout-flow: evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
    ]);
    expect(other.flagRefs?.map((r) => r.key)).toEqual([
      'dynamic-pricing',
      'new-checkout-flow',
      'express-pay',
    ]);
    expect(other.artifact.versioning).toBe('git-sha');
  });

  it('the descriptor wins: deploy.workload + namespace select, its platform and image are kept', async () => {
    const d = await discover(SHOP);
    const base = emptyService(SHOP, 'checkout');
    base.deploy = {
      platform: 'kubernetes',
      workload: 'deployment/checkout-api',
      namespace: 'shop',
      manifests: [],
    };
    base.artifact = { image: 'ghcr.io/acme/override', versioning: 'git-sha' };
    const s = applyDiscovery(base, d);
    expect(s.workloads.map(workloadRef)).toEqual(['shop/deployment/checkout-api']);
    expect(s.deploy.platform).toBe('kubernetes');
    expect(s.artifact).toEqual({ image: 'ghcr.io/acme/override', versioning: 'git-sha' });
    expect(s.deploy.manifests).toEqual(['services/checkout/overlays/production']);
  });

  it('an unknown --workload is a usage error listing what exists; an unknown deploy.workload is an Unknown', async () => {
    const d = await discover(ZOO, { workload: 'nope' });
    expect(() => applyDiscovery(emptyService(ZOO), d)).toThrowError(
      /--workload nope: no such workload; found: service\/search-api, /,
    );
    const base = emptyService(ZOO);
    base.deploy.workload = 'deployment/ghost';
    const s = applyDiscovery(base, await discover(ZOO));
    expect(s.unknowns[0]?.reason).toMatch(/^deploy.workload deployment\/ghost was not found/);
  });

  it('matches kubectl short kinds, namespaces and overlay directories', async () => {
    const d = await discover(SHOP);
    const refs = (r: string) => matchWorkloads(d.workloads, r).map(workloadRef);
    expect(refs('sts/inventory')).toEqual(['shop/statefulset/inventory']);
    expect(refs('deploy/legacy-worker')).toEqual(['shop/deployment/legacy-worker']);
    expect(refs('web/storefront')).toEqual(['web/rollout/storefront']);
    expect(refs('services/checkout/overlays/staging')).toEqual([
      'shop-staging/deployment/staging-checkout-api',
    ]);
    expect(refs('services/checkout/overlays/production/deployment/checkout-api')).toEqual([
      'shop/deployment/checkout-api',
    ]);
    expect(refs('checkout')).toEqual([]);
    // a manifest file or a chart directory, with ./ and a trailing slash tolerated
    expect(refs('./services/legacy-worker/deployment.yaml')).toEqual(['shop/deployment/legacy-worker']);
    expect(refs('services/payments/chart/')).toEqual(['deployment/payments']);
    // the suggested reference selects exactly that workload
    for (const w of d.workloads) expect(matchWorkloads(d.workloads, uniqueRef(w, d.workloads))).toEqual([w]);
  });
});
