/**
 * Argo CD ApplicationSet: the Applications its generators make, each with the `metadata.name` and
 * source path its template renders to from the generator's parameters — what `argocd app …` needs,
 * never the ApplicationSet's own name.
 *
 * Read from the repository alone: the list generator (elements, and elementsYaml when it is literal
 * or rendered from a matrix's earlier child), the git directories generator (the repository's
 * directories, `exclude` taking precedence), the git files generator (the JSON / YAML files' keys,
 * flattened as Argo CD does), `values`, `pathParamPrefix`, the post selector (matchLabels,
 * matchExpressions In / NotIn / Exists / DoesNotExist), matrix (each later child interpolated with
 * every parameter set before it, as matrix.go does) and merge (by mergeKeys). Generators whose
 * parameters live outside the repository (clusters, SCM provider, pull request, cluster decision
 * resource, plugin) are opaque: a name that uses their parameters is unresolved, with what would
 * resolve it; so is a child whose spec needs such a parameter. What Argo CD rejects (a selector
 * operator it does not know, a fasttemplate matrix whose children give one key two values, an
 * elementsYaml that is not a list of objects) generates nothing and says why. Both template syntaxes
 * are rendered: fasttemplate `{{path.basename}}` and goTemplate `{{.path.basename}}`,
 * `{{index .path.segments 1}}` and the pipelines `lower`, `upper`, `trim`, `trunc N`,
 * `replace "a" "b"`, `default "x"`, `toJson`, `toYaml`.
 * Parameters follow argo-cd applicationset/generators (git.go, list.go, matrix.go, merge.go,
 * generator_spec_processor.go); docs/applicationset.md says what is supported.
 */
import { posix } from 'node:path';
import { parse as parseYamlText, stringify as stringifyYaml } from 'yaml';
import type { ApplicationSetOrigin } from '../../model/service.js';
import { shellQuote } from '../../util/shell.js';
import { nameProblem } from '../names.js';
import { cleanPath } from './helm-values.js';
import { matchPath } from './path-match.js';
import { arr, get, isObj, type Obj, obj, str } from './yaml.js';

/** What the generators see of the repository. */
export interface RepoView {
  /** Every directory ('' = the root), POSIX, relative. */
  dirs: ReadonlySet<string>;
  /** Every file read, POSIX, relative. */
  files: readonly string[];
  /** The first document of a YAML or JSON file, undefined when the file was not read. */
  data(rel: string): unknown;
  /** How many YAML documents a file holds (read or skipped). */
  documents?(rel: string): number;
}

/** One Application an ApplicationSet generates. */
export interface GeneratedApp {
  /** metadata.name as rendered, when every parameter it uses is known and the result is a valid name. */
  name?: string;
  /** The source path as rendered (clean, root-relative), when known. */
  path?: string;
  /** Why the name is not known and what would tell it. */
  unresolved?: string;
}

/** One parameter set: fasttemplate's flat keys, goTemplate's nested object, and the opaque sources it includes. */
interface Params {
  flat: Record<string, string>;
  nested: Obj;
  /** Generators whose parameters are not in the repository (e.g. "the clusters generator (…)"). */
  opaque: string[];
  /** Why Argo CD rejects the generator that made this set (it then generates no Application). */
  rejected?: string;
}

/** More parameter sets than this per ApplicationSet are not expanded (a matrix over big lists). */
const MAX_PARAM_SETS = 2000;

const OPAQUE: Record<string, string> = {
  clusters: 'the clusters generator (the clusters registered in Argo CD)',
  clusterDecisionResource: 'the cluster decision resource generator (a resource in the cluster)',
  scmProvider: 'the SCM provider generator (repositories listed by the SCM API)',
  pullRequest: 'the pull request generator (open pull requests)',
  plugin: 'the plugin generator (a plugin service)',
};

const empty = (): Params => ({ flat: {}, nested: {}, opaque: [] });

/** Argo CD's utils.SanitizeName: lowercase, characters outside [-a-z0-9.] become '-', trimmed of '-' and '.'. */
export function sanitizeName(s: string): string {
  const lower = s.toLowerCase().slice(0, 253);
  let out = '';
  for (const c of lower) out += /[-a-z0-9.]/.test(c) ? c : '-';
  let a = 0;
  let b = out.length;
  while (a < b && (out[a] === '-' || out[a] === '.')) a++;
  while (b > a && (out[b - 1] === '-' || out[b - 1] === '.')) b--;
  return out.slice(a, b);
}

