/**
 * Argo Rollouts: `kubectl argo rollouts undo NAME --to-revision N` after a rollout (abort during
 * one: `kubectl argo rollouts abort NAME`, which leaves spec.template on the new version).
 *
 * Names: rollout from workload.name, else deploy.target.rollout, deploy.workload, service.name;
 * namespace as for Kubernetes. deploy.target keys: rollout, namespace.
 * Settings: strategy (canary | blueGreen), replicas, maxSurge/maxUnavailable (canary), pod timings
 * (see k8s.ts), rollbackWindowRevisions, scaleDownDelaySeconds (blueGreen, default 30); autoSync /
 * selfHeal when an Argo CD application syncs the Rollout (argocd fact app): the undo is then wrapped
 * in disable auto-sync → undo → git revert → re-enable.
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, DurationDriver } from '../model/plan.js';
import * as probes from '../probes/argo-rollouts.js';
import { formatSeconds } from '../util/seconds.js';
import { renderCommand } from '../util/shell.js';
import { runDrivers, runTime, secondsToFail } from './argo-rollouts-analysis.js';
import { argoCdAppArg, managedByArgoCd, underArgoCd } from './argocd.js';
import {
  check,
  Drivers,
  durationModel,
  fixedStep,
  hazard,
  input,
  namespaceOf,
  type PlatformStep,
  pollCheck,
  probeCheck,
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
import { kubeDuration, kubeHazards, nsFlag, podTimes } from './k8s.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const REVISION = 'TARGET_REVISION';

function rolloutName(ctx: PlatformContext): string {
  return resourceName(ctx, undefined, 'rollout');
}

/** `kubectl argo rollouts VERB… -n NS FLAGS… -- NAME`: the name after "--", never an option. */
function plugin(ctx: PlatformContext, verbs: string[], name: string, ...flags: Arg[]): Arg[] {
  return ['kubectl', 'argo', 'rollouts', ...verbs, ...nsFlag(ctx), ...flags, '--', name];
}

function history(ctx: PlatformContext): Command {
  return read(...plugin(ctx, ['get', 'rollout'], rolloutName(ctx)));
}

function isBlueGreen(ctx: PlatformContext): boolean {
  return settingOf(ctx, 'strategy')?.value?.toLowerCase() === 'bluegreen';
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
  let cur: Segment = { expected: 0, worst: 0, words: [] };
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
        cur = { expected: 0, worst: 0, words: [] };
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
    const t = runTime(run);
    const names = run.templates.join(' + ');
    if (t.indefinite.length) {
      cur.until = {
        index: i,
        kind: 'analysis',
        words: `canary step ${n}, analysis ${names} (${t.indefinite.join('; ')}: it never completes by itself)`,
      };
      segments.push(cur);
      cur = { expected: 0, worst: 0, words: [] };
      return;
    }
    cur.expected += t.expected;
    cur.worst += t.worst;
    const extra = [
      ...t.invalid.map((w) => `${w}: the run errors and the rollout aborts here`),
      ...t.unknown.map((w) => `${w}: not counted`),
    ];
    cur.words.push(
      `step ${n} analysis ${names} ${formatSeconds(t.expected)}${t.worst > t.expected ? ` (worst ${formatSeconds(t.worst)})` : ''}${extra.length ? ` [${extra.join('; ')}]` : ''}`,
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
  const fails = bg.metrics
    .map((m) => {
      const s = secondsToFail(m);
      return s === undefined
        ? undefined
        : `${m.template}/${m.name} after ${(m.failureLimit?.value ?? 0) + 1} failed measurements (~${formatSeconds(Math.max(1, s))})`;
    })
    .filter((x): x is string => x !== undefined);
  return `background analysis ${bg.templates.join(' + ')} from step ${from} runs alongside the steps and is stopped when the rollout completes (no time added on the success path)${fails.length ? `; a failing metric aborts the rollout: ${fails.join(', ')}` : ''}${bg.missing.length ? `; ${bg.missing.join(', ')} not in the repository` : ''}`;
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
  const d = new Drivers(ctx);
  const replicas = Math.max(1, d.get('replicas', 1));
  const pod = podTimes(d);
  const scaleDown = d.get('scaleDownDelaySeconds', 30);
  return durationModel(
    pod.expected,
    pod.worst + scaleDown,
    d,
    `blueGreen: all ${replicas} pods of the target start at once (${pod.words}), then the active service switches; worst case: 3× pull, failureThreshold extra probe periods, + scaleDownDelaySeconds ${scaleDown}s before the old pods go`,
  );
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
    read('kubectl', 'get', ...nsFlag(ctx), '-o', 'json', '--', 'rollouts.argoproj.io', rolloutName(ctx)),
    probes.rolloutsPhase,
  );
}

