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
 *
 * Args, as the controller resolves them when it creates a run (docs/features/analysis.md "Analysis
 * Template Arguments"; utils/analysis/helpers.go BuildArgumentsForRolloutAnalysisRun; the
 * placeholder syntax `{{ args.NAME }}`, spaces trimmed: utils/template/template.go ResolveArgs):
 * - the Rollout's `args` (a canary step's `analysis.args`, the background `analysis.args`, blueGreen
 *   pre/postPromotionAnalysis `args`) override the template's `spec.args[].value` defaults;
 * - a Rollout arg's `valueFrom.podTemplateHashValue: Stable | Latest` is the pod-template-hash of
 *   that ReplicaSet: it exists only in the cluster;
 * - a Rollout arg's `valueFrom.fieldRef.fieldPath` beginning with `metadata` is read with
 *   Kubernetes' fieldpath (metadata.name, metadata.namespace, metadata.labels['k'],
 *   metadata.annotations['k']); any other path is a field of the Rollout object (spec.…, or status.…
 *   which only the live object has), split on `.`, `[`, `]` (extractValueFromRollout);
 * - a template arg's `valueFrom.secretKeyRef` is read from the Secret by the controller: rollbook
 *   never reads nor prints it.
 * What only the cluster knows stays a named placeholder `<args.NAME>`, with an unknown saying what
 * it is.
 */
import type { AnalysisMetricFacts, AnalysisRunFacts } from '../../model/facts.js';
import type { Evidence, Setting, Signal, Unknown, Workload } from '../../model/service.js';
import { rollbackComparison } from './analysis-condition.js';
import { arr, durationSeconds, get, isObj, num, obj, type PathKey, str } from './yaml.js';

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

/** A Rollout's manifest, for the args it reads from its own fields (valueFrom.fieldRef). */
export interface RolloutObject {
  body: unknown;
  at: (path: PathKey[]) => Evidence;
}

type ArgValue = { value: string; at: Evidence } | { what: string; at: Evidence };

/** A `valueFrom.fieldRef.fieldPath` of a Rollout arg, read from the manifest (see the header). */
export function fieldRefValue(rollout: RolloutObject, fieldPath: string, at: Evidence): ArgValue {
  const fp = fieldPath.trim();
  const live = (why: string): ArgValue => ({ what: `fieldRef ${fp}: ${why}`, at });
  const scalar = (path: PathKey[], missing: string): ArgValue => {
    const v = get(rollout.body, ...path);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? { value: String(v), at: rollout.at(path) }
      : live(missing);
  };
  if (fp.startsWith('metadata')) {
    const keyed = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(fp);
    if (keyed?.[1] && keyed[2] !== undefined)
      return scalar(
        ['metadata', keyed[1], keyed[2]],
        `the manifest has no such ${keyed[1] === 'labels' ? 'label' : 'annotation'}: the controller passes what the live Rollout carries (an empty string when it has none)`,
      );
    if (fp === 'metadata.name') return scalar(['metadata', 'name'], 'the live Rollout name');
    if (fp === 'metadata.namespace')
      return scalar(['metadata', 'namespace'], "the Rollout's namespace, which no file names");
    return live('a field of the live Rollout (uid, the whole label or annotation map) that no file holds');
  }
  const path = fp.split(/[.[\]]+/).filter((p) => p !== '');
  if (path[0] === 'status') return live("a field of the live Rollout's status, set by the controller");
  return scalar(
    path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    'not a plain value in the manifest: the controller reads the live Rollout',
  );
}

/**
 * The run an `analysis:` block of a Rollout asks for (inline step or background): its templates and
 * the args it passes: a `value`, a `valueFrom.fieldRef` read from the Rollout's manifest (`rollout`),
 * or what only the cluster knows (`runtimeArgs`). `at` locates paths inside the block.
 */
export function analysisRunRef(
  block: unknown,
  at: (path: PathKey[]) => Evidence,
  rollout?: RolloutObject,
): AnalysisRunFacts {
  const templates = arr(get(block, 'templates'))
    .map(refName)
    .filter((n): n is string => n !== undefined);
  const run: AnalysisRunFacts = { templates, metrics: [], missing: [], at: at([]) };
  const args: Record<string, Setting<string>> = {};
  const runtime: NonNullable<AnalysisRunFacts['runtimeArgs']> = {};
  arr(get(block, 'args')).forEach((a, i) => {
    const name = str(get(a, 'name'));
    if (!name) return;
    const value = get(a, 'value');
    const hash = str(get(a, 'valueFrom', 'podTemplateHashValue'));
    const field = str(get(a, 'valueFrom', 'fieldRef', 'fieldPath'));
    if (typeof value === 'string' || typeof value === 'number')
      args[name] = { value: String(value), at: at(['args', i, 'value']) };
    else if (hash)
      runtime[name] = {
        what: `podTemplateHashValue ${hash}: the pod-template-hash of the ${hash === 'Stable' ? 'stable' : 'newest (Latest)'} ReplicaSet, which exists only once the controller created it (kubectl get replicasets -L rollouts-pod-template-hash lists it)`,
        at: at(['args', i, 'valueFrom', 'podTemplateHashValue']),
      };
    else if (field) {
      const v = rollout
        ? fieldRefValue(rollout, field, at(['args', i, 'valueFrom', 'fieldRef']))
        : { what: `fieldRef ${field}`, at: at(['args', i, 'valueFrom', 'fieldRef']) };
      if ('value' in v) args[name] = v;
      else runtime[name] = v;
    }
  });
  if (Object.keys(args).length) run.args = args;
  if (Object.keys(runtime).length) run.runtimeArgs = runtime;
  return run;
}

