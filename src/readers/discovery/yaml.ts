import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Evidence, Unknown } from '../../model/service.js';

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
}

export interface YamlParse {
  docs: YamlDoc[];
  unknowns: Unknown[];
}

export const TEMPLATE_MARK = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/;
/** A template expression where YAML expects a value or a line: `key: {{ x }}`, `- {{ x }}`, `{{- if }}`, `{% for %}`. */
const UNQUOTED_TEMPLATE = /(^[ \t]*|:[ \t]+|-[ \t]+)\{\{|^[ \t]*\{%/m;

/**
 * Parse every document of a YAML (or JSON) file, keeping line numbers. Documents with errors are
 * dropped and reported (templated files get their own reason); the others are kept.
 */
export function parseYaml(file: string, text: string): YamlParse {
  const lc = new LineCounter();
  const unknowns: Unknown[] = [];
  const docs: YamlDoc[] = [];
  const tm = UNQUOTED_TEMPLATE.exec(text);
  if (tm) {
    let line = 1;
    for (let i = 0; i < tm.index; i++) if (text.charCodeAt(i) === 10) line++;
    if (tm[1]?.includes('\n') === false && tm[0].startsWith('\n')) line++;
    return {
      docs,
      unknowns: [
        {
          subject: file,
          reason: 'templated YAML (contains {{ }} or {% %}); not rendered, skipped',
          at: { file, line },
        },
      ],
    };
  }
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  } catch (e) {
    return { docs, unknowns: [{ subject: file, reason: `YAML not parseable: ${(e as Error).message}` }] };
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const templated = TEMPLATE_MARK.test(text);
  list.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const pos = lc.linePos(err.pos[0]);
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
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      unknowns.push({
        subject: file,
        reason: `YAML document ${index + 1} not readable: ${(e as Error).message}; skipped`,
        at: { file, line: 1 },
      });
      return;
    }
    if (value === null || value === undefined) return;
    const contents = doc.contents as Node | null;
    const line = contents?.range ? lc.linePos(contents.range[0]).line : 1;
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
      const pos = best ? lc.linePos(best[0]) : { line, col: 1 };
      const ev: Evidence = { file, line: pos.line, col: pos.col };
      if (note) ev.note = note;
      return ev;
    };
    docs.push({ file, index, value, line, at });
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
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
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