function text(v: unknown): string | undefined {
  if (v === null) return '';
  return str(v);
}

/** Flatten an object the way github.com/jeremywohl/flatten (DotStyle) does: a.b, list.0. */
function flatten(v: unknown, prefix: string, out: Record<string, string>): void {
  if (isObj(v)) for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  else if (Array.isArray(v))
    for (const [i, x] of v.entries()) flatten(x, prefix ? `${prefix}.${i}` : String(i), out);
  else {
    const t = text(v);
    if (t !== undefined && prefix) out[prefix] = t;
  }
}

function pathParams(dirPath: string, prefix: string, file?: string): Params {
  const segments = dirPath.split('/');
  const basename = posix.basename(dirPath);
  const go: Obj = { path: dirPath, basename, basenameNormalized: sanitizeName(basename), segments };
  const name = prefix ? `${prefix}.path` : 'path';
  const flat: Record<string, string> = {
    [name]: dirPath,
    [`${name}.basename`]: basename,
    [`${name}.basenameNormalized`]: sanitizeName(basename),
  };
  segments.forEach((s, i) => {
    if (s !== '') flat[`${name}[${i}]`] = s;
  });
  if (file !== undefined) {
    go.filename = file;
    go.filenameNormalized = sanitizeName(file);
    flat[`${name}.filename`] = file;
    flat[`${name}.filenameNormalized`] = sanitizeName(file);
  }
  return { flat, nested: prefix ? { [prefix]: { path: go } } : { path: go }, opaque: [] };
}

/** A git generator's `directories` / `files` items as include and exclude patterns. */
function patterns(items: unknown): { include: string[]; exclude: string[] } {
  const list = arr(items).filter(isObj);
  const paths = (ex: boolean) =>
    list.filter((d) => (d.exclude === true) === ex).flatMap((d) => str(d.path) ?? []);
  return { include: paths(false), exclude: paths(true) };
}

/** Git directories: every directory matching an include pattern and no exclude pattern (exclude wins). */
function gitDirectories(g: Obj, repo: RepoView): Params[] {
  const { include, exclude } = patterns(g.directories);
  const prefix = str(g.pathParamPrefix) ?? '';
  const out: Params[] = [];
  for (const dir of [...repo.dirs].sort()) {
    // the root is not a candidate; directories beginning with "." never are
    if (dir === '' || dir.split('/').some((s) => s.startsWith('.'))) continue;
    if (!include.some((p) => matchPath(p, dir)) || exclude.some((p) => matchPath(p, dir))) continue;
    out.push(pathParams(dir, prefix));
  }
  return out;
}

/** Git files: each matching JSON/YAML file gives one parameter set per object (a file may hold a list). */
function gitFiles(g: Obj, repo: RepoView): Params[] {
  const { include, exclude } = patterns(g.files);
  const prefix = str(g.pathParamPrefix) ?? '';
  const out: Params[] = [];
  for (const file of [...repo.files].sort()) {
    if (!include.some((p) => matchPath(p, file)) || exclude.some((p) => matchPath(p, file))) continue;
    const data = repo.data(file);
    const objects = Array.isArray(data) ? data.filter(isObj) : isObj(data) ? [data] : [];
    for (const o of objects) {
      const p = pathParams(posix.dirname(file), prefix, posix.basename(file));
      const flat: Record<string, string> = {};
      flatten(o, '', flat);
      out.push({ flat: { ...flat, ...p.flat }, nested: { ...o, ...p.nested }, opaque: [] });
    }
  }
  return out;
}

/** List elements as parameter sets (each object element is one set). */
function elementSets(list: unknown[]): Params[] {
  return list.flatMap((e) => {
    if (!isObj(e)) return [];
    const flat: Record<string, string> = {};
    flatten(e, '', flat);
    return [{ flat, nested: { ...e }, opaque: [] }];
  });
}

/**
 * The list generator: `elements`, then `elementsYaml` (a YAML list of objects, as list.go reads it).
 * A templated elementsYaml is rendered first (a matrix child, from the first child's parameters);
 * one rollbook cannot render or parse becomes an opaque set saying why.
 */
