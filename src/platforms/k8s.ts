/**
 * Kubernetes pieces shared by every mechanism that ends in a rolling update of pods (kubernetes,
 * helm, argo-rollouts, argocd, flux): the workload kind, kubectl references, the rollout duration
 * model, and the hazards of an undo that only restores the pod template.
 *
 * Settings read (RolloutSettings): replicas, strategy, maxSurge, maxUnavailable, minReadySeconds,
 * progressDeadlineSeconds, terminationGracePeriodSeconds, preStopSeconds, imagePullSeconds,
 * startupSeconds, hasReadinessProbe, readinessInitialDelaySeconds, readinessPeriodSeconds,
 * readinessSuccessThreshold, readinessFailureThreshold, partition, podManagementPolicy.
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check } from '../model/plan.js';
import { KUBE_PLATFORMS, type ServiceBinding } from '../model/service.js';
import {
  contextFlag,
  Drivers,
  durationModel,
  evidenceOfSetting,
  flag,
  hazard,
  intOrPercent,
  namespaceInput,
  namespaceOf,
  parseWorkloadRef,
  plural,
  pollCheck,
  read,
  resourceName,
  settingOf,
} from './common.js';
import type { DurationModel, PlatformContext } from './types.js';

export type KubeKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

const KIND_ALIASES: Record<string, KubeKind> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
};

/** The kind from workload.kind, else from deploy.workload ("sts/x"), else Deployment. */
export function kubeKind(ctx: PlatformContext): KubeKind {
  const fromWorkload = ctx.workload ? KIND_ALIASES[ctx.workload.kind.toLowerCase()] : undefined;
  if (fromWorkload) return fromWorkload;
  const ref = parseWorkloadRef(ctx.service.deploy.workload);
  return (ref?.kind && KIND_ALIASES[ref.kind]) || 'Deployment';
}

/** "deployment/NAME" (one argv element; renderCommand quotes it as a whole). */
export function kubeRef(ctx: PlatformContext, kind: KubeKind = kubeKind(ctx)): string {
  return `${kind.toLowerCase()}/${resourceName(ctx)}`;
}

export function nsFlag(ctx: PlatformContext): string[] {
  return [...contextFlag(ctx, '--context'), ...flag('-n', namespaceOf(ctx))];
}

export interface PodTimes {
  expected: number;
  worst: number;
  words: string;
  graceWorst: number;
  drain: number;
}

/** Time for one pod to become available, and its termination. */
export function podTimes(d: Drivers): PodTimes {
  const pull = d.get('imagePullSeconds', 10, 'imagePullSeconds (estimate)');
  const startup = d.maybe('startupSeconds') ?? 0;
  const startupE = d.maybe('startupExpectedSeconds') ?? startup;
  const probe = d.get('hasReadinessProbe', true, 'readiness probe');
  let readyE = 0;
  let readyW = 0;
  let readyWords = 'no readiness probe (ready when started)';
  if (probe) {
    const delay = d.get('readinessInitialDelaySeconds', 0);
    const period = d.get('readinessPeriodSeconds', 10);
    const success = d.get('readinessSuccessThreshold', 1);
    const failure = d.get('readinessFailureThreshold', 3);
    readyE = delay + period * success;
    readyW = delay + period * (success + failure);
    readyWords = `ready ${delay}s + ${period}s × ${success}`;
  }
  const minReady = d.get('minReadySeconds', 0);
  const grace = d.get('terminationGracePeriodSeconds', 30);
  const preStop = d.maybe('preStopSeconds') ?? 0;
  const expected = pull + startupE + readyE + minReady;
  const worst = pull * 3 + startup + readyW + minReady;
  const words = `pull ${pull}s${startup ? ` + startup ${startupE}s (worst ${startup}s)` : ''} + ${readyWords}${minReady ? ` + minReady ${minReady}s` : ''}`;
  return { expected, worst, words, graceWorst: Math.max(grace, preStop), drain: preStop };
}

