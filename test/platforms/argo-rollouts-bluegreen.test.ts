/**
 * An undo of an Argo Rollouts blueGreen Rollout, timed as the controller runs it
 * (docs/features/bluegreen.md "Sequence of Events", rollout/bluegreen.go): the preview ReplicaSet
 * (previewReplicaCount) starts, prePromotionAnalysis runs, the rollout pauses (autoPromotionEnabled
 * false: a manual promote; autoPromotionSeconds: a timed pause), the preview scales to spec.replicas,
 * the active Service switches, postPromotionAnalysis runs, the old ReplicaSet goes after
 * scaleDownDelaySeconds (default 30). rollbackWindow skips the analyses and the pause.
 */
import { describe, expect, test } from 'vitest';
import type { AnalysisMetricFacts, AnalysisRunFacts } from '../../src/model/facts.js';
import type { RolloutSettings } from '../../src/model/service.js';
import { argoRollouts } from '../../src/platforms/argo-rollouts.js';
import { blueGreenPath } from '../../src/platforms/argo-rollouts-bluegreen.js';
import { ctxOf, m, renderCommand, runbook } from './helpers.js';

const at = { file: 'analysis.yaml', line: 9 };
const metric = (
  name: string,
  f: { count?: number; interval?: number; failureLimit?: number },
): AnalysisMetricFacts => ({
  template: 'smoke',
  name,
  provider: 'web',
  at,
  ...(f.count !== undefined ? { count: { value: f.count, at } } : {}),
  ...(f.interval !== undefined ? { interval: { value: f.interval, at } } : {}),
  ...(f.failureLimit !== undefined ? { failureLimit: { value: f.failureLimit, at } } : {}),
});
const run = (...metrics: AnalysisMetricFacts[]): AnalysisRunFacts => ({
  templates: ['smoke'],
  metrics,
  missing: [],
});
/** 3 measurements 30s apart (1m), failureLimit 1; 5 errors in a row take 2m: the worst case. */
const smoke = run(metric('flow', { count: 3, interval: 30, failureLimit: 1 }));

function ctx(settings: RolloutSettings, analyses: { pre?: AnalysisRunFacts; post?: AnalysisRunFacts } = {}) {
  return ctxOf(
    'argo-rollouts',
    {
      kind: 'Rollout',
      name: 'payments',
      argoRollouts: {
        analysisTemplates: ['smoke'],
        selector: { 'app.kubernetes.io/name': 'payments' },
        ...(analyses.pre ? { prePromotionAnalysis: analyses.pre } : {}),
        ...(analyses.post ? { postPromotionAnalysis: analyses.post } : {}),
      },
    },
    { replicas: m(4), strategy: m('blueGreen'), ...settings },
  );
}

// one pod: pull 10s + ready 10s = 20s; worst 3 × 10s pull + 4 × 10s probe periods = 70s
describe('blueGreen undo duration', () => {
  test.each([
    ['defaults: pods, switch; worst + scaleDownDelay 30s', {}, {}, [20, 100], false],
    [
      'autoPromotionEnabled false: a manual promote (~2m, worst 10m)',
      { autoPromotionEnabled: m(false) },
      {},
      [20 + 120, 70 + 600 + 30],
      true,
    ],
    ['autoPromotionSeconds 300: a timed pause', { autoPromotionSeconds: m(300) }, {}, [320, 400], false],
    [
      'autoPromotionSeconds is ignored when autoPromotionEnabled is false (argo-rollouts#2000)',
      { autoPromotionEnabled: m(false), autoPromotionSeconds: m(300) },
      {},
      [140, 700],
      true,
    ],
    [
      'previewReplicaCount 1: the rest of the replicas start after the promote',
      { autoPromotionEnabled: m(false), previewReplicaCount: m(1) },
      {},
      [20 + 120 + 20, 70 + 600 + 70 + 30],
      true,
    ],
    [
      'prePromotionAnalysis 1m; worst: the controller decides 5 errors in a row at 2m',
      {},
      { pre: smoke },
      [80, 70 + 120 + 30],
      false,
    ],
    [
      'postPromotionAnalysis after the switch, scaleDownDelaySeconds 600',
      { scaleDownDelaySeconds: m(600) },
      { post: smoke },
      [80, 70 + 120 + 600],
      false,
    ],
    [
      'rollbackWindow: no analysis, no pause',
      { autoPromotionEnabled: m(false), rollbackWindowRevisions: m(3) },
      { pre: smoke, post: smoke },
      [20, 100],
      false,
    ],
  ] as const)('%s', (_, settings, analyses, seconds, waits) => {
    const c = ctx(settings as RolloutSettings, analyses);
    const d = argoRollouts.duration(c);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual(seconds);
    expect(blueGreenPath(c).wait !== undefined).toBe(waits);
    expect(argoRollouts.rollback(c).oneCommand).toBe(!waits);
  });

  test('drivers: the blueGreen fields are cited; unset ones say where they would be set', () => {
    const d = argoRollouts.duration(
      ctx({ autoPromotionEnabled: m(false, 33), autoPromotionSeconds: m(60, 34) }),
    );
    const byName = Object.fromEntries(d.drivers.map((x) => [x.name, x]));
    expect(byName.autoPromotionEnabled).toMatchObject({
      value: 'false',
      source: 'manifest',
      at: { line: 33 },
    });
    expect(byName['autoPromotionSeconds (ignored: autoPromotionEnabled is false)']).toMatchObject({
      value: '60',
      at: { line: 34 },
    });
    expect(byName.scaleDownDelaySeconds).toMatchObject({ value: '30', source: 'default' });
    expect(byName.scaleDownDelaySeconds?.realFrom).toContain('scaleDownDelaySeconds');
  });

  test('a prePromotionAnalysis that never ends by itself: only promote --full passes it', () => {
    const forever = run(metric('p99', { interval: 30 }));
    const r = argoRollouts.rollback(ctx({}, { pre: forever }));
    const promote = r.steps.find((s) => s.id === 'rollouts-promote');
    expect(promote?.commands.map((c) => renderCommand(c))).toEqual([
      'kubectl argo rollouts promote -n shop --full -- payments',
    ]);
  });
});

