/**
 * Argo CD Application: `argocd app rollback APP ID`, which Argo CD refuses while automated sync is
 * on (and selfHeal reverts any manual kubectl undo). With auto-sync the real path is: disable
 * auto-sync → argocd app rollback → git revert → re-enable auto-sync.
 *
 * Names: app from the argocd.app fact / deploy.target.app / deploy.target.application, else the workload's
 * name when it is an Application, deploy.workload when it names one ("x" or "application/x"), else
 * service.name (deploy.workload "deployment/x" names the Kubernetes workload, not the app). deploy.target keys: app, application,
 * path (path in the GitOps repo, else the argocd.source fact), parentApp (an app-of-apps parent that owns this
 * Application's spec).
 * `underArgoCd` wraps another mechanism's undo (kubectl, Argo Rollouts) when the workload's
 * settings say Argo CD syncs it automatically; there the app name must be explicit
 * (the argocd.app fact / deploy.target.app), else it is the operator input ARGOCD_APP.
 * Settings: autoSync (unknown → assumed on, the safe assumption), selfHeal, prune; the managed
 * workload's rollout settings for durations (see k8s.ts).
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/argocd.js';
import { lookupNote } from '../util/appset-lookup.js';
import {
  badCommitInput,
  check,
  evidenceOfSetting,
  fact,
  fixedStep,
  gitRevertStep,
  hazard,
  input,
  type PlatformStep,
  parseWorkloadRef,
  probeCheck,
  read,
  rollbackOf,
  run,
  settingOf,
  targetFact,
  timedStep,
  waitCheck,
} from './common.js';
import { kubeDuration } from './k8s.js';
import type { Platform, PlatformContext, PlatformRollback } from './types.js';

const HISTORY_ID = 'ARGOCD_HISTORY_ID';
const APP = 'ARGOCD_APP';

/**
 * The Application's name for the argocd platform itself (brief's lookup order). An ApplicationSet's
 * generated Application whose name could not be rendered is the input ARGOCD_APP, never the
 * ApplicationSet's name nor the service's.
 */
export function appName(ctx: PlatformContext): Arg {
  const w = ctx.workload;
  const ref = parseWorkloadRef(ctx.service.deploy.workload);
  const named = fact(ctx, w?.argocd?.app, 'app', 'application');
  if (named) return named;
  if (w?.applicationSet) return { var: APP };
  return (
    (w && w.kind.toLowerCase() === 'application' ? w.name : undefined) ??
    (ref && (ref.kind === undefined || ref.kind === 'application') ? ref.name : undefined) ??
    ctx.service.name
  );
}

/** How the Application is named in prose: its name, or the input that holds it. */
function appLabel(app: Arg): string {
  return typeof app === 'string' ? app : `${app.var} (an input)`;
}

/** The input ARGOCD_APP: the Application nothing in the repository names (or an ApplicationSet generates). */
function appInput(ctx: PlatformContext): Input {
  const set = ctx.workload?.applicationSet;
  return set
    ? input(
        APP,
        `Argo CD application that ApplicationSet ${set.name} generates for this workload (${set.unresolved ?? 'its name is not in the repository'}; deploy.target.app in rollbook.yaml names it). The command below lists them: ${lookupNote(set.lookup)}`,
        read(...(set.lookup ?? ['argocd', 'appset', 'generate', '--', set.at.file])),
      )
    : input(
        APP,
        'Argo CD application that syncs this workload (not named in the repository)',
        read('argocd', 'app', 'list'),
      );
}

/** Auto-sync unless the settings say it is off. */
export function autoSyncOn(ctx: PlatformContext): boolean {
  return settingOf(ctx, 'autoSync')?.value !== false;
}

/** The Application for a workload of another platform: only an explicit name, else an input. */
export function argoCdAppArg(ctx: PlatformContext): Arg {
  return fact(ctx, ctx.workload?.argocd?.app, 'app', 'application') ?? { var: APP };
}

/** True when the settings say Argo CD syncs this workload automatically (or self-heals it). */
export function managedByArgoCd(ctx: PlatformContext): boolean {
  return settingOf(ctx, 'autoSync')?.value === true || settingOf(ctx, 'selfHeal')?.value === true;
}

function history(ctx: PlatformContext): Command {
  return read('argocd', 'app', 'history', '--', appName(ctx));
}

function waitHealthy(app: Arg, seconds: number, sync = false): Command {
  return read(
    'argocd',
    'app',
    'wait',
    ...(sync ? ['--sync'] : []),
    '--health',
    '--timeout',
    String(Math.max(1, Math.ceil(seconds))),
    '--',
    app,
  );
}

function status(ctx: PlatformContext): Command {
  return waitHealthy(appName(ctx), kubeDuration(ctx).maxSeconds);
}

/**
 * The GitOps sequence around an undo: disable auto-sync → the undo steps → git revert →
 * re-enable auto-sync (with the selfHeal / prune flags it had).
 */
