/**
 * A Helm chart's templates bound to its values without running Helm: the `.Values…` references a
 * workload's rollout depends on (replicas, probes, startupProbe, strategy, grace periods, HPA and
 * PDB bounds) are substituted from values.yaml and the values files the deployment names, so that
 * each fact cites the values file and line that set it. Everything else in the template language is
 * approximated: `if` on a values path is evaluated, other conditions are assumed true, unknown
 * expressions become placeholders. The caller reports the approximation as an unknown.
 */
import type { Evidence } from '../../model/service.js';
import { cmp } from '../../util/order.js';
import { get, isObj, type PathKey, type YamlDoc } from './yaml.js';

/** Values merged from several files (later files win), locating each key in the file that set it. */
export interface ValuesSource {
  value: unknown;
  at(path: PathKey[]): Evidence | undefined;
  files: string[];
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (!isObj(a) || !isObj(b)) return b === undefined ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
  return out;
}

export function mergeValues(docs: YamlDoc[]): ValuesSource {
  let value: unknown = {};
  for (const d of docs) value = deepMerge(value, d.value);
  return {
    value,
    files: docs.map((d) => d.file),
    at(path) {
      for (const d of [...docs].reverse()) if (get(d.value, ...path) !== undefined) return d.at(path);
      return undefined;
    },
  };
}

/** The names a release gives a chart's templates. */
export interface ChartNames {
  chart: string;
  release: string;
  /** `include "x.fullname"` as `helm create` writes it: the release name, suffixed by the chart's unless it contains it. */
  fullname: string;
}

export function chartNames(chart: string, release = chart): ChartNames {
  return { chart, release, fullname: release.includes(chart) ? release : `${release}-${chart}` };
}

export interface Rendered {
  text: string;
  /** Evidence of each rendered line (index = line - 1). */
  lines: Evidence[];
  /** `.Values` paths used, and the ones that were missing (approximated). */
  used: string[];
  missing: string[];
  /** Helpers included whole-line that no _helpers file defines (their lines are missing). */
  helpers: string[];
}

/** The expression inside `{{ … }}` (between the braces): trim markers and spaces removed. */
function exprBody(inner: string): string {
  let s = inner;
  if (s.startsWith('-')) s = s.slice(1);
  if (s.endsWith('-')) s = s.slice(0, -1);
  return s.trim();
}

/** Replace each `{{ … }}` of a line, in one pass (indexOf, no backtracking regex). */
function replaceExprs(line: string, fn: (expr: string) => string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = line.indexOf('{{', i);
    if (open < 0) break;
    const close = line.indexOf('}}', open + 2);
    if (close < 0) break;
    out += line.slice(i, open) + fn(exprBody(line.slice(open + 2, close)));
    i = close + 2;
  }
  return out + line.slice(i);
}

function pathOf(ref: string): string[] {
  return ref.split('.').filter(Boolean);
}

/** The value of an expression like `.Values.a.b | quote`, `default 3 .Values.x`, `.Values.x | default 3`. */
function evalScalar(
  expr: string,
  values: ValuesSource,
  scope: string[] | undefined,
): { value?: unknown; path?: string[] } {
  const ref = /(?:^|\s|\()\.Values\.([\w.]+)/.exec(expr);
  let path: string[] | undefined;
  if (ref?.[1]) path = pathOf(ref[1]);
  else if (scope && /^\.([\w.]+)/.test(expr.trim()))
    path = [...scope, ...pathOf(/^\.([\w.]+)/.exec(expr.trim())?.[1] ?? '')];
  const def = /\bdefault\s+("?)([^\s"|)]+)\1/.exec(expr);
  const v = path ? get(values.value, ...path) : undefined;
  if (v !== undefined && v !== null && v !== '') return path ? { value: v, path } : { value: v };
  if (def?.[2] !== undefined) {
    const n = Number(def[2]);
    return { value: Number.isFinite(n) ? n : def[2] };
  }
  return path ? { path } : {};
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