function listElements(g: Obj): Params[] {
  const sets = elementSets(arr(g.elements));
  const y = g.elementsYaml;
  if (y === undefined || y === null || y === '') return sets;
  const text = str(y);
  if (text === undefined)
    return [...sets, opaqueSet('the list generator (its elementsYaml is not a string)')];
  if (/\{\{/.test(text))
    return [
      ...sets,
      opaqueSet(
        `the list generator (its elementsYaml "${brief(text)}" is a template of values the repository does not hold)`,
      ),
    ];
  let doc: unknown;
  try {
    doc = parseYamlText(text);
  } catch {
    doc = undefined;
  }
  if (!Array.isArray(doc) || !doc.every(isObj))
    return [
      ...sets,
      { ...empty(), rejected: "the list generator's elementsYaml is not a YAML list of objects" },
    ];
  return [...sets, ...elementSets(doc)];
}

const opaqueSet = (why: string): Params => ({ ...empty(), opaque: [why] });

/** A template shortened for a message. */
function brief(t: string): string {
  const one = t.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}

/** `values` of a generator, rendered with its parameters (values.x / .values.x). */
function withValues(g: Obj, sets: Params[], goTemplate: boolean): Params[] {
  const values = obj(g.values);
  const keys = Object.keys(values);
  if (keys.length === 0) return sets;
  return sets.map((p) => {
    const flat = { ...p.flat };
    const nested: Obj = { ...p.nested, values: { ...obj(p.nested.values) } };
    for (const k of keys) {
      const r = render(text(values[k]) ?? '', p, goTemplate);
      if (r.value === undefined) continue;
      flat[`values.${k}`] = r.value;
      (nested.values as Obj)[k] = r.value;
    }
    return { ...p, flat, nested };
  });
}

function lookupNested(p: Params, path: string): string | undefined {
  return text(get(p.nested, ...path.split('.')));
}

/** One requirement of a label selector (matchLabels entries are `In` with one value). */
interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

function requirements(selector: unknown): Requirement[] {
  const out: Requirement[] = Object.entries(obj(get(selector, 'matchLabels'))).map(([key, v]) => ({
    key,
    operator: 'In',
    values: [text(v) ?? ''],
  }));
  for (const e of arr(get(selector, 'matchExpressions')).filter(isObj))
    out.push({
      key: str(e.key) ?? '',
      operator: str(e.operator) ?? '',
      values: arr(e.values).flatMap((v) => text(v) ?? []),
    });
  return out;
}

/**
 * The post selector (generator_spec_processor.go): each parameter set, flattened in dot style
 * (`path.basename`, `path.segments.1`, `values.env`; flattenParameters), is matched as Kubernetes
 * labels: matchLabels and matchExpressions In, NotIn (also true when the key is absent), Exists,
 * DoesNotExist, all of them. A key a set could get from a generator outside the
 * repository is not decided; an operator Argo CD rejects marks the sets rejected.
 */
function select(selector: unknown, sets: Params[], goTemplate: boolean): Params[] {
  const reqs = requirements(selector);
  if (reqs.length === 0) return sets;
  const bad = reqs.find((r) => !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(r.operator));
  if (bad)
    return sets.map((p) => ({
      ...p,
      rejected: `a selector operator "${bad.operator}" is not one of In, NotIn, Exists, DoesNotExist`,
    }));
  return sets.filter((p) => {
    const labels: Record<string, string> = goTemplate ? {} : p.flat;
    if (goTemplate) flatten(p.nested, '', labels);
    return reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      if (!has && p.opaque.length > 0) return true;
      const v = labels[r.key] ?? '';
      if (r.operator === 'In') return has && r.values.includes(v);
      if (r.operator === 'NotIn') return !has || !r.values.includes(v);
      if (r.operator === 'Exists') return has;
      return !has;
    });
  });
}

const KIND_NAMES: Record<string, string> = { git: 'git', list: 'list', matrix: 'matrix', merge: 'merge' };

/**
 * A matrix child rendered with the parameters of the sets before it (InterpolateGenerator): every
 * string of its spec except its own template; `values` that do not render stay as written (they
 * use the child's own parameters). Undefined `value` = a string that needs what `p` does not hold.
 */