/** Kubernetes rollout duration for the workload's kind (Deployment, StatefulSet, DaemonSet). */
export function kubeDuration(ctx: PlatformContext, kind: KubeKind = kubeKind(ctx)): DurationModel {
  const d = new Drivers(ctx);
  if (kind === 'StatefulSet') return statefulSetDuration(d, ctx);
  if (kind === 'DaemonSet') return daemonSetDuration(d);
  return deploymentDuration(d, ctx);
}

/**
 * Replicas that roll: spec.replicas, else the HPA's minReplicas; with an HPA the worst case is its
 * maxReplicas (the autoscaler may have scaled up during the incident).
 */
function replicaRange(d: Drivers, ctx: PlatformContext): { expected: number; worst: number; words: string } {
  const hpa = ctx.workload?.autoscaler;
  const set = ctx.workload?.settings.replicas;
  if (!hpa || (hpa.minReplicas === undefined && hpa.maxReplicas === undefined)) {
    const r = Math.max(1, d.get('replicas', 1));
    return { expected: r, worst: r, words: plural(r, 'replica') };
  }
  const min = hpa.minReplicas ?? 1;
  d.add(
    `HPA ${hpa.name} minReplicas`,
    min,
    hpa.minReplicas === undefined ? 'default' : 'manifest',
    hpa.minAt ?? hpa.at,
  );
  const expected = Math.max(1, set ? d.get('replicas', 1) : min);
  const worst = Math.max(expected, hpa.maxReplicas ?? expected);
  if (hpa.maxReplicas !== undefined)
    d.add(`HPA ${hpa.name} maxReplicas`, hpa.maxReplicas, 'manifest', hpa.maxAt ?? hpa.at);
  return { expected, worst, words: `${plural(expected, 'replica')}, up to ${worst} with HPA ${hpa.name}` };
}

function deploymentDuration(d: Drivers, ctx: PlatformContext): DurationModel {
  const range = replicaRange(d, ctx);
  const replicas = range.expected;
  const strategy = d.get('strategy', 'RollingUpdate');
  const deadline = d.get('progressDeadlineSeconds', 600);
  const pod = podTimes(d);
  const perBatchWorst = Math.min(pod.worst, deadline);
  if (strategy === 'Recreate') {
    return durationModel(
      pod.drain + pod.expected,
      pod.graceWorst + perBatchWorst,
      d,
      `Recreate: stop all ${replicas} pods (preStop ${pod.drain}s, worst grace ${pod.graceWorst}s), then start all at once (${pod.words}); worst case adds 3× pull, failureThreshold probe periods, capped per batch by progressDeadlineSeconds ${deadline}s`,
    );
  }
  const surge = intOrPercent(d.get('maxSurge', '25%'), replicas, true);
  const unavailable = intOrPercent(d.get('maxUnavailable', '25%'), replicas, false);
  const perBatch = surge + unavailable > 0 ? surge + unavailable : 1;
  const batches = Math.ceil(replicas / perBatch);
  const surgeW = intOrPercent(d.get('maxSurge', '25%'), range.worst, true);
  const unavailableW = intOrPercent(d.get('maxUnavailable', '25%'), range.worst, false);
  const batchesWorst = Math.max(batches, Math.ceil(range.worst / Math.max(1, surgeW + unavailableW)));
  return durationModel(
    batches * pod.expected + pod.drain,
    batchesWorst * perBatchWorst + pod.graceWorst,
    d,
    `${plural(batches, 'batch', 'batches')} of ${perBatch} (${range.words}, maxSurge ${surge} rounded up, maxUnavailable ${unavailable} rounded down) × (${pod.words}) + last drain preStop ${pod.drain}s; worst case: 3× pull, failureThreshold extra probe periods, each batch capped by progressDeadlineSeconds ${deadline}s${batchesWorst > batches ? `, ${batchesWorst} batches at ${range.worst} replicas` : ''}, + termination grace ${pod.graceWorst}s`,
  );
}