/** A template's own args: `value` defaults, `valueFrom` (a Secret) only the cluster reads, and every name it declares. */
export function templateArgs(t: TemplateObject): {
  args: Record<string, Setting<string>>;
  runtime: Record<string, { what: string; at: Evidence }>;
  declared: Map<string, Evidence>;
} {
  const args: Record<string, Setting<string>> = {};
  const runtime: Record<string, { what: string; at: Evidence }> = {};
  const declared = new Map<string, Evidence>();
  arr(get(t.body, 'spec', 'args')).forEach((a, i) => {
    const name = str(get(a, 'name'));
    if (!name) return;
    declared.set(name, t.at(['spec', 'args', i]));
    const value = get(a, 'value');
    const secret = get(a, 'valueFrom', 'secretKeyRef');
    const field = str(get(a, 'valueFrom', 'fieldRef', 'fieldPath'));
    if (typeof value === 'string' || typeof value === 'number')
      args[name] = { value: String(value), at: t.at(['spec', 'args', i, 'value']) };
    else if (isObj(secret))
      runtime[name] = {
        what: `secretKeyRef: key ${str(secret.key) ?? '?'} of Secret ${str(secret.name) ?? '?'}, read by the controller in the cluster (rollbook never reads nor prints a secret)`,
        at: t.at(['spec', 'args', i, 'valueFrom', 'secretKeyRef']),
      };
    else if (field)
      runtime[name] = {
        what: `fieldRef ${field}, read by the controller in the cluster`,
        at: t.at(['spec', 'args', i, 'valueFrom', 'fieldRef']),
      };
  });
  return { args, runtime, declared };
}

/** An AnalysisTemplate or ClusterAnalysisTemplate object, and where its paths are. */
export interface TemplateObject {
  kind: string;
  name: string;
  namespace?: string;
  body: unknown;
  at: (path: PathKey[]) => Evidence;
}

/** The template a reference names: an AnalysisTemplate of the namespace (or any, when either is unknown), a ClusterAnalysisTemplate by name. */
function findTemplate(
  ref: string,
  templates: TemplateObject[],
  namespace: string | undefined,
): TemplateObject | undefined {
  const cluster = ref.startsWith('cluster:');
  const name = cluster ? ref.slice('cluster:'.length) : ref;
  return templates.find(
    (o) =>
      o.name === name &&
      (cluster
        ? o.kind === 'ClusterAnalysisTemplate'
        : o.kind === 'AnalysisTemplate' &&
          (namespace === undefined || o.namespace === undefined || o.namespace === namespace)),
  );
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
    const t = findTemplate(ref, templates, namespace);
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
  const args: Record<string, Setting<string>> = { ...templateArgs(t).args, ...runArgs };
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

const ARG_REF = /\{\{\s*args\.([\w.-]+)\s*\}\}/g;

/** The placeholder of an arg no file resolves. */
export function argPlaceholder(name: string): string {
  return `<args.${name}>`;
}

/** Every string of a value with its `{{args.NAME}}` replaced (the controller substitutes the whole metric: ResolveMetricArgs). */
function substitute(v: unknown, f: (name: string) => string): unknown {
  if (typeof v === 'string') return v.replace(ARG_REF, (_m, name: string) => f(name));
  if (Array.isArray(v)) return v.map((x) => substitute(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, f)]));
  return v;
}

