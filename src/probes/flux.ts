/**
 * Flux: `kubectl get helmreleases.helm.toolkit.fluxcd.io/NAME -o json` or
 * `kubectl get kustomizations.kustomize.toolkit.fluxcd.io/NAME -o json`, read through the kstatus
 * conditions Flux sets: Ready (True/False/Unknown), Reconciling and Stalled.
 * Format: https://fluxcd.io/flux/components/helm/helmreleases/#conditions and
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#conditions.
 */
import { arr, at, conditions, conditionText, firstLine, jsonOf, notUnderstood, num, str } from './read.js';
import { fail, type Probe, type ProbeVerdict, pass } from './types.js';

export const fluxReady: Probe = {
  id: 'flux-ready',
  platforms: ['flux'],
  reads: 'kubectl get helmreleases.helm.toolkit.fluxcd.io/NAME -o json (or the Kustomization)',
  format: 'https://fluxcd.io/flux/components/helm/helmreleases/#conditions',
  passes:
    'Ready=True (complete), or Stalled=True / Ready=False (stalled: passes, the usual reason to roll back); Reconciling=True or Ready=Unknown fails',
  read({ output, exitCode }) {
    if (exitCode !== 0 && /not found/i.test(output))
      return fail(`the Flux object does not exist: ${firstLine(output)}`);
    const conds = conditions(jsonOf(output));
    const ready = conds.find((c) => c.type === 'Ready');
    if (exitCode !== 0 || !ready)
      return notUnderstood('the Flux object JSON (status.conditions Ready)', exitCode, output);
    const stalled = conds.find((c) => c.type === 'Stalled' && c.status === 'True');
    const reconciling = conds.find((c) => c.type === 'Reconciling' && c.status === 'True');
    if (stalled) return pass(`stalled: ${conditionText(stalled)} (the usual reason to roll back)`);
    if (reconciling || ready.status === 'Unknown')
      return fail(
        `progressing: ${conditionText(reconciling ?? ready)}: Flux is reconciling; suspend it (flux suspend) or wait`,
      );
    if (ready.status === 'False')
      return pass(`stalled: ${conditionText(ready)} (the last reconciliation failed)`);
    return pass(`complete: ${conditionText(ready)}`);
  },
};

/** A HelmRelease's or Kustomization's JSON, or the verdict when the output is neither. */
function fluxDoc(
  output: string,
  exitCode: number,
): { doc: unknown; kind: 'HelmRelease' | 'Kustomization'; name: string } | ProbeVerdict {
  if (exitCode !== 0 && /not found/i.test(output))
    return fail(`the Flux object does not exist: ${firstLine(output)}`);
  const doc = jsonOf(output);
  const kind = str(at(doc, 'kind'));
  if (exitCode !== 0 || (kind !== 'HelmRelease' && kind !== 'Kustomization'))
    return notUnderstood('the HelmRelease or Kustomization JSON', exitCode, output);
  return { doc, kind, name: `${kind} ${str(at(doc, 'metadata', 'name')) ?? '?'}` };
}

const FLUX_READS =
  'kubectl get -o json -- helmreleases.helm.toolkit.fluxcd.io NAME (or kustomizations.kustomize.toolkit.fluxcd.io NAME)';

/**
 * After `flux suspend`: spec.suspend is true (the CLI sets it: flux2 cmd/flux/suspend_helmrelease.go
 * setSuspended, `Spec.Suspend = true`; the same for Kustomizations). The controller reads it before each reconciliation; one already
 * running finishes ("it does not apply to already started reconciliations", HelmReleaseSpec.Suspend).
 */
export const fluxSuspended: Probe = {
  id: 'flux-suspended',
  platforms: ['flux'],
  reads: FLUX_READS,
  format: 'https://fluxcd.io/flux/components/helm/helmreleases/#suspend',
  passes: 'spec.suspend is true: Flux no longer reconciles (or remediates) the object',
  read({ output, exitCode }) {
    const f = fluxDoc(output, exitCode);
    if ('outcome' in f) return f;
    const { doc, name } = f;
    if (at(doc, 'spec', 'suspend') === true)
      return pass(`${name} is suspended (spec.suspend true): Flux will not reconcile it`);
    return fail(
      `${name} is not suspended (spec.suspend ${JSON.stringify(at(doc, 'spec', 'suspend') ?? 'absent')}): Flux would reconcile it and undo a manual rollback`,
    );
  },
};