describe('blueGreen runbook', () => {
  test('undo stops at the pause; a read-only look at the measurements comes before the promote', () => {
    const r = argoRollouts.rollback(ctx({ autoPromotionEnabled: m(false) }, { pre: smoke, post: smoke }));
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: kubectl argo rollouts undo -n shop --to-revision "\${TARGET_REVISION}" -- payments
      input TARGET_REVISION: kubectl argo rollouts get rollout -n shop -- payments
      [rollouts-abort] 10s/60s
        rw $ kubectl argo rollouts abort -n shop -- payments
        check $ kubectl get -n shop -o json -- rollouts.argoproj.io payments (timeout 30s, retries 2)
      [rollouts-undo] 80s/190s
        rw $ kubectl argo rollouts undo -n shop --to-revision "\${TARGET_REVISION}" -- payments
        check $ kubectl get -n shop -o 'jsonpath=phase={.status.phase} step={.status.currentStepIndex} pause={.status.pauseConditions[*].reason};' -- rollouts.argoproj.io/payments (timeout 30s, retries 44)
      [rollouts-look] 120s/600s
        ro $ kubectl argo rollouts get rollout -n shop -- payments
        ro $ kubectl describe -n shop --selector=app.kubernetes.io/name=payments,rollout-type=PrePromotion -- analysisruns.argoproj.io
        check (manual) the target revision's pods are Running and ready in the tree, and its AnalysisRun (the newest one described) shows no ✖ failed and no ⚠ errored measurement
      [rollouts-promote] 60s/150s
        rw $ kubectl argo rollouts promote -n shop -- payments
        check $ kubectl argo rollouts status -n shop --timeout 150s -- payments ~ Healthy (timeout 180s, retries 0)"
    `);
    const undo = r.steps.find((s) => s.id === 'rollouts-undo');
    expect(undo?.check.outcomes?.map((o) => `${o.result}:${o.contains}`)).toEqual([
      'fail:phase=Degraded',
      'fail:InconclusiveAnalysisRun',
      'pass:BlueGreenPause',
      'pass:phase=Healthy',
    ]);
    // the failure path says what happens and when the controller decides it
    expect(undo?.onFailure).toContain(
      'prePromotionAnalysis smoke: smoke/flow: Failed at the 2nd failed measurement (failureLimit 1) ~30s, Error after 5 errors in a row (consecutiveErrorLimit 4) ~2m',
    );
    expect(undo?.onFailure).toContain('the version being rolled back FROM');
    const promote = r.steps.find((s) => s.id === 'rollouts-promote');
    expect(promote?.onFailure).toContain('the active Service goes back to the stable ReplicaSet');
  });

  test('a selector label that is not a plain label value is never put in a command', () => {
    const c = ctx({ autoPromotionEnabled: m(false) }, { pre: smoke });
    const w = c.workload;
    if (w?.argoRollouts) w.argoRollouts.selector = { app: '--all-namespaces' };
    const look = argoRollouts.rollback(c).steps.find((s) => s.id === 'rollouts-look');
    expect(look?.commands.map((c) => renderCommand(c))).toEqual([
      'kubectl argo rollouts get rollout -n shop -- payments',
    ]);
  });
});
