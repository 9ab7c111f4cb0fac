/**
 * Flux: never one command. HelmRelease: flux suspend → helm rollback → git revert → flux resume.
 * Kustomization-managed workload: flux suspend kustomization → kubectl rollout undo → git revert →
 * flux resume.
 *
 * Names: a workload of kind HelmRelease (or a flux.helmRelease fact) takes the HelmRelease path;
 * anything else the Kustomization path.
 * Fact keys (typed facts, else deploy.target): helmRelease (HelmRelease name; default workload.name), fluxNamespace (namespace
 * of the Flux object; default the workload's namespace, then flux-system for Kustomizations),
 * release (Helm release name; Flux's default is [targetNamespace-]name), targetNamespace,
 * storageNamespace (where Helm keeps the release; default the HelmRelease's namespace),
 * kustomization (Kustomization name; unknown → an operator input), path (path in the Git repo).
 * Settings: remediation (HelmRelease upgrade remediation), timeoutSeconds, historyMax, and the
 * workload's rollout settings.
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/flux.js';
import { renderCommand } from '../util/shell.js';
import {
  badCommitInput,
  contextFlag,
  evidenceOfSetting,
  fact,
  fixedStep,
  flag,
  gitRevertStep,
  hazard,
  input,
  namespaceOf,
  type PlatformStep,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  settingOf,
  targetFact,
  timedStep,
} from './common.js';
import {
  HELM_NAMESPACE,
  helmDuration,
  helmHazards,
  helmHistory,
  helmNamespaceInputs,
  helmRevisionCheck,
  helmRevisionInput,
  helmRollbackStep,
} from './helm.js';
import { kubeDuration, kubeHazards } from './k8s.js';
import { revisionCheck as kubeRevisionCheck, kubernetes } from './kubernetes.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const KUSTOMIZATION = 'FLUX_KUSTOMIZATION';

interface FluxObject {
  /** helmrelease | kustomization */
  kind: 'helmrelease' | 'kustomization';
  name: Arg;
  ns: string[];
  label: string;
}

function isHelmRelease(ctx: PlatformContext): boolean {
  return (
    ctx.workload?.kind.toLowerCase() === 'helmrelease' ||
    fact(ctx, ctx.workload?.flux?.helmRelease, 'helmRelease') !== undefined
  );
}

function fluxObject(ctx: PlatformContext): FluxObject {
  if (isHelmRelease(ctx)) {
    const name = fact(ctx, ctx.workload?.flux?.helmRelease, 'helmRelease') ?? resourceName(ctx);
    const ns = fact(ctx, ctx.workload?.flux?.namespace, 'fluxNamespace') ?? namespaceOf(ctx);
    return {
      kind: 'helmrelease',
      name,
      ns: [...contextFlag(ctx, '--context'), ...flag('-n', ns)],
      label: `HelmRelease ${name}`,
    };
  }
  const name = fact(ctx, ctx.workload?.flux?.kustomization, 'kustomization');
  const ns = fact(ctx, ctx.workload?.flux?.namespace, 'fluxNamespace') ?? 'flux-system';
  return {
    kind: 'kustomization',
    name: name ?? { var: KUSTOMIZATION },
    ns: [...contextFlag(ctx, '--context'), '-n', ns],
    label: name ? `Kustomization ${name}` : `the Flux Kustomization (${KUSTOMIZATION})`,
  };
}

/** Helm release name and storage namespace of a HelmRelease. */
function helmTarget(ctx: PlatformContext): { release: string; ns: Arg[] } {
  const hr = fact(ctx, ctx.workload?.flux?.helmRelease, 'helmRelease') ?? resourceName(ctx);
  const target = fact(ctx, ctx.workload?.flux?.targetNamespace, 'targetNamespace');
  const release = fact(ctx, ctx.workload?.helm?.release, 'release') ?? (target ? `${target}-${hr}` : hr);
  const storage =
    fact(ctx, ctx.workload?.flux?.storageNamespace, 'storageNamespace') ??
    fact(ctx, ctx.workload?.flux?.namespace, 'fluxNamespace') ??
    namespaceOf(ctx);
  return {
    release,
    ns: [...contextFlag(ctx, '--kube-context'), '-n', storage ?? { var: HELM_NAMESPACE }],
  };
}

function history(ctx: PlatformContext): Command {
  if (isHelmRelease(ctx)) {
    const { release, ns } = helmTarget(ctx);
    return helmHistory(ctx, release, ns);
  }
  return kubernetes.history(ctx);
}

function status(ctx: PlatformContext): Command {
  const o = fluxObject(ctx);
  return read('flux', 'get', o.kind, ...o.ns, '--', o.name);
}