function interpolate(
  v: unknown,
  p: Params,
  goTemplate: boolean,
  where: string,
): { value?: unknown; field?: string; template?: string; missing?: string } {
  if (typeof v === 'string') {
    if (!v.includes('{{')) return { value: v };
    const r = render(v, p, goTemplate);
    return r.value !== undefined
      ? { value: r.value }
      : { field: where, template: v, missing: r.missing ?? v };
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const [i, x] of v.entries()) {
      const r = interpolate(x, p, goTemplate, `${where}[${i}]`);
      if (!('value' in r)) return r;
      out.push(r.value);
    }
    return { value: out };
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'template') {
        out[k] = x;
        continue;
      }
      const r = interpolate(x, p, goTemplate, where ? `${where}.${k}` : k);
      if (!('value' in r)) {
        if (k !== 'values' && !where.endsWith('values')) return r;
        out[k] = x;
      } else out[k] = r.value;
    }
    return { value: out };
  }
  return { value: v };
}

/** The parameter sets of one generator (the key that names its kind decides). `prev`: a matrix child's earlier sets. */
function paramsOf(g: Obj, repo: RepoView, goTemplate: boolean, depth: number, prev?: Params): Params[] {
  const [kind, raw] = Object.entries(g).find(([k]) => k !== 'selector') ?? [];
  let spec = obj(raw);
  if (prev && kind !== undefined) {
    const r = interpolate(spec, prev, goTemplate, '');
    if (!('value' in r)) {
      const name = KIND_NAMES[kind] ? `the ${kind} generator` : (OPAQUE[kind] ?? `the ${kind} generator`);
      const cause =
        prev.opaque.length > 0
          ? `, a parameter of ${prev.opaque.join(' and ')}`
          : ', which rollbook cannot render from the generator before it';
      return [opaqueSet(`${name} whose ${r.field} "${brief(r.template ?? '')}" uses ${r.missing}${cause}`)];
    }
    spec = obj(r.value);
  }
  // the post selector is interpolated too; one that does not render stays as written
  const sel =
    prev && g.selector !== undefined ? interpolate(g.selector, prev, goTemplate, 'selector') : undefined;
  const selector = sel && 'value' in sel ? sel.value : g.selector;
  let sets: Params[];
  if (kind === 'list') sets = listElements(spec);
  else if (kind === 'git')
    sets = arr(spec.directories).length ? gitDirectories(spec, repo) : gitFiles(spec, repo);
  else if ((kind === 'matrix' || kind === 'merge') && depth < 3) {
    const children = arr(spec.generators).filter(isObj);
    sets =
      kind === 'matrix'
        ? matrix(children, repo, goTemplate, depth)
        : merged(
            children.map((c) => paramsOf(c, repo, goTemplate, depth + 1)),
            arr(spec.mergeKeys).flatMap((k) => str(k) ?? []),
            goTemplate,
          );
  } else sets = [opaqueSet(OPAQUE[kind ?? ''] ?? `the ${kind ?? 'unknown'} generator`)];
  sets = withValues(spec, sets, goTemplate);
  return select(selector, sets, goTemplate).slice(0, MAX_PARAM_SETS);
}

/** Merge `b` into `a`, `a` winning, maps merged key by key (mergo.Merge without override). */
function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...b };
  for (const [k, v] of Object.entries(a)) {
    const w = out[k];
    out[k] = isObj(v) && isObj(w) ? deepMerge(v, w) : v;
  }
  return out;
}

/** Later sets override earlier ones (merge). */
function combine(a: Params, b: Params): Params {
  const rejected = a.rejected ?? b.rejected;
  return {
    flat: { ...a.flat, ...b.flat },
    nested: { ...a.nested, ...b.nested },
    opaque: [...a.opaque, ...b.opaque.filter((o) => !a.opaque.includes(o))],
    ...(rejected ? { rejected } : {}),
  };
}

/**
 * Matrix (matrix.go): the first child's sets; each later child is interpolated with every set so
 * far, and each of its sets joins that one. goTemplate merges maps (the earlier set wins a key);
 * fasttemplate refuses a key with two values (CombineStringMaps), which fails the ApplicationSet.
 */
function matrix(children: Obj[], repo: RepoView, goTemplate: boolean, depth: number): Params[] {
  const [first, ...rest] = children;
  if (!first || rest.length === 0) return [];
  let acc = paramsOf(first, repo, goTemplate, depth + 1);
  for (const child of rest) {
    const next: Params[] = [];
    for (const a of acc)
      for (const b of paramsOf(child, repo, goTemplate, depth + 1, a)) {
        if (next.length >= MAX_PARAM_SETS) break;
        const clash = goTemplate
          ? undefined
          : Object.keys(b.flat).find((k) => a.flat[k] !== undefined && a.flat[k] !== b.flat[k]);
        const rejected =
          a.rejected ??
          b.rejected ??
          (clash !== undefined
            ? `the matrix's generators give ${clash} two values ("${a.flat[clash]}" and "${b.flat[clash]}"; pathParamPrefix tells two git generators apart)`
            : undefined);
        next.push({
          flat: { ...b.flat, ...a.flat },
          nested: goTemplate ? deepMerge(a.nested, b.nested) : { ...b.nested, ...a.nested },
          opaque: [...a.opaque, ...b.opaque.filter((o) => !a.opaque.includes(o))],
          ...(rejected ? { rejected } : {}),
        });
      }
    acc = next;
  }
  return acc;
}

