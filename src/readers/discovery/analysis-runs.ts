/**
 * The AnalysisRuns an Argo Rollout starts (inline `analysis` steps, the canary's background
 * `analysis`), bound to the AnalysisTemplates / ClusterAnalysisTemplates of the repository, with each
 * metric's timing fields as the controller reads them (pkg/apis/rollouts/v1alpha1 Metric,
 * docs/features/analysis.md of argoproj/argo-rollouts):
 * - `interval`, `initialDelay`: Go duration strings (time.ParseDuration: "30s", "5m", "1h30m", "1.5h");
 * - `count`, `failureLimit`, `inconclusiveLimit`, `consecutiveErrorLimit`: int or string (IntOrString);
 * - any of them may be `{{args.NAME}}`, resolved from the Rollout's args, else the template's default.
 * Templates are merged into one run (their metrics side by side); a reference to a template no file
 * defines is kept as missing.
 */
import type { AnalysisMetricFacts, AnalysisRunFacts } from '../../model/facts.js';
import type { Evidence, Setting, Workload } from '../../model/service.js';
import { arr, get, isObj, num, obj, type PathKey, str } from './yaml.js';

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * A Go duration string in seconds (what Argo Rollouts' DurationString is parsed with): a sequence of
 * decimal numbers with a unit each (ns, us, µs, ms, s, m, h), optionally signed; "0" alone is zero.
 * No day unit, and a bare number other than 0 is not a duration (Go rejects "30"). Undefined when
 * the text is not one, or is negative.
 */
export function goDurationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim().replace(/^\+/, '');
  if (t === '0' || t === '-0') return 0;
  // a scanner, not a regular expression: number, unit, number, unit… (linear, no backtracking)
  let total = 0;
  let i = 0;
  while (i < t.length) {
    let j = i;
    while (j < t.length && /[\d.]/.test(t[j] ?? '')) j++;
    const number = t.slice(i, j);
    let k = j;
    while (k < t.length && !/[\d.]/.test(t[k] ?? '')) k++;
    const name = t.slice(j, k);
    const unit = Object.hasOwn(GO_UNITS, name) ? GO_UNITS[name] : undefined;
    if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(number) || unit === undefined) return undefined;
    total += Number(number) * unit;
    i = k;
  }
  return i > 0 && Number.isFinite(total) ? Math.round(total * 1000) / 1000 : undefined;
}

const ARG = /^\{\{\s*args\.([\w.-]+)\s*\}\}$/;

/** A template reference as rollbook names it: `cluster:` prefix for clusterScope. */
function refName(t: unknown): string | undefined {
  const n = str(get(t, 'templateName'));
  return n ? `${get(t, 'clusterScope') === true ? 'cluster:' : ''}${n}` : undefined;
}

/**
 * The run an `analysis:` block of a Rollout asks for (inline step or background): its templates and
 * the args it passes with a literal value. `at` locates paths inside the block.
 */
export function analysisRunRef(block: unknown, at: (path: PathKey[]) => Evidence): AnalysisRunFacts {
  const templates = arr(get(block, 'templates'))
    .map(refName)
    .filter((n): n is string => n !== undefined);
  const run: AnalysisRunFacts = { templates, metrics: [], missing: [], at: at([]) };
  const args: Record<string, Setting<string>> = {};
  arr(get(block, 'args')).forEach((a, i) => {
    const name = str(get(a, 'name'));
    const value = get(a, 'value');
    if (name && (typeof value === 'string' || typeof value === 'number'))
      args[name] = { value: String(value), at: at(['args', i, 'value']) };
  });
  if (Object.keys(args).length) run.args = args;
  return run;
}

/** An AnalysisTemplate or ClusterAnalysisTemplate object, and where its paths are. */
export interface TemplateObject {
  kind: string;
  name: string;
  namespace?: string;
  body: unknown;
  at: (path: PathKey[]) => Evidence;
}

/**
 * Fill the run's metrics from the templates it references: an AnalysisTemplate of the Rollout's
 * namespace (or of any namespace when either is unknown), a ClusterAnalysisTemplate by name.
 */
export function bindAnalysisRun(
  run: AnalysisRunFacts,
  templates: TemplateObject[],
  namespace: string | undefined,
): void {
  run.metrics = [];
  run.missing = [];
  for (const ref of run.templates) {
    const cluster = ref.startsWith('cluster:');
    const name = cluster ? ref.slice('cluster:'.length) : ref;
    const t = templates.find(
      (o) =>
        o.name === name &&
        (cluster
          ? o.kind === 'ClusterAnalysisTemplate'
          : o.kind === 'AnalysisTemplate' &&
            (namespace === undefined || o.namespace === undefined || o.namespace === namespace)),
    );
    if (!t) {
      run.missing.push(ref);
      continue;
    }
    run.metrics.push(...templateMetrics(ref, t, run.args ?? {}));
  }
}

