import type { EcsFacts, Evidence, ImageRef, RolloutSettings, Workload } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { parseImage } from './image.js';
import { arr, bool, get, isObj, num, obj, str, type YamlDoc } from './yaml.js';

/** An ECS task definition (register-task-definition JSON). */
export interface TaskDefinition {
  family: string;
  images: ImageRef[];
  stopTimeout?: { value: number; at: Evidence };
  hasHealthCheck: { value: boolean; at: Evidence };
  healthCheck?: NonNullable<EcsFacts['containerHealthCheck']>;
  secrets: { name: string; at: Evidence }[];
  /** requiresCompatibilities (EC2, FARGATE, EXTERNAL); empty when the file does not say. */
  compatibilities: string[];
  at: Evidence;
}

/** Task definitions by family: several files may register one family (an EC2 and a Fargate variant). */
export type TaskDefinitions = Map<string, TaskDefinition[]>;

export function isTaskDefinition(v: unknown): boolean {
  return (
    isObj(v) &&
    Array.isArray(v.containerDefinitions) &&
    (typeof v.family === 'string' || isObj(v.taskDefinition))
  );
}

export function isEcsService(v: unknown): boolean {
  const s = isObj(get(v, 'service')) ? get(v, 'service') : v;
  return (
    isObj(s) &&
    typeof s.serviceName === 'string' &&
    (s.taskDefinition !== undefined || s.cluster !== undefined)
  );
}

export function readTaskDefinition(doc: YamlDoc): TaskDefinition | undefined {
  const wrapped = isObj(get(doc.value, 'taskDefinition'));
  const base = wrapped ? ['taskDefinition'] : [];
  const td = obj(wrapped ? get(doc.value, 'taskDefinition') : doc.value);
  const family = str(td.family);
  if (!family) return undefined;
  const images: ImageRef[] = [];
  const secrets: { name: string; at: Evidence }[] = [];
  let stop: { value: number; at: Evidence } | undefined;
  let health = false;
  let healthAt: Evidence | undefined;
  let healthCheck: TaskDefinition['healthCheck'];
  arr(td.containerDefinitions).forEach((c, i) => {
    const p = [...base, 'containerDefinitions', i];
    const image = str(get(c, 'image'));
    if (image) images.push(parseImage(image, doc.at([...p, 'image'])));
    const st = num(get(c, 'stopTimeout'));
    if (st !== undefined && !stop) stop = { value: st, at: doc.at([...p, 'stopTimeout']) };
    if (isObj(get(c, 'healthCheck')) && !health) {
      health = true;
      healthAt = doc.at([...p, 'healthCheck']);
      const hc: NonNullable<EcsFacts['containerHealthCheck']> = { at: healthAt };
      for (const k of ['interval', 'timeout', 'retries', 'startPeriod'] as const) {
        const v = num(get(c, 'healthCheck', k));
        if (v !== undefined) hc[k] = { value: v, at: doc.at([...p, 'healthCheck', k]) };
      }
      healthCheck = hc;
    }
    arr(get(c, 'secrets')).forEach((s, j) => {
      const from = str(get(s, 'valueFrom'));
      if (from) secrets.push({ name: from, at: doc.at([...p, 'secrets', j]) });
    });
  });
  const out: TaskDefinition = {
    family,
    images,
    hasHealthCheck: { value: health, at: healthAt ?? doc.at([...base, 'containerDefinitions']) },
    secrets,
    compatibilities: arr(td.requiresCompatibilities)
      .map((x) => str(x)?.toUpperCase())
      .filter((x): x is string => !!x),
    at: doc.at([...base, 'family']),
  };
  if (stop) out.stopTimeout = stop;
  if (healthCheck) out.healthCheck = healthCheck;
  return out;
}

/**
 * An ECS service definition (create-service / describe-services JSON, or a CloudFormation-free
 * service file): cluster, task definition, deployment configuration (circuit breaker, alarms,
 * min/max percent), health check grace period, load balancer deregistration delay when present.
 */
