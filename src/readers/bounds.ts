/**
 * Numbers are bounded: every duration and count read from the repository (probe periods and
 * thresholds, timeouts, replicas, progressDeadlineSeconds, health checks, canary pauses…) is checked
 * against a sane range at read time; a value outside it is an input error with its location
 * (exit 2). Downstream arithmetic (replicas × periods × thresholds) then stays finite, so no
 * duration can become Infinity or NaN.
 */
import { type Problem, RollbookError } from '../errors.js';
import type { Evidence, RolloutSettings, Setting, Workload } from '../model/service.js';
import { firstProblems } from './yaml-stream.js';

export interface Bound {
  min: number;
  max: number;
  /** In words, for the message. */
  what: string;
}

const DAY = 86_400;
/** A duration: up to 30 days (a rollout that takes longer is not a rollout). */
export const DURATION: Bound = {
  min: 0,
  max: 30 * DAY,
  what: 'a duration in seconds from 0 to 30 days (2592000)',
};
/** Kubernetes int32 fields that are durations but may be set very high to mean "never". */
const INT32_SECONDS: Bound = { min: 0, max: 2_147_483_647, what: 'seconds from 0 to 2147483647 (int32)' };
/** A count: replicas, thresholds, history limits, batch sizes. */
export const COUNT: Bound = { min: 0, max: 100_000, what: 'a count from 0 to 100000' };
const PERCENT: Bound = { min: 0, max: 100, what: 'a percentage from 0 to 100' };
const PERCENT_OVER: Bound = { min: 0, max: 1000, what: 'a percentage from 0 to 1000' };

/** The range of every numeric rollout setting. */
export const SETTING_BOUNDS: Readonly<Partial<Record<keyof RolloutSettings, Bound>>> = {
  replicas: COUNT,
  maxSurge: COUNT,
  maxUnavailable: COUNT,
  minReadySeconds: DURATION,
  progressDeadlineSeconds: INT32_SECONDS,
  terminationGracePeriodSeconds: DURATION,
  preStopSeconds: DURATION,
  readinessInitialDelaySeconds: DURATION,
  readinessPeriodSeconds: DURATION,
  readinessFailureThreshold: COUNT,
  readinessSuccessThreshold: COUNT,
  startupSeconds: DURATION,
  startupExpectedSeconds: DURATION,
  imagePullSeconds: DURATION,
  revisionHistoryLimit: COUNT,
  partition: COUNT,
  timeoutSeconds: DURATION,
  historyMax: COUNT,
  deregistrationDelaySeconds: DURATION,
  healthCheckGracePeriodSeconds: DURATION,
  minimumHealthyPercent: PERCENT,
  maximumPercent: PERCENT_OVER,
  rollbackWindowRevisions: COUNT,
  scaleDownDelaySeconds: DURATION,
  autoPromotionSeconds: DURATION,
  previewReplicaCount: COUNT,
  maxParallel: COUNT,
  canary: COUNT,
  restartSeconds: DURATION,
};

/** Why `value` is out of range, or undefined. */
export function boundProblem(value: number, bound: Bound): string | undefined {
  if (!Number.isFinite(value)) return `${value} is not a finite number`;
  if (value < bound.min || value > bound.max) return `${value} is out of range`;
  return undefined;
}

interface NumberCheck {
  value: number | undefined;
  bound: Bound;
  field: string;
  at?: Evidence | undefined;
}

function problemsOf(checks: NumberCheck[]): Problem[] {
  const out: Problem[] = [];
  for (const c of checks) {
    if (c.value === undefined) continue;
    const message = boundProblem(c.value, c.bound);
    if (message === undefined) continue;
    const p: Problem = { message, path: c.field, expected: c.bound.what };
    if (c.at) p.at = c.at;
    out.push(p);
  }
  return out;
}

const NUMBER_HINT =
  'Durations and counts drive the runbook and its time estimates; fix the value in the file.';

/** Throws one input error (exit 2) listing every out-of-range number with its location. */
export function checkNumbers(checks: NumberCheck[]): void {
  const problems = problemsOf(checks);
  if (problems.length === 0) return;
  throw new RollbookError('INVALID_NUMBER', problems.slice(0, 20), NUMBER_HINT);
}

/** Throws one input error (exit 2) for numbers that are not finite (.inf, .nan, 1e999), located. */
export function checkNonFinite(problems: Problem[]): void {
  if (problems.length === 0) return;
  throw new RollbookError('INVALID_NUMBER', firstProblems(problems), NUMBER_HINT);
}

const s = (
  x: Setting<number> | undefined,
  bound: Bound,
  field: string,
  fallback?: Evidence,
): NumberCheck => ({
  value: x?.value,
  bound,
  field,
  at: x?.at ?? fallback,
});

/** Every number of a discovered workload that drives a duration or a count. */
export function workloadNumberChecks(w: Workload): NumberCheck[] {
  const checks: NumberCheck[] = [];
  for (const [key, bound] of Object.entries(SETTING_BOUNDS) as [keyof RolloutSettings, Bound][]) {
    const v = w.settings[key] as Setting | undefined;
    if (v && typeof v.value === 'number') checks.push(s(v as Setting<number>, bound, key, w.at));
  }
  const a = w.autoscaler;
  if (a) {
    checks.push({ value: a.minReplicas, bound: COUNT, field: 'autoscaler minReplicas', at: a.minAt ?? a.at });
    checks.push({ value: a.maxReplicas, bound: COUNT, field: 'autoscaler maxReplicas', at: a.maxAt ?? a.at });
  }
  for (const step of w.canarySteps ?? [])
    checks.push({ value: step.seconds, bound: DURATION, field: 'canary pause', at: step.at ?? w.at });
  const runs = [
    ...(w.canarySteps ?? []).map((st) => st.analysis),
    w.argoRollouts?.backgroundAnalysis,
    w.argoRollouts?.prePromotionAnalysis,
    w.argoRollouts?.postPromotionAnalysis,
  ];
  for (const m of runs.flatMap((r) => r?.metrics ?? [])) {
    checks.push(s(m.count, COUNT, 'analysis count', m.at));
    checks.push(s(m.interval, DURATION, 'analysis interval', m.at));
    checks.push(s(m.initialDelay, DURATION, 'analysis initialDelay', m.at));
    checks.push(s(m.failureLimit, COUNT, 'analysis failureLimit', m.at));
    checks.push(s(m.inconclusiveLimit, COUNT, 'analysis inconclusiveLimit', m.at));
    checks.push(s(m.consecutiveErrorLimit, COUNT, 'analysis consecutiveErrorLimit', m.at));
    checks.push(s(m.jobDeadline, INT32_SECONDS, 'analysis Job activeDeadlineSeconds', m.at));
  }
  const hcs = [
    w.ecs?.containerHealthCheck,
    ...(w.compose ? [...w.compose.services, ...w.compose.oneShot, ...w.compose.others] : []).map(
      (x) => x.healthcheck,
    ),
  ];
  for (const hc of hcs) {
    if (!hc) continue;
    checks.push(s(hc.interval, DURATION, 'healthcheck interval', hc.at));
    checks.push(s(hc.timeout, DURATION, 'healthcheck timeout', hc.at));
    checks.push(s(hc.retries, COUNT, 'healthcheck retries', hc.at));
    checks.push(s(hc.startPeriod, DURATION, 'healthcheck start period', hc.at));
  }
  for (const c of w.compose?.services ?? [])
    checks.push(s(c.stopGracePeriod, DURATION, 'stop_grace_period', c.at));
  return checks;
}
