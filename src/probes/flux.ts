/**
 * Flux: `kubectl get helmreleases.helm.toolkit.fluxcd.io/NAME -o json` or
 * `kubectl get kustomizations.kustomize.toolkit.fluxcd.io/NAME -o json`, read through the kstatus
 * conditions Flux sets: Ready (True/False/Unknown), Reconciling and Stalled.
 * Format: https://fluxcd.io/flux/components/helm/helmreleases/#conditions and
 * https://fluxcd.io/flux/components/kustomize/kustomizations/#conditions.
 */
import { conditions, conditionText, firstLine, jsonOf, notUnderstood } from './read.js';
import { fail, type Probe, pass } from './types.js';

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
