/**
 * Argo Rollouts: `kubectl argo rollouts get rollout NAME` (a tree with one "# revision:N" line per
 * ReplicaSet revision it keeps) and `kubectl get rollouts.argoproj.io/NAME -o json` (status.phase:
 * Healthy, Progressing, Paused, Degraded; status.message; status.abort).
 * Format: https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_get_rollout/
 * and pkg/apis/rollouts/v1alpha1 RolloutPhase (argoproj/argo-rollouts).
 */
import { at, firstLine, jsonOf, notUnderstood, revisionNumber, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const rolloutsHistory: Probe = {
  id: 'argo-rollouts-history',
  platforms: ['argo-rollouts'],
  reads: 'kubectl argo rollouts get rollout NAME',
  format:
    'https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_get_rollout/',
  passes:
    'the rollout tree has a "# revision:N" line for the target revision, and it is not the newest revision',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0 && /not found/i.test(output))
      return fail(`the rollout does not exist: ${firstLine(output)}`);
    const revs = [...output.matchAll(/#\s*revision:(\d+)/g)].map((m) => Number(m[1]));
    if (exitCode !== 0 || revs.length === 0)
      return notUnderstood('kubectl argo rollouts get rollout', exitCode, output);
    const rev = revisionNumber(want);
    if (rev === undefined) return unknown(`the target revision "${want ?? ''}" is not a revision number`);
    if (!revs.includes(rev))
      return fail(
        `revision ${rev} is not kept (the rollout keeps ${revs.join(', ')}): revisionHistoryLimit pruned its ReplicaSet`,
      );
    if (rev === Math.max(...revs))
      return fail(`revision ${rev} is the newest revision, the one being rolled out`);
    return pass(`revision ${rev} is kept (the rollout keeps ${revs.join(', ')})`);
  },
};

export const rolloutsPhase: Probe = {
  id: 'argo-rollouts-phase',
  platforms: ['argo-rollouts'],
  reads: 'kubectl get rollouts.argoproj.io/NAME -n NAMESPACE -o json',
  format: 'https://argo-rollouts.readthedocs.io/en/stable/features/specification/',
  passes:
    'status.phase is Healthy (complete), Degraded (stalled or aborted: passes) or Paused (passes: abort it first); Progressing fails',
  read({ output, exitCode }) {
    if (exitCode !== 0 && /not found/i.test(output))
      return fail(`the rollout does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const phase = str(at(doc, 'status', 'phase'));
    if (exitCode !== 0 || !phase) return notUnderstood('the Rollout JSON (status.phase)', exitCode, output);
    const msg = str(at(doc, 'status', 'message'));
    const what = `${phase}${msg ? ` (${msg})` : ''}`;
    switch (phase) {
      case 'Healthy':
        return pass(`complete: ${what}`);
      case 'Degraded':
        return pass(
          `stalled: ${what}${at(doc, 'status', 'abort') === true ? ', aborted' : ''} (the usual reason to roll back)`,
        );
      case 'Paused':
        return pass(
          `paused: ${what}: nothing progresses until promoted; abort the rollout before undoing it`,
        );
      case 'Progressing':
        return fail(
          `progressing: ${what}: a rollout is under way; abort it (kubectl argo rollouts abort) or wait`,
        );
      default:
        return unknown(`status.phase is ${phase}: not a phase rollbook knows`);
    }
  },
};
