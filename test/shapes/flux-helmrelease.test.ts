/**
 * A Flux HelmRelease of a chart in this repository (the shape of flux2-kustomize-helm-example):
 * the chart's values.yaml holds the defaults, the release takes its production values from a
 * ConfigMap (valuesKey values.yaml), a second ConfigMap with a targetPath, a Secret, a ConfigMap that
 * is not in the repository, and inline spec.values. Helm's merge order: later layers win, maps merge.
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/index.js';
import { discover } from '../../src/readers/discover.js';
import { commands, design, drivers, SHAPES } from './helpers.js';

describe('fixture flux-helmrelease', () => {
  it('is a low-risk Flux path: suspend, helm rollback -n <ns>, revert, resume', async () => {
    const p = await design('flux-helmrelease');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(false);
    expect(commands(p)).toEqual(
      expect.arrayContaining([
        'flux suspend helmrelease -n payments -- payments-api',
        'helm rollback -n payments --wait --timeout 300s --history-max 5 -- payments-api "${HELM_REVISION}"',
        'flux resume helmrelease -n payments -- payments-api',
      ]),
    );
  });

  it('durations come from the merged values, each citing the layer that set it', async () => {
    const p = await design('flux-helmrelease');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'helm --timeout=300 (manifest@clusters/prod/payments/helmrelease.yaml:8)',
        // ConfigMap payments-api-values, key values.yaml (a block scalar: its own lines)
        'HPA payments-api minReplicas=4 (manifest@clusters/prod/payments/values.yaml:21)',
        'readinessInitialDelaySeconds=10 (manifest@clusters/prod/payments/values.yaml:10)',
        'readinessPeriodSeconds=10 (manifest@clusters/prod/payments/values.yaml:11)',
        'readinessFailureThreshold=5 (manifest@clusters/prod/payments/values.yaml:12)',
        'startupExpectedSeconds=10 (manifest@clusters/prod/payments/values.yaml:17)',
        'startupSeconds=300 (manifest@clusters/prod/payments/values.yaml:18)',
        // ConfigMap payments-api-scaling through targetPath autoscaling.maxReplicas
        'HPA payments-api maxReplicas=10 (manifest@clusters/prod/payments/values.yaml:29)',
        // a Secret's number is read (never its strings)
        'terminationGracePeriodSeconds=60 (manifest@clusters/prod/payments/secret.yaml:11)',
        // the chart's defaults where no layer overrides them (deep merge keeps the strategy)
        'maxSurge=25% (manifest@charts/payments-api/values.yaml:18)',
        'maxUnavailable=0 (manifest@charts/payments-api/values.yaml:19)',
      ]),
    );
    // autoscaling.enabled from the ConfigMap removes replicas from the template: the HPA decides
    expect(drivers(p).some((d) => d.startsWith('replicas='))).toBe(false);
    const step = p.runbook.find((s) => s.commands.some((c) => c.argv[0] === 'helm'));
    // 4 batches of 1 (25% of 4 rounded up) × (pull 10 + startup 10 + ready 10 + period 10)
    expect(step?.expectedSeconds).toBe(160);
    expect(step?.durationBasis).toContain('up to 10 with HPA payments-api');
  });

  it("attaches the release's own HPA and PDB (scaleTargetRef, selector through selectorLabels), never the consumer Deployment's", async () => {
    const d = await discover(join(SHAPES, 'flux-helmrelease'));
    const w = d.workloads.find((x) => x.kind === 'HelmRelease');
    expect(w?.autoscaler).toMatchObject({ name: 'payments-api', minReplicas: 4, maxReplicas: 10 });
    expect(w?.disruptionBudget).toEqual({
      name: 'payments-api',
      at: { file: 'charts/payments-api/templates/pdb.yaml', line: 3 },
    });
    // probes from its own pod template: not the consumer's 30 s × 10
    expect(w?.settings.readinessPeriodSeconds?.value).toBe(10);
    expect(w?.settings.terminationGracePeriodSeconds?.value).toBe(60);
    expect(d.unknowns.filter((u) => /PodDisruptionBudget|HPAs of the chart/.test(u.reason))).toEqual([]);
  });

  it("never prints a Secret's strings; names the values it could not read", async () => {
    const p = await design('flux-helmrelease');
    for (const format of ['md', 'json', 'sh', 'html', 'comms']) {
      const out = render(p, format);
      expect(out).not.toContain('pa55-never-print');
      expect(out).not.toContain('db.internal');
    }
    const unknowns = p.unknowns.map((u) => `${u.subject}: ${u.reason}`);
    expect(unknowns).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ConfigMap payments-region-values: .*not in this repository/),
        expect.stringMatching(
          /^Secret payments-api-secrets: .*strings are never read.*\.Values\.database\.url/,
        ),
        expect.stringMatching(/^helm chart payments-api: .*Flux HelmRelease payments-api/),
      ]),
    );
  });
});