/**
 * After `flux resume`: the object is no longer suspended and Flux reconciled its current spec and
 * source: Ready=True observed for metadata.generation, nothing Reconciling or Stalled, and the
 * revision it applied is the one it last attempted. Kustomization: status.lastAppliedRevision and
 * lastAttemptedRevision ("main@sha1:…", https://fluxcd.io/flux/components/kustomize/kustomizations/#status);
 * HelmRelease: status.lastAttemptedRevision (the chart version) against the newest status.history
 * snapshot (v2: chartVersion, status deployed) or status.lastAppliedRevision (v2beta1)
 * (https://fluxcd.io/flux/components/helm/helmreleases/#history). A reconcile of a git that still
 * holds the bad change passes too: whether git holds the revert is the git-revert step's check.
 */
export const fluxReconciled: Probe = {
  id: 'flux-reconciled',
  platforms: ['flux'],
  reads: FLUX_READS,
  format: 'https://fluxcd.io/flux/components/kustomize/kustomizations/#status',
  passes:
    'spec.suspend is not true, Ready=True for the current metadata.generation, nothing Reconciling or Stalled, and the revision applied is the revision last attempted (HelmRelease: the newest history entry deployed)',
  read({ output, exitCode }) {
    const f = fluxDoc(output, exitCode);
    if ('outcome' in f) return f;
    const { doc, kind, name } = f;
    if (at(doc, 'spec', 'suspend') === true)
      return fail(`${name} is still suspended (spec.suspend true): run flux resume`);
    const conds = conditions(doc);
    const ready = conds.find((c) => c.type === 'Ready');
    if (!ready) return notUnderstood(`${name}'s status (no Ready condition)`, exitCode, output);
    const generation = num(at(doc, 'metadata', 'generation'));
    const observed = num(at(doc, 'status', 'observedGeneration'));
    const readyRaw = arr(at(doc, 'status', 'conditions')).find((c) => str(at(c, 'type')) === 'Ready');
    const readyObserved = num(at(readyRaw, 'observedGeneration'));
    const behind = [observed, readyObserved].find(
      (g) => generation !== undefined && g !== undefined && g < generation,
    );
    if (generation !== undefined && (observed === undefined || behind !== undefined))
      return fail(
        `progressing: Flux has not reconciled ${name}'s current spec yet (observed generation ${behind ?? observed ?? 'absent'} < metadata.generation ${generation})`,
      );
    const stalled = conds.find((c) => c.type === 'Stalled' && c.status === 'True');
    if (stalled) return fail(`${name} is stalled: ${conditionText(stalled)}`);
    const reconciling = conds.find((c) => c.type === 'Reconciling' && c.status === 'True');
    if (reconciling || ready.status === 'Unknown')
      return fail(`progressing: ${conditionText(reconciling ?? ready)}`);
    if (ready.status !== 'True') return fail(`the reconciliation failed: ${conditionText(ready)}`);
    const attempted = str(at(doc, 'status', 'lastAttemptedRevision'));
    let applied = str(at(doc, 'status', 'lastAppliedRevision'));
    if (kind === 'HelmRelease') {
      const newest = arr(at(doc, 'status', 'history'))[0];
      if (newest !== undefined) {
        const state = str(at(newest, 'status'));
        const chart = `${str(at(newest, 'chartName')) ?? '?'}@${str(at(newest, 'chartVersion')) ?? '?'}`;
        if (state !== 'deployed')
          return fail(
            `the newest Helm release of ${name} (${chart}, revision ${num(at(newest, 'version')) ?? '?'}) is ${state ?? 'of no status'}, not deployed`,
          );
        applied = str(at(newest, 'chartVersion')) ?? applied;
      }
    }
    if (attempted !== undefined && applied !== undefined && attempted !== applied)
      return fail(
        `${name} last attempted revision ${attempted} but the applied one is ${applied}: the newest revision did not apply`,
      );
    return pass(
      `reconciled: ${conditionText(ready)}${applied ? ` at revision ${applied}` : ''} (generation ${generation ?? '?'})`,
    );
  },
};
