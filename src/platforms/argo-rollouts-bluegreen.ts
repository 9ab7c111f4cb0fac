/**
 * What an undo of an Argo Rollouts blueGreen Rollout goes through, and how long each part takes.
 * The controller's sequence (argoproj/argo-rollouts docs/features/bluegreen.md "Sequence of Events",
 * rollout/bluegreen.go, rollout/analysis.go):
 * 1. the undo writes the target revision's pod template: its ReplicaSet becomes the preview and is
 *    scaled to `previewReplicaCount` (default spec.replicas), all pods at once; the active Service
 *    stays on the stable ReplicaSet (during an undo: the version being rolled back from);
 * 2. once those pods are available, `prePromotionAnalysis` runs (Failed or Error aborts the rollout,
 *    Inconclusive pauses it: rollout/analysis.go setPauseOrAbort);
 * 3. then the rollout pauses (rollout/bluegreen.go needsBlueGreenControllerPause): with
 *    `autoPromotionEnabled: false` until a person promotes (`autoPromotionSeconds` is then ignored:
 *    bluegreen.md, argoproj/argo-rollouts#2000); with `autoPromotionSeconds` > 0 for that long;
 *    otherwise not at all;
 * 4. the preview is scaled to spec.replicas when previewReplicaCount was smaller, and the active
 *    Service switches to it: traffic is on the target revision from here;
 * 5. `postPromotionAnalysis` runs; Failed or Error aborts and switches the active Service back to the
 *    stable ReplicaSet;
 * 6. the previous active ReplicaSet is scaled down `scaleDownDelaySeconds` (default 30) after the
 *    switch (without it and with a postPromotionAnalysis: after the analysis, at least 30 s).
 * Skipped: within `rollbackWindow` the analyses and the pause are skipped (syncRolloutStatusBlueGreen,
 * reconcileAnalysisRuns isRollbackWithinWindow); an undo to the ReplicaSet still waiting out its
 * scaleDownDelay is fast-tracked (isBlueGreenFastTracked, rollbackToScaleDownDelay): its pods are up,
 * no analysis, no pause: the switch takes seconds.
 * Pure: facts in, seconds, words and cited drivers out.
 */
import type { AnalysisRunFacts } from '../model/facts.js';
import type { DurationDriver } from '../model/plan.js';
import { formatSeconds } from '../util/seconds.js';
import { runDrivers, runFailure, runTime } from './argo-rollouts-analysis.js';
import { Drivers, settingOf } from './common.js';
import { podTimes } from './k8s.js';
import type { PlatformContext } from './types.js';

/** One stretch of the undo that runs by itself. */
export interface Phase {
  expected: number;
  worst: number;
  words: string[];
}

/** A blueGreen analysis run and what it is called in AnalysisRun labels (rollout-type). */
export interface BlueGreenRun {
  key: 'prePromotionAnalysis' | 'postPromotionAnalysis';
  type: 'PrePromotion' | 'PostPromotion';
  run: AnalysisRunFacts;
}

export interface BlueGreenPath {
  /** From the undo until the manual promote (or until Healthy when nothing waits). */
  first: Phase;
  /**
   * What the rollout waits at for a person: the manual promote (autoPromotionEnabled false), or a
   * prePromotionAnalysis that never completes by itself (only `promote --full` passes it).
   */
  wait?: { words: string; full: boolean };
  /** From the promote until Healthy. */
  rest?: Phase;
  runs: BlueGreenRun[];
  drivers: DurationDriver[];
  /** The shortcuts that skip the analyses and the pause, in words. */
  skips: string;
}

const phase = (): Phase => ({ expected: 0, worst: 0, words: [] });

function analysisPhase(p: Phase, label: string, bg: BlueGreenRun): string | undefined {
  const t = runTime(bg.run);
  const names = bg.run.templates.join(' + ');
  if (t.indefinite.length)
    return `${label} ${names} (${t.indefinite.join('; ')}: it never completes by itself)`;
  const fail = runFailure(bg.run);
  const worst = Math.max(t.worst, fail?.decidedWorst ?? 0);
  p.expected += t.expected;
  p.worst += worst;
  const extra = [
    ...t.invalid.map((w) => `${w}: the run errors and the rollout aborts here`),
    ...t.unknown.map((w) => `${w}: not counted`),
  ];
  p.words.push(
    `${label} ${names} ${formatSeconds(t.expected) || '0s'}${worst > t.expected ? ` (worst ${formatSeconds(worst)}${fail && fail.decidedWorst > t.worst ? ', until the controller decides a failing metric' : ''})` : ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`,
  );
  return undefined;
}

