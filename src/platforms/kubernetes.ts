/**
 * Kubernetes Deployment / StatefulSet / DaemonSet: `kubectl rollout undo`.
 *
 * Names: workload.kind (Deployment | StatefulSet | DaemonSet) or deploy.workload ("deployment/x",
 * "deploy/x", "sts/x", "statefulset/x", "ds/x", "daemonset/x"); name from workload.name, else
 * deploy.workload, else service.name; namespace from workload.namespace,
 * deploy.target.namespace, deploy.namespace (omitted when unknown: kubectl's context namespace).
 * deploy.target keys: namespace, manifest (path of the manifest to re-apply when there is no history;
 * defaults to the workload's file, then deploy.manifests[0]), app (the Argo CD application, when
 * settings autoSync/selfHeal say Argo CD syncs this workload: the undo is then wrapped in
 * disable auto-sync → undo → git revert → re-enable).
 */
import type { Check, Command } from '../model/plan.js';
import { statefulsetUpdated, statefulsetUpdating } from '../probes/kubernetes.js';
import { argoCdAppArg, managedByArgoCd, underArgoCd } from './argocd.js';
import {
  check,
  fixedStep,
  input,
  manual,
  manualCheck,
  type PlatformStep,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  secondsFlag,
  settingOf,
  targetFact,
  timedStep,
  waitCheck,
} from './common.js';
import { type KubeKind, kubeDuration, kubeHazards, kubeKind, kubeRef, nsFlag } from './k8s.js';
import type { Platform, PlatformContext, PlatformRollback } from './types.js';

const REVISION = 'TARGET_REVISION';
const GOOD_COMMIT = 'GOOD_COMMIT';

const DONE_TEXT: Record<KubeKind, string> = {
  Deployment: 'successfully rolled out',
  DaemonSet: 'successfully rolled out',
  StatefulSet: 'complete',
};

function history(ctx: PlatformContext): Command {
  return read('kubectl', 'rollout', 'history', ...nsFlag(ctx), '--', kubeRef(ctx));
}

function isOnDelete(ctx: PlatformContext): boolean {
  return kubeKind(ctx) === 'StatefulSet' && settingOf(ctx, 'strategy')?.value === 'OnDelete';
}

/**
 * The StatefulSet itself: the only status an OnDelete StatefulSet has (rollout status refuses it).
 * Its counts are compared by a probe (src/probes/kubernetes.ts): an exit code cannot say whether
 * updatedReplicas equals spec.replicas.
 */
function podCounts(ctx: PlatformContext): Command {
  return read('kubectl', 'get', ...nsFlag(ctx), '-o', 'json', '--', kubeRef(ctx));
}

/** The pods are all on the update revision and ready: what the status command's exit code cannot say. */
function doneCheck(ctx: PlatformContext): Check | undefined {
  return isOnDelete(ctx) ? probeCheck(podCounts(ctx), statefulsetUpdated, undefined, 30, 2) : undefined;
}

function status(ctx: PlatformContext): Command {
  if (isOnDelete(ctx)) return podCounts(ctx);
  const max = kubeDuration(ctx).maxSeconds;
  return read(
    'kubectl',
    'rollout',
    'status',
    ...nsFlag(ctx),
    `--timeout=${secondsFlag(max)}`,
    '--',
    kubeRef(ctx),
  );
}

/** The history must list the target revision (its first column), read from `rollout history`. */
export function revisionCheck(ctx: PlatformContext): Check {
  if (settingOf(ctx, 'revisionHistoryLimit')?.value === 0)
    return manualCheck(
      'you can name the last good commit of the manifests (there is no rollout history)',
      120,
    );
  return {
    ...check(history(ctx), 'the rollout history lists the target revision', 30, 1),
    listsRevision: { var: REVISION },
  };
}

/**
 * `rollout status --watch=false` answers once: "successfully rolled out" (complete), "Waiting for …"
 * (progressing), or exits 1 with "exceeded its progress deadline" (stalled, Deployments only).
 */
function deployStateCheck(ctx: PlatformContext): Check {
  if (isOnDelete(ctx)) return probeCheck(podCounts(ctx), statefulsetUpdating);
  return {
    ...check(
      read('kubectl', 'rollout', 'status', ...nsFlag(ctx), '--watch=false', '--', kubeRef(ctx)),
      'the rollout is complete or stalled, not progressing',
      30,
      1,
    ),
    outcomes: [
      {
        contains: 'exceeded its progress deadline',
        result: 'pass',
        note: 'stalled: the rollout exceeded its progress deadline and is not progressing (the usual reason to roll back)',
      },
      {
        contains: 'Waiting for',
        result: 'fail',
        note: 'progressing: a rollout is still under way; wait for it or pause it first',
      },
      { contains: 'successfully rolled out', result: 'pass', note: 'complete: no rollout in progress' },
      { contains: 'roll out complete', result: 'pass', note: 'complete: no rollout in progress' },
      { contains: 'rolling update complete', result: 'pass', note: 'complete: no rollout in progress' },
    ],
  };
}