/** The launch type a service runs on: launchType, else its capacity provider strategy (FARGATE*), else unknown. */
function launchTypeOf(svc: Record<string, unknown>): string | undefined {
  const lt = str(svc.launchType)?.toUpperCase();
  if (lt) return lt;
  const providers = arr(svc.capacityProviderStrategy).map((c) => str(get(c, 'capacityProvider')) ?? '');
  if (providers.length && providers.every((p) => p.startsWith('FARGATE'))) return 'FARGATE';
  return undefined;
}

/**
 * The variant of a family a service runs: the one whose requiresCompatibilities holds the service's
 * launch type when exactly one does, else the first by file (and `certain` is false). Every variant
 * is listed with what became of it, so none is dropped silently.
 */
export function pickVariant(
  variants: TaskDefinition[],
  launchType: string | undefined,
): { td: TaskDefinition; certain: boolean; variants: NonNullable<EcsFacts['variants']> } {
  const sorted = [...variants].sort((a, b) => cmp(a.at.file, b.at.file) || a.at.line - b.at.line);
  const fits = launchType ? sorted.filter((v) => v.compatibilities.includes(launchType)) : [];
  const certain = sorted.length === 1 || fits.length === 1;
  const td = (fits.length === 1 ? fits[0] : sorted[0]) as TaskDefinition;
  const compat = (v: TaskDefinition) =>
    v.compatibilities.length ? v.compatibilities.join('/') : 'no requiresCompatibilities';
  return {
    td,
    certain,
    variants: sorted.map((v) => ({
      file: v.at.file,
      at: v.at,
      used: v === td,
      note:
        v === td
          ? certain
            ? sorted.length === 1
              ? "the family's only task definition"
              : `${compat(v)} variant: the service runs ${launchType}`
            : `${compat(v)} variant, first of ${sorted.length} by file: which one the service runs is unknown`
          : launchType && !v.compatibilities.includes(launchType)
            ? `${compat(v)} variant: not the service's launch type ${launchType}`
            : `${compat(v)} variant of the same family (not the one read)`,
    })),
  };
}