/** A value as YAML lines, each with the values path it comes from. */
function dump(v: unknown, path: PathKey[], indent: number, out: { text: string; path: PathKey[] }[]): void {
  const pad = ' '.repeat(indent);
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (isObj(x) && Object.keys(x).length > 0) {
        out.push({ text: `${pad}${k}:`, path: [...path, k] });
        dump(x, [...path, k], indent + 2, out);
      } else if (Array.isArray(x) && x.length > 0) {
        out.push({ text: `${pad}${k}:`, path: [...path, k] });
        x.forEach((item, i) => {
          if (isObj(item) || Array.isArray(item)) {
            const sub: { text: string; path: PathKey[] }[] = [];
            dump(item, [...path, k, i], indent + 4, sub);
            sub.forEach((l, j) => {
              out.push(j === 0 ? { ...l, text: `${pad}  - ${l.text.trimStart()}` } : l);
            });
          } else out.push({ text: `${pad}  - ${scalarText(item)}`, path: [...path, k, i] });
        });
      } else
        out.push({
          text: `${pad}${k}: ${isObj(x) ? '{}' : Array.isArray(x) ? '[]' : scalarText(x)}`,
          path: [...path, k],
        });
    }
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => {
      out.push({ text: `${pad}- ${scalarText(item)}`, path: [...path, i] });
    });
  } else if (v !== undefined && v !== null) out.push({ text: `${pad}${scalarText(v)}`, path });
}

/** Truthiness of an `if` condition on a values path; undefined when the condition is not one. */
function condition(cond: string, values: ValuesSource, scope: string[] | undefined): boolean | undefined {
  const c = cond.trim();
  const neg = /^not\s(.+)$/.exec(c);
  if (neg?.[1]) {
    const inner = condition(neg[1], values, scope);
    return inner === undefined ? undefined : !inner;
  }
  const m = /^\(?\s*(\.Values\.[\w.]+|\.[\w.]+)\s*\)?$/.exec(c);
  if (!m?.[1]) return undefined;
  const r = evalScalar(m[1], values, scope);
  if (!r.path) return undefined;
  const v = r.value;
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (isObj(v) && Object.keys(v).length === 0) return false;
  if (Array.isArray(v) && v.length === 0) return false;
  return true;
}

/**
 * Render one template file against the values: good enough to read the rollout-shaping fields of a
 * workload, an HPA or a PDB, never a substitute for `helm template`.
 */
