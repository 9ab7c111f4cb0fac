import { isMap, isPair, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { Problem } from '../../errors.js';
import type { Evidence, Unknown } from '../../model/service.js';
import { MAX_YAML_ERRORS, nonFiniteNumbers, nonFiniteProblem, parseYamlStream } from '../yaml-stream.js';

export type PathKey = string | number;

/** One YAML document with its plain value and a way to locate any path in it. */
export interface YamlDoc {
  file: string;
  index: number;
  value: unknown;
  /** Line of the document's first content. */
  line: number;
  /** Evidence for the key at `path` (or the nearest existing parent). */
  at(path: PathKey[], note?: string): Evidence;
  /**
   * Numbers that are not finite (.inf, .nan, 1e999): the plain value holds Infinity/NaN, which
   * the accessors drop. Discovery makes them an input error when the file feeds a workload.
   */
  nonFinite?: Problem[];
}

export interface YamlParse {
  docs: YamlDoc[];
  unknowns: Unknown[];
  /** Kinds of the documents skipped unread (Ingress, NetworkPolicy, ...), so the file is still accounted for. */
  skipped?: string[];
}

export const TEMPLATE_MARK = /\{\{(?:[^{}]|\{(?!\{)|\}(?!\}))*\}\}|\{%(?:[^{%]|\{(?!%)|%(?!\}))*%\}/;
/** A template expression where YAML expects a value or a line: `key: {{ x }}`, `- {{ x }}`, `{{- if }}`, `{% for %}`. */
const UNQUOTED_TEMPLATE = /(^[ \t]*|:[ \t]+|-[ \t]+)\{\{|^[ \t]*\{%/m;

/**
 * Parse every document of a YAML (or JSON) file, keeping line numbers. Documents with errors are
 * dropped and reported (templated files get their own reason); the others are kept.
 */
/**
 * Kinds nothing in rollbook reads: their documents are not parsed at all (a monorepo holds
 * thousands). ConfigMaps and Secrets only need their name (kustomize renames references to them).
 */
const SKIP_KINDS = new Set([
  'Namespace',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'NetworkPolicy',
  'Ingress',
  'IngressClass',
  'Endpoints',
  'EndpointSlice',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'LimitRange',
  'ResourceQuota',
  'Gateway',
  'HTTPRoute',
  'VirtualService',
  'DestinationRule',
  'SealedSecret',
  'ExternalSecret',
  'ConfigMap',
  'Secret',
]);
const NAME_ONLY = new Set(['ConfigMap', 'Secret']);
const SEPARATOR = /^---[ \t]*(?:#.*)?$/gm;

interface Chunk {
  text: string;
  /** Lines before the chunk in the file. */
  offset: number;
}

function splitDocuments(text: string): Chunk[] | undefined {
  if (/^---[ \t]*[^\s#]/m.test(text) || /^\.\.\.\s*$/m.test(text)) return undefined; // `--- |`, `--- !tag`, `...`: parse whole
  const chunks: Chunk[] = [];
  let last = 0;
  let line = 0;
  for (const m of text.matchAll(SEPARATOR)) {
    const part = text.slice(last, m.index);
    chunks.push({ text: part, offset: line });
    line += countLines(part) + 1;
    last = (m.index ?? 0) + m[0].length + 1;
  }
  chunks.push({ text: text.slice(last), offset: line });
  return chunks;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Text a ConfigMap value must hold to be read as flagd definitions (flag-resources.ts). */
const FLAGD_HINT = /"?flags"?\s*:/;

/** A ConfigMap document worth parsing in full: one of its values may hold flagd definitions. */
export function mayHoldFlags(chunk: string): boolean {
  return FLAGD_HINT.test(chunk) && /variants/.test(chunk);
}

/** The top-level kind of a document chunk when it is one rollbook never reads, else undefined. */
function skippable(chunk: string): string | undefined {
  const kind = /^kind:[ \t]*["']?([A-Za-z]+)["']?[ \t]*$/m.exec(chunk)?.[1];
  if (!kind || !SKIP_KINDS.has(kind)) return undefined;
  // a ConfigMap holding flagd definitions (flags.json in a data key) is read whole
  if (kind === 'ConfigMap' && mayHoldFlags(chunk)) return undefined;
  if (/^(items|spec|data|stringData):/m.test(chunk) && kind === 'List') return undefined;
  return kind;
}

/**
 * Parse every document of a YAML (or JSON) file, keeping line numbers. Documents with errors are
 * dropped and reported (templated files get their own reason); the others are kept. Documents of
 * kinds nothing reads are skipped without parsing (ConfigMaps/Secrets keep their name).
 */
export function parseYaml(file: string, text: string): YamlParse {
  const tm = UNQUOTED_TEMPLATE.exec(text);
  if (tm) {
    let line = 1;
    for (let i = 0; i < tm.index; i++) if (text.charCodeAt(i) === 10) line++;
    if (tm[1]?.includes('\n') === false && tm[0].startsWith('\n')) line++;
    return {
      docs: [],
      unknowns: [
        {
          subject: file,
          reason: 'templated YAML (contains {{ }} or {% %}); not rendered, skipped',
          at: { file, line },
        },
      ],
    };
  }
  const chunks = text.includes('kind:') ? splitDocuments(text) : undefined;
  if (!chunks?.some((c) => skippable(c.text))) return parseChunk(file, text, 0, 0);
  const out: YamlParse = { docs: [], unknowns: [] };
  chunks?.forEach((c, i) => {
    const kind = skippable(c.text);
    if (!kind) {
      const r = parseChunk(file, c.text, c.offset, i);
      out.docs.push(...r.docs);
      out.unknowns.push(...r.unknowns);
      return;
    }
    if (!NAME_ONLY.has(kind)) {
      out.skipped = [...(out.skipped ?? []), kind];
      return;
    }
    const name = metadataScalar(c.text, 'name');
    const ns = metadataScalar(c.text, 'namespace');
    if (!name) {
      const r = parseChunk(file, c.text, c.offset, i);
      out.docs.push(...r.docs);
      out.unknowns.push(...r.unknowns);
      return;
    }
    const kindLine = c.offset + countLines(c.text.slice(0, c.text.search(/^kind:/m))) + 1;
    const metadata: Obj = { name };
    if (ns) metadata.namespace = ns;
    out.docs.push({
      file,
      index: i,
      value: { apiVersion: 'v1', kind, metadata },
      line: kindLine,
      at: (_path, note) => (note ? { file, line: kindLine, col: 1, note } : { file, line: kindLine, col: 1 }),
    });
  });
  return out;
}

const K8S_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * A plain name directly under the top-level `metadata:` of a document. Undefined when absent or not
 * a plain name (the caller then parses the document).
 */
export function metadataScalar(text: string, key: string): string | undefined {
  const value = metadataValue(text, key);
  return value !== undefined && K8S_NAME.test(value) ? value : undefined;
}

/**
 * The raw value of a key directly under the top-level `metadata:` of a document (or of a template),
 * in one pass over its lines, no backtracking regex: the first `key:` at the indentation of
 * metadata's first child, trailing comment and quotes removed.
 */
export function metadataValue(text: string, key: string): string | undefined {
  const lines = text.split('\n');
  let i = lines.findIndex((l) => /^metadata:[ \t]*(?:#.*)?\r?$/.test(l));
  if (i < 0) return undefined;
  let indent = -1;
  for (i++; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const depth = line.length - body.length;
    if (depth === 0) return undefined;
    if (indent < 0) indent = depth;
    if (depth < indent) return undefined;
    if (depth > indent || !body.startsWith(`${key}:`)) continue;
    let value = body.slice(key.length + 1);
    const hash = value.search(/[ \t]#/);
    if (hash >= 0) value = value.slice(0, hash);
    value = value.trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

function parseChunk(file: string, text: string, offset: number, indexBase: number): YamlParse {
  const lc = new LineCounter();
  const unknowns: Unknown[] = [];
  const docs: YamlDoc[] = [];
  let stream: ReturnType<typeof parseYamlStream>;
  try {
    stream = parseYamlStream(text, { lineCounter: lc, prettyErrors: false });
  } catch (e) {
    return { docs, unknowns: [{ subject: file, reason: `YAML not parseable: ${(e as Error).message}` }] };
  }
  if (stream.flood) {
    const p0 = lc.linePos(stream.flood.offset);
    const pos = { line: p0.line + offset, col: p0.col };
    const reason = `invalid YAML at ${file}:${pos.line}:${pos.col}: ${stream.flood.message.split('\n')[0]} (and more than ${MAX_YAML_ERRORS} errors); skipped`;
    return { docs, unknowns: [{ subject: file, reason, at: { file, line: pos.line, col: pos.col } }] };
  }
  const list = stream.docs;
  const templated = TEMPLATE_MARK.test(text);
  list.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const p0 = lc.linePos(err.pos[0]);
      const pos = { line: p0.line + offset, col: p0.col };
      const at: Evidence = { file, line: pos.line, col: pos.col };
      unknowns.push({
        subject: file,
        reason: templated
          ? 'templated YAML (contains {{ }} or {% %}); not rendered, skipped'
          : `invalid YAML at ${file}:${pos.line}:${pos.col}: ${err.message.split('\n')[0]}; document skipped`,
        at,
      });
      return;
    }
    const nonFinite = nonFiniteNumbers(doc).map((r) => {
      const p = lc.linePos(r[0]);
      return nonFiniteProblem(text, r, { file, line: p.line + offset, col: p.col });
    });
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      unknowns.push({
        subject: file,
        reason: `YAML document ${index + indexBase + 1} not readable: ${(e as Error).message}; skipped`,
        at: { file, line: 1 + offset },
      });
      return;
    }
    if (value === null || value === undefined) return;
    const contents = doc.contents as Node | null;
    const line = (contents?.range ? lc.linePos(contents.range[0]).line : 1) + offset;
    const at = (path: PathKey[], note?: string): Evidence => {
      let node: unknown = contents;
      let best: [number, number] | undefined = contents?.range ? [contents.range[0], 0] : undefined;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
          if (!pair) break;
          const k = pair.key as Node;
          if (k.range) best = [k.range[0], 0];
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          if (item.range) best = [item.range[0], 0];
          node = item;
        } else break;
      }
      const pos = best ? lc.linePos(best[0]) : { line: line - offset, col: 1 };
      const ev: Evidence = { file, line: pos.line + offset, col: pos.col };
      if (note) ev.note = note;
      return ev;
    };
    docs.push({
      file,
      index: index + indexBase,
      value,
      line,
      at,
      ...(nonFinite.length ? { nonFinite } : {}),
    });
  });
  return { docs, unknowns };
}

// ---- small typed accessors over plain YAML values -------------------------------------------

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function get(v: unknown, ...path: PathKey[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    if (typeof k === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[k];
    } else {
      if (!isObj(cur)) return undefined;
      cur = cur[k];
    }
  }
  return cur;
}

/** Parse a Go / Kubernetes style duration ("30s", "5m", "1h30m", "300") into seconds. */
export function durationSeconds(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n;
  if (typeof v !== 'string') return undefined;
  const re = /(?<!\d)(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let matched = '';
  for (const m of v.trim().matchAll(re)) {
    const value = Number(m[1]);
    const unit = m[2];
    total +=
      unit === 'ms'
        ? value / 1000
        : unit === 's'
          ? value
          : unit === 'm'
            ? value * 60
            : unit === 'h'
              ? value * 3600
              : value * 86400;
    matched += m[0];
  }
  return matched === v.trim() && matched !== '' ? total : undefined;
}

/** Every document of a YAML text, none skipped by kind (a ConfigMap's data, a values file). */
export function parseYamlDocuments(file: string, text: string): YamlParse {
  return parseChunk(file, text, 0, 0);
}
