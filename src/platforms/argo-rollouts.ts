/**
 * Argo Rollouts: `kubectl argo rollouts undo NAME --to-revision N` after a rollout (abort during
 * one: `kubectl argo rollouts abort NAME`, which leaves spec.template on the new version).
 *
 * Names: rollout from workload.name, else deploy.target.rollout, deploy.workload, service.name;
 * namespace as for Kubernetes (the manifest's metadata.namespace, the kustomization's namespace, the
 * Argo CD Application's destination.namespace, rollbook.yaml deploy.namespace), and every command
 * carries `-n`: when no file names the namespace it is the input ROLLOUT_NAMESPACE (a Rollout lives
 * in one namespace, rarely the kube context's). deploy.target keys: rollout, namespace.
 * Settings: strategy (canary | blueGreen), replicas, maxSurge/maxUnavailable (canary), pod timings
 * (see k8s.ts), rollbackWindowRevisions, scaleDownDelaySeconds, autoPromotionEnabled,
 * autoPromotionSeconds, previewReplicaCount (blueGreen: argo-rollouts-bluegreen.ts); autoSync /
 * selfHeal when an Argo CD application syncs the Rollout (argocd fact app): the undo is then wrapped
 * in disable auto-sync → undo → git revert → re-enable.
 */

import type { AnalysisRunFacts } from '../model/facts.js';
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, DurationDriver, Input } from '../model/plan.js';
import * as probes from '../probes/argo-rollouts.js';
import { formatSeconds } from '../util/seconds.js';
import { renderCommand } from '../util/shell.js';
import { runDrivers, runFailure, runTime } from './argo-rollouts-analysis.js';
import { blueGreenPath } from './argo-rollouts-bluegreen.js';
import { argoCdAppArg, managedByArgoCd, underArgoCd } from './argocd.js';
import {
  check,
  contextFlag,
  Drivers,
  fixedStep,
  hazard,
  input,
  manualCheck,
  namespaceOf,
  type PlatformStep,
  pollCheck,
  probeCheck,
  ROLLOUT_NAMESPACE,
  read,
  resourceName,
  rollbackOf,
  run,
  secondsFlag,
  settingOf,
  step as step_,
  timedStep,
  WAIT_MARGIN,
  waitCheck,
} from './common.js';
import { kubeDuration, kubeHazards, podTimes } from './k8s.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const REVISION = 'TARGET_REVISION';

function rolloutName(ctx: PlatformContext): string {
  return resourceName(ctx, undefined, 'rollout');
}

/**
 * `--context=NAME` when declared, and `-n NS` always: the Rollout's namespace when a file names it,
 * else the input ROLLOUT_NAMESPACE (without -n the plugin and kubectl look in the context's
 * namespace and answer "not found", or act on a namesake there).
 */
export function rolloutsNs(ctx: PlatformContext): Arg[] {
  const ns = namespaceOf(ctx);
  return [...contextFlag(ctx, '--context'), '-n', ns ?? { var: ROLLOUT_NAMESPACE }];
}

/** The namespace input, when no file names the Rollout's namespace. */
function namespaceInputs(ctx: PlatformContext, name: string): Input[] {
  if (namespaceOf(ctx) !== undefined) return [];
  return [
    input(
      ROLLOUT_NAMESPACE,
      `Namespace of Rollout ${name} (no manifest metadata.namespace, kustomization namespace, Argo CD Application destination.namespace or rollbook.yaml deploy.namespace names it; set deploy.namespace). Check the kube context first: kubectl config current-context`,
      read(
        'kubectl',
        'get',
        ...contextFlag(ctx, '--context'),
        '--all-namespaces',
        `--field-selector=metadata.name=${name}`,
        '--',
        'rollouts.argoproj.io',
      ),
    ),
  ];
}

/** `kubectl argo rollouts VERB… -n NS FLAGS… -- NAME`: the name after "--", never an option. */
function plugin(ctx: PlatformContext, verbs: string[], name: string, ...flags: Arg[]): Arg[] {
  return ['kubectl', 'argo', 'rollouts', ...verbs, ...rolloutsNs(ctx), ...flags, '--', name];
}

function history(ctx: PlatformContext): Command {
  return read(...plugin(ctx, ['get', 'rollout'], rolloutName(ctx)));
}

function isBlueGreen(ctx: PlatformContext): boolean {
  return settingOf(ctx, 'strategy')?.value?.toLowerCase() === 'bluegreen';
}