/** Merge: the first generator's sets, each overridden by later sets that agree on every merge key. */
function merged(children: Params[][], keys: string[], goTemplate: boolean): Params[] {
  const [base = [], ...rest] = children;
  const key = (p: Params) =>
    keys.map((k) => (goTemplate ? lookupNested(p, k) : p.flat[k]) ?? '\u0000').join('\u0001');
  return base.map((b) => {
    let out = b;
    for (const sets of rest)
      for (const s of sets) {
        if (s.rejected) out = { ...out, rejected: out.rejected ?? s.rejected };
        else if (s.opaque.length > 0) out = { ...out, opaque: [...out.opaque, ...s.opaque] };
        else if (key(s) === key(b)) out = combine(out, s);
      }
    return out;
  });
}

interface Rendered {
  value?: string;
  /** The parameter or construct that could not be rendered. */
  missing?: string;
}

/** Render a template string with one parameter set (fasttemplate or goTemplate). */
export function render(template: string, p: Params, goTemplate: boolean): Rendered {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    const close = template.indexOf('}}', open + 2);
    if (close < 0) return { missing: 'an unterminated {{' };
    out += template.slice(i, open);
    const tag = template.slice(open + 2, close);
    const r = goTemplate ? goAction(tag, p) : fastTag(tag, p);
    if (r.value === undefined) return r;
    out += r.value;
    i = close + 2;
  }
  return { value: out };
}

function fastTag(tag: string, p: Params): Rendered {
  const key = tag.trim();
  const v = p.flat[key];
  return v === undefined ? { missing: `{{${key}}}` } : { value: v };
}

/**
 * One goTemplate action: a field, `index`, or a quoted string, piped through the sprig functions
 * names use (`lower`, `upper`, `trim`, `trunc N`, `replace "a" "b"`, `default "x"`, `toJson`,
 * `toYaml`: the last two render a list for a matrix child's elementsYaml).
 */
function goAction(tag: string, p: Params): Rendered {
  // `{{- x -}}` trims the text around the action, not the action
  let body = tag.trim();
  if (body.startsWith('- ')) body = body.slice(2).trim();
  if (body.endsWith(' -')) body = body.slice(0, -2).trim();
  const [head = '', ...pipes] = body.split('|').map((x) => x.trim());
  const words = head.split(/\s+/);
  let value: unknown;
  if (words.length === 1 && head.startsWith('.') && head.length > 1)
    value = get(p.nested, ...head.slice(1).split('.'));
  else if (words[0] === 'index' && words.length >= 3 && words[1]?.startsWith('.')) {
    value = get(p.nested, ...(words[1] as string).slice(1).split('.'));
    for (const w of words.slice(2))
      value = /^\d+$/.test(w) ? get(value, Number(w)) : get(value, w.replace(/^"|"$/g, ''));
  } else if (/^"[^"]*"$/.test(head)) value = head.slice(1, -1);
  else return { missing: `{{${body}}}` };
  for (const pipe of pipes) {
    const [fn, ...args] = pipe.split(/\s+/);
    const lit = args.map((a) => a.replace(/^"|"$/g, ''));
    if (fn === 'default' && lit.length === 1) {
      if (value === undefined || value === null || value === '') value = lit[0];
      continue;
    }
    if (value === undefined) return { missing: `{{${body}}}` };
    if (fn === 'toJson' || fn === 'toRawJson') {
      value = JSON.stringify(value);
      continue;
    }
    if (fn === 'toYaml') {
      value = stringifyYaml(value).replace(/\n$/, '');
      continue;
    }
    const s = text(value);
    if (s === undefined) return { missing: `{{${body}}}` };
    if (fn === 'lower') value = s.toLowerCase();
    else if (fn === 'upper') value = s.toUpperCase();
    else if (fn === 'trim') value = s.trim();
    else if (fn === 'trunc' && /^\d+$/.test(lit[0] ?? '')) value = s.slice(0, Number(lit[0]));
    else if (fn === 'replace' && lit.length === 2) value = s.split(lit[0] as string).join(lit[1] as string);
    else return { missing: `the template function ${fn} (in {{${body}}})` };
  }
  const out = text(value);
  return out === undefined ? { missing: `{{${body}}}` } : { value: out };
}

