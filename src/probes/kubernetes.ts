/**
 * Kubernetes StatefulSets with the OnDelete strategy: `kubectl get -o json -- statefulset/NAME`.
 * `kubectl rollout status` refuses them ("rollout status is only available for RollingUpdate strategy
 * type"), so the update is read from the object: spec.replicas (default 1), metadata.generation and
 * status (apps/v1 StatefulSetStatus: observedGeneration, replicas, readyReplicas, updatedReplicas,
 * currentRevision, updateRevision; every count but `replicas` is omitempty, so an absent count is 0).
 * The controller counts as updated the pods whose controller-revision-hash label is updateRevision,
 * whatever the strategy (pkg/controller/statefulset/stateful_set_control.go, updateStatefulSetStatus);
 * with OnDelete a pod moves to updateRevision only when someone deletes it.
 * Format: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/
 */
import { at, jsonOf, notUnderstood, num, str } from './read.js';
import { fail, type Probe, type ProbeVerdict, pass } from './types.js';

interface Counts {
  name: string;
  desired: number;
  updated: number;
  ready: number;
  current: number;
  revision: string;
  /** Set when the controller has not yet read the latest spec (observedGeneration < generation). */
  behind?: string;
}

const READS = 'kubectl get -o json -- statefulset/NAME';
const FORMAT = 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/';

/** The counts of a StatefulSet's JSON, or the unknown verdict when the output is not one. */
function countsOf(output: string, exitCode: number): Counts | ProbeVerdict {
  const doc = jsonOf(output);
  if (exitCode !== 0 || str(at(doc, 'kind')) !== 'StatefulSet')
    return notUnderstood('the StatefulSet (kubectl get -o json)', exitCode, output);
  const count = (...path: string[]) => num(at(doc, ...path)) ?? 0;
  const generation = num(at(doc, 'metadata', 'generation'));
  const observed = num(at(doc, 'status', 'observedGeneration'));
  const behind =
    generation !== undefined && (observed === undefined || observed < generation)
      ? `the controller has not yet read the latest spec (status.observedGeneration ${observed ?? 'absent'} < metadata.generation ${generation})`
      : undefined;
  return {
    name: str(at(doc, 'metadata', 'name')) ?? '?',
    desired: num(at(doc, 'spec', 'replicas')) ?? 1,
    updated: count('status', 'updatedReplicas'),
    ready: count('status', 'readyReplicas'),
    current: count('status', 'replicas'),
    revision: str(at(doc, 'status', 'updateRevision')) ?? '?',
    ...(behind ? { behind } : {}),
  };
}

const isVerdict = (c: Counts | ProbeVerdict): c is ProbeVerdict => 'outcome' in c;

const countsText = (c: Counts) =>
  `${c.updated} of ${c.desired} pods on revision ${c.revision}, ${c.ready} ready, ${c.current} exist`;

/** The deploy-state gate: a half-done update (pods not yet deleted) is in progress and fails. */
export const statefulsetUpdating: Probe = {
  id: 'kubectl-statefulset-updating',
  platforms: ['kubernetes'],
  reads: READS,
  format: FORMAT,
  passes:
    'every pod is on the update revision (complete), or on it but not all ready (stalled: passes); pods still on an older revision mean an OnDelete update is half done, and fail',
  read({ output, exitCode }) {
    const c = countsOf(output, exitCode);
    if (isVerdict(c)) return c;
    if (c.behind) return fail(`progressing: ${c.behind}`);
    if (c.updated < c.desired)
      return fail(
        `an update is in progress: ${countsText(c)} (OnDelete: the other pods update only when deleted); finish or revert it first`,
      );
    if (c.ready < c.desired) return pass(`stalled: ${countsText(c)} (the usual reason to roll back)`);
    return pass(`complete: ${countsText(c)}`);
  },
};

/** After the pods were replaced: every desired pod on the update revision, and ready. */
export const statefulsetUpdated: Probe = {
  id: 'kubectl-statefulset-updated',
  platforms: ['kubernetes'],
  reads: READS,
  format: FORMAT,
  passes:
    'the controller read the latest spec, and status.updatedReplicas and status.readyReplicas both equal spec.replicas',
  read({ output, exitCode }) {
    const c = countsOf(output, exitCode);
    if (isVerdict(c)) return c;
    if (c.behind) return fail(c.behind);
    if (c.updated >= c.desired && c.ready >= c.desired && c.current === c.desired)
      return pass(`${c.name}: ${countsText(c)}`);
    return fail(`${c.name} is not done: ${countsText(c)}`);
  },
};
