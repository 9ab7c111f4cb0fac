/**
 * Two Argo Rollouts canaries in one repository:
 * - checkout: 10-minute pauses, an inline analysis (checkout-smoke: 3 measurements 1m apart after a
 *   30s delay, the interval passed as an arg; a Job smoke test), an indefinite pause, and a background
 *   analysis from step 3 that runs until the rollout completes;
 * - search: an inline analysis whose metric has an interval and no count (it never completes by
 *   itself), then a 2-minute pause.
 * The undo re-runs the steps up to the first wait, each wait is a promote step of its own with its
 * own check, and every timing value is cited where it is set.
 */
import { describe, expect, it } from 'vitest';
import { commands, design, drivers } from './helpers.js';

describe('fixture rollouts-canary', () => {
  it('checkout: abort is immediate; undo re-runs 20 minutes of pauses and the 2m30s analysis, then stops at the indefinite pause for a promote', async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(false);
    expect(commands(p)).toEqual(
      expect.arrayContaining([
        'kubectl argo rollouts abort -n shop -- checkout',
        'kubectl argo rollouts undo -n shop --to-revision "${TARGET_REVISION}" -- checkout',
        'kubectl argo rollouts promote -n shop -- checkout',
      ]),
    );
    const abort = p.runbook.find((s) => s.id === 'rollouts-abort');
    expect(abort?.conditional).toBe(true);
    expect(abort?.maxSeconds).toBe(60);
    const undo = p.runbook.find((s) => s.id === 'rollouts-undo');
    // canary pod 15s + 2 × 600s pauses + analysis 30s + 2 × 1m = 150s
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([1365, 1550]);
    expect(undo?.title).toContain('stops at the indefinite pause (canary step 7)');
    expect(undo?.durationBasis).toContain('step 5 analysis checkout-smoke 2m30s (worst 5m)');
    // the undo waits at the pause (index 6), not for Healthy: a status watch would time out there
    expect(
      undo?.check.command && commands({ ...p, runbook: [{ ...undo, commands: [undo.check.command] }] }),
    ).toEqual([
      "kubectl get -n shop -o 'jsonpath=phase={.status.phase} step={.status.currentStepIndex};' -- rollouts.argoproj.io/checkout",
    ]);
    expect(undo?.check.outcomes?.map((o) => `${o.result}:${o.contains}`)).toEqual([
      'fail:phase=Degraded',
      'pass:step=6;',
      'pass:phase=Healthy',
    ]);
    const promote = p.runbook.find((s) => s.id === 'rollouts-promote');
    // operator 120s + the last scale-up (the pods' rolling model)
    expect(promote?.expectedSeconds).toBeGreaterThan(120);
    expect(promote?.check.expectOutput).toBe('Healthy');
    expect(promote?.onFailure).toContain('kubectl argo rollouts promote checkout -n shop --full');
    // the promote's time is counted once (it was counted twice, in the undo and in the promote step)
    const total = p.runbook
      .filter((s) => s.id.startsWith('rollouts-') && !s.conditional)
      .reduce((n, s) => n + s.expectedSeconds, 0);
    expect(total).toBeLessThan(1365 + 120 + 200);
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=6 (manifest@k8s/rollout.yaml:7)',
        'canary step 2 pause=600 (manifest@k8s/rollout.yaml:35)',
        'canary step 7 pause=indefinite (manual promote) (manifest@k8s/rollout.yaml:45)',
        // the interval comes from the Rollout's arg (1m), not the template's default (5m)
        'canary step 5 analysis checkout-smoke/error-budget interval=60s (manifest@k8s/rollout.yaml:43)',
        'canary step 5 analysis checkout-smoke/error-budget count=3 (manifest@k8s/analysis-smoke.yaml:14)',
        'canary step 5 analysis checkout-smoke/error-budget initialDelay=30s (manifest@k8s/analysis-smoke.yaml:12)',
        'canary step 5 analysis checkout-smoke/smoke-test Job run per measurement (estimate)=60s, worst 300s (default@k8s/analysis-smoke.yaml:25)',
        'background analysis startingStep=2 (manifest@k8s/rollout.yaml:32)',
        'background analysis (from step 3) checkout-success-rate/success-rate count=unset with an interval: runs until it fails or the run is terminated (manifest@k8s/analysis.yaml:8)',
        'background analysis (from step 3) checkout-success-rate/success-rate failureLimit=2 (manifest@k8s/analysis.yaml:10)',
      ]),
    );
    const job = p.estimate.drivers.find((d) => d.name.endsWith('Job run per measurement (estimate)'));
    expect(job?.realFrom).toContain('activeDeadlineSeconds caps it');
    const defaulted = p.estimate.drivers.filter((d) => d.source === 'default');
    expect(defaulted.every((d) => d.realFrom)).toBe(true);
    const duration = p.runbook.map((s) => s.durationBasis ?? '').join('\n');
    expect(duration).toContain('background');
  });

  it('search: an analysis with an interval and no count is a wait: the undo stops there and a promote step skips it', async () => {
    const p = await design('rollouts-canary', 'rollout/search');
    expect(p.trigger.oneCommand).toBe(false);
    const ids = p.runbook.map((s) => s.id);
    expect(ids.indexOf('rollouts-promote')).toBe(ids.indexOf('rollouts-undo') + 1);
    const undo = p.runbook.find((s) => s.id === 'rollouts-undo');
    expect(undo?.title).toContain(
      'stops at canary step 2, analysis search-latency (search-latency/p99 every 30s with no count, until it fails or the run is terminated: it never completes by itself)',
    );
    // only the canary pod before the wait: no readiness probe, pull 10s (worst 30s)
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([10, 30]);
    expect(undo?.check.outcomes?.find((o) => o.result === 'pass')?.contains).toBe('step=1;');
    const promote = p.runbook.find((s) => s.id === 'rollouts-promote');
    expect(promote?.title).toContain('promote search by hand (it skips the analysis step)');
    expect(promote?.commands.map((c) => c.argv.join(' '))).toEqual([
      'kubectl argo rollouts promote -n shop -- search',
    ]);
    // operator 120s + the 2m pause + the pods (2 replicas, no readiness probe: 20s)
    expect(promote?.expectedSeconds).toBe(120 + 120 + 20);
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'canary step 2 analysis search-latency/p99 interval=30s (manifest@k8s-search/analysis.yaml:9)',
        'canary step 2 analysis search-latency/p99 count=unset with an interval: runs until it fails or the run is terminated (manifest@k8s-search/analysis.yaml:8)',
        'canary step 2 analysis search-latency/p99 failureLimit=1 (manifest@k8s-search/analysis.yaml:10)',
        'canary step 3 pause=120 (manifest@k8s-search/rollout.yaml:26)',
      ]),
    );
  });

  it("carries checkout's analysis signals, never search's", async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    const names = p.trigger.criteria.map((c) => c.signal);
    expect(names.some((n) => n.startsWith('checkout-success-rate/'))).toBe(true);
    expect(names.some((n) => n.startsWith('search-latency/'))).toBe(false);
  });
});
