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
  /** Chart.yaml `version` (`.Chart.Version`), when known. */
  version?: string;
}

export function chartNames(chart: string, release = chart, version?: string): ChartNames {
  return {
    chart,
    release,
    fullname: release.includes(chart) ? release : `${release}-${chart}`,
    ...(version ? { version } : {}),
  };
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
  /** What rollbook could not evaluate (`file:line: {{ … }}`): placeholders, conditions assumed true. */
  approximated: string[];
  /** The `range` loops of the file (outermost) rollbook expanded. */
  loops: RangeExpansion[];
}

/** The expression inside `{{ … }}` (between the braces): trim markers and spaces removed. */
function exprBody(inner: string): string {
  let s = inner;
  if (s.startsWith('-')) s = s.slice(1);
  if (s.endsWith('-')) s = s.slice(0, -1);
  return s.trim();
}

/**
 * Replace each `{{ … }}` of a line, in one pass (indexOf, no backtracking regex); `quoted` says
 * whether the expression sits inside a double-quoted YAML string of the line.
 */
function replaceExprs(line: string, fn: (expr: string, quoted: boolean) => string): string {
  let out = '';
  let i = 0;
  let quotes = 0;
  for (;;) {
    const open = line.indexOf('{{', i);
    if (open < 0) break;
    const close = line.indexOf('}}', open + 2);
    if (close < 0) break;
    const text = line.slice(i, open);
    for (let j = 0; j < text.length; j++) if (text[j] === '"' && text[j - 1] !== '\\') quotes++;
    out += text + fn(exprBody(line.slice(open + 2, close)), quotes % 2 === 1);
    i = close + 2;
  }
  return out + line.slice(i);
}

/** What a template variable or `.` holds: a place in the values, or a value of its own (a map key, an index). */
type Binding = { path: PathKey[] } | { value: unknown; approx?: boolean };

/** One open block of the template: whether it emits, what `.` is bound to, its variables. */
interface Frame {
  emit: boolean;
  decided: boolean;
  /** `.` inside the block (`with`, `range`): a binding, or the root context (`with $`). */
  scope?: Binding | 'root';
  vars?: Map<string, Binding>;
}

/** An expression's value, the values path it came from (for evidence), and whether it was approximated. */
interface Evaluated {
  value?: unknown;
  path?: PathKey[];
  /** The expression uses something rollbook does not evaluate (a function, a helper, a root field). */
  approx?: boolean;
}

interface Env {
  values: ValuesSource;
  names: ChartNames;
  /** What `.` is bound to; undefined at the root context. */
  scope(): Binding | undefined;
  lookup(name: string): Binding | undefined;
}