/**
 * Polls the Rollout until it stops at the wait (status.currentStepIndex), completes (Healthy: an undo
 * that followed an abort returns to the stable ReplicaSet and skips the steps), or aborts (Degraded).
 */
function waitAtCheck(ctx: PlatformContext, name: string, wait: Wait, seconds: number): Check {
  return {
    ...pollCheck(
      read(
        'kubectl',
        'get',
        ...nsFlag(ctx),
        '-o',
        'jsonpath=phase={.status.phase} step={.status.currentStepIndex};',
        '--',
        `rollouts.argoproj.io/${name}`,
      ),
      `the rollout ${name} waits at canary step ${wait.index + 1} (status.currentStepIndex ${wait.index}), or is Healthy`,
      seconds + WAIT_MARGIN,
    ),
    outcomes: [
      {
        contains: 'phase=Degraded',
        result: 'fail',
        note: `Degraded: the rollout aborted (an analysis of the target revision failed, or it was aborted): the stable ReplicaSet keeps serving`,
      },
      {
        contains: `step=${wait.index};`,
        result: 'pass',
        note: `waiting at canary step ${wait.index + 1}: promote it in the next step`,
      },
      {
        contains: 'phase=Healthy',
        result: 'pass',
        note: 'Healthy: the rollout went straight to the target (an undo after an abort skips the steps): the promote steps have nothing left to do',
      },
    ],
  };
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const name = rolloutName(ctx);
  const ns = namespaceOf(ctx);
  const inNs = ns ? ` -n ${ns}` : '';
  const d = duration(ctx);
  const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
  const canary = !isBlueGreen(ctx) && !window && (ctx.workload?.canarySteps ?? []).length > 0;
  const segments = canary ? canaryPath(ctx, kubeDuration(ctx, 'Deployment')).segments : [];
  const waits = segments.flatMap((s) => (s.until ? [s.until] : []));
  const promoteFull = renderCommand(run(...plugin(ctx, ['promote'], name, '--full')));
  const undoCommand = run(...plugin(ctx, ['undo'], name, '--to-revision', { var: REVISION }));
  const first = segments[0];
  const bg = backgroundWords(ctx);
  const step =
    first?.until !== undefined
      ? step_({
          id: 'rollouts-undo',
          title: `Undo Argo Rollout ${name} to the chosen revision: after a completed rollout it re-runs the canary steps and stops at ${first.until.words}`,
          commands: [undoCommand],
          expectedSeconds: Math.max(1, Math.ceil(first.expected)),
          maxSeconds: Math.max(1, Math.ceil(first.worst)),
          durationBasis: `until ${first.until.words}: ${first.words.join(' + ') || 'no timed step before it'}${bg ? `; ${bg}` : ''}; an undo that follows an abort returns to the stable ReplicaSet and skips the steps (seconds)`,
          check: waitAtCheck(ctx, name, first.until, first.worst),
          onFailure: `If the rollout is Degraded, an analysis of the target revision failed: the stable ReplicaSet keeps serving; escalate. To skip the remaining steps and analyses instead: ${promoteFull} (the target revision then gets no canary check).`,
        })
      : timedStep(d, {
          id: 'rollouts-undo',
          title: `Undo Argo Rollout ${name} to the chosen revision`,
          commands: [undoCommand],
          check: waitCheck(
            status(ctx),
            `the rollout ${name} is Healthy on the target revision`,
            d.maxSeconds,
            'Healthy',
          ),
          onFailure: `If the rollout pauses at a canary step, promote it through the steps (${promoteFull}); if analysis fails on the target revision, run kubectl argo rollouts abort ${name}${inNs} (the stable ReplicaSet keeps serving) and escalate.`,
        });
  const inputs = [input(REVISION, `Revision of Rollout ${name} to return to`, history(ctx))];
  const a = abortModel(ctx);
  const abort = fixedStep(a.expected, a.worst, a.basis, {
    id: 'rollouts-abort',
    title: `Only while a rollout of the bad version is still in progress: abort ${name} (${a.what}; the undo that follows returns to the stable ReplicaSet without re-running the steps)`,
    conditional: true,
    commands: [run(...plugin(ctx, ['abort'], name))],
    check: check(
      read(...plugin(ctx, ['get', 'rollout'], name)),
      'Status shows Degraded (aborted) and all traffic on the stable ReplicaSet',
      30,
      2,
    ),
    onFailure: 'If the abort is refused, the rollout already completed: go on with the undo.',
  });
  const steps: PlatformStep[] = [abort, step];
  segments.slice(1).forEach((seg, j) => {
    const wait = waits[j];
    if (!wait) return;
    const next = seg.until;
    const what =
      wait.kind === 'pause'
        ? `The undo stops at ${wait.words}: promote ${name} by hand once the canary of the target revision is healthy`
        : `The undo waits at ${wait.words}: promote ${name} by hand (it skips the analysis step) once its measurements pass`;
    steps.push(
      step_({
        id: j === 0 ? 'rollouts-promote' : `rollouts-promote-${j + 1}`,
        title: what,
        commands: [run(...plugin(ctx, ['promote'], name))],
        expectedSeconds: Math.ceil(PROMOTE_SECONDS + seg.expected),
        maxSeconds: Math.ceil(PROMOTE_SECONDS * 5 + seg.worst),
        durationBasis: `operator decision ~${PROMOTE_SECONDS}s (worst 5×), then ${seg.words.join(' + ') || 'nothing timed'}${next ? ` until ${next.words}` : ' until Healthy'}`,
        check: next
          ? waitAtCheck(ctx, name, next, seg.worst)
          : waitCheck(
              read(...plugin(ctx, ['status'], name, '--timeout', secondsFlag(seg.worst))),
              `the rollout ${name} is Healthy on the target revision`,
              seg.worst,
              'Healthy',
            ),
        onFailure: `If the target revision's canary is unhealthy, do not promote: kubectl argo rollouts abort ${name}${inNs} and escalate. To skip every remaining step and analysis: ${promoteFull} (the target revision then gets no canary check).`,
      }),
    );
  });
  if (managedByArgoCd(ctx)) {
    return underArgoCd(
      ctx,
      argoCdAppArg(ctx),
      { steps, inputs, what: 'kubectl argo rollouts undo' },
      d.maxSeconds,
    );
  }
  return rollbackOf(
    waits.length === 0,
    waits.length
      ? `kubectl argo rollouts undo re-runs the canary steps of ${name}, and the rollout waits for a manual promote at ${waits.map((w) => w.words).join('; ')} (during a rollout, kubectl argo rollouts abort ${name} comes first: ${a.what}).`
      : `kubectl argo rollouts undo restores the Rollout's previous pod template in one command (during a rollout, kubectl argo rollouts abort ${name} comes first: ${a.what}).`,
    steps,
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const name = rolloutName(ctx);
  const ns = namespaceOf(ctx);
  const inNs = ns ? ` -n ${ns}` : '';
  const window = settingOf(ctx, 'rollbackWindowRevisions');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'argo-rollouts-abort-keeps-spec',
      kind: 'config',
      severity: 'warning',
      subject: `rollout ${name}`,
      message: `kubectl argo rollouts abort returns traffic to stable, but spec.template still holds the bad version: a retry or the next change re-deploys it.`,
      mitigation: `After an abort of ${name}, undo it (kubectl argo rollouts undo ${name}${inNs}) or revert the image change in git.`,
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
        message: `${name} has no rollbackWindow: an undo goes through every canary step, pause and analysis again, so the rollback takes as long as a deploy.`,
        mitigation: `Set spec.rollbackWindow.revisions (e.g. 3) on ${name} so rollbacks to recent revisions skip the steps.`,
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
