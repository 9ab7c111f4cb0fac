/** Reading helpers shared by the probes: JSON documents, JSON lines, conditions. No I/O. */
import { type ProbeVerdict, unknown } from './types.js';

/** The first non-empty line, trimmed and shortened (for notes). */
export function firstLine(output: string): string {
  const line = output.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = line.trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

/**
 * The JSON document in the output: the whole text, else from the first line that opens one (tools
 * and wrappers sometimes print a warning first). Undefined when none parses.
 */
export function jsonOf(output: string): unknown {
  const text = output.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => /^\s*[[{]/.test(l));
    if (start <= 0) return undefined;
    try {
      return JSON.parse(lines.slice(start).join('\n'));
    } catch {
      return undefined;
    }
  }
}

/** One JSON object per line (e.g. docker compose ps --format json since Compose 2.21), or one array. */
export function jsonLinesOf(output: string): unknown[] | undefined {
  const doc = jsonOf(output);
  if (Array.isArray(doc)) return doc;
  if (doc !== undefined && typeof doc === 'object') return [doc];
  const out: unknown[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return out.length > 0 ? out : undefined;
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** obj.a.b.c, or undefined. */
export function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A Kubernetes-style condition (`type`, `status`, `reason`, `message`) by type. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditions(obj: unknown): Condition[] {
  return arr(at(obj, 'status', 'conditions')).flatMap((c) => {
    const type = str(at(c, 'type'));
    const status = str(at(c, 'status'));
    if (!type || !status) return [];
    const reason = str(at(c, 'reason'));
    const message = str(at(c, 'message'));
    return [{ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }];
  });
}

export const conditionText = (c: Condition) =>
  `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : c.message ? ` (${c.message})` : ''}`;

/** The verdict for output that is not what the probe reads (an error, another format). */
export function notUnderstood(what: string, exitCode: number, output: string): ProbeVerdict {
  const line = firstLine(output);
  return unknown(
    `could not read ${what}${exitCode !== 0 ? ` (exit ${exitCode})` : ''}${line ? `: ${line}` : ': no output'}`,
  );
}

/** A revision as a whole number (accepts a leading v, e.g. Heroku's v42); undefined otherwise. */
export function revisionNumber(want: string | undefined): number | undefined {
  const m = /^v?(\d{1,15})$/.exec((want ?? '').trim());
  return m ? Number(m[1]) : undefined;
}
