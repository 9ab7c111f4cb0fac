/**
 * Argo Rollouts: `kubectl argo rollouts get rollout NAME` (a tree with one "# revision:N" line per
 * ReplicaSet revision it keeps) and `kubectl get rollouts.argoproj.io/NAME -o json` (status.phase:
 * Healthy, Progressing, Paused, Degraded; status.message; status.abort).
 * Format: https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_get_rollout/
 * and pkg/apis/rollouts/v1alpha1 RolloutPhase (argoproj/argo-rollouts). The tree tags the ReplicaSet
 * of status.stableRS "stable" (pkg/kubectl-argo-rollouts/cmd/get/get_rollout.go): the controller
 * moves stableRS only when a revision completes its rollout (every step and analysis passed), so the
 * stable tag is what proves a target good.
 */
import { at, firstLine, jsonOf, notUnderstood, revisionNumber, str } from './read.js';
import { fail, type Probe, type ProbeVerdict, pass, unknown } from './types.js';

/** What the tree shows under one "# revision:N" line: its ReplicaSets and AnalysisRuns. */
interface RevisionNode {
  rev: number;
  /** Each ReplicaSet: its status word (Healthy, ScaledDown, Progressing, Degraded…) and INFO tags. */
  replicaSets: { name: string; status: string; tags: string[] }[];
  /** Each AnalysisRun: its name and phase (Successful, Failed, Error, Inconclusive, Running…). */
  analysisRuns: { name: string; status: string }[];
}

/**
 * The revisions of a `kubectl argo rollouts get rollout` tree (PrintRolloutTree: tabwriter columns
 * NAME, KIND, STATUS "icon word", AGE, INFO, padded by two spaces or more; colours unless --no-color).
 */
function revisionTree(output: string): RevisionNode[] {
  const text = output.replace(/\u001b\[[0-9;]*m/g, '');
  const out: RevisionNode[] = [];
  for (const line of text.split('\n')) {
    const r = /#\s*revision:(\d+)/.exec(line);
    if (r) {
      out.push({ rev: Number(r[1]), replicaSets: [], analysisRuns: [] });
      continue;
    }
    const node = out[out.length - 1];
    if (!node) continue;
    const cols = line
      .replace(/^[\s│├└─]*\S\s/u, '')
      .split(/\s{2,}/)
      .map((c) => c.trim());
    const [name = '', kind, status = '', , info = ''] = cols;
    const word = status.split(/\s+/).pop() ?? '';
    if (kind === 'ReplicaSet')
      node.replicaSets.push({ name, status: word, tags: info.split(',').filter((t) => t !== '') });
    else if (kind === 'AnalysisRun') node.analysisRuns.push({ name, status: word });
  }
  return out;
}

export const rolloutsHistory: Probe = {
  id: 'argo-rollouts-history',
  platforms: ['argo-rollouts'],
  reads: 'kubectl argo rollouts get rollout NAME',
  format:
    'https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/kubectl-argo-rollouts_get_rollout/',
  passes:
    'the rollout tree keeps the target revision, it is not the newest, and its ReplicaSet is the stable one (the last revision that completed its rollout); a revision that failed its analysis or is Degraded fails; any other kept revision is UNKNOWN',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0 && /not found/i.test(output))
      return fail(`the rollout does not exist: ${firstLine(output)}`);
    const tree = revisionTree(output);
    const revs = tree.map((n) => n.rev);
    if (exitCode !== 0 || revs.length === 0)
      return notUnderstood('kubectl argo rollouts get rollout', exitCode, output);
    const rev = revisionNumber(want);
    if (rev === undefined) return unknown(`the target revision "${want ?? ''}" is not a revision number`);
    const node = tree.find((n) => n.rev === rev);
    if (!node)
      return fail(
        `revision ${rev} is not kept (the rollout keeps ${revs.join(', ')}): revisionHistoryLimit pruned its ReplicaSet`,
      );
    if (rev === Math.max(...revs))
      return fail(`revision ${rev} is the newest revision, the one being rolled out`);
    const failed = node.analysisRuns.filter((a) => ['Failed', 'Error', 'Inconclusive'].includes(a.status));
    if (failed.length)
      return fail(
        `revision ${rev} did not pass its analysis (${failed.map((a) => `${a.name} ${a.status}`).join(', ')}): choose a revision that completed its rollout`,
      );
    const degraded = node.replicaSets.find((s) => s.status === 'Degraded');
    if (degraded) return fail(`revision ${rev}: ReplicaSet ${degraded.name} is Degraded`);
    const stable = node.replicaSets.find((s) => s.tags.includes('stable'));
    if (stable)
      return pass(
        `revision ${rev} is kept and is the stable revision (ReplicaSet ${stable.name} ${stable.status}, tagged stable: the last revision whose rollout completed)`,
      );
    const holder = tree.find((n) => n.replicaSets.some((s) => s.tags.includes('stable')));
    const sets = node.replicaSets.map((s) => `${s.name} ${s.status}`).join(', ') || 'no ReplicaSet shown';
    return unknown(
      `revision ${rev} is kept (${sets}) but is not the stable revision${holder ? ` (revision ${holder.rev} is)` : ''}: nothing the tree shows proves its rollout completed healthy; choose the stable revision, or confirm this one ran healthy`,
    );
  },
};