function formatDuration(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * A template's metrics as trigger signals, their `{{args.NAME}}` replaced by `arg(NAME)` (by
 * default: the template's own value defaults, else the placeholder `<args.NAME>`).
 */
export function metricSignals(t: TemplateObject, arg?: (name: string) => string): Signal[] {
  const defaults = arg ? undefined : templateArgs(t).args;
  const f = arg ?? ((name: string) => defaults?.[name]?.value ?? argPlaceholder(name));
  return arr(get(t.body, 'spec', 'metrics')).flatMap((raw, i) => {
    const m = substitute(raw, f);
    if (!isObj(m)) return [];
    const name = str(m.name) ?? `metric-${i}`;
    const provider = obj(m.provider);
    const providerName = Object.keys(provider)[0];
    const p = providerName ? obj(provider[providerName]) : {};
    const query = str(p.query) ?? str(p.metricQuery) ?? str(get(p, 'queries', 'a')) ?? str(p.url);
    const success = str(m.successCondition);
    const failure = str(m.failureCondition);
    const conds: string[] = [];
    if (success) conds.push(`success when ${success}`);
    if (failure) conds.push(`failure when ${failure}`);
    const interval = str(m.interval);
    const failureLimit =
      typeof m.failureLimit === 'string' && /^\s*\d+\s*$/.test(m.failureLimit)
        ? Number(m.failureLimit)
        : num(m.failureLimit);
    if (interval) conds.push(`every ${interval}`);
    if (failureLimit !== undefined) conds.push(`failureLimit ${failureLimit}`);
    const sig: Signal = {
      name: `${t.name}/${name}`,
      metric: name,
      source: `argo-rollouts ${t.kind} ${t.name}`,
      at: t.at(['spec', 'metrics', i]),
    };
    if (query) sig.query = query.trim();
    if (conds.length) sig.condition = conds.join('; ');
    const rollback = rollbackComparison(success, failure);
    if (rollback) {
      sig.op = rollback.op;
      sig.threshold = rollback.threshold;
    } else if (success || failure) {
      sig.expression = { ...(success ? { success } : {}), ...(failure ? { failure } : {}) };
    }
    const iv = durationSeconds(interval);
    if (interval && iv !== undefined) {
      // the analysis fails once more than failureLimit measurements failed
      const count = Math.max(1, (failureLimit ?? 0) + 1);
      sig.measurements = { count, interval };
      sig.for = formatDuration(iv * count);
      sig.forSeconds = iv * count;
    }
    return [sig];
  });
}

/** Each AnalysisRun of a Rollout with what names it in words (the run's label). */
function rolloutRuns(w: Workload): { label: string; run: AnalysisRunFacts }[] {
  const a = w.argoRollouts;
  return [
    ...(a?.backgroundAnalysis ? [{ label: 'background analysis', run: a.backgroundAnalysis }] : []),
    ...(w.canarySteps ?? []).flatMap((s, i) =>
      s.analysis ? [{ label: `canary step ${i + 1} analysis`, run: s.analysis }] : [],
    ),
    ...(a?.prePromotionAnalysis ? [{ label: 'prePromotionAnalysis', run: a.prePromotionAnalysis }] : []),
    ...(a?.postPromotionAnalysis ? [{ label: 'postPromotionAnalysis', run: a.postPromotionAnalysis }] : []),
  ];
}

/**
 * The trigger signals of a Rollout's analysis templates with the args of the runs that use them (the
 * Rollout's, over the template's defaults), and an unknown for each arg left a placeholder: one only
 * the cluster knows (a pod-template-hash, a Secret, a status field) or one nobody supplies (the
 * controller then refuses to create the run). A template two runs use with different args gives one
 * signal per run, named after the run.
 */
export function rolloutSignals(
  w: Workload,
  templates: TemplateObject[],
): { signals: Signal[]; unknowns: Unknown[] } {
  const signals: Signal[] = [];
  const unknowns = new Map<string, Unknown>();
  const seen = new Map<string, string>();
  for (const { label, run } of rolloutRuns(w)) {
    for (const ref of run.templates) {
      const t = findTemplate(ref, templates, w.namespace);
      if (!t) continue;
      const own = templateArgs(t);
      const values: Record<string, Setting<string>> = { ...own.args };
      const runtime: Record<string, { what: string; at?: Evidence }> = { ...own.runtime };
      for (const [k, v] of Object.entries(run.args ?? {})) {
        values[k] = v;
        delete runtime[k];
      }
      for (const [k, v] of Object.entries(run.runtimeArgs ?? {})) {
        runtime[k] = v;
        delete values[k];
      }
      const unresolved = new Set<string>();
      const made = metricSignals(t, (name) => {
        const v = values[name];
        if (v) return v.value;
        unresolved.add(name);
        return argPlaceholder(name);
      });
      for (const name of [...unresolved].sort()) {
        const r = runtime[name];
        const u: Unknown = r
          ? {
              subject: `analysis arg ${name} of ${ref}`,
              reason: `${r.what}: the trigger signals of ${ref} show it as ${argPlaceholder(name)} (${label} of rollout ${w.name})`,
              ...(r.at ? { at: r.at } : {}),
            }
          : {
              subject: `analysis arg ${name} of ${ref}`,
              reason: `${ref} ${own.declared.has(name) ? 'declares it with no value' : 'uses it without declaring it'} and the ${label} of rollout ${w.name} passes none: the controller refuses to create the AnalysisRun (argument "${name}" was not supplied); the trigger signals show it as ${argPlaceholder(name)}`,
              at: own.declared.get(name) ?? t.at(['spec', 'metrics']),
            };
        const key = `${u.subject}\u0000${u.at?.file ?? ''}:${u.at?.line ?? ''}`;
        if (!unknowns.has(key)) unknowns.set(key, u);
      }
      for (const sig of made) {
        const key = `${sig.query ?? ''}\u0000${sig.condition ?? ''}`;
        const before = seen.get(sig.name);
        if (before === key) continue;
        if (before === undefined) seen.set(sig.name, key);
        signals.push(before === undefined ? sig : { ...sig, name: `${sig.name} (${label})` });
      }
    }
  }
  return { signals, unknowns: [...unknowns.values()] };
}
