/**
 * Helm: `helm rollback RELEASE REVISION --wait --timeout`.
 *
 * Names: release from the helm.release fact, else workload.name, deploy.target.release,
 * deploy.workload, service.name; namespace as for Kubernetes.
 * Fact keys (typed facts, else deploy.target): release, namespace, chart; the workload's crds/hooks from discovery
 * (else deploy.target crds "true" when the chart ships crds/,
 * hooks: comma-separated hook types found in templates, e.g. "pre-upgrade,post-upgrade").
 * Settings: the chart workload's rollout settings (see k8s.ts), timeoutSeconds (helm --timeout,
 * default 5m), historyMax (--history-max, default 10).
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/helm.js';
import { cmp } from '../util/order.js';
import { renderCommand } from '../util/shell.js';
import {
  contextFlag,
  Drivers,
  durationModel,
  evidenceOfSetting,
  flag,
  HELM_NAMESPACE,
  hazard,
  input,
  namespaceOf,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  secondsFlag,
  settingOf,
  targetFact,
  timedStep,
} from './common.js';
import { kubeDuration } from './k8s.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const REVISION = 'HELM_REVISION';
export const HELM_DEFAULT_TIMEOUT = 300;
export const HELM_DEFAULT_HISTORY_MAX = 10;

export function releaseName(ctx: PlatformContext): string {
  return resourceName(ctx, ctx.workload?.helm?.release, 'release');
}

export { HELM_NAMESPACE };

/** `-n NS` always: helm's default namespace is the kube context's, rarely the release's. */
export function helmNs(ctx: PlatformContext): Arg[] {
  const ns = namespaceOf(ctx);
  return [
    ...contextFlag(ctx, '--kube-context'),
    ...(ns === undefined ? ['-n', { var: HELM_NAMESPACE }] : flag('-n', ns)),
  ];
}

/** The namespace input, when the namespace is not known from the files. */
export function helmNamespaceInputs(ns: Arg[]): Input[] {
  return ns.some((a) => typeof a !== 'string' && a.var === HELM_NAMESPACE)
    ? [
        input(
          HELM_NAMESPACE,
          'Namespace of the Helm release (no manifest or rollbook.yaml names it; set deploy.namespace). Check the kube context first: kubectl config current-context',
          read(
            'helm',
            'list',
            ...ns.filter((a) => typeof a === 'string' && a.startsWith('--kube-context=')),
            '--all-namespaces',
            '--filter',
            '.',
          ),
        ),
      ]
    : [];
}

export function helmHistory(
  ctx: PlatformContext,
  release = releaseName(ctx),
  ns: Arg[] = helmNs(ctx),
): Command {
  return read('helm', 'history', ...ns, '--', release);
}

export function helmStatus(
  ctx: PlatformContext,
  release = releaseName(ctx),
  ns: Arg[] = helmNs(ctx),
): Command {
  return read('helm', 'status', ...ns, '--', release);
}

/** `helm history -o json` read by a probe: the target revision is listed and worked. */
export function helmRevisionCheck(
  ctx: PlatformContext,
  release = releaseName(ctx),
  ns: Arg[] = helmNs(ctx),
): Check {
  return probeCheck(read('helm', 'history', ...ns, '-o', 'json', '--', release), probes.helmHistory, {
    var: REVISION,
  });
}

/** `helm status -o json` read by a probe: deployed, failed (stalled) or pending-*. */
export function helmStateCheck(
  ctx: PlatformContext,
  release = releaseName(ctx),
  ns: Arg[] = helmNs(ctx),
): Check {
  return probeCheck(read('helm', 'status', ...ns, '-o', 'json', '--', release), probes.helmStatus);
}

/** Pod rollout of the chart's workload, bounded by helm's --timeout (helm gives up then). */
export function helmDuration(ctx: PlatformContext): DurationModel {
  const pods = kubeDuration(ctx);
  const d = new Drivers(ctx);
  const timeout = d.get('timeoutSeconds', HELM_DEFAULT_TIMEOUT, 'helm --timeout');
  for (const driver of pods.drivers) d.add(driver.name, driver.value, driver.source, driver.at);
  const max = Math.min(pods.maxSeconds, timeout);
  return durationModel(
    pods.expectedSeconds,
    max,
    d,
    `helm --wait on the chart's pods: ${pods.basis}; helm gives up after --timeout ${timeout}s`,
  );
}

/** The `helm rollback` command, keeping the release's own --history-max when known. */
export function helmRollbackCommand(ctx: PlatformContext, release: string, ns: Arg[]): Command {
  const timeout = settingOf(ctx, 'timeoutSeconds')?.value ?? HELM_DEFAULT_TIMEOUT;
  const historyMax = settingOf(ctx, 'historyMax')?.value;
  return run(
    'helm',
    'rollback',
    ...ns,
    '--wait',
    '--timeout',
    secondsFlag(timeout),
    ...(historyMax === undefined ? [] : ['--history-max', String(historyMax)]),
    '--',
    release,
    { var: REVISION },
  );
}

export function helmRevisionInput(ctx: PlatformContext, release: string, ns: Arg[]) {
  return input(REVISION, `Helm revision of release ${release} to return to`, helmHistory(ctx, release, ns));
}