/** A pod's volume moving with it: detach from the old node, attach on the new one (CSI, estimate). */
const VOLUME_ATTACH = { expected: 15, worst: 90 };

function statefulSetDuration(d: Drivers, ctx: PlatformContext): DurationModel {
  const replicas = Math.max(1, d.get('replicas', 1));
  const partition = Math.min(replicas - 1, Math.max(0, d.get('partition', 0)));
  const pods = replicas - partition;
  const pod = podTimes(d);
  const volumes = (ctx.workload?.state ?? []).some(
    (s) => s.kind === 'volume-claim-template' || s.kind === 'persistent-volume-claim',
  );
  if (volumes)
    d.add(
      'volume detach + attach per pod (estimate)',
      `${VOLUME_ATTACH.expected}s, worst ${VOLUME_ATTACH.worst}s`,
      'default',
    );
  const attach = volumes ? VOLUME_ATTACH : { expected: 0, worst: 0 };
  return durationModel(
    pods * (pod.drain + attach.expected + pod.expected),
    pods * (pod.graceWorst + attach.worst + pod.worst),
    d,
    `${plural(pods, 'pod')} one at a time, highest ordinal first (${plural(replicas, 'replica')}, partition ${partition}) × (terminate: preStop ${pod.drain}s + ${volumes ? `volume detach + attach ${attach.expected}s + ` : ''}${pod.words}); worst case per pod: full grace ${pod.graceWorst}s${volumes ? `, volume attach ${attach.worst}s` : ''}, 3× pull, failureThreshold extra probe periods`,
  );
}

function daemonSetDuration(d: Drivers): DurationModel {
  const nodes = Math.max(1, d.get('replicas', 1, 'nodes (replicas setting; node count)'));
  const surge = intOrPercent(d.get('maxSurge', 0), nodes, true);
  const unavailable = intOrPercent(d.get('maxUnavailable', 1), nodes, false);
  const perBatch = Math.max(1, surge + unavailable);
  const batches = Math.ceil(nodes / perBatch);
  const pod = podTimes(d);
  const killFirst = surge === 0;
  const termE = killFirst ? pod.drain : 0;
  const termW = killFirst ? pod.graceWorst : 0;
  return durationModel(
    batches * (termE + pod.expected),
    batches * (termW + pod.worst),
    d,
    `${plural(batches, 'batch', 'batches')} of ${plural(perBatch, 'node')} (${plural(nodes, 'node')}, maxSurge ${surge}, maxUnavailable ${unavailable})${killFirst ? ', old pod stopped first' : ''} × (${pod.words}); worst case: full grace, 3× pull, failureThreshold extra probe periods`,
  );
}

/**
 * What an undo of the pod template leaves behind: unversioned ConfigMaps/Secrets, replicas/HPA,
 * last-applied-configuration, missing history, paused rollouts, StatefulSet PVCs and ordering.
 */
export interface KubeHazardOptions {
  /** Rule id prefix: the mechanism that performs the undo. */
  prefix: string;
  /** How the workload is named in messages, e.g. deployment/x or rollout x. */
  ref: string;
}

