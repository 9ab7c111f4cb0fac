/**
 * The values a deployment passes to a Helm chart of this repository, in Helm's merge order (later
 * layers win, maps merge deeply): the chart's values.yaml, then the files and inline values the
 * deployment names — rollbook.yaml `deploy.valuesFiles`, an Argo CD Application's `helm.valueFiles`,
 * `helm.values`, `helm.valuesObject` and `helm.parameters`, a Flux HelmRelease's
 * `chart.spec.valuesFiles`, `valuesFrom` (ConfigMaps and Secrets of this repository, with
 * `valuesKey` and `targetPath`) and `values`. Every layer is a YamlDoc whose `at` cites the file and
 * line that set a value. A Secret's strings are never read into the model (numbers and booleans
 * are: they drive counts and conditions); what could not be read becomes an unknown naming it.
 */
import { Buffer } from 'node:buffer';
import { posix } from 'node:path';
import type { Evidence, Unknown } from '../../model/service.js';
import { type KObj, objAt } from './k8s.js';
import {
  arr,
  bool,
  get,
  isObj,
  type Obj,
  type PathKey,
  parseYamlDocuments,
  str,
  type YamlDoc,
} from './yaml.js';

/** One layer a deployment names, before it is read. */
export type ValuesLayer =
  | { kind: 'file'; path: string; at: Evidence; optional?: boolean }
  | { kind: 'inline'; doc: YamlDoc }
  | {
      kind: 'ref';
      ref: 'ConfigMap' | 'Secret';
      name: string;
      namespace?: string;
      valuesKey: string;
      targetPath?: string;
      optional: boolean;
      at: Evidence;
    };

/** What one deployment (an Argo CD Application, a Flux HelmRelease, rollbook.yaml) passes to a chart. */
export interface ValuesRequest {
  /** Chart directory (root-relative, POSIX) or the chart's name. */
  chart: string;
  /** Who names these values, for messages: `Argo CD Application web-prod`. */
  by: string;
  release?: string;
  namespace?: string;
  /** The chart's own values.yaml is not part of the values (Flux `valuesFiles` without it). */
  withoutDefaults?: boolean;
  layers: ValuesLayer[];
  at: Evidence;
}

/** A read layer: a values document, marked when it comes from a Secret. */
export interface ValuesDoc extends YamlDoc {
  secret?: boolean;
}

export function cleanPath(p: string): string {
  const n = posix.normalize(p.replace(/^\.\//, '')).replace(/\/$/, '');
  return n === '.' ? '' : n;
}

/** A sub-tree of a document (`spec.values`) as a values document, citing the lines of its parent. */
export function subDoc(parent: YamlDoc, prefix: PathKey[]): YamlDoc {
  return {
    file: parent.file,
    index: parent.index,
    line: parent.at(prefix).line,
    value: get(parent.value, ...prefix),
    at: (path, note) => parent.at([...prefix, ...path], note),
  };
}

/**
 * YAML held in a string of another document (Argo CD `helm.values`, a ConfigMap key): parsed, its
 * lines shifted to the file when it is a block scalar, else every value cites the key.
 */
export function embeddedDoc(
  file: string,
  text: string,
  keyAt: Evidence,
  note?: string,
): { doc?: YamlDoc; unknowns: Unknown[] } {
  const parsed = parseYamlDocuments(file, text);
  const inner = parsed.docs[0];
  // a block scalar's content starts on the line after its key
  const block = text.includes('\n');
  const unknowns = parsed.unknowns.map((u) => ({ ...u, at: keyAt }));
  if (!inner) return { unknowns };
  return {
    unknowns,
    doc: {
      file,
      index: 0,
      line: keyAt.line,
      value: inner.value,
      at(path, n) {
        const line = block ? inner.at(path).line + keyAt.line : keyAt.line;
        const why = n ?? note;
        return why ? { file, line, note: why } : { file, line };
      },
    },
  };
}

/** `a.b.c` = value as a nested object (Helm `--set` paths; `\.` escapes a dot). */
function setPath(target: Obj, path: string, value: unknown): void {
  const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  let cur = target;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) cur[k] = value;
    else {
      if (!isObj(cur[k])) cur[k] = {};
      cur = cur[k] as Obj;
    }
  });
}