export function helmRollbackStep(ctx: PlatformContext, release: string, ns: Arg[]) {
  const d = helmDuration(ctx);
  return timedStep(d, {
    id: 'helm-rollback',
    title: `Roll back Helm release ${release} to the chosen revision and wait for its pods`,
    commands: [helmRollbackCommand(ctx, release, ns)],
    check: probeCheck(
      read('helm', 'history', ...ns, '-o', 'json', '--', release),
      probes.helmRolledBack,
      { var: REVISION },
      60,
      2,
    ),
    onFailure: `If the rollback fails or times out, do not start another operation blindly: run ${renderCommand(helmHistory(ctx, release, ns))} to see the state. A release left in pending-rollback blocks every operation; fix it as the helm-pending-upgrade hazard says, then retry once. If the target revision's pods also fail, escalate to the incident commander.`,
  });
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const release = releaseName(ctx);
  const ns = helmNs(ctx);
  return rollbackOf(
    true,
    `helm rollback restores every manifest of release ${release} (including its ConfigMaps) from the chosen revision and waits for the pods.`,
    [helmRollbackStep(ctx, release, ns)],
    [...helmNamespaceInputs(ns), helmRevisionInput(ctx, release, ns)],
  );
}

/** The kubectl flags of the release's namespace and kube context, from helm's (`--kube-context=` → `--context=`). */
function kubectlNs(ns: Arg[]): Arg[] {
  return ns.map((a) => (typeof a === 'string' ? a.replace(/^--kube-context=/, '--context=') : a));
}

export function helmHazards(ctx: PlatformContext, release = releaseName(ctx), ns = helmNs(ctx)): Finding[] {
  // discovery's facts about the chart (crds/ documents, hook templates), else what rollbook.yaml says
  const w = ctx.workload;
  const crds = (w?.crds ?? []).some((c) => !c.inTemplates) || targetFact(ctx, 'crds') === 'true';
  const hookEvents = [...new Set((w?.hooks ?? []).flatMap((h) => h.events))].sort(cmp);
  const hooks = hookEvents.length > 0 ? hookEvents.join(',') : targetFact(ctx, 'hooks');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'helm-crds-not-reverted',
      kind: 'schema',
      severity: crds ? 'warning' : 'info',
      subject: `release ${release}`,
      message: crds
        ? `The chart of ${release} ships CRDs under crds/: helm never upgrades or rolls them back, so the old version runs against the new CRD schema.`
        : `Helm never rolls back CRDs installed from a chart's crds/ directory.`,
      mitigation: `Keep CRD changes backward compatible (add fields, never remove) and apply them separately from ${release}'s rollbacks.`,
      appRollbackSafe: crds ? null : true,
      revertLossless: true,
    }),
    hazard(ctx, {
      rule: 'helm-hooks-from-target',
      kind: 'schema',
      severity: hooks ? 'warning' : 'info',
      subject: `release ${release}`,
      message: `helm rollback runs the rollback hooks of the older target revision${hooks ? ` (this chart has hooks: ${hooks})` : ''}: a migration run by the bad release's hook is not undone, and hook-created resources are not part of the release.`,
      mitigation: `Make ${release}'s migration hooks backward compatible (expand/contract), or add a pre-rollback hook that the target revision already carries.`,
      appRollbackSafe: null,
      revertLossless: null,
    }),
    hazard(ctx, {
      rule: 'helm-pending-upgrade',
      kind: 'config',
      severity: 'info',
      subject: `release ${release}`,
      message: `A release stuck in pending-upgrade/pending-rollback (an interrupted helm run) blocks helm rollback with "another operation is in progress".`,
      mitigation: `Check ${renderCommand(helmStatus(ctx, release, ns))} first; if it is pending and nothing is running, delete the pending release secret (${renderCommand(run('kubectl', 'delete', 'secret', ...kubectlNs(ns), '--', `sh.helm.release.v1.${release}.vN`))}, N = the pending revision) and retry.`,
      appRollbackSafe: true,
      revertLossless: true,
    }),
  ];
  const historyMax = settingOf(ctx, 'historyMax');
  const max = historyMax?.value ?? HELM_DEFAULT_HISTORY_MAX;
  // Fewer than 2 (no previous revision at all) is the rule no-rollout-history's finding.
  if (max === 2) {
    out.push(
      hazard(ctx, {
        rule: 'helm-history-max',
        kind: 'artifact',
        severity: 'warning',
        subject: `release ${release}`,
        message: `--history-max ${max} keeps ${max} revisions of ${release}: only one previous revision is kept.`,
        mitigation: `Raise --history-max to 10 or more in the pipeline that upgrades ${release}.`,
        appRollbackSafe: null,
        revertLossless: null,
        evidence: evidenceOfSetting(ctx, historyMax),
      }),
    );
  }
  const pods = kubeDuration(ctx);
  const timeout = settingOf(ctx, 'timeoutSeconds');
  const limit = timeout?.value ?? HELM_DEFAULT_TIMEOUT;
  if (pods.maxSeconds > limit) {
    const late = pods.expectedSeconds > limit;
    out.push(
      hazard(ctx, {
        rule: 'helm-timeout-too-short',
        kind: 'config',
        severity: late ? 'warning' : 'info',
        subject: `release ${release}`,
        message: `The pods of ${release} need ${pods.expectedSeconds}s expected, up to ${pods.maxSeconds}s, but helm --timeout is ${limit}s: helm can mark the rollback failed while the pods still roll${late ? ' (even in the expected case)' : ''}.`,
        mitigation: `Use --timeout ${secondsFlag(pods.maxSeconds)} or more for ${release}, or watch kubectl rollout status after a timeout before acting again.`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, timeout),
      }),
    );
  }
  return out;
}

export const helm: Platform = {
  id: 'helm',
  title: 'Helm',
  history: (ctx) => helmHistory(ctx),
  status: (ctx) => helmStatus(ctx),
  revisionCheck: (ctx) => helmRevisionCheck(ctx),
  deployStateCheck: (ctx) => helmStateCheck(ctx),
  rollback,
  duration: helmDuration,
  hazards: (ctx) => helmHazards(ctx),
};