export function renderTemplate(
  file: string,
  text: string,
  values: ValuesSource,
  names: ChartNames,
  defines: Defines = new Map(),
): Rendered {
  const out: string[] = [];
  const lines: Evidence[] = [];
  const used = new Set<string>();
  const missing = new Set<string>();
  const unresolved = new Set<string>();
  /** Block stack: whether the block emits, and the `with` scope. */
  const stack: { emit: boolean; scope?: string[]; decided: boolean }[] = [];
  const emitting = () => stack.every((b) => b.emit);
  const scope = () => [...stack].reverse().find((b) => b.scope)?.scope;
  /** Include depth: a helper including itself stops here. */
  let depth = 0;
  const renderLine = (raw: string, here: Evidence, pad: string): void => {
    const trimmed = raw.trim();
    const whole = trimmed.length >= 4 && trimmed.startsWith('{{') && trimmed.endsWith('}}');
    if (whole) {
      const e = exprBody(trimmed.slice(2, -2));
      const kw = /^(if|else if|else|end|with|range|define|block)\b([\s\S]*)$/.exec(e);
      if (kw) {
        const k = kw[1];
        const rest = (kw[2] ?? '').trim();
        if (k === 'if' || k === 'with' || k === 'range' || k === 'define' || k === 'block') {
          if (k === 'define') stack.push({ emit: false, decided: true });
          else if (k === 'with') {
            const r = evalScalar(rest, values, scope());
            const on = condition(rest, values, scope());
            stack.push({ emit: on !== false, decided: true, ...(r.path ? { scope: r.path } : {}) });
          } else if (k === 'range') stack.push({ emit: false, decided: true });
          else {
            const on = condition(rest, values, scope());
            stack.push({ emit: on !== false, decided: on === true });
          }
        } else if (k === 'end') stack.pop();
        else {
          const top = stack[stack.length - 1];
          if (top) {
            if (top.decided && top.emit) top.emit = false;
            else if (k === 'else') top.emit = !top.emit || !top.decided;
            else {
              const on = condition(rest.replace(/^if\s+/, ''), values, scope());
              top.emit = on !== false;
              top.decided = on === true;
            }
          }
        }
        return;
      }
      if (!emitting()) return;
      // a whole-line include of a helper: `{{- include "x.selectorLabels" . | nindent 6 }}`
      const inc = /^include\s+"([^"]+)"\s+(?:\.|\$)\s*(?:\|\s*n?indent\s+(\d+)\s*)?$/.exec(e);
      if (inc?.[1]) {
        const def = defines.get(inc[1]);
        if (!def || depth >= 8) {
          unresolved.add(inc[1]);
          return;
        }
        depth++;
        def.body.forEach((b, j) => {
          renderLine(b, { file: def.file, line: def.line + j }, pad + ' '.repeat(Number(inc[2] ?? 0)));
        });
        depth--;
        return;
      }
      // a whole-line toYaml / include block: `{{- toYaml .Values.x | nindent 12 }}`
      const ty = /^toYaml\s+(\.Values\.[\w.]+|\.[\w.]*)\s*\|\s*n?indent\s+(\d+)/.exec(e);
      if (ty?.[1]) {
        const r = evalScalar(ty[1] === '.' ? '.' : ty[1], values, scope());
        const path = ty[1] === '.' ? scope() : r.path;
        const v = path ? get(values.value, ...path) : undefined;
        if (path) (v === undefined ? missing : used).add(path.join('.'));
        const dumped: { text: string; path: PathKey[] }[] = [];
        dump(v, path ?? [], Number(ty[2]), dumped);
        for (const d of dumped) {
          out.push(pad + d.text);
          lines.push(values.at(d.path) ?? here);
        }
      }
      return;
    }
    if (!emitting()) return;
    let fromValues: Evidence | undefined;
    let rendered = replaceExprs(raw, (e) => {
      if (/^(include|template)\s+"[^"]*\.fullname"/.test(e)) return names.fullname;
      if (/^(include|template)\s+"[^"]*\.name"/.test(e) || /^\.Chart\.Name/.test(e)) return names.chart;
      if (/^\.Release\.Name/.test(e)) return names.release;
      if (/^\.Chart\.AppVersion/.test(e)) return 'appVersion';
      if (/^\.Release\.Namespace/.test(e)) return 'RELEASE_NAMESPACE';
      const inline = /^toYaml\s+(\.Values\.[\w.]+)/.exec(e);
      const r = evalScalar(inline?.[1] ?? e, values, scope());
      if (r.path) {
        (r.value === undefined ? missing : used).add(r.path.join('.'));
        fromValues ??= values.at(r.path);
      }
      if (r.value !== undefined)
        return isObj(r.value) || Array.isArray(r.value) ? JSON.stringify(r.value) : scalarText(r.value);
      return 'TEMPLATED';
    });
    if (/^\s*(?:-\s*)?[\w./-]+:\s*TEMPLATED\s*$/.test(rendered))
      rendered = rendered.replace(/TEMPLATED\s*$/, '"TEMPLATED"');
    // a helper's line goes where the include put it
    out.push(pad ? pad + rendered.trimStart() : rendered);
    lines.push(fromValues ?? here);
  };
  text.split('\n').forEach((raw, i) => {
    renderLine(raw, { file, line: i + 1 }, '');
  });
  return {
    text: out.join('\n'),
    lines,
    used: [...used].sort(cmp),
    missing: [...missing].sort(cmp),
    helpers: [...unresolved].sort(cmp),
  };
}

/** Named templates of a chart's helpers (`{{- define "x.selectorLabels" -}}` … `{{- end }}`), with where each body starts. */
export type Defines = Map<string, { file: string; line: number; body: string[] }>;

export function parseDefines(files: { file: string; text: string }[]): Defines {
  const out: Defines = new Map();
  for (const f of files) {
    const lines = f.text.split('\n');
    let name: string | undefined;
    let start = 0;
    let body: string[] = [];
    let open = 0;
    lines.forEach((raw, i) => {
      // one pass over the `{{ … }}` of the line: opens and ends counted in order
      replaceExprs(raw, (e) => {
        const kw = /^(define|if|with|range|block|end)\b\s*(?:"([^"]*)")?/.exec(e);
        if (!kw) return '';
        if (kw[1] === 'define' && name === undefined) {
          name = kw[2];
          start = i + 2;
          body = [];
          open = 1;
        } else if (kw[1] === 'end') open--;
        else if (name !== undefined) open++;
        return '';
      });
      if (name === undefined) return;
      if (open === 0) {
        out.set(name, { file: f.file, line: start, body });
        name = undefined;
      } else if (i + 2 > start) body.push(raw);
    });
  }
  return out;
}