/** The Rollout's JSON and status.phase, or the verdict when there is none (not found, not understood). */
function rolloutStatus(output: string, exitCode: number): { doc: unknown; phase: string } | ProbeVerdict {
  if (exitCode !== 0 && /not found/i.test(output))
    return fail(`the rollout does not exist: ${firstLine(output)}`);
  const doc = jsonOf(output);
  const phase = str(at(doc, 'status', 'phase'));
  if (exitCode !== 0 || !phase) return notUnderstood('the Rollout JSON (status.phase)', exitCode, output);
  return { doc, phase };
}

export const rolloutsPhase: Probe = {
  id: 'argo-rollouts-phase',
  platforms: ['argo-rollouts'],
  reads: 'kubectl get rollouts.argoproj.io/NAME -n NAMESPACE -o json',
  format: 'https://argo-rollouts.readthedocs.io/en/stable/features/specification/',
  passes:
    'status.phase is Healthy (complete), Degraded (stalled or aborted: passes) or Paused (passes: abort it first); Progressing fails',
  read({ output, exitCode }) {
    const r = rolloutStatus(output, exitCode);
    if ('outcome' in r) return r;
    const { doc, phase } = r;
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

/**
 * After `kubectl argo rollouts abort`: the plugin sets status.abort (pkg/kubectl-argo-rollouts/cmd/abort:
 * a status patch `{"status":{"abort":true}}`), the controller then reports phase Degraded with reason
 * RolloutAborted and sends traffic back to stable: with traffic routing status.canary.weights.canary.weight
 * returns to 0; blueGreen keeps status.blueGreen.activeSelector on status.stableRS (rollout/bluegreen.go).
 * A rollout that already completed refuses nothing but has nothing to abort: Healthy is not an abort.
 */
export const rolloutsAborted: Probe = {
  id: 'argo-rollouts-aborted',
  platforms: ['argo-rollouts'],
  reads: 'kubectl get rollouts.argoproj.io/NAME -n NAMESPACE -o json',
  format: 'https://argo-rollouts.readthedocs.io/en/stable/features/specification/',
  passes:
    'status.abort is true, status.phase is Degraded, and no traffic is left on the canary (weights.canary.weight 0) or the blueGreen active selector is the stable ReplicaSet',
  read({ output, exitCode }) {
    const r = rolloutStatus(output, exitCode);
    if ('outcome' in r) return r;
    const { doc, phase } = r;
    if (at(doc, 'status', 'abort') !== true)
      return fail(
        phase === 'Healthy'
          ? 'not aborted: the rollout is Healthy (it completed: nothing to abort; go on with the undo)'
          : `not aborted: status.abort is not set (phase ${phase})`,
      );
    if (phase !== 'Degraded') return fail(`aborted, but the controller has not acted yet: phase ${phase}`);
    const weight = at(doc, 'status', 'canary', 'weights', 'canary', 'weight');
    if (typeof weight === 'number' && weight !== 0)
      return fail(`aborted, but ${weight}% of traffic is still on the canary`);
    const active = str(at(doc, 'status', 'blueGreen', 'activeSelector'));
    const stable = str(at(doc, 'status', 'stableRS'));
    if (active && stable && active !== stable)
      return fail(`aborted, but the active Service selects ${active}, not the stable ReplicaSet ${stable}`);
    return pass(
      `aborted: phase Degraded${typeof weight === 'number' ? ', canary weight 0' : ''}${active ? `, active selector ${active} = stable` : ''}`,
    );
  },
};
