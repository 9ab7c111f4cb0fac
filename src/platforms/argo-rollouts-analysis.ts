/**
 * How long an Argo Rollouts AnalysisRun takes on its success path, from its metrics (the
 * controller's rules, argoproj/argo-rollouts analysis/analysis.go and v1alpha1.Metric):
 * - the first measurement is taken `initialDelay` after the run starts; each next one `interval`
 *   after the previous one finished; the metric completes after `count` measurements, so a metric
 *   takes initialDelay + (count − 1) × interval (+ the measurements themselves);
 * - no count and no interval: one measurement; count 1 without interval: one measurement;
 *   count > 1 without interval: the controller rejects the metric (the run errors);
 * - an interval without count: the metric runs until it fails or the run is terminated. An inline
 *   `analysis` step with such a metric never completes by itself: the rollout waits there until a
 *   person promotes it (which skips the step) or the metric fails (the rollout aborts);
 * - the metrics of a run (all its templates merged) run side by side: the run takes its longest
 *   metric, and fails as soon as one metric fails: after failureLimit + 1 failed measurements, or
 *   consecutiveErrorLimit + 1 errors in a row (default 4); inconclusiveLimit + 1 inconclusive
 *   measurements pause the rollout for a person;
 * - a Job provider's measurement lasts as long as the Job runs, which no file says (assumed here,
 *   capped by the Job's activeDeadlineSeconds when set).
 * Pure: facts in, seconds and cited drivers out.
 */
import type { AnalysisMetricFacts, AnalysisRunFacts } from '../model/facts.js';
import type { DurationDriver } from '../model/plan.js';
import type { Evidence, Setting } from '../model/service.js';
import { formatSeconds } from '../util/seconds.js';

/** Assumed run time of one Job measurement (no file says how long the Job runs). */
export const JOB_SECONDS = { expected: 60, worst: 600 };
/** The controller's default consecutiveErrorLimit. */
export const CONSECUTIVE_ERROR_LIMIT = 4;

export type MetricTime =
  | { kind: 'timed'; expected: number; worst: number; words: string }
  | { kind: 'indefinite'; words: string }
  | { kind: 'invalid'; words: string }
  | { kind: 'unknown'; words: string };

function metricRef(m: AnalysisMetricFacts): string {
  return `${m.template}/${m.name}`;
}

/** One metric's time on its success path (every measurement passes). */
export function metricTime(m: AnalysisMetricFacts): MetricTime {
  const ref = metricRef(m);
  if (m.invalid) return { kind: 'invalid', words: `${ref}: the controller rejects it (${m.invalid})` };
  const unresolved = Object.keys(m.unresolved ?? {}).filter((k) =>
    ['count', 'interval', 'initialDelay'].includes(k),
  );
  if (unresolved.length)
    return {
      kind: 'unknown',
      words: `${ref}: ${unresolved.map((k) => `${k} ${m.unresolved?.[k]}`).join(', ')} has no value rollbook can read`,
    };
  const delay = m.initialDelay?.value ?? 0;
  const interval = m.interval?.value;
  const count = m.count?.value ? m.count.value : undefined;
  const job = m.provider === 'job';
  const jobE = job ? JOB_SECONDS.expected : 0;
  const jobW = job ? Math.min(JOB_SECONDS.worst, m.jobDeadline?.value ?? JOB_SECONDS.worst) : 0;
  const delayWords = delay ? `initialDelay ${formatSeconds(delay)} + ` : '';
  const jobWords = job ? ` (Job run ~${formatSeconds(jobE)} each, assumed)` : '';
  if (interval !== undefined && count === undefined)
    return {
      kind: 'indefinite',
      words: `${ref} every ${formatSeconds(interval)} with no count, until it fails or the run is terminated`,
    };
  const n = count ?? 1;
  const gaps = interval !== undefined ? (n - 1) * interval : 0;
  return {
    kind: 'timed',
    expected: delay + gaps + n * jobE,
    worst: delay + gaps + n * Math.max(jobE, jobW),
    words:
      n === 1
        ? `${ref}: ${delayWords}one measurement${jobWords}`
        : `${ref}: ${delayWords}${n} measurements ${formatSeconds(interval ?? 0)} apart = ${formatSeconds(delay + gaps)}${jobWords}`,
  };
}

export interface RunTime {
  /** Seconds until the run completes, all metrics passing; 0 when it never completes by itself. */
  expected: number;
  worst: number;
  /** Metrics that never complete by themselves (interval, no count). */
  indefinite: string[];
  /** Metrics the controller rejects: the run errors at once and the rollout aborts. */
  invalid: string[];
  /** Metrics and templates whose time is not known (missing templates, unreadable fields). */
  unknown: string[];
  /** One phrase per metric. */
  words: string[];
}