export function readEcsService(doc: YamlDoc, tds: TaskDefinitions): Workload | undefined {
  const wrapped = isObj(get(doc.value, 'service'));
  const base = wrapped ? ['service'] : [];
  const svc = obj(wrapped ? get(doc.value, 'service') : doc.value);
  const name = str(svc.serviceName);
  if (!name) return undefined;
  const at = (p: (string | number)[], note?: string) => doc.at([...base, ...p], note);
  const s: RolloutSettings = {};
  const desired = num(svc.desiredCount);
  if (desired !== undefined) s.replicas = { value: desired, at: at(['desiredCount']) };
  const dc = obj(svc.deploymentConfiguration);
  const min = num(dc.minimumHealthyPercent);
  if (min !== undefined)
    s.minimumHealthyPercent = { value: min, at: at(['deploymentConfiguration', 'minimumHealthyPercent']) };
  const max = num(dc.maximumPercent);
  if (max !== undefined)
    s.maximumPercent = { value: max, at: at(['deploymentConfiguration', 'maximumPercent']) };
  const cb = obj(dc.deploymentCircuitBreaker);
  s.circuitBreaker = {
    value: bool(cb.enable) === true,
    at: at(['deploymentConfiguration', isObj(dc.deploymentCircuitBreaker) ? 'deploymentCircuitBreaker' : '']),
  };
  const grace = num(svc.healthCheckGracePeriodSeconds);
  if (grace !== undefined)
    s.healthCheckGracePeriodSeconds = { value: grace, at: at(['healthCheckGracePeriodSeconds']) };
  const dereg = findDeregistration(doc.value);
  if (dereg) s.deregistrationDelaySeconds = { value: dereg.value, at: doc.at(dereg.path) };
  const strategy = str(get(svc, 'deploymentController', 'type'));
  if (strategy) s.strategy = { value: strategy, at: at(['deploymentController', 'type']) };
  const tdRef = str(svc.taskDefinition) ?? '';
  const family = tdRef.split('/').pop()?.split(':')[0] ?? '';
  const ecs: EcsFacts = { service: name };
  if (family) ecs.family = family;
  const cluster = str(svc.cluster);
  if (cluster) ecs.cluster = cluster.split('/').pop() ?? cluster;
  if (tdRef) ecs.taskDefinition = tdRef.split('/').pop() ?? tdRef;
  // A service definition without loadBalancers sits behind no target group (a worker): no
  // deregistration delay and no load-balancer health check shape its rollout.
  if (arr(svc.loadBalancers).length === 0) ecs.loadBalanced = false;
  if (cb.rollback !== undefined) ecs.circuitBreakerRollback = bool(cb.rollback) === true;
  const alarms = arr(get(dc, 'alarms', 'alarmNames'))
    .map((x) => str(x))
    .filter((x): x is string => !!x);
  if (alarms.length) {
    ecs.alarms = alarms;
    ecs.alarmRollback = bool(get(dc, 'alarms', 'rollback')) === true;
  }
  const launchType = launchTypeOf(svc);
  const variants = tds.get(family) ?? [];
  const picked = variants.length ? pickVariant(variants, launchType) : undefined;
  const td = picked?.td;
  if (td) {
    if (td.stopTimeout) s.terminationGracePeriodSeconds = td.stopTimeout;
    s.hasReadinessProbe =
      svc.loadBalancers !== undefined && arr(svc.loadBalancers).length > 0
        ? { value: true, at: at(['loadBalancers'], 'load balancer health check') }
        : td.hasHealthCheck;
  }
  if (td?.healthCheck) ecs.containerHealthCheck = td.healthCheck;
  if (picked && picked.variants.length > 1) ecs.variants = picked.variants;
  if (picked && !picked.certain) ecs.variantUnknown = true;
  const w: Workload = {
    ecs,
    kind: 'ECSService',
    name,
    platform: 'ecs',
    at: at(['serviceName']),
    images: td ? td.images : [],
    settings: s,
    config: td
      ? td.secrets.map((x) => ({
          kind: 'SecretsManager',
          name: x.name,
          versioned: /:[^:]*:[^:]*:[0-9a-f-]{36}$|:\d+$/.test(x.name),
          at: x.at,
        }))
      : [],
  };
  return w;
}

function findDeregistration(
  v: unknown,
  path: (string | number)[] = [],
): { value: number; path: (string | number)[] } | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findDeregistration(v[i], [...path, i]);
      if (r) return r;
    }
    return undefined;
  }
  if (!isObj(v)) return undefined;
  if (v.Key === 'deregistration_delay.timeout_seconds' || v.key === 'deregistration_delay.timeout_seconds') {
    const n = num(v.Value ?? v.value);
    if (n !== undefined) return { value: n, path };
  }
  for (const [k, val] of Object.entries(v)) {
    if (k === 'deregistrationDelaySeconds' || k === 'deregistration_delay') {
      const n = num(val);
      if (n !== undefined) return { value: n, path: [...path, k] };
    }
    const r = findDeregistration(val, [...path, k]);
    if (r) return r;
  }
  return undefined;
}

/** A task definition family with no service file still says what runs: a workload with unknown cluster. */
export function taskDefinitionWorkload(family: TaskDefinition[]): Workload {
  const picked = pickVariant(family, undefined);
  const td = picked.td;
  const s: RolloutSettings = { hasReadinessProbe: td.hasHealthCheck };
  if (td.stopTimeout) s.terminationGracePeriodSeconds = td.stopTimeout;
  const ecs: EcsFacts = { family: td.family };
  if (td.healthCheck) ecs.containerHealthCheck = td.healthCheck;
  if (picked.variants.length > 1) {
    ecs.variants = picked.variants;
    ecs.variantUnknown = true;
  }
  return {
    ecs,
    kind: 'ECSTaskDefinition',
    name: td.family,
    platform: 'ecs',
    at: td.at,
    images: td.images,
    settings: s,
    config: td.secrets.map((x) => ({ kind: 'SecretsManager', name: x.name, versioned: false, at: x.at })),
  };
}