/** The Applications an ApplicationSet (its parsed body) generates from what the repository holds. */
export function generatedApps(body: Obj, repo: RepoView): GeneratedApp[] {
  const spec = obj(body.spec);
  const goTemplate = spec.goTemplate === true;
  const template = obj(spec.template);
  const out: GeneratedApp[] = [];
  const seen = new Set<string>();
  for (const g of arr(spec.generators).filter(isObj)) {
    // a generator's own template overrides the spec's field by field
    const own = obj(get(Object.values(g)[0], 'template'));
    const nameT = str(get(own, 'metadata', 'name')) || str(get(template, 'metadata', 'name')) || '';
    const pathT = sourcePath(obj(get(own, 'spec'))) ?? sourcePath(obj(template.spec));
    for (const p of paramsOf(g, repo, goTemplate, 0)) {
      const app: GeneratedApp = {};
      if (pathT !== undefined) {
        const r = render(pathT, p, goTemplate);
        if (r.value !== undefined) app.path = cleanPath(r.value.replace(/^\/+/, ''));
      }
      const n = render(nameT, p, goTemplate);
      const problem = n.value === undefined ? undefined : nameProblem('argocd-app', n.value);
      if (p.rejected)
        app.unresolved = `Argo CD rejects its generators (${p.rejected}), so it generates no Application until that is fixed`;
      else if (n.value !== undefined && !problem) app.name = n.value;
      else
        app.unresolved =
          n.value !== undefined
            ? `its template metadata.name "${nameT}" renders to "${n.value}", not an Application name`
            : p.opaque.length > 0
              ? `its template metadata.name "${nameT}" uses ${n.missing}, a parameter of ${p.opaque.join(' and ')}, which the repository does not hold`
              : `its template metadata.name "${nameT}" uses ${n.missing}, which rollbook cannot render from the generator`;
      const key = `${app.name ?? ''}\u0000${app.path ?? ''}\u0000${app.unresolved ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(app);
    }
  }
  return out;
}

function sourcePath(spec: Obj): string | undefined {
  if (isObj(spec.source)) return str(get(spec.source, 'path'));
  for (const s of arr(spec.sources)) {
    const p = str(get(s, 'path'));
    if (p !== undefined) return p;
  }
  return undefined;
}

/** The read-only command that lists an ApplicationSet's generated Applications, as shell text. */
export function lookupText(origin: ApplicationSetOrigin): string {
  const argv = origin.lookup ?? ['argocd', 'appset', 'generate', '--', origin.at.file];
  return argv.map(shellQuote).join(' ');
}

/**
 * The Application that syncs `dir` among those an ApplicationSet generates: the one whose source
 * path holds dir most closely. Several names for that path (one per cluster or environment) or a
 * name that could not be rendered leave it unresolved, with the reason.
 */
export function applicationFor(
  appSet: string,
  apps: readonly GeneratedApp[],
  dir: string,
): { name?: string; unresolved?: string } {
  const holds = (p: string) => p === '' || dir === p || dir.startsWith(`${p}/`);
  let best: string | undefined;
  for (const a of apps)
    if (a.path !== undefined && holds(a.path) && (best === undefined || a.path.length > best.length))
      best = a.path;
  const mine =
    best === undefined ? apps.filter((a) => a.path === undefined) : apps.filter((a) => a.path === best);
  const unresolved = mine.find((a) => a.name === undefined);
  if (unresolved?.unresolved)
    return {
      unresolved: `ApplicationSet ${appSet} generates the Application that syncs ${dir || '.'}, but ${unresolved.unresolved}`,
    };
  const names = [...new Set(mine.flatMap((a) => a.name ?? []))].sort();
  if (names.length === 1) return { name: names[0] as string };
  if (names.length > 1)
    return {
      unresolved: `ApplicationSet ${appSet} generates ${names.length} Applications that sync ${dir || '.'} (${names.join(', ')}), one per generated element`,
    };
  return {
    unresolved: `ApplicationSet ${appSet} generates no Application whose source path rollbook could render for ${dir || '.'}`,
  };
}