export function kubeHazards(ctx: PlatformContext, options: Partial<KubeHazardOptions> = {}): Finding[] {
  const name = resourceName(ctx);
  const ns = namespaceOf(ctx);
  const inNs = ns ? ` -n ${ns}` : '';
  const ref = options.ref ?? kubeRef(ctx);
  const prefix = options.prefix ?? 'kubernetes';
  const out: Finding[] = [];
  const replicas = settingOf(ctx, 'replicas');
  out.push(
    hazard(ctx, {
      rule: `${prefix}-hpa-not-reverted`,
      kind: 'config',
      severity: 'info',
      subject: ref,
      message: `An undo of ${ref} does not restore spec.replicas or any HorizontalPodAutoscaler settings changed by the bad deploy.`,
      mitigation: `After the undo, compare replicas and HPA min/max with the last good manifest: kubectl get hpa${inNs}; restore them from git if the bad deploy changed them.`,
      appRollbackSafe: true,
      revertLossless: true,
      evidence: evidenceOfSetting(ctx, replicas),
    }),
  );
  out.push(
    hazard(ctx, {
      rule: `${prefix}-last-applied`,
      kind: 'config',
      severity: 'warning',
      subject: ref,
      message: `An undo leaves the kubectl.kubernetes.io/last-applied-configuration annotation of the bad revision: the next kubectl apply of the bad manifests re-deploys it, and fields removed by the bad change can come back.`,
      mitigation: `Revert the bad change to ${name}'s manifests in git right after the undo, so the next apply matches what runs.`,
      appRollbackSafe: true,
      revertLossless: true,
    }),
  );
  if (kubeKind(ctx) === 'StatefulSet') out.push(...statefulSetHazards(ctx, ref, name, inNs));
  return out;
}

/**
 * StatefulSet specifics a template undo leaves to people. PVC contents (rule stateful-data) and
 * OrderedReady stuck pods (rule statefulset-ordered-ready) are reported once, by their rules.
 */
function statefulSetHazards(ctx: PlatformContext, ref: string, name: string, inNs: string): Finding[] {
  const out: Finding[] = [];
  const strategy = settingOf(ctx, 'strategy');
  if (strategy?.value === 'OnDelete') {
    out.push(
      hazard(ctx, {
        rule: 'statefulset-ondelete-manual',
        kind: 'config',
        severity: 'warning',
        subject: ref,
        message: `${ref} uses the OnDelete update strategy: an undo changes the template but replaces no pod.`,
        mitigation: `Delete each pod of ${name} by hand, highest ordinal first, waiting for each to be Ready (kubectl delete pod ${name}-N${inNs}).`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, strategy),
      }),
    );
  }
  return out;
}

/**
 * `-n` of the endpoints check: the Service's namespace; for a Helm release or an Argo Rollout whose
 * namespace no file names, its namespace input (the Service lives there, not in kubectl's context namespace).
 */
function endpointsNs(platform: string, ns: string | undefined): Arg[] {
  if (ns !== undefined) return flag('-n', ns);
  const v = namespaceInput(platform);
  return v ? ['-n', { var: v }] : [];
}

/** What the endpoints check prints once per ready address (Endpoints' `addresses` hold only ready pods). */
export const READY_ENDPOINT = 'ready-endpoint ';

/**
 * Read-only: the Services selecting the rolled-back workload's pods list ready addresses again
 * (`kubectl get endpoints/NAME`, one line per ready address), so traffic reaches the target version.
 * None for a workload no Service selects (a worker) or outside Kubernetes.
 */
export function serviceEndpointChecks(ctx: PlatformContext): { service: ServiceBinding; check: Check }[] {
  const platform = ctx.service.deploy.platform ?? ctx.workload?.platform;
  if (!platform || !KUBE_PLATFORMS.has(platform)) return [];
  return (ctx.workload?.services ?? []).map((service) => ({
    service,
    check: pollCheck(
      read(
        'kubectl',
        'get',
        ...contextFlag(ctx, '--context'),
        ...endpointsNs(platform, service.namespace ?? namespaceOf(ctx)),
        '-o',
        `jsonpath={range .subsets[*].addresses[*]}${READY_ENDPOINT}{.ip}{"\\n"}{end}`,
        '--',
        `endpoints/${service.name}`,
      ),
      `Service ${service.name} lists at least one ready endpoint (a line "${READY_ENDPOINT.trim()} <pod IP>"): traffic reaches the rolled-back pods`,
      120,
      READY_ENDPOINT,
    ),
  }));
}