/** A Kubernetes label key and value (the API's syntax): a selector with anything else is not offered. */
const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** How the controller labels an AnalysisRun it creates (pkg/apis/rollouts/v1alpha1 RolloutTypeLabel). */
type RunType = 'Step' | 'Background' | 'PrePromotion' | 'PostPromotion';

/**
 * The label selector of this Rollout's AnalysisRuns of one kind: the Rollout's spec.selector
 * matchLabels, which the controller copies onto every run (rollout/analysis.go
 * newAnalysisRunFromRollout; Argo Rollouts v1.6+, argoproj/argo-rollouts#2903), `rollout-type` and,
 * for an inline step, `step-index` (RolloutTypeLabel, RolloutCanaryStepIndexLabel; the runs also
 * carry `rollouts-pod-template-hash`, which no file knows). Undefined without plain matchLabels.
 */
function runSelector(ctx: PlatformContext, type: RunType, stepIndex?: number): string | undefined {
  const pairs = Object.entries(ctx.workload?.argoRollouts?.selector ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  if (!pairs.length || pairs.some(([k, v]) => !LABEL_KEY.test(k) || !LABEL_VALUE.test(v))) return undefined;
  return [
    ...pairs.map(([k, v]) => `${k}=${v}`),
    `rollout-type=${type}`,
    ...(stepIndex !== undefined ? [`step-index=${stepIndex}`] : []),
  ].join(',');
}

/**
 * The read-only look before a promote: the plugin's rollout tree (each AnalysisRun of the target
 * revision with its ✔ successful, ✖ failed, ? inconclusive and ⚠ errored measurement counts:
 * pkg/kubectl-argo-rollouts/cmd/get PrintAnalysisRunInfo), and the runs' measurements themselves.
 */
function lookCommands(
  ctx: PlatformContext,
  name: string,
  runs: { type: RunType; stepIndex?: number }[],
): Command[] {
  const out = [read(...plugin(ctx, ['get', 'rollout'], name))];
  for (const r of runs) {
    const selector = runSelector(ctx, r.type, r.stepIndex);
    if (selector)
      out.push(
        read(
          'kubectl',
          'describe',
          ...rolloutsNs(ctx),
          `--selector=${selector}`,
          '--',
          'analysisruns.argoproj.io',
        ),
      );
  }
  return out;
}

/** One analysis run's failure path, in words (argo-rollouts-analysis.ts runFailure). */
function failureWords(label: string, run: AnalysisRunFacts | undefined): string | undefined {
  const f = run ? runFailure(run) : undefined;
  return f && run ? `${label} ${run.templates.join(' + ')}: ${f.words.join('; ')}` : undefined;
}

/**
 * What a bad analysis of the target revision does during the undo, and when the controller decides
 * it (rollout/analysis.go setPauseOrAbort: Failed and Error abort, Inconclusive pauses;
 * docs/features/analysis.md "Inconclusive Runs"). An abort sends traffic back to the stable
 * ReplicaSet: during an undo that is the version being rolled back from. `promote --full` skips the
 * analysis (status.promoteFull clears the abort: rollout/bluegreen.go syncRolloutStatusBlueGreen);
 * `retry rollout` clears the abort and runs it again (pkg/kubectl-argo-rollouts/cmd/retry).
 */
function ifAnalysisFails(ctx: PlatformContext, name: string, analyses: (string | undefined)[]): string {
  const words = analyses.filter((a): a is string => a !== undefined);
  const cmd = (...verbs: string[]) => renderCommand(run(...plugin(ctx, verbs, name)));
  const look = renderCommand(read(...plugin(ctx, ['get', 'rollout'], name)));
  if (words.length === 0)
    return `If the rollout is Degraded, it was aborted: traffic is on the stable ReplicaSet, the version being rolled back from. If it stalls, ${look} shows the pods that are not ready. Escalate either way.`;
  return `An analysis of the target revision goes bad when: ${words.join('; ')} (times from the run's start). Failed or Error aborts the rollout (phase Degraded): traffic returns to the stable ReplicaSet, which during an undo is the version being rolled back FROM, so the rollback has not taken effect. Look first: ${look}. If the measurements fail only because the whole service is still degraded by the bad version, the incident commander may skip the analysis: ${renderCommand(run(...plugin(ctx, ['promote'], name, '--full')))} (the target revision then gets no check), or run it again: ${cmd('retry', 'rollout')}. Inconclusive pauses the rollout instead: ${cmd('promote')} to go on, ${cmd('abort')} to stop; escalate either way.`;
}

/** A step where a re-run canary waits for a person: an indefinite pause, an analysis that never ends. */
interface Wait {
  /** 0-based index of the step (status.currentStepIndex while it waits). */
  index: number;
  kind: 'pause' | 'analysis';
  /** What waits there, in words. */
  words: string;
}

/** The canary steps between two waits (or the start / the end): what runs by itself. */
interface Segment {
  expected: number;
  worst: number;
  words: string[];
  /** The wait that ends it; undefined for the last segment (it ends Healthy). */
  until?: Wait;
  /** How each inline analysis of the segment (and the one it waits at) goes bad, in words. */
  fails: string[];
}

/**
 * What an undo re-runs: the canary steps in order, cut at each wait. Timed pauses and inline
 * analyses add up; the pods' start (the Kubernetes rolling model) is counted once, in the last
 * segment, when the target revision scales to all replicas. The background analysis runs alongside
 * the steps and is stopped by the controller when the rollout completes: it adds no time on the
 * success path.
 */
function canaryPath(
  ctx: PlatformContext,
  pods: DurationModel,
): { segments: Segment[]; drivers: DurationDriver[] } {
  const steps = ctx.workload?.canarySteps ?? [];
  const drivers: DurationDriver[] = [];
  const segments: Segment[] = [];
  // one canary pod's start (its drivers are the pods' own, recorded by `pods`)
  const pod = podTimes(new Drivers(ctx));
  let cur: Segment = { expected: 0, worst: 0, words: [], fails: [] };
  let scaled = false;
  steps.forEach((s, i) => {
    const n = i + 1;
    if (s.kind === 'setWeight' && !scaled) {
      // the canary's first pods must be available before the next step starts
      scaled = true;
      cur.expected += pod.expected;
      cur.worst += pod.worst;
      cur.words.push(`step ${n} canary pods start (${pod.words})`);
      return;
    }
    if (s.kind === 'pause') {
      drivers.push({
        name: `canary step ${n} pause`,
        value: s.indefinite ? 'indefinite (manual promote)' : String(s.seconds),
        source: 'manifest',
        ...(s.at ? { at: s.at } : {}),
      });
      if (s.indefinite) {
        cur.until = { index: i, kind: 'pause', words: `the indefinite pause (canary step ${n})` };
        segments.push(cur);
        cur = { expected: 0, worst: 0, words: [], fails: [] };
      } else {
        cur.expected += s.seconds ?? 0;
        cur.worst += s.seconds ?? 0;
        cur.words.push(`step ${n} pause ${formatSeconds(s.seconds ?? 0)}`);
      }
      return;
    }
    if (s.kind !== 'analysis') return;
    const run = s.analysis;
    if (!run) {
      cur.words.push(`step ${n} analysis (not read: not timed)`);
      return;
    }
    drivers.push(...runDrivers(`canary step ${n} analysis`, run));
    const fail = failureWords(`canary step ${n} analysis`, run);
    if (fail) cur.fails.push(fail);
    const t = runTime(run);
    const names = run.templates.join(' + ');
    if (t.indefinite.length) {
      cur.until = {
        index: i,
        kind: 'analysis',
        words: `canary step ${n}, analysis ${names} (${t.indefinite.join('; ')}: it never completes by itself)`,
      };
      segments.push(cur);
      cur = { expected: 0, worst: 0, words: [], fails: [] };
      return;
    }
    // the worst case runs until the controller decides a failing metric (Failed or Error)
    const worst = Math.max(t.worst, runFailure(run)?.decidedWorst ?? 0);
    cur.expected += t.expected;
    cur.worst += worst;
    const extra = [
      ...t.invalid.map((w) => `${w}: the run errors and the rollout aborts here`),
      ...t.unknown.map((w) => `${w}: not counted`),
    ];
    cur.words.push(
      `step ${n} analysis ${names} ${formatSeconds(t.expected)}${worst > t.expected ? ` (worst ${formatSeconds(worst)}${worst > t.worst ? ', until the controller decides a failing metric' : ''})` : ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`,
    );
  });
  const router = settingOf(ctx, 'trafficRouting');
  drivers.push({
    name: 'trafficRouting (abort: weight shift, or a rolling update back to stable)',
    value: router?.value ?? 'none (a basic canary)',
    source: 'manifest',
    ...((router?.at ?? ctx.workload?.settings.strategy?.at)
      ? { at: router?.at ?? ctx.workload?.settings.strategy?.at }
      : {}),
  });
  const bg = ctx.workload?.argoRollouts?.backgroundAnalysis;
  if (bg) {
    const from = bg.startingStep?.value ?? 0;
    const prefix = `background analysis (from step ${from + 1})`;
    if (bg.startingStep)
      drivers.push({
        name: 'background analysis startingStep',
        value: String(from),
        source: 'manifest',
        ...(bg.startingStep.at ? { at: bg.startingStep.at } : {}),
      });
    drivers.push(...runDrivers(prefix, bg));
  }
  cur.expected += pods.expectedSeconds;
  cur.worst += pods.maxSeconds;
  cur.words.push(`the pods: ${pods.basis}`);
  segments.push(cur);
  return { segments, drivers };
}

/** The background analysis in words: when it starts, what it adds (nothing), when it aborts. */
function backgroundWords(ctx: PlatformContext): string | undefined {
  const bg = ctx.workload?.argoRollouts?.backgroundAnalysis;
  if (!bg) return undefined;
  const from = (bg.startingStep?.value ?? 0) + 1;
  const fails = runFailure(bg);
  return `background analysis ${bg.templates.join(' + ')} from step ${from} runs alongside the steps and is stopped when the rollout completes (no time added on the success path)${fails ? `; a failing metric aborts the rollout: ${fails.words.join('; ')} (times from the run's start)` : ''}${bg.missing.length ? `; ${bg.missing.join(', ')} not in the repository` : ''}`;
}

/**
 * What an abort takes (docs/features/scaledown-aborted-rs.md): with traffic routing the stable
 * ReplicaSet stayed at full scale, so the weight goes back at once; a basic canary (replica weights)
 * or dynamicStableScale shrank it, so the abort is a rolling update back to stable: its pods start.
 * blueGreen: the active Service never left the stable ReplicaSet before promotion.
 */
function abortModel(ctx: PlatformContext): { expected: number; worst: number; basis: string; what: string } {
  const router = settingOf(ctx, 'trafficRouting')?.value;
  const dynamic = settingOf(ctx, 'dynamicStableScale')?.value === true;
  if (isBlueGreen(ctx) || (router && !dynamic))
    return {
      expected: 10,
      worst: 60,
      basis: `one API call; the stable ReplicaSet is still at full scale (${isBlueGreen(ctx) ? 'blueGreen' : `trafficRouting ${router}`}), so traffic returns at once`,
      what: 'traffic goes back to stable at once',
    };
  const m = kubeDuration(ctx, 'Deployment');
  return {
    expected: 10 + m.expectedSeconds,
    worst: 60 + m.maxSeconds,
    basis: `${router ? `dynamicStableScale with trafficRouting ${router}` : 'a basic canary (no trafficRouting: weights are replica counts)'}: the canary shrank the stable ReplicaSet, so the abort is a rolling update back to stable: ${m.basis}`,
    what: 'a rolling update back to the stable ReplicaSet: its pods must start again',
  };
}

/** Operator time assumed for a manual promote at a wait (an indefinite pause or analysis). */
const PROMOTE_SECONDS = 120;

function duration(ctx: PlatformContext): DurationModel {
  if (!isBlueGreen(ctx)) {
    const m = kubeDuration(ctx, 'Deployment');
    const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
    if (window) {
      return {
        ...m,
        basis: `canary: ${m.basis}; a target within the rollbackWindow (${window} revisions) skips the steps`,
      };
    }
    const steps = ctx.workload?.canarySteps ?? [];
    if (steps.length === 0) {
      return {
        ...m,
        basis: `canary: ${m.basis}; the canary steps, pauses and analysis run again (steps not found in the manifest: not counted)`,
      };
    }
    const { segments, drivers } = canaryPath(ctx, m);
    const waits = segments.flatMap((s) => (s.until ? [s.until] : []));
    const bg = backgroundWords(ctx);
    return {
      expectedSeconds: segments.reduce((n, s) => n + s.expected, 0) + waits.length * PROMOTE_SECONDS,
      maxSeconds: segments.reduce((n, s) => n + s.worst, 0) + waits.length * PROMOTE_SECONDS * 5,
      drivers: [...m.drivers, ...drivers],
      basis: `canary without rollbackWindow: after a completed rollout the undo re-runs all ${steps.length} steps: ${segments
        .map(
          (s) =>
            `${s.words.join(' + ')}${s.until ? `, then waits at ${s.until.words} for a manual promote (~${PROMOTE_SECONDS}s operator time, worst 5×)` : ''}`,
        )
        .join('; ')}${bg ? `; ${bg}` : ''}`,
    };
  }
  const bg = blueGreenPath(ctx);
  const rest = bg.rest ?? { expected: 0, worst: 0, words: [] };
  const waits = bg.wait ? 1 : 0;
  const expected = bg.first.expected + rest.expected + waits * PROMOTE_SECONDS;
  const worst = bg.first.worst + rest.worst + waits * PROMOTE_SECONDS * 5;
  if (!Number.isFinite(expected) || !Number.isFinite(worst))
    throw new Error(`non-finite blueGreen duration (${expected}, ${worst})`);
  return {
    expectedSeconds: Math.max(1, Math.ceil(expected)),
    maxSeconds: Math.max(1, Math.ceil(expected), Math.ceil(worst)),
    drivers: bg.drivers,
    basis: `blueGreen: ${bg.first.words.join(' + ')}${bg.wait ? `, then waits at ${bg.wait.words} for a manual promote (~${PROMOTE_SECONDS}s operator time, worst 5×), then ${rest.words.join(' + ')}` : ''}; ${bg.skips}`,
  };
}

function status(ctx: PlatformContext): Command {
  return read(
    ...plugin(ctx, ['status'], rolloutName(ctx), '--timeout', secondsFlag(duration(ctx).maxSeconds)),
  );
}

/** The rollout tree's "# revision:N" lines, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(history(ctx), probes.rolloutsHistory, { var: REVISION });
}

/** The Rollout's status.phase (Healthy, Progressing, Paused, Degraded), read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('kubectl', 'get', ...rolloutsNs(ctx), '-o', 'json', '--', 'rollouts.argoproj.io', rolloutName(ctx)),
    probes.rolloutsPhase,
  );
}

/** The Rollout's phase, canary step and pause reasons on one line, for a polling check. */
function stateRead(ctx: PlatformContext, name: string): Command {
  return read(
    'kubectl',
    'get',
    ...rolloutsNs(ctx),
    '-o',
    'jsonpath=phase={.status.phase} step={.status.currentStepIndex} pause={.status.pauseConditions[*].reason};',
    '--',
    `rollouts.argoproj.io/${name}`,
  );
}

/** Degraded (aborted) and an inconclusive analysis stop a polling check (pkg/apis/rollouts/v1alpha1 PauseReason). */
const STOPPED = [
  {
    contains: 'phase=Degraded',
    result: 'fail',
    note: 'Degraded: the rollout aborted (an analysis of the target revision failed or errored, or it was aborted): traffic is on the stable ReplicaSet, the version being rolled back from',
  },
  {
    contains: 'InconclusiveAnalysisRun',
    result: 'fail',
    note: 'paused: an analysis of the target revision was Inconclusive: read its measurements, then promote or abort',
  },
] as const;

/** `kubectl argo rollouts status --timeout` until Healthy (it exits 1 on Degraded or at the timeout). */
function healthyCheck(ctx: PlatformContext, name: string, seconds: number): Check {
  return waitCheck(
    read(...plugin(ctx, ['status'], name, '--timeout', secondsFlag(seconds))),
    `the rollout ${name} is Healthy on the target revision`,
    seconds,
    'Healthy',
  );
}

/**
 * Polls the Rollout until it stops at the wait (status.currentStepIndex), completes (Healthy: an undo
 * that followed an abort returns to the stable ReplicaSet and skips the steps), or aborts (Degraded).
 */
function waitAtCheck(ctx: PlatformContext, name: string, wait: Wait, seconds: number): Check {
  return {
    ...pollCheck(
      stateRead(ctx, name),
      `the rollout ${name} waits at canary step ${wait.index + 1} (status.currentStepIndex ${wait.index}), or is Healthy`,
      seconds + WAIT_MARGIN,
    ),
    outcomes: [
      ...STOPPED,
      {
        contains: `step=${wait.index} `,
        result: 'pass',
        note: `waiting at canary step ${wait.index + 1}: read its measurements and promote it in the next steps`,
      },
      {
        contains: 'phase=Healthy',
        result: 'pass',
        note: 'Healthy: the rollout went straight to the target (an undo after an abort skips the steps): the promote steps have nothing left to do',
      },
    ],
  };
}

/**
 * Polls a blueGreen Rollout until it pauses before promotion (pause reason BlueGreenPause:
 * rollout/bluegreen.go reconcileBlueGreenPause), completes (Healthy: a fast-tracked undo), or aborts.
 */
function pausedCheck(ctx: PlatformContext, name: string, seconds: number): Check {
  return {
    ...pollCheck(
      stateRead(ctx, name),
      `the rollout ${name} is paused before promotion (pause reason BlueGreenPause), or is Healthy`,
      seconds + WAIT_MARGIN,
    ),
    outcomes: [
      ...STOPPED,
      {
        contains: 'BlueGreenPause',
        result: 'pass',
        note: 'paused before promotion: the target runs as the preview; read its measurements, then promote it',
      },
      {
        contains: 'phase=Healthy',
        result: 'pass',
        note: 'Healthy: the undo was fast-tracked (the target ReplicaSet was still up within its scaleDownDelay): nothing left to promote',
      },
    ],
  };
}

/** Operator time to read the measurements and decide, before a promote. */
function lookStep(
  ctx: PlatformContext,
  name: string,
  id: string,
  what: string,
  runs: { type: RunType; stepIndex?: number }[],
): PlatformStep {
  const cmd = (...verbs: string[]) => renderCommand(run(...plugin(ctx, verbs, name)));
  const described = runs.some((r) => runSelector(ctx, r.type, r.stepIndex) !== undefined);
  return step_({
    id,
    title: `Before promoting ${name}: read ${what} (read-only; rollbook never promotes)`,
    commands: lookCommands(ctx, name, runs),
    expectedSeconds: PROMOTE_SECONDS,
    maxSeconds: PROMOTE_SECONDS * 5,
    durationBasis: `operator reads the measurements and decides ~${PROMOTE_SECONDS}s (worst 5×)`,
    check: manualCheck(
      `the target revision's pods are Running and ready in the tree, and its AnalysisRun${described ? ' (the newest one described)' : ''} shows no ✖ failed and no ⚠ errored measurement`,
    ),
    onFailure: `Do not promote: ${cmd('abort')} (traffic returns to the stable ReplicaSet, the version being rolled back from) and escalate. If the measurements are bad only because the whole service is still degraded by the bad version, the incident commander may promote anyway or skip every remaining check with ${renderCommand(run(...plugin(ctx, ['promote'], name, '--full')))}.`,
  });
}

function canaryRollback(
  ctx: PlatformContext,
  name: string,
  undoCommand: Command,
  d: DurationModel,
): { steps: PlatformStep[]; waits: string[] } {
  const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
  const canary = !window && (ctx.workload?.canarySteps ?? []).length > 0;
  const segments = canary ? canaryPath(ctx, kubeDuration(ctx, 'Deployment')).segments : [];
  const waits = segments.flatMap((s) => (s.until ? [s.until] : []));
  const promoteFull = renderCommand(run(...plugin(ctx, ['promote'], name, '--full')));
  const bgRun = ctx.workload?.argoRollouts?.backgroundAnalysis;
  const bgFrom = bgRun ? (bgRun.startingStep?.value ?? 0) : undefined;
  // within rollbackWindow no analysis runs (rollout/analysis.go reconcileAnalysisRuns)
  const bgFails = window
    ? undefined
    : failureWords(`background analysis (from step ${(bgFrom ?? 0) + 1})`, bgRun);
  const first = segments[0];
  const bg = backgroundWords(ctx);
  const steps: PlatformStep[] = [];
  if (first?.until !== undefined)
    steps.push(
      step_({
        id: 'rollouts-undo',
        title: `Undo Argo Rollout ${name} to the chosen revision: after a completed rollout it re-runs the canary steps and stops at ${first.until.words}`,
        commands: [undoCommand],
        expectedSeconds: Math.max(1, Math.ceil(first.expected)),
        maxSeconds: Math.max(1, Math.ceil(first.worst)),
        durationBasis: `until ${first.until.words}: ${first.words.join(' + ') || 'no timed step before it'}${bg ? `; ${bg}` : ''}; an undo that follows an abort returns to the stable ReplicaSet and skips the steps (seconds)`,
        check: waitAtCheck(ctx, name, first.until, first.worst),
        onFailure: ifAnalysisFails(ctx, name, [...first.fails, bgFails]),
      }),
    );
  else
    steps.push(
      timedStep(d, {
        id: 'rollouts-undo',
        title: `Undo Argo Rollout ${name} to the chosen revision`,
        commands: [undoCommand],
        check: healthyCheck(ctx, name, d.maxSeconds),
        onFailure: `If the rollout pauses at a canary step, promote it through the steps (${renderCommand(run(...plugin(ctx, ['promote'], name)))}) or skip them all (${promoteFull}). ${ifAnalysisFails(ctx, name, [...(first?.fails ?? []), bgFails])}`,
      }),
    );
  segments.slice(1).forEach((seg, j) => {
    const wait = waits[j];
    if (!wait) return;
    const next = seg.until;
    const suffix = j === 0 ? '' : `-${j + 1}`;
    const inline = wait.kind === 'analysis' ? [{ type: 'Step' as const, stepIndex: wait.index }] : [];
    const background = bgFrom !== undefined && bgFrom <= wait.index ? [{ type: 'Background' as const }] : [];
    steps.push(
      lookStep(
        ctx,
        name,
        `rollouts-look${suffix}`,
        `the target revision's canary at step ${wait.index + 1}${[...inline, ...background].length ? ` and the measurements of its ${[...(inline.length ? [`step ${wait.index + 1} analysis`] : []), ...(background.length ? ['background analysis'] : [])].join(' and ')}` : ''}`,
        [...inline, ...background],
      ),
    );
    const what =
      wait.kind === 'pause'
        ? `The undo stops at ${wait.words}: promote ${name} by hand once the canary of the target revision is healthy`
        : `The undo waits at ${wait.words}: promote ${name} by hand (it skips the analysis step) once its measurements pass`;
    steps.push(
      step_({
        id: `rollouts-promote${suffix}`,
        title: what,
        commands: [run(...plugin(ctx, ['promote'], name))],
        expectedSeconds: Math.max(1, Math.ceil(seg.expected)),
        maxSeconds: Math.max(1, Math.ceil(seg.expected), Math.ceil(seg.worst)),
        durationBasis: `the promote itself is one API call (the operator's time is the step before); then ${seg.words.join(' + ') || 'nothing timed'}${next ? ` until ${next.words}` : ' until Healthy'}`,
        check: next ? waitAtCheck(ctx, name, next, seg.worst) : healthyCheck(ctx, name, seg.worst),
        onFailure: ifAnalysisFails(ctx, name, [...seg.fails, bgFails]),
      }),
    );
  });
  return { steps, waits: waits.map((w) => w.words) };
}

function blueGreenRollback(
  ctx: PlatformContext,
  name: string,
  undoCommand: Command,
  d: DurationModel,
): { steps: PlatformStep[]; waits: string[] } {
  const bg = blueGreenPath(ctx);
  const pre = bg.runs.find((r) => r.type === 'PrePromotion');
  const post = bg.runs.find((r) => r.type === 'PostPromotion');
  const preFails = failureWords('prePromotionAnalysis', pre?.run);
  const postFails = failureWords('postPromotionAnalysis', post?.run);
  const postAbort = post
    ? ' A postPromotionAnalysis that fails or errors aborts after the switch: the active Service goes back to the stable ReplicaSet, the version being rolled back from (docs/features/bluegreen.md).'
    : '';
  if (!bg.wait || !bg.rest)
    return {
      steps: [
        timedStep(d, {
          id: 'rollouts-undo',
          title: `Undo Argo Rollout ${name} to the chosen revision: the target starts as the preview ReplicaSet${pre ? `, prePromotionAnalysis ${pre.run.templates.join(' + ')} runs` : ''}, then the active Service switches to it`,
          commands: [undoCommand],
          check: healthyCheck(ctx, name, d.maxSeconds),
          onFailure: `${ifAnalysisFails(ctx, name, [preFails, postFails])}${postAbort}`,
        }),
      ],
      waits: [],
    };
  const rest = bg.rest;
  const promote = bg.wait.full
    ? run(...plugin(ctx, ['promote'], name, '--full'))
    : run(...plugin(ctx, ['promote'], name));
  return {
    steps: [
      step_({
        id: 'rollouts-undo',
        title: `Undo Argo Rollout ${name} to the chosen revision: the target starts as the preview ReplicaSet${pre ? `, prePromotionAnalysis ${pre.run.templates.join(' + ')} runs` : ''}, and it stops at ${bg.wait.words}`,
        commands: [undoCommand],
        expectedSeconds: Math.max(1, Math.ceil(bg.first.expected)),
        maxSeconds: Math.max(1, Math.ceil(bg.first.expected), Math.ceil(bg.first.worst)),
        durationBasis: `until ${bg.wait.words}: ${bg.first.words.join(' + ')}; ${bg.skips}`,
        check: pausedCheck(ctx, name, bg.first.worst),
        onFailure: ifAnalysisFails(ctx, name, [preFails]),
      }),
      lookStep(
        ctx,
        name,
        'rollouts-look',
        `the preview of the target revision${pre ? ' and the measurements of its prePromotionAnalysis' : ''}`,
        pre ? [{ type: 'PrePromotion' }] : [],
      ),
      step_({
        id: 'rollouts-promote',
        title: bg.wait.full
          ? `The undo waits at ${bg.wait.words}: promote ${name} fully by hand (it skips the analysis) once its measurements pass`
          : `The undo stops at ${bg.wait.words}: promote ${name} by hand: the active Service switches to the target revision`,
        commands: [promote],
        expectedSeconds: Math.max(1, Math.ceil(rest.expected)),
        maxSeconds: Math.max(1, Math.ceil(rest.expected), Math.ceil(rest.worst)),
        durationBasis: `the promote itself is one API call (the operator's time is the step before); then ${rest.words.join(' + ')}`,
        check: healthyCheck(ctx, name, rest.worst),
        onFailure: `${ifAnalysisFails(ctx, name, [postFails])}${postAbort}`,
      }),
    ],
    waits: [bg.wait.words],
  };
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const name = rolloutName(ctx);
  const d = duration(ctx);
  const undoCommand = run(...plugin(ctx, ['undo'], name, '--to-revision', { var: REVISION }));
  const inputs = [
    ...namespaceInputs(ctx, name),
    input(REVISION, `Revision of Rollout ${name} to return to`, history(ctx)),
  ];
  const a = abortModel(ctx);
  const abort = fixedStep(a.expected, a.worst, a.basis, {
    id: 'rollouts-abort',
    title: `Only while a rollout of the bad version is still in progress: abort ${name} (${a.what}; the undo that follows returns to the stable ReplicaSet without re-running the steps)`,
    conditional: true,
    commands: [run(...plugin(ctx, ['abort'], name))],
    check: probeCheck(
      read('kubectl', 'get', ...rolloutsNs(ctx), '-o', 'json', '--', 'rollouts.argoproj.io', name),
      probes.rolloutsAborted,
      undefined,
      30,
      2,
    ),
    onFailure: 'If the abort is refused, the rollout already completed: go on with the undo.',
  });
  const path = isBlueGreen(ctx)
    ? blueGreenRollback(ctx, name, undoCommand, d)
    : canaryRollback(ctx, name, undoCommand, d);
  const steps: PlatformStep[] = [abort, ...path.steps];
  if (managedByArgoCd(ctx)) {
    return underArgoCd(
      ctx,
      argoCdAppArg(ctx),
      { steps, inputs, what: 'kubectl argo rollouts undo' },
      d.maxSeconds,
    );
  }
  const abortWhy = `during a rollout, ${renderCommand(run(...plugin(ctx, ['abort'], name)))} comes first: ${a.what}`;
  return rollbackOf(
    path.waits.length === 0,
    path.waits.length
      ? `kubectl argo rollouts undo re-runs the ${isBlueGreen(ctx) ? 'blueGreen promotion' : 'canary steps'} of ${name}, and the rollout waits for a manual promote at ${path.waits.join('; ')} (${abortWhy}).`
      : `kubectl argo rollouts undo restores the Rollout's previous pod template in one command (${abortWhy}).`,
    steps,
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const name = rolloutName(ctx);
  const window = settingOf(ctx, 'rollbackWindowRevisions');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'argo-rollouts-abort-keeps-spec',
      kind: 'config',
      severity: 'warning',
      subject: `rollout ${name}`,
      message: `kubectl argo rollouts abort returns traffic to stable, but spec.template still holds the bad version: a retry or the next change re-deploys it.`,
      mitigation: `After an abort of ${name}, undo it (${renderCommand(run(...plugin(ctx, ['undo'], name)))}) or revert the image change in git.`,
      appRollbackSafe: true,
      revertLossless: true,
    }),
  ];
  if (!window) {
    out.push(
      hazard(ctx, {
        rule: 'argo-rollouts-steps-rerun',
        kind: 'config',
        severity: 'info',
        subject: `rollout ${name}`,
        message: isBlueGreen(ctx)
          ? `${name} has no rollbackWindow: an undo goes through the blueGreen promotion again (preview, pre- and post-promotion analysis, the pause before promotion), so the rollback takes as long as a deploy.`
          : `${name} has no rollbackWindow: an undo goes through every canary step, pause and analysis again, so the rollback takes as long as a deploy.`,
        mitigation: `Set spec.rollbackWindow.revisions (e.g. 3) on ${name} so rollbacks to recent revisions skip the ${isBlueGreen(ctx) ? 'analyses and the pause' : 'steps'}.`,
        appRollbackSafe: true,
        revertLossless: true,
      }),
    );
  }
  out.push(
    ...kubeHazards(ctx, {
      prefix: 'argo-rollouts',
      ref: `rollout ${name}`,
    }),
  );
  return out;
}

export const argoRollouts: Platform = {
  id: 'argo-rollouts',
  title: 'Argo Rollouts',
  history,
  status,
  statusExitCodeDecides: true,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