/** A `--set` style scalar: numbers and booleans typed, the rest a string. */
function scalarOf(s: string): unknown {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

/** Values set by dotted paths (Argo CD `helm.parameters`, a Flux `targetPath`), each citing where it was set. */
export function pathsDoc(file: string, entries: { path: string; value: unknown; at: Evidence }[]): YamlDoc {
  const value: Obj = {};
  for (const e of entries) setPath(value, e.path, e.value);
  return {
    file,
    index: 0,
    line: entries[0]?.at.line ?? 1,
    value,
    at(path, note) {
      const key = path.join('.');
      const hit =
        [...entries].reverse().find((e) => e.path === key || e.path.startsWith(`${key}.`)) ??
        [...entries].reverse().find((e) => key.startsWith(`${e.path}.`));
      const ev = hit?.at ?? entries[0]?.at ?? { file, line: 1 };
      return note ? { ...ev, note } : { ...ev };
    },
  };
}

/** The values an Argo CD source passes to its chart (files, values, valuesObject, parameters), in precedence order. */
export function argoValues(
  o: KObj,
  src: unknown,
  srcPath: PathKey[],
  chartDir: string,
): { layers: ValuesLayer[]; unknowns: Unknown[]; release?: string } {
  const at = (p: PathKey[], note?: string) => objAt(o, [...srcPath, 'helm', ...p], note);
  const helm = get(src, 'helm');
  const layers: ValuesLayer[] = [];
  const unknowns: Unknown[] = [];
  const optional = bool(get(helm, 'ignoreMissingValueFiles')) === true;
  arr(get(helm, 'valueFiles')).forEach((x, i) => {
    const f = str(x);
    if (!f) return;
    if (/^\$|:\/\//.test(f)) {
      unknowns.push({
        subject: f,
        reason: `values file of Argo CD ${o.kind} ${o.name} comes from another source or a URL, not this repository; its values are unknown`,
        at: at(['valueFiles', i]),
      });
      return;
    }
    layers.push({
      kind: 'file',
      path: cleanPath(posix.join(chartDir, f)),
      at: at(['valueFiles', i]),
      optional,
    });
  });
  const values = get(helm, 'values');
  if (typeof values === 'string' && values.trim()) {
    const e = embeddedDoc(o.doc.file, values, at(['values']));
    unknowns.push(...e.unknowns);
    if (e.doc) layers.push({ kind: 'inline', doc: e.doc });
  }
  if (isObj(get(helm, 'valuesObject')))
    layers.push({ kind: 'inline', doc: subDoc(o.doc, [...o.base, ...srcPath, 'helm', 'valuesObject']) });
  const params = arr(get(helm, 'parameters')).flatMap((p, i) => {
    const name = str(get(p, 'name'));
    const value = get(p, 'value');
    if (!name || value === undefined) return [];
    const forceString = bool(get(p, 'forceString')) === true;
    return [
      {
        path: name,
        value: forceString ? String(value) : scalarOf(String(value)),
        at: at(['parameters', i]),
      },
    ];
  });
  if (params.length) layers.push({ kind: 'inline', doc: pathsDoc(o.doc.file, params) });
  const release = str(get(helm, 'releaseName'));
  return { layers, unknowns, ...(release ? { release } : {}) };
}

/** The values a Flux HelmRelease passes to its chart: chart.spec.valuesFiles, valuesFrom, then values. */
export function fluxValues(o: KObj): ValuesRequest | undefined {
  if (!o.apiVersion.startsWith('helm.toolkit.fluxcd.io/') || o.kind !== 'HelmRelease') return undefined;
  const at = (p: PathKey[], note?: string) => objAt(o, p, note);
  const spec = get(o.body, 'spec');
  const chart = str(get(spec, 'chart', 'spec', 'chart'));
  if (!chart) return undefined;
  const chartDir = cleanPath(chart);
  const layers: ValuesLayer[] = [];
  const files = arr(get(spec, 'chart', 'spec', 'valuesFiles')).flatMap((x) =>
    str(x) ? [str(x) as string] : [],
  );
  files.forEach((f, i) => {
    // relative to the source's root (the repository), not the chart
    layers.push({ kind: 'file', path: cleanPath(f), at: at(['spec', 'chart', 'spec', 'valuesFiles', i]) });
  });
  arr(get(spec, 'valuesFrom')).forEach((v, i) => {
    const kind = str(get(v, 'kind'));
    const name = str(get(v, 'name'));
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || !name) return;
    const targetPath = str(get(v, 'targetPath'));
    const ns = str(get(o.body, 'metadata', 'namespace'));
    layers.push({
      kind: 'ref',
      ref: kind,
      name,
      ...(ns ? { namespace: ns } : {}),
      valuesKey: str(get(v, 'valuesKey')) ?? 'values.yaml',
      ...(targetPath ? { targetPath } : {}),
      optional: bool(get(v, 'optional')) === true,
      at: at(['spec', 'valuesFrom', i]),
    });
  });
  if (isObj(get(spec, 'values')))
    layers.push({ kind: 'inline', doc: subDoc(o.doc, [...o.base, 'spec', 'values']) });
  const ns = str(get(spec, 'targetNamespace')) ?? o.namespace;
  const tns = str(get(spec, 'targetNamespace'));
  const release = str(get(spec, 'releaseName')) ?? (tns ? `${tns}-${o.name}` : o.name);
  return {
    chart: chartDir,
    by: `Flux HelmRelease ${o.name}`,
    release,
    ...(ns ? { namespace: ns } : {}),
    ...(files.length &&
    !files.some((f) => posix.basename(f) === 'values.yaml' && posix.dirname(cleanPath(f)) === chartDir)
      ? { withoutDefaults: true }
      : {}),
    layers,
    at: at(['kind']),
  };
}