export function underArgoCd(
  ctx: PlatformContext,
  app: Arg,
  undo: { steps: PlatformStep[]; inputs: Input[]; what: string },
  waitSeconds: number,
): PlatformRollback {
  const label = appLabel(app);
  const path = fact(ctx, ctx.workload?.argocd?.source?.path, 'path');
  const selfHeal = settingOf(ctx, 'selfHeal')?.value === true;
  const prune = settingOf(ctx, 'prune')?.value === true;
  const known = settingOf(ctx, 'autoSync') !== undefined || selfHeal;
  const inputs: Input[] = [];
  if (typeof app !== 'string') inputs.push(appInput(ctx));
  const steps = [
    fixedStep(5, 60, 'one API call', {
      id: 'disable-auto-sync',
      title: `Disable automated sync on Argo CD application ${label} (${undo.what} is refused or reverted while it is on${selfHeal ? ': selfHeal reverts manual changes within seconds' : ''})`,
      commands: [run('argocd', 'app', 'set', '--sync-policy', 'none', '--', app)],
      check: probeCheck(
        read('argocd', 'app', 'get', '-o', 'json', '--', app),
        probes.argocdManualSync,
        undefined,
        30,
        2,
      ),
      onFailure: `If the policy comes back to automated, a parent app-of-apps re-applies ${label}'s spec: disable auto-sync on the parent too (or in git) before going on.`,
    }),
    ...undo.steps,
    gitRevertStep('git-revert', `Argo CD application ${label}`, path),
    fixedStep(60, waitSeconds + 60, 're-sync of an unchanged revision plus the health wait', {
      id: 're-enable-auto-sync',
      title: `After the revert is merged: re-enable automated sync on ${label}`,
      commands: [
        run(
          'argocd',
          'app',
          'set',
          '--sync-policy',
          'automated',
          ...(selfHeal ? ['--self-heal'] : []),
          ...(prune ? ['--auto-prune'] : []),
          '--',
          app,
        ),
      ],
      check: waitCheck(
        waitHealthy(app, waitSeconds, true),
        `${label} Synced to the reverted commit and Healthy (same version as the rollback)`,
        waitSeconds,
      ),
      onFailure: `If the sync brings back the bad version, the revert is not on the tracked branch: disable auto-sync again (argocd app set ${label} --sync-policy none) and fix git first.`,
    }),
  ];
  return rollbackOf(
    false,
    `${known ? `Argo CD syncs ${label} automatically` : `Argo CD is assumed to sync ${label} automatically (autoSync is not stated)`}: ${undo.what} holds only while auto-sync is disabled, and git must be reverted before auto-sync is re-enabled.`,
    steps,
    [...inputs, ...undo.inputs, badCommitInput(path)],
  );
}

/** `argocd app history` read by a probe: the target history ID is listed, not the newest. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(history(ctx), probes.argocdHistory, { var: HISTORY_ID });
}

/** `argocd app get -o json` read by a probe: health and the running operation. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(read('argocd', 'app', 'get', '-o', 'json', '--', appName(ctx)), probes.argocdApp);
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const app = appName(ctx);
  const name = appLabel(app);
  const d = kubeDuration(ctx);
  const rollbackStep = timedStep(d, {
    id: 'argocd-rollback',
    title: `Roll Argo CD application ${name} back to the chosen history ID`,
    commands: [
      run('argocd', 'app', 'rollback', '--timeout', String(d.maxSeconds), '--', app, { var: HISTORY_ID }),
    ],
    check: waitCheck(
      waitHealthy(app, d.maxSeconds),
      `argocd app wait reports ${name} Healthy on the rolled-back revision`,
      d.maxSeconds,
    ),
    onFailure: `If the rollback is refused, auto-sync is still on: check argocd app get ${name}. If the app stays Degraded on the target revision, pick the previous good history ID or escalate; keep auto-sync off meanwhile.`,
  });
  const inputs = [input(HISTORY_ID, `Argo CD history ID of ${name} to return to`, history(ctx))];
  if (!autoSyncOn(ctx)) {
    return rollbackOf(
      true,
      `Automated sync is off for ${name}: argocd app rollback redeploys the chosen history entry in one command (revert the bad commit in git before the next sync).`,
      [rollbackStep],
      typeof app === 'string' ? inputs : [appInput(ctx), ...inputs],
    );
  }
  return underArgoCd(ctx, app, { steps: [rollbackStep], inputs, what: 'argocd app rollback' }, d.maxSeconds);
}

function hazards(ctx: PlatformContext): Finding[] {
  const app = appLabel(appName(ctx));
  // selfHeal is reported once, by the rule selfheal-reverts-manual-rollback.
  const out: Finding[] = [];
  if (autoSyncOn(ctx)) {
    out.push(
      hazard(ctx, {
        rule: 'autosync-blocks-rollback',
        kind: 'config',
        severity: 'warning',
        subject: `application ${app}`,
        message: `Automated sync ${settingOf(ctx, 'autoSync') ? 'is on' : 'is assumed on'} for ${app}: argocd app rollback is refused until it is disabled, and re-enabling it before the git revert redeploys the bad commit.`,
        mitigation: `Follow the runbook order for ${app}: disable auto-sync, roll back, revert in git, then re-enable auto-sync.`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, settingOf(ctx, 'autoSync')),
      }),
    );
  }
  const parent = targetFact(ctx, 'parentApp');
  if (parent) {
    out.push(
      hazard(ctx, {
        rule: 'argocd-parent-app-reenables-sync',
        kind: 'config',
        severity: 'warning',
        subject: `application ${app}`,
        message: `${app} is managed by the parent application ${parent}: its next sync rewrites ${app}'s sync policy and turns auto-sync back on mid-rollback.`,
        mitigation: `Disable auto-sync on ${parent} as well (argocd app set ${parent} --sync-policy none) before rolling ${app} back.`,
        appRollbackSafe: true,
        revertLossless: true,
      }),
    );
  }
  return out;
}

export const argocd: Platform = {
  id: 'argocd',
  title: 'Argo CD',
  history,
  status,
  statusExitCodeDecides: true,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration: (ctx) => kubeDuration(ctx),
  hazards,
};