function duration(ctx: PlatformContext): DurationModel {
  return isHelmRelease(ctx) ? helmDuration(ctx) : kubeDuration(ctx);
}

/** A HelmRelease is rolled back with helm: its history; a Kustomization's workload with kubectl. */
function revisionCheck(ctx: PlatformContext): Check {
  if (isHelmRelease(ctx)) {
    const { release, ns } = helmTarget(ctx);
    return helmRevisionCheck(ctx, release, ns);
  }
  return kubeRevisionCheck(ctx);
}

/** The Flux object as JSON (`kubectl get -o json`), for the probes. */
function objectJson(o: FluxObject): Command {
  const type =
    o.kind === 'helmrelease'
      ? 'helmreleases.helm.toolkit.fluxcd.io'
      : 'kustomizations.kustomize.toolkit.fluxcd.io';
  return read('kubectl', 'get', ...o.ns, '-o', 'json', '--', type, o.name);
}

/** The Flux object's Ready / Reconciling / Stalled conditions, read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(objectJson(fluxObject(ctx)), probes.fluxReady);
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const o = fluxObject(ctx);
  const path = targetFact(ctx, 'path');
  const inputs: Input[] = [];
  if (typeof o.name !== 'string') {
    inputs.push(
      input(
        KUSTOMIZATION,
        'Flux Kustomization that applies this workload (not found in the repository)',
        read('flux', 'get', 'kustomizations', '--all-namespaces'),
      ),
    );
  }
  const suspend = fixedStep(5, 60, 'one API call', {
    id: 'flux-suspend',
    title: `Suspend ${o.label} so Flux stops reconciling (and remediating) it`,
    commands: [run('flux', 'suspend', o.kind, ...o.ns, '--', o.name)],
    check: probeCheck(objectJson(o), probes.fluxSuspended, undefined, 30, 2),
    onFailure: `If suspend fails, stop: a manual rollback would be overwritten by the next reconciliation. Check flux check and the controller's RBAC.`,
  });
  let undoSteps: PlatformStep[];
  if (o.kind === 'helmrelease') {
    const { release, ns } = helmTarget(ctx);
    inputs.push(...helmNamespaceInputs(ns), helmRevisionInput(ctx, release, ns));
    undoSteps = [helmRollbackStep(ctx, release, ns)];
  } else {
    const k = kubernetes.rollback(ctx);
    inputs.push(...k.inputs);
    undoSteps = k.steps;
  }
  const d = duration(ctx);
  const resume = timedStep(d, {
    id: 'flux-resume',
    title: `After the revert is merged: resume ${o.label}`,
    commands: [run('flux', 'resume', o.kind, ...o.ns, '--', o.name)],
    // that the revision Flux applies is the reverted one is the git-revert step's check
    check: probeCheck(objectJson(o), probes.fluxReconciled, undefined, 60, 2),
    onFailure: `If Flux re-applies the bad version, the revert is not in the source it follows: suspend ${o.label} again (flux suspend) and fix git first.`,
  });
  return rollbackOf(
    false,
    `Flux reconciles ${o.label} from git: a manual rollback only holds while it is suspended, and git must be reverted before resuming.`,
    [suspend, ...undoSteps, gitRevertStep('git-revert', 'Flux', path), resume],
    [...inputs, badCommitInput(path)],
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const o = fluxObject(ctx);
  const remediation = settingOf(ctx, 'remediation');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'flux-resume-before-revert',
      kind: 'config',
      severity: 'warning',
      subject: o.label,
      message: `Resuming ${o.label} before the bad commit is reverted in git re-deploys the bad version.`,
      mitigation: `Keep ${o.label} suspended until the revert is merged; then flux resume.`,
      appRollbackSafe: true,
      revertLossless: true,
    }),
  ];
  if (o.kind === 'helmrelease') {
    const target = helmTarget(ctx);
    out.push(
      hazard(ctx, {
        rule: 'flux-remediation',
        kind: 'config',
        severity: remediation?.value === true ? 'warning' : 'info',
        subject: o.label,
        message:
          remediation?.value === true
            ? `${o.label} has upgrade remediation: Flux may already have rolled back (or be retrying the bad upgrade) when you start.`
            : `Without upgrade remediation, a failed upgrade of ${o.label} stays failed until someone acts.`,
        mitigation: `Check ${renderCommand(status(ctx))} and ${renderCommand(helmHistory(ctx, target.release, target.ns))} first: if remediation already rolled back, suspend ${o.label} and revert git instead of rolling back again.`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, remediation),
      }),
    );
    out.push(...helmHazards(ctx, target.release, target.ns));
  } else {
    out.push(...kubeHazards(ctx));
  }
  return out;
}

export const flux: Platform = {
  id: 'flux',
  title: 'Flux',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