function manifestPath(ctx: PlatformContext): string | undefined {
  return targetFact(ctx, 'manifest') ?? ctx.workload?.at?.file ?? ctx.service.deploy.manifests[0];
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const kind = kubeKind(ctx);
  const ref = kubeRef(ctx, kind);
  const ns = nsFlag(ctx);
  const d = kubeDuration(ctx, kind);
  const statusCheck = waitCheck(
    status(ctx),
    `kubectl reports the ${kind} ${DONE_TEXT[kind]} and all pods are Ready`,
    d.maxSeconds,
    DONE_TEXT[kind],
  );
  const steps: PlatformStep[] = [];
  const noHistory = settingOf(ctx, 'revisionHistoryLimit')?.value === 0;
  const paused = settingOf(ctx, 'paused')?.value === true;
  const onDelete = isOnDelete(ctx);

  if (paused) {
    steps.push(
      fixedStep(5, 30, 'one API call', {
        id: 'resume-rollout',
        title: `Resume the paused ${ref} (a paused Deployment cannot be undone)`,
        commands: [run('kubectl', 'rollout', 'resume', ...ns, '--', ref)],
        check: {
          ...check(
            read('kubectl', 'get', ...ns, '-o', 'jsonpath=paused={.spec.paused};', '--', ref),
            'spec.paused is empty or false',
            30,
          ),
          // kubectl prints an absent field as nothing: "paused=;" (resumed), "paused=false;", "paused=true;"
          outcomes: [
            { contains: 'paused=true;', result: 'fail', note: 'still paused: the undo would be refused' },
            { contains: 'paused=false;', result: 'pass', note: 'resumed (spec.paused false)' },
            { contains: 'paused=;', result: 'pass', note: 'resumed (spec.paused unset)' },
          ],
        },
        onFailure: 'Stop: without resuming, the undo is refused. Ask the workload owner why it was paused.',
      }),
    );
  }

  const inputs = [];
  if (noHistory) {
    const path = manifestPath(ctx);
    inputs.push(
      input(
        GOOD_COMMIT,
        'Last good commit of the manifests (there is no rollout history to undo to)',
        read('git', 'log', '--oneline', '-n', '20', ...(path ? ['--', path] : [])),
      ),
    );
    const file = path ?? '.';
    steps.push(
      timedStep(d, {
        id: 'reapply-previous-manifest',
        title: `Re-apply the last good manifest of ${ref} from git (revisionHistoryLimit is 0: nothing to undo to)`,
        commands: [
          run('git', 'checkout', { var: GOOD_COMMIT }, '--', file),
          run('kubectl', 'apply', ...ns, '-f', file),
        ],
        check: statusCheck,
        onFailure: `If apply fails or the rollout stalls, stop and restore the working tree (git checkout HEAD -- ${file}); escalate to the incident commander with kubectl describe ${ref} output.`,
      }),
    );
  } else {
    inputs.push(input(REVISION, `Revision of ${ref} to return to (from rollout history)`, history(ctx)));
    steps.push(
      timedStep(d, {
        id: 'rollout-undo',
        title: `Undo ${ref} to the chosen revision`,
        commands: [run('kubectl', 'rollout', 'undo', ...ns, '--to-revision', { var: REVISION }, '--', ref)],
        check: onDelete
          ? manualCheck('the template now shows the target revision (pods are replaced in the next step)', 60)
          : statusCheck,
        onFailure: `If the status check fails or times out: do not run undo again (a bare undo swaps back to the bad revision). Inspect kubectl get pods${ns.length ? ` -n ${ns[1]}` : ''} and kubectl describe ${ref}; if the target revision also fails, re-apply the last good manifest from git and escalate to the incident commander.`,
      }),
    );
  }

  if (onDelete) {
    steps.push(
      timedStep(d, {
        id: 'replace-pods',
        title: `Replace the pods of ${ref} one at a time (OnDelete strategy: the undo replaced none)`,
        commands: [
          manual(
            `Delete each pod of ${ref}, highest ordinal first (kubectl delete pod ${resourceName(ctx)}-<ordinal>${ns.length ? ` -n ${ns[1]}` : ''}), waiting for the new one to be Ready before the next`,
          ),
        ],
        check: probeCheck(podCounts(ctx), statefulsetUpdated, undefined, 30, 2),
        onFailure:
          'If a recreated pod does not become Ready, stop deleting pods: the remaining ones still serve. Escalate with kubectl describe pod output.',
      }),
    );
  }

  if (managedByArgoCd(ctx)) {
    return underArgoCd(ctx, argoCdAppArg(ctx), { steps, inputs, what: 'kubectl rollout undo' }, d.maxSeconds);
  }
  const oneCommand = steps.length === 1 && !noHistory;
  const why = noHistory
    ? `revisionHistoryLimit is 0, so there is no revision to undo to: the previous manifest is re-applied from git.`
    : oneCommand
      ? `kubectl rollout undo restores the previous pod template of ${ref} in one command; the ${kind} controller then rolls the pods.`
      : `${ref} needs more than the undo: ${[paused ? 'it is paused and must be resumed first' : '', onDelete ? 'OnDelete pods must be deleted by hand' : ''].filter(Boolean).join('; ')}.`;
  return rollbackOf(oneCommand, why, steps, inputs);
}

export const kubernetes: Platform = {
  id: 'kubernetes',
  title: 'Kubernetes (Deployment, StatefulSet, DaemonSet)',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  doneCheck,
  rollback,
  duration: (ctx) => kubeDuration(ctx),
  hazards: (ctx) => kubeHazards(ctx),
};