/** Keep a Secret's numbers and booleans; its strings are never read. Returns the paths withheld. */
function withoutStrings(v: unknown, path: string[], withheld: string[]): unknown {
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const kept = withoutStrings(x, [...path, k], withheld);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  if (Array.isArray(v)) {
    withheld.push(path.join('.'));
    return undefined;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (v !== null && v !== undefined) withheld.push(path.join('.'));
  return undefined;
}

export interface ValuesContext {
  /** Text of a repository file by root-relative path; undefined when absent or unreadable. */
  read(rel: string): Promise<string | undefined>;
  /** ConfigMaps and Secrets of the repository (name-only objects carry their file). */
  objects: KObj[];
}

/** Read the layers of a request into values documents, in order; what cannot be read is an unknown. */
export async function readValuesLayers(
  req: ValuesRequest,
  ctx: ValuesContext,
): Promise<{ docs: ValuesDoc[]; unknowns: Unknown[] }> {
  const docs: ValuesDoc[] = [];
  const unknowns: Unknown[] = [];
  for (const layer of req.layers) {
    if (layer.kind === 'inline') {
      docs.push(layer.doc);
      continue;
    }
    if (layer.kind === 'file') {
      const text = await ctx.read(layer.path);
      if (text === undefined) {
        if (!layer.optional)
          unknowns.push({
            subject: layer.path,
            reason: `values file named by ${req.by} is not in the repository; its values are unknown`,
            at: layer.at,
          });
        continue;
      }
      const parsed = parseYamlDocuments(layer.path, text);
      unknowns.push(...parsed.unknowns);
      if (parsed.docs[0]) docs.push(parsed.docs[0]);
      continue;
    }
    const subject = `${layer.ref} ${layer.name}`;
    const found = ctx.objects.filter(
      (o) =>
        o.kind === layer.ref &&
        o.name === layer.name &&
        (layer.namespace === undefined || o.namespace === undefined || o.namespace === layer.namespace),
    );
    const obj = found[0];
    const text = obj ? await ctx.read(obj.doc.file) : undefined;
    const full = obj && text !== undefined ? parseYamlDocuments(obj.doc.file, text) : undefined;
    const d = full?.docs.find(
      (x) => str(get(x.value, 'kind')) === layer.ref && str(get(x.value, 'metadata', 'name')) === layer.name,
    );
    if (!obj || !d) {
      if (!layer.optional)
        unknowns.push({
          subject,
          reason: `values of ${req.by} (valuesFrom, key ${layer.valuesKey}) come from ${subject}, which is not in this repository; the values it sets are unknown`,
          at: layer.at,
        });
      continue;
    }
    if (layer.ref === 'Secret' && get(d.value, 'sops') !== undefined) {
      unknowns.push({
        subject,
        reason: `values of ${req.by} come from ${subject} (${d.file}), encrypted with SOPS; the values it sets are unknown`,
        at: layer.at,
      });
      continue;
    }
    const secret = layer.ref === 'Secret';
    let raw: string | undefined;
    let keyPath: PathKey[] = [];
    const plain = get(d.value, secret ? 'stringData' : 'data', layer.valuesKey);
    if (typeof plain === 'string') {
      raw = plain;
      keyPath = [secret ? 'stringData' : 'data', layer.valuesKey];
    } else {
      const b64 = get(d.value, secret ? 'data' : 'binaryData', layer.valuesKey);
      if (typeof b64 === 'string') {
        raw = Buffer.from(b64, 'base64').toString('utf8');
        keyPath = [secret ? 'data' : 'binaryData', layer.valuesKey];
      }
    }
    if (raw === undefined) {
      if (!layer.optional)
        unknowns.push({
          subject,
          reason: `${subject} (${d.file}) has no key ${layer.valuesKey}, which ${req.by} reads its values from; those values are unknown`,
          at: layer.at,
        });
      continue;
    }
    const keyAt = d.at(keyPath);
    const base64 = keyPath[0] === 'data' && secret;
    let doc: YamlDoc | undefined;
    if (layer.targetPath)
      doc = pathsDoc(d.file, [
        {
          path: layer.targetPath,
          value: scalarOf(raw),
          at: { ...keyAt, note: `targetPath ${layer.targetPath}` },
        },
      ]);
    else if (base64) {
      // base64 data has no lines of its own: every value cites the key
      const parsed = parseYamlDocuments(d.file, raw);
      const inner = parsed.docs[0];
      if (parsed.unknowns.length)
        unknowns.push({
          subject,
          reason: `${subject}: key ${layer.valuesKey} is not YAML; its values are unknown`,
          at: keyAt,
        });
      if (inner)
        doc = { ...inner, line: keyAt.line, at: (_p, n) => (n ? { ...keyAt, note: n } : { ...keyAt }) };
    } else {
      const e = embeddedDoc(d.file, raw, keyAt);
      doc = e.doc;
      if (e.unknowns.length)
        unknowns.push({
          subject,
          reason: `${subject}: key ${layer.valuesKey} is not YAML; its values are unknown`,
          at: keyAt,
        });
    }
    if (!doc) continue;
    if (secret) {
      const withheld: string[] = [];
      const value = withoutStrings(doc.value, [], withheld);
      if (withheld.length)
        unknowns.push({
          subject,
          reason: `${req.by} takes values from ${subject}; its strings are never read (${withheld.length} value(s) withheld: ${withheld
            .slice(0, 8)
            .map((p) => `.Values.${p}`)
            .join(', ')}${withheld.length > 8 ? ', …' : ''}), only its numbers and booleans`,
          at: layer.at,
        });
      docs.push({ ...doc, value, secret: true });
    } else docs.push(doc);
  }
  return { docs, unknowns };
}
