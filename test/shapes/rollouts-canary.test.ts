/**
 * Two Argo Rollouts canaries and a blueGreen Rollout in one repository:
 * - checkout: 10-minute pauses, an inline analysis (checkout-smoke: 3 measurements 1m apart after a
 *   30s delay, the interval passed as an arg; a Job smoke test), an indefinite pause, and a background
 *   analysis from step 3 that runs until the rollout completes;
 * - search: an inline analysis whose metric has an interval and no count (it never completes by
 *   itself), then a 2-minute pause;
 * - payments (k8s-payments/): blueGreen with autoPromotionEnabled false, previewReplicaCount 1, a
 *   prePromotionAnalysis (an AnalysisTemplate) and a postPromotionAnalysis (a ClusterAnalysisTemplate).
 * The undo re-runs the steps up to the first wait; each wait is a read-only look at the measurements
 * and a promote step, each with its own check; an analysis step's worst case runs until the controller
 * decides a failing metric; every timing value is cited where it is set.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan, render } from '../../src/index.js';
import { renderSh } from '../../src/renderers/sh.js';
import { renderCommand } from '../../src/util/shell.js';
import { pwned, runScript, sandbox } from '../renderers/sh-harness.js';
import { commands, design, drivers, SHAPES } from './helpers.js';

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
    // nginx traffic routing: the stable ReplicaSet stays at full scale, the abort is a weight shift
    const abort = p.runbook.find((s) => s.id === 'rollouts-abort');
    expect(abort?.conditional).toBe(true);
    expect([abort?.expectedSeconds, abort?.maxSeconds]).toEqual([10, 60]);
    expect(abort?.durationBasis).toContain('trafficRouting nginx');
    const undo = p.runbook.find((s) => s.id === 'rollouts-undo');
    // canary pod 15s + 2 × 600s pauses + analysis 30s + 2 × 1m = 150s; worst: canary pod 50s +
    // 1200s + the smoke-test Job's 5 errors in a row: 4 × 10s retries + 5 × 60s runs = 340s
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([1365, 1590]);
    expect(undo?.title).toContain('stops at the indefinite pause (canary step 7)');
    expect(undo?.durationBasis).toContain(
      'step 5 analysis checkout-smoke 2m30s (worst 5m40s, until the controller decides a failing metric)',
    );
    // the failure path: what the controller decides, and when (from the run's start)
    expect(undo?.onFailure).toContain(
      'checkout-smoke/error-budget: Failed at the 2nd failed measurement (failureLimit 1) ~1m30s, Error after 5 errors in a row (consecutiveErrorLimit 4) ~4m30s',
    );
    expect(undo?.onFailure).toContain(
      'background analysis (from step 3) checkout-success-rate: checkout-success-rate/success-rate: Failed at the 3rd failed measurement (failureLimit 2) ~2m',
    );
    expect(undo?.onFailure).toContain('kubectl argo rollouts retry rollout -n shop -- checkout');
    // the undo waits at the pause (index 6), not for Healthy: a status watch would time out there
    expect(
      undo?.check.command && commands({ ...p, runbook: [{ ...undo, commands: [undo.check.command] }] }),
    ).toEqual([
      "kubectl get -n shop -o 'jsonpath=phase={.status.phase} step={.status.currentStepIndex} pause={.status.pauseConditions[*].reason};' -- rollouts.argoproj.io/checkout",
    ]);
    expect(undo?.check.outcomes?.map((o) => `${o.result}:${o.contains}`)).toEqual([
      'fail:phase=Degraded',
      'fail:InconclusiveAnalysisRun',
      'pass:step=6 ',
      'pass:phase=Healthy',
    ]);
    // before the promote: a read-only look at the background analysis's measurements
    const look = p.runbook.find((s) => s.id === 'rollouts-look');
    expect(look?.commands.map((c) => [c.readOnly, c.argv.join(' ')])).toEqual([
      [true, 'kubectl argo rollouts get rollout -n shop -- checkout'],
      [
        true,
        'kubectl describe -n shop --selector=app=checkout,rollout-type=Background -- analysisruns.argoproj.io',
      ],
    ]);
    expect(look?.check.manual).toBe(true);
    expect([look?.expectedSeconds, look?.maxSeconds]).toEqual([120, 600]);
    const promote = p.runbook.find((s) => s.id === 'rollouts-promote');
    expect(p.runbook.map((s) => s.id).indexOf('rollouts-promote')).toBe(
      p.runbook.map((s) => s.id).indexOf('rollouts-look') + 1,
    );
    // the last scale-up (the pods' rolling model); the operator's time is the look step's
    expect(promote?.expectedSeconds).toBe(30);
    expect(promote?.check.expectOutput).toBe('Healthy');
    expect(promote?.onFailure).toContain('kubectl argo rollouts promote -n shop --full -- checkout');
    // the promote's time is counted once (it was counted twice, in the undo and in the promote step)
    const total = p.runbook
      .filter((s) => s.id.startsWith('rollouts-') && !s.conditional)
      .reduce((n, s) => n + s.expectedSeconds, 0);
    expect(total).toBe(1365 + 120 + 30);
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=6 (manifest@k8s/rollout.yaml:7)',
        'canary step 2 pause=600 (manifest@k8s/rollout.yaml:38)',
        'canary step 7 pause=indefinite (manual promote) (manifest@k8s/rollout.yaml:48)',
        // the interval comes from the Rollout's arg (1m), not the template's default (5m)
        'canary step 5 analysis checkout-smoke/error-budget interval=60s (manifest@k8s/rollout.yaml:46)',
        'canary step 5 analysis checkout-smoke/error-budget count=3 (manifest@k8s/analysis-smoke.yaml:14)',
        'canary step 5 analysis checkout-smoke/error-budget initialDelay=30s (manifest@k8s/analysis-smoke.yaml:12)',
        'canary step 5 analysis checkout-smoke/smoke-test Job run per measurement (estimate)=60s, worst 300s (default@k8s/analysis-smoke.yaml:25)',
        'background analysis startingStep=2 (manifest@k8s/rollout.yaml:35)',
        'trafficRouting (abort: weight shift, or a rolling update back to stable)=nginx (manifest@k8s/rollout.yaml:29)',
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
    // a basic canary (no trafficRouting) shrank the stable ReplicaSet: the abort is a rolling update back
    const abort = p.runbook.find((s) => s.id === 'rollouts-abort');
    expect(abort?.title).toContain(
      'a rolling update back to the stable ReplicaSet: its pods must start again',
    );
    expect([abort?.expectedSeconds, abort?.maxSeconds]).toEqual([10 + 20, 60 + 90]);
    expect(drivers(p)).toContain(
      'trafficRouting (abort: weight shift, or a rolling update back to stable)=none (a basic canary) (manifest@k8s-search/rollout.yaml:20)',
    );
    const ids = p.runbook.map((s) => s.id);
    expect(ids.slice(ids.indexOf('rollouts-undo'))).toEqual([
      'rollouts-undo',
      'rollouts-look',
      'rollouts-promote',
      'verify-recovery',
    ]);
    // the look: the step 2 AnalysisRun (step-index 1) by the Rollout's selector labels
    expect(p.runbook.find((s) => s.id === 'rollouts-look')?.commands.map((c) => c.argv.join(' '))).toEqual([
      'kubectl argo rollouts get rollout -n shop -- search',
      'kubectl describe -n shop --selector=app=search,rollout-type=Step,step-index=1 -- analysisruns.argoproj.io',
    ]);
    const undo = p.runbook.find((s) => s.id === 'rollouts-undo');
    expect(undo?.title).toContain(
      'stops at canary step 2, analysis search-latency (search-latency/p99 every 30s with no count, until it fails or the run is terminated: it never completes by itself)',
    );
    // only the canary pod before the wait: no readiness probe, pull 10s (worst 30s)
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([10, 30]);
    expect(undo?.check.outcomes?.find((o) => o.result === 'pass')?.contains).toBe('step=1 ');
    const promote = p.runbook.find((s) => s.id === 'rollouts-promote');
    expect(promote?.title).toContain('promote search by hand (it skips the analysis step)');
    expect(promote?.commands.map((c) => c.argv.join(' '))).toEqual([
      'kubectl argo rollouts promote -n shop -- search',
    ]);
    // the 2m pause + the pods (2 replicas, no readiness probe: 20s); the operator's 120s is the look's
    expect(promote?.expectedSeconds).toBe(120 + 20);
    // the failure path of the analysis it waits at: the 2nd failed measurement 30s after it starts
    expect(undo?.onFailure).toContain(
      'search-latency/p99: Failed at the 2nd failed measurement (failureLimit 1) ~30s, Error after 5 errors in a row (consecutiveErrorLimit 4) ~2m',
    );
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'canary step 2 analysis search-latency/p99 interval=30s (manifest@k8s-search/analysis.yaml:9)',
        'canary step 2 analysis search-latency/p99 count=unset with an interval: runs until it fails or the run is terminated (manifest@k8s-search/analysis.yaml:8)',
        'canary step 2 analysis search-latency/p99 failureLimit=1 (manifest@k8s-search/analysis.yaml:10)',
        'canary step 3 pause=120 (manifest@k8s-search/rollout.yaml:26)',
      ]),
    );
  });

  it('payments (blueGreen): preview of 1 pod + prePromotionAnalysis, a look and a manual promote, then the scale-up, the switch and the postPromotionAnalysis; every value cited', async () => {
    const p = await design('rollouts-canary', 'rollout/payments');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(false);
    const ids = p.runbook.map((s) => s.id);
    expect(ids.slice(ids.indexOf('rollouts-abort'))).toEqual([
      'rollouts-abort',
      'rollouts-undo',
      'rollouts-look',
      'rollouts-promote',
      'verify-recovery',
    ]);
    const step = (id: string) => p.runbook.find((s) => s.id === id);
    // the blueGreen abort: the active Service never left the stable ReplicaSet
    expect([step('rollouts-abort')?.expectedSeconds, step('rollouts-abort')?.maxSeconds]).toEqual([10, 60]);
    // one preview pod: pull 10s + ready 5s + 5s = 20s (worst 30s + 5s + 4 × 5s = 55s); the
    // smoke test: 3 measurements 30s apart = 1m (worst: 5 errors in a row, 4 × 30s = 2m)
    const undo = step('rollouts-undo');
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([20 + 60, 55 + 120]);
    expect(undo?.title).toContain('stops at the pause before promotion (autoPromotionEnabled: false)');
    expect(undo?.durationBasis).toContain(
      'the preview ReplicaSet: 1 pod of the target start at once (pull 10s + ready 5s + 5s × 1) (previewReplicaCount 1) + prePromotionAnalysis payments-smoke 1m (worst 2m, until the controller decides a failing metric)',
    );
    expect(undo?.check.outcomes?.map((o) => `${o.result}:${o.contains}`)).toContain('pass:BlueGreenPause');
    expect(undo?.onFailure).toContain(
      'prePromotionAnalysis payments-smoke: payments-smoke/checkout-flow: Failed at the 2nd failed measurement (failureLimit 1) ~30s',
    );
    const look = step('rollouts-look');
    expect(commands({ ...p, runbook: look ? [look] : [] })).toEqual([
      'kubectl argo rollouts get rollout -n shop -- payments',
      'kubectl describe -n shop --selector=app.kubernetes.io/name=payments,rollout-type=PrePromotion -- analysisruns.argoproj.io',
    ]);
    expect(look?.commands.every((c) => c.readOnly)).toBe(true);
    // after the promote: 3 more pods (20s, worst 55s), the switch, the postPromotionAnalysis
    // (1m delay + 4 × 1m = 5m; it decides a failure by 3m), worst + scaleDownDelaySeconds 30s (default)
    const promote = step('rollouts-promote');
    expect(commands({ ...p, runbook: promote ? [promote] : [] })).toEqual([
      'kubectl argo rollouts promote -n shop -- payments',
    ]);
    expect([promote?.expectedSeconds, promote?.maxSeconds]).toEqual([20 + 300, 55 + 300 + 30]);
    expect(promote?.check.expectOutput).toBe('Healthy');
    expect(promote?.onFailure).toContain(
      'postPromotionAnalysis cluster:http-error-rate: cluster:http-error-rate/error-rate: Failed at the 3rd failed measurement (failureLimit 2) ~3m, Error after 3 errors in a row (consecutiveErrorLimit 2) ~3m, Inconclusive after 2 inconclusive (inconclusiveLimit 1) ~2m',
    );
    expect(promote?.onFailure).toContain('the active Service goes back to the stable ReplicaSet');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=4 (manifest@k8s-payments/rollout.yaml:9)',
        'previewReplicaCount=1 (manifest@k8s-payments/rollout.yaml:37)',
        'autoPromotionEnabled=false (manifest@k8s-payments/rollout.yaml:36)',
        'scaleDownDelaySeconds=30 (default)',
        'readinessPeriodSeconds=5 (manifest@k8s-payments/rollout.yaml:30)',
        'prePromotionAnalysis payments-smoke/checkout-flow count=3 (manifest@k8s-payments/analysis.yaml:11)',
        'prePromotionAnalysis payments-smoke/checkout-flow interval=30s (manifest@k8s-payments/analysis.yaml:12)',
        'prePromotionAnalysis payments-smoke/checkout-flow failureLimit=1 (manifest@k8s-payments/analysis.yaml:13)',
        'prePromotionAnalysis payments-smoke/checkout-flow consecutiveErrorLimit=4 (default@k8s-payments/analysis.yaml:10)',
        'postPromotionAnalysis cluster:http-error-rate/error-rate initialDelay=60s (manifest@k8s-payments/analysis.yaml:30)',
        'postPromotionAnalysis cluster:http-error-rate/error-rate count=5 (manifest@k8s-payments/analysis.yaml:32)',
        'postPromotionAnalysis cluster:http-error-rate/error-rate failureLimit=2 (manifest@k8s-payments/analysis.yaml:33)',
        'postPromotionAnalysis cluster:http-error-rate/error-rate consecutiveErrorLimit=2 (manifest@k8s-payments/analysis.yaml:35)',
      ]),
    );
    const defaulted = p.estimate.drivers.filter((d) => d.source === 'default');
    expect(defaulted.every((d) => d.realFrom)).toBe(true);
    expect(p.estimate.drivers.find((d) => d.name === 'scaleDownDelaySeconds')?.realFrom).toBe(
      'spec.strategy.blueGreen.scaleDownDelaySeconds of the Rollout',
    );
  });

  it("carries checkout's analysis signals, never search's", async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    const names = p.trigger.criteria.map((c) => c.signal);
    expect(names.some((n) => n.startsWith('checkout-success-rate/'))).toBe(true);
    expect(names.some((n) => n.startsWith('search-latency/'))).toBe(false);
  });
});

describe('fixture rollouts-canary: orders, a Rollout no file gives a namespace', () => {
  const HOSTILE = 'ns-$(touch PWNED_NS)`touch PWNED_NS2`;\'"';

  it('every kubectl command carries -n "${ROLLOUT_NAMESPACE}" (and --context when declared); the input is asked first, with an unknown', async () => {
    for (const context of [undefined, 'prod-eu']) {
      const service = await loadService(join(SHAPES, 'rollouts-canary'), { workload: 'rollout/orders' });
      if (context) service.deploy.context = context;
      const p = plan(service, analyze(service));
      const all = [
        ...p.inputs.flatMap((i) => (i.discover ? [i.discover] : [])),
        ...p.gates.flatMap((g) => (g.check.command ? [g.check.command] : [])),
        ...p.runbook.flatMap((s) => [...s.commands, ...(s.check.command ? [s.check.command] : [])]),
        ...p.verification.checks.flatMap((c) => (c.command ? [c.command] : [])),
      ]
        .map((c) => renderCommand(c))
        .filter((c) => c.startsWith('kubectl'));
      expect(all.length).toBeGreaterThan(8);
      for (const c of all) {
        if (c.includes('--all-namespaces')) continue; // the namespace input's own discovery
        expect(c).toContain(' -n "${ROLLOUT_NAMESPACE}" ');
        if (context) expect(c).toContain(`--context=${context}`);
      }
      // the prose too: hazard mitigations, the abort path
      for (const format of ['md', 'json']) {
        const text = render(p, format);
        for (const m of text.matchAll(/kubectl argo rollouts [a-z]+( rollout)? ([^\n`]*?) -- orders/g))
          expect(m[0], format).toMatch(/ -n (\\?"\$\{ROLLOUT_NAMESPACE\}\\?"|"\$\{ROLLOUT_NAMESPACE\}")/);
      }
      const names = p.inputs.map((i) => i.name);
      expect(names.indexOf('ROLLOUT_NAMESPACE')).toBeLessThan(names.indexOf('TARGET_REVISION'));
      expect(renderCommand(p.inputs.find((i) => i.name === 'ROLLOUT_NAMESPACE')!.discover!)).toBe(
        `kubectl get ${context ? `--context=${context} ` : ''}--all-namespaces --field-selector=metadata.name=orders -- rollouts.argoproj.io`,
      );
      const u = service.unknowns.find((x) => x.subject === 'namespace of Rollout orders');
      expect(u?.reason).toContain('set deploy.namespace in rollbook.yaml');
      expect(u?.at).toMatchObject({ file: 'k8s-orders/rollout.yaml' });
    }
    // a namespace from any file: no input, no unknown
    const shop = await design('rollouts-canary', 'rollout/checkout');
    expect(shop.inputs.map((i) => i.name)).not.toContain('ROLLOUT_NAMESPACE');
    expect(shop.unknowns.some((u) => u.subject.startsWith('namespace of Rollout'))).toBe(false);
  });

  it('the runbook script passes a hostile namespace as one literal argument and executes nothing from it', async () => {
    const p = await design('rollouts-canary', 'rollout/orders');
    const sb = sandbox(p, renderSh(p));
    // step 1 (two manual actions and its check, confirmed by hand), then ROLLOUT_NAMESPACE: the history command that lists the
    // revisions needs it, so it is asked before TARGET_REVISION
    const r = runScript(sb, ['--yes'], ['y', 'y', 'y', HOSTILE, '7', ...Array(12).fill('y')], {
      RBSTUB_STDOUT: 'rbstub-ok Healthy',
    });
    expect(pwned(sb)).toEqual([]);
    // the namespace's discovery ran first; then every -n is the typed value, whole
    expect(r.calls[0]).toEqual([
      'kubectl',
      'get',
      '--all-namespaces',
      '--field-selector=metadata.name=orders',
      '--',
      'rollouts.argoproj.io',
    ]);
    const ns = r.calls
      .filter((c) => c[0] === 'kubectl' && c.includes('-n'))
      .map((c) => c[c.indexOf('-n') + 1]);
    expect(ns.length).toBeGreaterThan(3);
    expect(new Set(ns)).toEqual(new Set([HOSTILE]));
    expect(r.calls.some((c) => c.join(' ').startsWith('kubectl argo rollouts undo -n'))).toBe(true);
  });
});

describe('fixture rollouts-canary: trigger queries with the args each Rollout passes', () => {
  it.each([
    [
      'rollout/orders',
      'orders-error-rate/error-rate',
      'sum(rate(http_requests_total{service="orders-canary",env="prod",rollouts_pod_template_hash="<args.canary-hash>",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="orders-canary",rollouts_pod_template_hash="<args.canary-hash>"}[2m]))',
    ],
    [
      'rollout/orders',
      'orders-error-rate/checkout-probe',
      'https://probe.internal/check?service=orders-canary&token=<args.api-token>',
    ],
    [
      'rollout/payments',
      'http-error-rate/error-rate',
      'sum(rate(http_requests_total{service="payments-active",code=~"5.."}[2m])) / sum(rate(http_requests_total{service="payments-active"}[2m]))',
    ],
    [
      'rollout/payments',
      'payments-smoke/checkout-flow',
      'http://payments-preview.shop.svc.cluster.local/internal/smoke',
    ],
  ])('%s: %s', async (workload, signal, query) => {
    const p = await design('rollouts-canary', workload);
    const c = p.trigger.criteria.find((x) => x.signal === signal);
    expect(c?.query).toBe(query);
    for (const format of ['md', 'json', 'sh', 'html']) expect(render(p, format)).not.toContain('{{');
  });

  it('orders: the pod-template-hash and the Secret stay named placeholders, each with an unknown; the step arg interval of checkout is 1m', async () => {
    const p = await design('rollouts-canary', 'rollout/orders');
    expect(p.unknowns.map((u) => [u.subject, u.at?.file, u.at?.line])).toEqual(
      expect.arrayContaining([
        ['analysis arg canary-hash of orders-error-rate', 'k8s-orders/rollout.yaml', 37],
        ['analysis arg api-token of orders-error-rate', 'k8s-orders/analysis.yaml', 14],
      ]),
    );
    const checkout = await design('rollouts-canary', 'rollout/checkout');
    const smoke = checkout.trigger.criteria.find((x) => x.signal === 'checkout-smoke/error-budget');
    expect(smoke?.condition).toContain('1m');
    expect(checkout.unknowns.some((u) => u.subject.startsWith('analysis arg'))).toBe(false);
  });
});