/** The run's time: its longest metric (they run side by side). */
export function runTime(run: AnalysisRunFacts): RunTime {
  const out: RunTime = { expected: 0, worst: 0, indefinite: [], invalid: [], unknown: [], words: [] };
  for (const m of run.metrics) {
    const t = metricTime(m);
    out.words.push(t.words);
    if (t.kind === 'timed') {
      out.expected = Math.max(out.expected, t.expected);
      out.worst = Math.max(out.worst, t.worst);
    } else out[t.kind].push(t.words);
  }
  for (const t of run.missing) {
    const w = `template ${t} is not in the repository: its metrics are not timed`;
    out.unknown.push(w);
    out.words.push(w);
  }
  return out;
}

/** The controller's retry after an errored measurement when the metric has no interval (analysis.go). */
export const ERROR_RETRY_SECONDS = 10;

/**
 * When the controller decides a metric's bad outcome, counted from the run's start, if every
 * measurement from the first one on has that outcome (analysis/analysis.go assessMetricStatus):
 * - `failed`: failed > failureLimit (default 0), the (failureLimit + 1)th failed measurement, at
 *   initialDelay + failureLimit × interval; Failed aborts the rollout;
 * - `error`: consecutiveErrors > consecutiveErrorLimit (default 4), the (limit + 1)th error in a row;
 *   an errored measurement is retried after `interval` (10s without one) and does not count towards
 *   `count`, so errors stretch a counted metric; Error aborts the rollout like Failed;
 * - `inconclusive`: inconclusive > inconclusiveLimit (default 0); Inconclusive pauses the rollout
 *   for a person (promote or abort: docs/features/analysis.md "Inconclusive Runs").
 * A Job measurement adds its own run time to each. Undefined for a metric whose time is not known.
 * One decided metric ends the run at once: the others stop measuring (utils/analysis IsTerminating).
 */
export interface MetricDecision {
  /** Undefined when it cannot fail by measurements: count ≤ failureLimit (the metric then succeeds). */
  failed?: number;
  error: number;
  inconclusive?: number;
  /** failureLimit, consecutiveErrorLimit, inconclusiveLimit as the controller reads them. */
  limits: { failure: number; error: number; inconclusive: number };
}

export function metricDecision(m: AnalysisMetricFacts): MetricDecision | undefined {
  const t = metricTime(m);
  if (t.kind === 'invalid' || t.kind === 'unknown') return undefined;
  const delay = m.initialDelay?.value ?? 0;
  const interval = m.interval?.value;
  // Metric.EffectiveCount: count, else 1 without an interval, else unbounded
  const count = m.count?.value ? m.count.value : interval === undefined ? 1 : undefined;
  const job = m.provider === 'job' ? JOB_SECONDS.expected : 0;
  const limits = {
    failure: m.failureLimit?.value ?? 0,
    error: m.consecutiveErrorLimit?.value ?? CONSECUTIVE_ERROR_LIMIT,
    inconclusive: m.inconclusiveLimit?.value ?? 0,
  };
  /** The nth measurement (1-based) finishes at: */
  const nth = (n: number, gap: number) => delay + (n - 1) * gap + n * job;
  const within = (n: number) => count === undefined || n <= count;
  return {
    ...(within(limits.failure + 1) ? { failed: nth(limits.failure + 1, interval ?? 0) } : {}),
    error: nth(limits.error + 1, interval ?? ERROR_RETRY_SECONDS),
    ...(within(limits.inconclusive + 1) ? { inconclusive: nth(limits.inconclusive + 1, interval ?? 0) } : {}),
    limits,
  };
}

/** How the run of an analysis step ends when the target revision is bad, and when. */
export interface RunFailure {
  /**
   * Seconds until the controller decides Failed (or Error), every metric going bad from its first
   * measurement: the earliest metric decides, and the run ends there.
   */
  failedFirst: number;
  /** Seconds until the slowest metric decides Failed or Error when only it goes bad (the worst case). */
  decidedWorst: number;
  /** One phrase per metric. */
  words: string[];
}

const approx = (n: number) => (n >= 1 ? `~${formatSeconds(n)}` : 'at the first measurement');

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