/** Split at `sep` (whitespace, or `|`) outside quotes and parentheses. */
function split(s: string, sep: 'space' | 'pipe'): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quote) {
      cur += ch;
      if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    const at = depth === 0 && (sep === 'pipe' ? ch === '|' : /\s/.test(ch));
    if (at) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function fieldsOf(rest: string): string[] {
  return rest.split('.').filter(Boolean);
}

function fromBinding(b: Binding, fields: string[], values: ValuesSource): Evaluated {
  if ('path' in b) {
    const path = [...b.path, ...fields];
    return { value: get(values.value, ...path), path };
  }
  return { value: get(b.value, ...fields), ...(b.approx ? { approx: true } : {}) };
}

/** A field of the root context (`.Values.x`, `$.Release.Name`); undefined when it is not one. */
function rootField(fields: string[], env: Env): Evaluated | undefined {
  const [head, ...rest] = fields;
  if (head === 'Values') return { value: get(env.values.value, ...rest), path: rest };
  const f = rest.join('.');
  if (head === 'Release') {
    if (f === 'Name') return { value: env.names.release };
    if (f === 'Namespace') return { value: 'RELEASE_NAMESPACE' };
    if (f === 'Service') return { value: 'Helm' };
    return { approx: true };
  }
  if (head === 'Chart') {
    if (f === 'Name') return { value: env.names.chart };
    if (f === 'AppVersion') return { value: 'appVersion' };
    if (f === 'Version' && env.names.version) return { value: env.names.version };
    return { approx: true };
  }
  if (head === 'Capabilities' || head === 'Template' || head === 'Files') return { approx: true };
  return undefined;
}

/** One argument of a command: a literal, a variable, a field of `.` or of the root, a parenthesised pipeline. */
function operand(tok: string, env: Env): Evaluated | undefined {
  if (tok.startsWith('(') && tok.endsWith(')')) return evalPipeline(tok.slice(1, -1), env);
  if (/^"(?:[^"\\]|\\.)*"$/.test(tok)) {
    try {
      return { value: JSON.parse(tok) as string };
    } catch {
      return { value: tok.slice(1, -1) };
    }
  }
  if (/^`[^`]*`$/.test(tok)) return { value: tok.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { value: Number(tok) };
  if (tok === 'true' || tok === 'false') return { value: tok === 'true' };
  if (tok === 'nil') return { value: null };
  const v = /^\$(\w*)((?:\.\w+)*)$/.exec(tok);
  if (v) {
    const fields = fieldsOf(v[2] ?? '');
    if (!v[1]) return fields.length ? (rootField(fields, env) ?? { approx: true }) : { approx: true };
    const b = env.lookup(`$${v[1]}`);
    return b ? fromBinding(b, fields, env.values) : { approx: true };
  }
  const dot = /^\.((?:\w+)(?:\.\w+)*)?$/.exec(tok);
  if (dot) {
    const fields = fieldsOf(dot[1] ?? '');
    // `.Values` is the root's wherever it is written (inside a loop helm would fail on it)
    const root = fields.length ? rootField(fields, env) : undefined;
    if (root) return root;
    const scope = env.scope();
    if (!scope) return { approx: true };
    return fromBinding(scope, fields, env.values);
  }
  return undefined;
}

/** Go templates' truth: false, 0, nil, empty strings, maps and lists are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (isObj(v)) return Object.keys(v).length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function plain(v: unknown): string {
  return typeof v === 'string' ? v : isObj(v) || Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** The functions rollbook evaluates (each takes its arguments, the piped value last). */
const FUNCS = new Map<string, (a: Evaluated[], env: Env) => Evaluated>(
  Object.entries({
    default: (a: Evaluated[]) => {
      const [d, v] = a;
      if (v && truthy(v.value)) return v;
      return { ...(d ?? { approx: true }), ...(v?.approx ? { approx: true } : {}) };
    },
    quote: (a: Evaluated[]) => same(a, (v) => plain(v)),
    squote: (a: Evaluated[]) => same(a, (v) => plain(v)),
    toString: (a: Evaluated[]) => same(a, (v) => plain(v)),
    int: (a: Evaluated[]) => same(a, (v) => Math.trunc(Number(v))),
    int64: (a: Evaluated[]) => same(a, (v) => Math.trunc(Number(v))),
    float64: (a: Evaluated[]) => same(a, (v) => Number(v)),
    trim: (a: Evaluated[]) => same(a, (v) => plain(v).trim()),
    lower: (a: Evaluated[]) => same(a, (v) => plain(v).toLowerCase()),
    upper: (a: Evaluated[]) => same(a, (v) => plain(v).toUpperCase()),
    toYaml: (a: Evaluated[]) => same(a, (v) => v),
    nindent: (a: Evaluated[]) => same(a, (v) => v),
    indent: (a: Evaluated[]) => same(a, (v) => v),
    trunc: (a: Evaluated[]) => withArgs(a, ([n, s]) => plain(s).slice(0, Number(n))),
    trimSuffix: (a: Evaluated[]) =>
      withArgs(a, ([x, s]) =>
        plain(s).endsWith(plain(x)) ? plain(s).slice(0, -plain(x).length || undefined) : plain(s),
      ),
    trimPrefix: (a: Evaluated[]) =>
      withArgs(a, ([x, s]) => (plain(s).startsWith(plain(x)) ? plain(s).slice(plain(x).length) : plain(s))),
    replace: (a: Evaluated[]) => withArgs(a, ([x, y, s]) => plain(s).split(plain(x)).join(plain(y))),
    join: (a: Evaluated[]) =>
      withArgs(a, ([sep, l]) => (Array.isArray(l) ? l.map(plain).join(plain(sep)) : plain(l))),
    printf: (a: Evaluated[]) =>
      withArgs(a, ([f, ...rest]) => {
        let i = 0;
        return plain(f).replace(/%[sdv]/g, () => plain(rest[i++]));
      }),
    not: (a: Evaluated[]) => logic(a, ([v]) => !truthy(v)),
    and: (a: Evaluated[]) => logic(a, (vs) => vs.find((v) => !truthy(v)) ?? vs[vs.length - 1]),
    or: (a: Evaluated[]) => logic(a, (vs) => vs.find((v) => truthy(v)) ?? vs[vs.length - 1]),
    eq: (a: Evaluated[]) => logic(a, ([x, ...ys]) => ys.some((y) => y === x)),
    ne: (a: Evaluated[]) => logic(a, ([x, y]) => x !== y),
    empty: (a: Evaluated[]) => logic(a, ([v]) => !truthy(v)),
    include: (a: Evaluated[], env: Env) => helperName(a, env),
    template: (a: Evaluated[], env: Env) => helperName(a, env),
  } satisfies Record<string, (a: Evaluated[], env: Env) => Evaluated>),
);

/** A one-argument function keeps the path of its argument (the values line stays the evidence). */
function same(a: Evaluated[], fn: (v: unknown) => unknown): Evaluated {
  const x = a[a.length - 1];
  if (!x || x.value === undefined) return { ...(x ?? {}), approx: x?.approx ?? x?.path === undefined };
  return { ...x, value: fn(x.value) };
}

/** A function of several arguments: known only when all of them are. */
function withArgs(a: Evaluated[], fn: (vs: unknown[]) => unknown): Evaluated {
  if (a.some((x) => x.approx || x.value === undefined)) return { approx: true };
  const path = a.length === 1 ? a[0]?.path : undefined;
  return { value: fn(a.map((x) => x.value)), ...(path ? { path } : {}) };
}

/** A condition's function: a values path no file sets is nil (false), as in Go templates. */
function logic(a: Evaluated[], fn: (vs: unknown[]) => unknown): Evaluated {
  if (a.some((x) => x.approx || (x.value === undefined && x.path === undefined))) return { approx: true };
  return { value: fn(a.map((x) => x.value ?? null)) };
}

/** `include "x.fullname" …` and `include "x.name" …` as `helm create` writes them; other helpers are not evaluated inline. */
function helperName(a: Evaluated[], env: Env): Evaluated {
  const name = a[0]?.value;
  if (typeof name === 'string' && name.endsWith('.fullname')) return { value: env.names.fullname };
  if (typeof name === 'string' && name.endsWith('.name')) return { value: env.names.chart };
  return { approx: true };
}

/**
 * A pipeline (`$w.replicas | default 1`, `default 3 .Values.x`, `printf "%s-%s" $.Release.Name $name`)
 * evaluated against the values. Functions rollbook does not know make it approximated: its value is
 * then the first values reference it holds, as before functions were evaluated.
 */
function evalPipeline(expr: string, env: Env): Evaluated {
  let cur: Evaluated | undefined;
  for (const cmd of split(expr, 'pipe')) {
    const toks = split(cmd, 'space');
    const head = toks[0];
    if (head === undefined) return { approx: true };
    if (toks.length === 1 && cur === undefined) {
      const op = operand(head, env);
      if (op) {
        cur = op;
        continue;
      }
    }
    const fn = FUNCS.get(head);
    const args = toks.slice(1).map((t) => operand(t, env) ?? { approx: true });
    if (cur) args.push(cur);
    if (!fn) {
      const first = args.find((x) => x.path !== undefined);
      return first ? { ...first, approx: true } : { approx: true };
    }
    cur = fn(args, env);
  }
  return cur ?? { approx: true };
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

/** Truthiness of an `if` / `with` condition; undefined when rollbook cannot evaluate it. */
function condition(cond: string, env: Env): boolean | undefined {
  const r = evalPipeline(cond, env);
  if (r.approx) return undefined;
  if (r.value === undefined && r.path === undefined) return undefined;
  return truthy(r.value);
}

/**
 * The variables an expression declares (`$k, $v := …`, `$x := …`, `$x = …` when `assign`) and the
 * pipeline after them; no variables when it declares none.
 */
function declaration(expr: string, assign = false): { vars: string[]; rest: string } {
  const e = expr.trim();
  const at = e.indexOf('=');
  const colon = at > 0 && e[at - 1] === ':';
  if (at < 0 || (!colon && !assign)) return { vars: [], rest: e };
  const vars = e
    .slice(0, colon ? at - 1 : at)
    .split(',')
    .map((v) => v.trim());
  if (vars.length > 2 || !vars.every((v) => /^\$\w+$/.test(v))) return { vars: [], rest: e };
  return { vars, rest: e.slice(at + 1).trim() };
}

/** A `range` loop rollbook expanded: its line, expression, the entries it iterated and what it approximated. */
export interface RangeExpansion {
  line: number;
  /** The line of its `end`. */
  end: number;
  expr: string;
  /** The values path iterated, when it is one. */
  over?: PathKey[];
  keys: string[];
  /** A list (its keys are indexes), not a map. */
  list: boolean;
  /** Expressions and conditions inside the loop rollbook could not evaluate (`file:line: {{ … }}`). */
  approximated: string[];
}

/** The most entries one `range` expands (a values list longer than this is cut and said so). */
const MAX_RANGE = 200;
/** The most template lines one file's rendering reads, loops included (nested loops multiply). */
const MAX_WORK = 200_000;

/**
 * Render one template file against the values: good enough to read the rollout-shaping fields of a
 * workload, an HPA or a PDB, never a substitute for `helm template`. A `range` over a values map
 * or list is expanded once per entry (map keys in sorted order, as Go templates iterate them), with
 * its variables and `.` bound to the entry and `$` to the root.
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
  const approximated = new Set<string>();
  const loops: RangeExpansion[] = [];
  /** The loops being expanded (their records collect what was approximated inside them). */
  const active: { approximated: Set<string> }[] = [];
  const approx = (here: Evidence, what: string): void => {
    const s = `${here.file}:${here.line}: {{ ${what} }}`;
    approximated.add(s);
    for (const l of active) l.approximated.add(s);
  };
  const globals = new Map<string, Binding>();
  const stack: Frame[] = [];
  const emitting = () => stack.every((b) => b.emit);
  const env: Env = {
    values,
    names,
    scope() {
      for (let i = stack.length - 1; i >= 0; i--) {
        const s = stack[i]?.scope;
        if (s) return s === 'root' ? undefined : s;
      }
      return undefined;
    },
    lookup(name) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const b = stack[i]?.vars?.get(name);
        if (b) return b;
      }
      return globals.get(name);
    },
  };
  const note = (r: Evaluated): void => {
    if (r.path) (r.value === undefined ? missing : used).add(r.path.join('.'));
  };
  /** Include depth: a helper including itself stops here. */
  let depth = 0;
  /** Lines read so far, loops included. */
  let work = 0;
  /** The body of a `range` being read, replayed once per entry at its `end`. */
  let collecting:
    | {
        expr: string;
        here: Evidence;
        end: number;
        depth: number;
        body: { raw: string; here: Evidence; pad: string }[];
        elseAt: number;
      }
    | undefined;
  const keyword = (raw: string): string | undefined => {
    const t = raw.trim();
    if (!(t.length >= 4 && t.startsWith('{{') && t.endsWith('}}'))) return undefined;
    return /^(if|else|end|with|range|define|block)\b/.exec(exprBody(t.slice(2, -2)))?.[1];
  };
  const expand = (c: NonNullable<typeof collecting>): void => {
    const d = declaration(c.expr);
    const r = evalPipeline(d.rest, env);
    note(r);
    const v = r.value;
    if (r.approx || (!isObj(v) && !Array.isArray(v) && v !== undefined && v !== null)) {
      // not a values map or list rollbook can read: the body is not rendered
      approx(c.here, `range ${c.expr.trim()}`);
      return;
    }
    const keys: PathKey[] = isObj(v) ? Object.keys(v).sort(cmp) : Array.isArray(v) ? v.map((_, i) => i) : [];
    const body = c.elseAt >= 0 ? c.body.slice(0, c.elseAt) : c.body;
    const record: RangeExpansion = {
      line: c.here.line,
      end: c.end,
      expr: c.expr.trim(),
      ...(r.path ? { over: r.path } : {}),
      keys: keys.slice(0, MAX_RANGE).map(String),
      list: Array.isArray(v),
      approximated: [],
    };
    const inside = new Set<string>();
    if (keys.length > MAX_RANGE)
      approx(c.here, `range ${c.expr.trim()} (only the first ${MAX_RANGE} of ${keys.length} entries)`);
    if (c.here.file === file && active.length === 0) loops.push(record);
    active.push({ approximated: inside });
    if (keys.length === 0)
      for (const l of c.body.slice(c.elseAt >= 0 ? c.elseAt : c.body.length))
        renderLine(l.raw, l.here, l.pad);
    for (const k of keys.slice(0, MAX_RANGE)) {
      if (work > MAX_WORK) {
        approx(c.here, `range ${c.expr.trim()} (stopped after ${MAX_WORK} template lines)`);
        break;
      }
      const elem: Binding = r.path ? { path: [...r.path, k] } : { value: get(v, k) };
      const vars = new Map<string, Binding>();
      const [first, second] = d.vars;
      if (first && second) {
        vars.set(first, { value: k });
        vars.set(second, elem);
      } else if (first) vars.set(first, elem);
      stack.push({ emit: true, decided: true, scope: elem, vars });
      for (const l of body) renderLine(l.raw, l.here, l.pad);
      stack.pop();
    }
    active.pop();
    record.approximated = [...inside].sort(cmp);
  };
  const renderLine = (raw: string, here: Evidence, pad: string): void => {
    work++;
    if (collecting) {
      const k = keyword(raw);
      if (k === 'if' || k === 'with' || k === 'range' || k === 'define' || k === 'block') collecting.depth++;
      else if (k === 'end' && --collecting.depth === 0) {
        const c = collecting;
        c.end = here.line;
        collecting = undefined;
        expand(c);
        return;
      } else if (k === 'else' && collecting.depth === 1) {
        collecting.elseAt = collecting.body.length;
        return;
      }
      collecting.body.push({ raw, here, pad });
      return;
    }
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
          else if (k === 'range') {
            if (emitting()) collecting = { expr: rest, here, end: here.line, depth: 1, body: [], elseAt: -1 };
            else stack.push({ emit: false, decided: true });
          } else if (k === 'with') {
            if (rest === '$') {
              stack.push({ emit: true, decided: true, scope: 'root' });
              return;
            }
            const r = evalPipeline(rest, env);
            const on = condition(rest, env);
            if (on === undefined && emitting()) approx(here, `with ${rest}`);
            const scope: Binding | undefined = r.path
              ? { path: r.path }
              : r.value !== undefined && !r.approx
                ? { value: r.value }
                : undefined;
            stack.push({ emit: on !== false, decided: true, ...(scope ? { scope } : {}) });
          } else {
            const on = condition(rest, env);
            if (on === undefined && emitting()) approx(here, `if ${rest}`);
            stack.push({ emit: on !== false, decided: on === true });
          }
        } else if (k === 'end') stack.pop();
        else {
          const top = stack[stack.length - 1];
          if (top) {
            if (top.decided && top.emit) top.emit = false;
            else if (k === 'else') top.emit = !top.emit || !top.decided;
            else {
              const cond = rest.replace(/^if\s+/, '');
              const on = condition(cond, env);
              top.emit = on !== false;
              top.decided = on === true;
            }
          }
        }
        return;
      }
      if (!emitting()) return;
      // a variable: `{{- $fullName := include "x.fullname" . -}}`, `{{ $w := .Values.worker }}`
      const assign = declaration(e, true);
      if (assign.vars.length === 1 && assign.vars[0]) {
        const r = evalPipeline(assign.rest, env);
        const b: Binding =
          r.path && !r.approx
            ? { path: r.path }
            : r.approx
              ? { value: r.value, approx: true }
              : { value: r.value };
        const top = stack[stack.length - 1];
        if (top) {
          top.vars ??= new Map();
          top.vars.set(assign.vars[0], b);
        } else globals.set(assign.vars[0], b);
        return;
      }
      // a whole-line include of a helper: `{{- include "x.selectorLabels" . | nindent 6 }}`
      const inc = /^include\s+"([^"]+)"\s+(?:\.|\$)\s*(?:\|\s*n?indent\s+(\d+)\s*)?$/.exec(e);
      if (inc?.[1]) {
        const def = defines.get(inc[1]);
        if (!def || depth >= 8) {
          unresolved.add(inc[1]);
          approx(here, e);
          return;
        }
        depth++;
        def.body.forEach((b, j) => {
          renderLine(b, { file: def.file, line: def.line + j }, pad + ' '.repeat(Number(inc[2] ?? 0)));
        });
        depth--;
        return;
      }
      // a whole-line toYaml block: `{{- toYaml .Values.x | nindent 12 }}`, `{{- toYaml $w.probe | nindent 12 }}`
      const ty = /^toYaml\s+(\S+)\s*\|\s*n?indent\s+(\d+)\s*$/.exec(e);
      if (ty?.[1]) {
        const r = operand(ty[1], env) ?? { approx: true };
        note(r);
        if (r.approx) approx(here, e);
        const dumped: { text: string; path: PathKey[] }[] = [];
        dump(r.value, r.path ?? [], Number(ty[2]), dumped);
        for (const d of dumped) {
          out.push(pad + d.text);
          lines.push((r.path ? values.at(d.path) : undefined) ?? here);
        }
        return;
      }
      approx(here, e);
      return;
    }
    if (!emitting()) return;
    let fromValues: Evidence | undefined;
    let rendered = replaceExprs(raw, (e, quoted) => {
      const r = evalPipeline(e, env);
      if (r.path) {
        note(r);
        fromValues ??= values.at(r.path);
      }
      if (r.approx || r.value === undefined) approx(here, e);
      if (r.value === undefined || r.value === null) return 'TEMPLATED';
      if (isObj(r.value) || Array.isArray(r.value)) return JSON.stringify(r.value);
      // inside "…" the text goes in as it is (escaped), as helm writes it
      return quoted ? JSON.stringify(plain(r.value)).slice(1, -1) : scalarText(r.value);
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
  if (collecting) approx(collecting.here, `range ${collecting.expr.trim()} (no end)`);
  return {
    text: out.join('\n'),
    lines,
    used: [...used].sort(cmp),
    missing: [...missing].sort(cmp),
    helpers: [...unresolved].sort(cmp),
    approximated: [...approximated].sort(cmp),
    loops,
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