/** The metrics of one template, their fields resolved against the run's args and the template's defaults. */
export function templateMetrics(
  ref: string,
  t: TemplateObject,
  runArgs: Record<string, Setting<string>>,
): AnalysisMetricFacts[] {
  const args: Record<string, Setting<string>> = {};
  arr(get(t.body, 'spec', 'args')).forEach((a, i) => {
    const name = str(get(a, 'name'));
    const value = get(a, 'value');
    if (name && (typeof value === 'string' || typeof value === 'number'))
      args[name] = { value: String(value), at: t.at(['spec', 'args', i, 'value']) };
  });
  Object.assign(args, runArgs);
  return arr(get(t.body, 'spec', 'metrics')).flatMap((m, i) => {
    if (!isObj(m)) return [];
    const path = ['spec', 'metrics', i];
    const provider = Object.keys(obj(m.provider))[0] ?? 'unknown';
    const metric: AnalysisMetricFacts = {
      template: ref,
      name: str(m.name) ?? `metric-${i}`,
      provider,
      at: t.at(path),
    };
    const unresolved: Record<string, string> = {};
    /** The field's raw value and where it was set: an arg placeholder resolves to the arg. */
    const raw = (key: string): { value: unknown; at: Evidence } | undefined => {
      const v = m[key];
      if (v === undefined || v === null) return undefined;
      const a = typeof v === 'string' ? ARG.exec(v.trim()) : null;
      if (a?.[1]) {
        const arg = args[a[1]];
        if (!arg) {
          unresolved[key] = String(v);
          return undefined;
        }
        return { value: arg.value, at: arg.at ?? t.at([...path, key]) };
      }
      return { value: v, at: t.at([...path, key]) };
    };
    const int = (key: string): Setting<number> | undefined => {
      const r = raw(key);
      if (!r) return undefined;
      const n = typeof r.value === 'string' && /^\s*\d+\s*$/.test(r.value) ? Number(r.value) : num(r.value);
      if (n === undefined || !Number.isInteger(n) || n < 0) {
        unresolved[key] = String(r.value);
        return undefined;
      }
      return { value: n, at: r.at };
    };
    const duration = (key: string): Setting<number> | undefined => {
      const r = raw(key);
      if (!r) return undefined;
      const s = goDurationSeconds(r.value);
      if (s === undefined) {
        unresolved[key] = String(r.value);
        return undefined;
      }
      return { value: s, at: r.at };
    };
    const count = int('count');
    const interval = duration('interval');
    const initialDelay = duration('initialDelay');
    const failureLimit = int('failureLimit');
    const inconclusiveLimit = int('inconclusiveLimit');
    const consecutiveErrorLimit = int('consecutiveErrorLimit');
    if (count) metric.count = count;
    if (interval) metric.interval = interval;
    if (initialDelay) metric.initialDelay = initialDelay;
    if (failureLimit) metric.failureLimit = failureLimit;
    if (inconclusiveLimit) metric.inconclusiveLimit = inconclusiveLimit;
    if (consecutiveErrorLimit) metric.consecutiveErrorLimit = consecutiveErrorLimit;
    if (provider === 'job') {
      const deadline = num(get(m, 'provider', 'job', 'spec', 'activeDeadlineSeconds'));
      if (deadline !== undefined && deadline >= 0)
        metric.jobDeadline = {
          value: deadline,
          at: t.at([...path, 'provider', 'job', 'spec', 'activeDeadlineSeconds']),
        };
    }
    if (Object.keys(unresolved).length) metric.unresolved = unresolved;
    // the controller's validation (analysisutil.ValidateMetric)
    if (count && count.value > 1 && !interval && !unresolved.interval)
      metric.invalid = 'interval must be specified when count > 1';
    else if (count && count.value > 0 && failureLimit && count.value < failureLimit.value)
      metric.invalid = 'count must be >= failureLimit';
    else if (count && count.value > 0 && inconclusiveLimit && count.value < inconclusiveLimit.value)
      metric.invalid = 'count must be >= inconclusiveLimit';
    return [metric];
  });
}

/**
 * Bind every AnalysisRun of a Rollout (canary inline steps and background; blueGreen pre- and
 * post-promotion) to the repository's templates.
 */
export function bindRolloutAnalysis(w: Workload, templates: TemplateObject[]): void {
  for (const step of w.canarySteps ?? [])
    if (step.analysis) bindAnalysisRun(step.analysis, templates, w.namespace);
  const a = w.argoRollouts;
  for (const run of [a?.backgroundAnalysis, a?.prePromotionAnalysis, a?.postPromotionAnalysis])
    if (run) bindAnalysisRun(run, templates, w.namespace);
}