export function runFailure(run: AnalysisRunFacts): RunFailure | undefined {
  const decided = run.metrics.flatMap((m) => {
    const d = metricDecision(m);
    return d ? [{ m, d }] : [];
  });
  if (decided.length === 0) return undefined;
  const bad = ({ d }: { d: MetricDecision }) => Math.min(d.failed ?? d.error, d.error);
  return {
    failedFirst: Math.min(...decided.map(bad)),
    decidedWorst: Math.max(...decided.map(({ d }) => Math.max(d.failed ?? 0, d.error))),
    words: decided.map(({ m, d }) =>
      [
        `${metricRef(m)}:`,
        d.failed === undefined
          ? `cannot fail by measurements (count ≤ failureLimit ${d.limits.failure}),`
          : `Failed at the ${ordinal(d.limits.failure + 1)} failed measurement (failureLimit ${d.limits.failure}) ${approx(d.failed)},`,
        `Error after ${d.limits.error + 1} errors in a row (consecutiveErrorLimit ${d.limits.error}) ${approx(d.error)}`,
        ...(d.inconclusive === undefined
          ? []
          : [
              `, Inconclusive after ${d.limits.inconclusive + 1} inconclusive (inconclusiveLimit ${d.limits.inconclusive}) ${approx(d.inconclusive)}`,
            ]),
      ]
        .join(' ')
        .replace(' , ', ', '),
    ),
  };
}

function driver(
  name: string,
  value: string,
  s: Setting<unknown> | undefined,
  fallbackAt: Evidence | undefined,
  realFrom: string,
): DurationDriver {
  if (s !== undefined) return { name, value, source: 'manifest', ...(s.at ? { at: s.at } : {}) };
  return { name, value, source: 'default', ...(fallbackAt ? { at: fallbackAt } : {}), realFrom };
}

/**
 * The values that time a run, each cited where it is set; an unset field is listed with the
 * controller's default and the template field that would set it.
 */
export function runDrivers(prefix: string, run: AnalysisRunFacts): DurationDriver[] {
  const out: DurationDriver[] = [];
  for (const m of run.metrics) {
    const p = `${prefix} ${metricRef(m)}`;
    const field = (f: string) =>
      `metrics[${m.name}].${f} of ${m.template.startsWith('cluster:') ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} ${m.template.replace(/^cluster:/, '')}`;
    out.push(
      driver(
        `${p} interval`,
        m.interval ? `${m.interval.value}s` : 'unset (one measurement)',
        m.interval,
        m.at,
        field('interval'),
      ),
    );
    out.push(
      m.count || !m.interval
        ? driver(`${p} count`, String(m.count?.value ?? 1), m.count, m.at, field('count'))
        : {
            // no count with an interval is the template's choice, not a default: it never ends by itself
            name: `${p} count`,
            value: 'unset with an interval: runs until it fails or the run is terminated',
            source: 'manifest',
            ...(m.at ? { at: m.at } : {}),
          },
    );
    const rest: [string, Setting<number> | undefined, string][] = [
      ['initialDelay', m.initialDelay, `${m.initialDelay?.value ?? 0}s`],
      ['failureLimit', m.failureLimit, String(m.failureLimit?.value ?? 0)],
      ['inconclusiveLimit', m.inconclusiveLimit, String(m.inconclusiveLimit?.value ?? 0)],
      [
        'consecutiveErrorLimit',
        m.consecutiveErrorLimit,
        String(m.consecutiveErrorLimit?.value ?? CONSECUTIVE_ERROR_LIMIT),
      ],
    ];
    for (const [f, set, value] of rest) out.push(driver(`${p} ${f}`, value, set, m.at, field(f)));
    if (m.provider === 'job')
      out.push({
        name: `${p} Job run per measurement (estimate)`,
        value: `${JOB_SECONDS.expected}s, worst ${Math.min(JOB_SECONDS.worst, m.jobDeadline?.value ?? JOB_SECONDS.worst)}s`,
        source: 'default',
        ...((m.jobDeadline?.at ?? m.at) ? { at: m.jobDeadline?.at ?? m.at } : {}),
        realFrom: `in no file: time a past AnalysisRun of ${m.template} (kubectl get analysisrun -o yaml: the metric's measurements startedAt → finishedAt)${m.jobDeadline ? '; the Job spec.activeDeadlineSeconds caps it' : '; set the Job spec.activeDeadlineSeconds to cap it'}`,
      });
  }
  for (const t of run.missing)
    out.push({
      name: `${prefix} ${t}`,
      value: 'not timed (template not in the repository)',
      source: 'default',
      ...(run.at ? { at: run.at } : {}),
      realFrom: `the ${t.startsWith('cluster:') ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} ${t.replace(/^cluster:/, '')} in the cluster (kubectl get ${t.startsWith('cluster:') ? 'clusteranalysistemplate' : 'analysistemplate'} ${t.replace(/^cluster:/, '')} -o yaml: each metric's count, interval, initialDelay)`,
    });
  return out;
}
