/**
 * Argo CD ApplicationSet: the Applications its generators make, each with the `metadata.name` and
 * source path its template renders to from the generator's parameters — what `argocd app …` needs,
 * never the ApplicationSet's own name.
 *
 * Read from the repository alone: the list generator (elements), the git directories generator
 * (the repository's directories, `exclude` taking precedence), the git files generator (the JSON /
 * YAML files' keys, flattened as Argo CD does), `values`, `pathParamPrefix`, matrix (product) and
 * merge (by mergeKeys). Generators whose parameters live outside the repository (clusters, SCM
 * provider, pull request, cluster decision resource, plugin) are opaque: a name that uses their
 * parameters is unresolved, with what would resolve it. Both template syntaxes are rendered:
 * fasttemplate `{{path.basename}}` and goTemplate `{{.path.basename}}`, `{{index .path.segments 1}}`
 * and the pipelines `lower`, `upper`, `trim`, `trunc N`, `replace "a" "b"`.
 * Parameters follow argo-cd applicationset/generators (git.go, list.go, matrix.go, merge.go).
 */
import { posix } from 'node:path';
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

function listElements(g: Obj): Params[] {
  return arr(g.elements).flatMap((e) => {
    if (!isObj(e)) return [];
    const flat: Record<string, string> = {};
    flatten(e, '', flat);
    return [{ flat, nested: { ...e }, opaque: [] }];
  });
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

function selects(g: Obj, p: Params, goTemplate: boolean): boolean {
  const labels = obj(get(g, 'selector', 'matchLabels'));
  return Object.entries(labels).every(
    ([k, v]) => (goTemplate ? lookupNested(p, k) : p.flat[k]) === (text(v) ?? ''),
  );
}

/** The parameter sets of one generator (the key that names its kind decides). */
function paramsOf(g: Obj, repo: RepoView, goTemplate: boolean, depth: number): Params[] {
  const [kind, spec] = Object.entries(g).find(([k]) => k !== 'selector') ?? [];
  const s = obj(spec);
  let sets: Params[];
  if (kind === 'list')
    sets =
      s.elementsYaml !== undefined
        ? [{ ...empty(), opaque: ['the list generator elementsYaml'] }]
        : listElements(s);
  else if (kind === 'git') sets = arr(s.directories).length ? gitDirectories(s, repo) : gitFiles(s, repo);
  else if ((kind === 'matrix' || kind === 'merge') && depth < 3) {
    const children = arr(s.generators)
      .filter(isObj)
      .map((c) => paramsOf(c, repo, goTemplate, depth + 1));
    sets =
      kind === 'matrix'
        ? product(children)
        : merged(
            children,
            arr(s.mergeKeys).flatMap((k) => str(k) ?? []),
            goTemplate,
          );
  } else sets = [{ ...empty(), opaque: [OPAQUE[kind ?? ''] ?? `the ${kind ?? 'unknown'} generator`] }];
  sets = withValues(s, sets, goTemplate);
  return sets.filter((p) => p.opaque.length > 0 || selects(g, p, goTemplate)).slice(0, MAX_PARAM_SETS);
}

function combine(a: Params, b: Params): Params {
  return {
    flat: { ...a.flat, ...b.flat },
    nested: { ...a.nested, ...b.nested },
    opaque: [...a.opaque, ...b.opaque.filter((o) => !a.opaque.includes(o))],
  };
}

function product(children: Params[][]): Params[] {
  let acc: Params[] = [empty()];
  for (const c of children) {
    const next: Params[] = [];
    for (const a of acc) for (const b of c) if (next.length < MAX_PARAM_SETS) next.push(combine(a, b));
    acc = next;
  }
  return children.length ? acc : [];
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
        if (s.opaque.length > 0) out = { ...out, opaque: [...out.opaque, ...s.opaque] };
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

/** One goTemplate action: a field, `index`, or a quoted string, piped through a few sprig functions. */
function goAction(tag: string, p: Params): Rendered {
  // `{{- x -}}` trims the text around the action, not the action
  let body = tag.trim();
  if (body.startsWith('- ')) body = body.slice(2).trim();
  if (body.endsWith(' -')) body = body.slice(0, -2).trim();
  const [head = '', ...pipes] = body.split('|').map((x) => x.trim());
  const words = head.split(/\s+/);
  let value: string | undefined;
  if (words.length === 1 && head.startsWith('.')) value = lookupNested(p, head.slice(1));
  else if (words[0] === 'index' && words.length >= 3 && words[1]?.startsWith('.')) {
    let v: unknown = get(p.nested, ...(words[1] as string).slice(1).split('.'));
    for (const w of words.slice(2)) v = /^\d+$/.test(w) ? get(v, Number(w)) : get(v, w.replace(/^"|"$/g, ''));
    value = text(v);
  } else if (/^"[^"]*"$/.test(head)) value = head.slice(1, -1);
  else return { missing: `{{${body}}}` };
  if (value === undefined) return { missing: `{{${body}}}` };
  for (const pipe of pipes) {
    const [fn, ...args] = pipe.split(/\s+/);
    const lit = args.map((a) => a.replace(/^"|"$/g, ''));
    if (fn === 'lower') value = value.toLowerCase();
    else if (fn === 'upper') value = value.toUpperCase();
    else if (fn === 'trim') value = value.trim();
    else if (fn === 'trunc' && /^\d+$/.test(lit[0] ?? '')) value = value.slice(0, Number(lit[0]));
    else if (fn === 'replace' && lit.length === 2)
      value = value.split(lit[0] as string).join(lit[1] as string);
    else return { missing: `the template function ${fn} (in {{${body}}})` };
  }
  return { value };
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
      if (n.value !== undefined && !problem) app.name = n.value;
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
