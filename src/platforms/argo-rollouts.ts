/**
 * Argo Rollouts: `kubectl argo rollouts undo NAME --to-revision N` after a rollout (abort during
 * one: `kubectl argo rollouts abort NAME`, which leaves spec.template on the new version).
 *
 * Names: rollout from attributes.rollout, else workload.name, deploy.target.rollout,
 * deploy.workload, service.name; namespace as for Kubernetes. Attribute keys: rollout, namespace.
 * Settings: strategy (canary | blueGreen), replicas, maxSurge/maxUnavailable (canary), pod timings
 * (see k8s.ts), rollbackWindowRevisions, scaleDownDelaySeconds (blueGreen, default 30); autoSync /
 * selfHeal when an Argo CD application syncs the Rollout (attribute app): the undo is then wrapped
 * in disable auto-sync → undo → git revert → re-enable.
 */
import type { Finding } from '../model/finding.js';
import type { Command } from '../model/plan.js';
import { argoCdAppArg, managedByArgoCd, underArgoCd } from './argocd.js';
import {
  Drivers,
  durationModel,
  hazard,
  input,
  namespaceOf,
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
  return resourceName(ctx, 'rollout');
}

function plugin(ctx: PlatformContext, verb: string, ...rest: string[]): string[] {
  return ['kubectl', 'argo', 'rollouts', verb, ...rest, ...nsFlag(ctx)];
}

function history(ctx: PlatformContext): Command {
  return read(...plugin(ctx, 'get', 'rollout', rolloutName(ctx)));
}

function isBlueGreen(ctx: PlatformContext): boolean {
  return settingOf(ctx, 'strategy')?.value?.toLowerCase() === 'bluegreen';
}

function duration(ctx: PlatformContext): DurationModel {
  if (!isBlueGreen(ctx)) {
    const m = kubeDuration(ctx, 'Deployment');
    const window = settingOf(ctx, 'rollbackWindowRevisions')?.value;
    return {
      ...m,
      basis: `canary: ${m.basis}; ${window ? `a target within the rollbackWindow (${window} revisions) skips the steps` : 'the canary steps, pauses and analysis run again (not modelled: no rollbackWindow)'}`,
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
  return read(...plugin(ctx, 'status', rolloutName(ctx), '--timeout', secondsFlag(duration(ctx).maxSeconds)));
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const name = rolloutName(ctx);
  const ns = namespaceOf(ctx);
  const inNs = ns ? ` -n ${ns}` : '';
  const d = duration(ctx);
  const step = timedStep(d, {
    id: 'rollouts-undo',
    title: `Undo Argo Rollout ${name} to the chosen revision`,
    commands: [run(...plugin(ctx, 'undo', name), '--to-revision', { var: REVISION })],
    check: waitCheck(
      status(ctx),
      `the rollout ${name} is Healthy on the target revision`,
      d.maxSeconds,
      'Healthy',
    ),
    onFailure: `If the rollout pauses at a canary step, promote it through the steps (kubectl argo rollouts promote ${name} --full${inNs}); if analysis fails on the target revision, run kubectl argo rollouts abort ${name}${inNs} (the stable ReplicaSet keeps serving) and escalate.`,
  });
  const inputs = [input(REVISION, `Revision of Rollout ${name} to return to`, history(ctx))];
  if (managedByArgoCd(ctx)) {
    return underArgoCd(
      ctx,
      argoCdAppArg(ctx),
      { steps: [step], inputs, what: 'kubectl argo rollouts undo' },
      d.maxSeconds,
    );
  }
  return rollbackOf(
    true,
    `kubectl argo rollouts undo restores the Rollout's previous pod template in one command (during a rollout, kubectl argo rollouts abort ${name} returns traffic to stable first).`,
    [step],
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
  rollback,
  duration,
  hazards,
};
