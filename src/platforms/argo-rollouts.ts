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
import type { Arg, Check, Command } from '../model/plan.js';
import * as probes from '../probes/argo-rollouts.js';
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
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  secondsFlag,
  settingOf,
  timedStep,
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

/** The canary's pauses: timed ones add up; an indefinite one waits for a manual promote. */
function pauses(ctx: PlatformContext): {
  seconds: number;
  timed: number;
  indefinite: number[];
  analysis: number;
} {
  const steps = ctx.workload?.canarySteps ?? [];
  let seconds = 0;
  let timed = 0;
  const indefinite: number[] = [];
  steps.forEach((s, i) => {
    if (s.kind !== 'pause') return;
    if (s.indefinite) indefinite.push(i);
    else {
      seconds += s.seconds ?? 0;
      timed++;
    }
  });
  return { seconds, timed, indefinite, analysis: steps.filter((s) => s.kind === 'analysis').length };
}

/** Operator time assumed for a manual promote at an indefinite pause. */
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
    const p = pauses(ctx);
    const steps = ctx.workload?.canarySteps ?? [];
    if (steps.length === 0) {
      return {
        ...m,
        basis: `canary: ${m.basis}; the canary steps, pauses and analysis run again (steps not found in the manifest: not counted)`,
      };
    }
    const drivers = [...m.drivers];
    steps.forEach((s, i) => {
      if (s.kind !== 'pause') return;
      drivers.push({
        name: `canary step ${i + 1} pause`,
        value: s.indefinite ? 'indefinite (manual promote)' : String(s.seconds),
        source: 'manifest',
        ...(s.at ? { at: s.at } : {}),
      });
    });
    const manualWait = p.indefinite.length * PROMOTE_SECONDS;
    return {
      expectedSeconds: m.expectedSeconds + p.seconds + manualWait,
      maxSeconds: m.maxSeconds + p.seconds + manualWait * 5,
      drivers,
      basis: `canary without rollbackWindow: the undo re-runs all ${steps.length} steps: ${p.timed} timed pause${p.timed === 1 ? '' : 's'} (${p.seconds}s)${p.indefinite.length ? ` + ${p.indefinite.length} indefinite pause${p.indefinite.length === 1 ? '' : 's'} at step ${p.indefinite.map((i) => i + 1).join(', ')} waiting for a manual promote (~${PROMOTE_SECONDS}s operator time each, worst 5×)` : ''}${p.analysis ? ` + ${p.analysis} analysis step(s) (their runs are not timed)` : ''} + the pods: ${m.basis}`,
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

function rollback(ctx: PlatformContext): PlatformRollback {
  const name = rolloutName(ctx);
  const ns = namespaceOf(ctx);
  const inNs = ns ? ` -n ${ns}` : '';
  const d = duration(ctx);
  const step = timedStep(d, {
    id: 'rollouts-undo',
    title: `Undo Argo Rollout ${name} to the chosen revision`,
    commands: [run(...plugin(ctx, ['undo'], name, '--to-revision', { var: REVISION }))],
    check: waitCheck(
      status(ctx),
      `the rollout ${name} is Healthy on the target revision`,
      d.maxSeconds,
      'Healthy',
    ),
    onFailure: `If the rollout pauses at a canary step, promote it through the steps (kubectl argo rollouts promote ${name} --full${inNs}); if analysis fails on the target revision, run kubectl argo rollouts abort ${name}${inNs} (the stable ReplicaSet keeps serving) and escalate.`,
  });
  const inputs = [input(REVISION, `Revision of Rollout ${name} to return to`, history(ctx))];
  const abort = fixedStep(
    10,
    60,
    'one API call; the stable ReplicaSet is still scaled, so traffic returns at once',
    {
      id: 'rollouts-abort',
      title: `Only while a rollout of the bad version is still in progress: abort ${name} (traffic goes back to stable at once)`,
      conditional: true,
      commands: [run(...plugin(ctx, ['abort'], name))],
      check: check(
        read(...plugin(ctx, ['get', 'rollout'], name)),
        'Status shows Degraded (aborted) and all traffic on the stable ReplicaSet',
        30,
        2,
      ),
      onFailure: 'If the abort is refused, the rollout already completed: go on with the undo.',
    },
  );
  const p = pauses(ctx);
  const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
  const steps: PlatformStep[] = [abort, step];
  if (!isBlueGreen(ctx) && !window && p.indefinite.length) {
    steps.push(
      fixedStep(PROMOTE_SECONDS, PROMOTE_SECONDS * 5, 'operator decision at each indefinite pause', {
        id: 'rollouts-promote',
        title: `The undo stops at the indefinite pause (canary step ${p.indefinite.map((i) => i + 1).join(', ')}): promote ${name} by hand once the canary of the target revision is healthy`,
        commands: [run(...plugin(ctx, ['promote'], name))],
        check: waitCheck(
          status(ctx),
          `the rollout ${name} is Healthy on the target revision`,
          d.maxSeconds,
          'Healthy',
        ),
        onFailure: `If the target revision's canary is unhealthy, do not promote: kubectl argo rollouts abort ${name}${inNs} and escalate.`,
      }),
    );
  }
  if (managedByArgoCd(ctx)) {
    return underArgoCd(
      ctx,
      argoCdAppArg(ctx),
      { steps, inputs, what: 'kubectl argo rollouts undo' },
      d.maxSeconds,
    );
  }
  const manualPromote = steps.some((s) => s.id === 'rollouts-promote');
  return rollbackOf(
    !manualPromote,
    manualPromote
      ? `kubectl argo rollouts undo re-runs the canary steps of ${name}, and an indefinite pause waits for a manual promote (an abort during a rollout is immediate: traffic returns to stable).`
      : `kubectl argo rollouts undo restores the Rollout's previous pod template in one command (during a rollout, kubectl argo rollouts abort ${name} returns traffic to stable first).`,
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
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