export function blueGreenPath(ctx: PlatformContext): BlueGreenPath {
  const d = new Drivers(ctx, {
    autoPromotionEnabled: 'spec.strategy.blueGreen.autoPromotionEnabled of the Rollout (default true)',
    previewReplicaCount: 'spec.strategy.blueGreen.previewReplicaCount of the Rollout (default spec.replicas)',
  });
  const replicas = Math.max(1, d.get('replicas', 1));
  d.maybe('strategy');
  const preview = d.maybe('previewReplicaCount');
  const pod = podTimes(d);
  const auto = d.get('autoPromotionEnabled', true);
  const autoSeconds = settingOf(ctx, 'autoPromotionSeconds');
  if (autoSeconds)
    d.add(
      auto ? 'autoPromotionSeconds' : 'autoPromotionSeconds (ignored: autoPromotionEnabled is false)',
      autoSeconds.value,
      'manifest',
      autoSeconds.at,
    );
  const scaleDown = d.get('scaleDownDelaySeconds', 30);
  const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
  const facts = ctx.workload?.argoRollouts;
  const runs: BlueGreenRun[] = [];
  if (facts?.prePromotionAnalysis)
    runs.push({ key: 'prePromotionAnalysis', type: 'PrePromotion', run: facts.prePromotionAnalysis });
  if (facts?.postPromotionAnalysis)
    runs.push({ key: 'postPromotionAnalysis', type: 'PostPromotion', run: facts.postPromotionAnalysis });
  const drivers = runs.flatMap((r) => runDrivers(r.key, r.run));

  const previewCount = Math.min(replicas, Math.max(1, preview ?? replicas));
  const first = phase();
  first.expected += pod.expected;
  first.worst += pod.worst;
  first.words.push(
    `the preview ReplicaSet: ${previewCount} pod${previewCount === 1 ? '' : 's'} of the target start at once (${pod.words})${preview !== undefined && previewCount < replicas ? ` (previewReplicaCount ${preview})` : ''}`,
  );
  let wait: BlueGreenPath['wait'];
  const pre = window ? undefined : runs.find((r) => r.key === 'prePromotionAnalysis');
  if (window)
    first.words.push(
      `rollbackWindow ${window} revisions: a target within it skips the analyses and the pause`,
    );
  if (pre) {
    const forever = analysisPhase(first, 'prePromotionAnalysis', pre);
    if (forever) wait = { words: forever, full: true };
  }
  if (window) {
    // no pause, no analysis (syncRolloutStatusBlueGreen clears the pause conditions)
  } else if (!wait && !auto)
    wait = { words: 'the pause before promotion (autoPromotionEnabled: false)', full: false };
  else if (!wait && autoSeconds && autoSeconds.value > 0) {
    first.expected += autoSeconds.value;
    first.worst += autoSeconds.value;
    first.words.push(`autoPromotionSeconds ${formatSeconds(autoSeconds.value)} pause`);
  }
  const after = wait ? phase() : first;
  if (previewCount < replicas) {
    after.expected += pod.expected;
    after.worst += pod.worst;
    after.words.push(`scale the target to ${replicas} replicas (${pod.words})`);
  }
  after.words.push('the active Service switches to the target (traffic is on it from here)');
  const post = window ? undefined : runs.find((r) => r.key === 'postPromotionAnalysis');
  if (post) {
    const forever = analysisPhase(after, 'postPromotionAnalysis', post);
    if (forever) after.words.push(`${forever}: the rollout stays Progressing until promote --full`);
  }
  after.worst += scaleDown;
  after.words.push(
    `worst + scaleDownDelaySeconds ${scaleDown}s before the previous ReplicaSet goes${post && !settingOf(ctx, 'scaleDownDelaySeconds') ? ' (unset with a postPromotionAnalysis: after the analysis, at least 30 s)' : ''}`,
  );
  // isBlueGreenFastTracked: the target still has its scale-down deadline, or the active Service
  // already selects it (an undo after an abort before promotion); skipPrePromotionAnalysisRun likewise
  const skips = [
    `an undo while the target's ReplicaSet still waits out its scaleDownDelay (${scaleDown}s after the bad version's promotion) is fast-tracked: its pods are up, no analysis, no pause, the switch takes seconds`,
    'an undo after an abort before promotion returns to the ReplicaSet the active Service still selects: no analysis, no pause (seconds)',
  ].join('; ');
  return {
    first,
    ...(wait ? { wait, rest: after } : {}),
    runs,
    drivers: [...d.list, ...drivers],
    skips,
  };
}
