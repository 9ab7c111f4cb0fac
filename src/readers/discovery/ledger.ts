/**
 * Every deploy file discovery read, and what became of it: the workloads it feeds, what else it
 * holds, why it was set aside, or what could not be read. Nothing read is dropped silently.
 */
import type { Workload } from '../../model/service.js';

/** What discovery made of one deploy file. */
export interface DeployFile {
  file: string;
  /** Workloads it feeds: their facts cite it, or it is part of their chart, overlay or compose project. */
  workloads: Workload[];
  /** What it holds besides workloads' facts (Argo CD applications, HPAs, ConfigMaps, kinds not read). */
  holds: string[];
  /** Why it was read and set aside (another environment's compose file, a task definition variant not run). */
  ignored: string[];
  /** What could not be read in it. */
  unknowns: string[];
}

export class FileLedger {
  private readonly files = new Map<string, DeployFile>();

  private entry(file: string): DeployFile {
    let e = this.files.get(file);
    if (!e) {
      e = { file, workloads: [], holds: [], ignored: [], unknowns: [] };
      this.files.set(file, e);
    }
    return e;
  }

  feeds(file: string, w: Workload): void {
    const e = this.entry(file);
    if (!e.workloads.includes(w)) e.workloads.push(w);
  }

  holds(file: string, what: string): void {
    const e = this.entry(file);
    if (!e.holds.includes(what)) e.holds.push(what);
  }

  ignore(file: string, why: string): void {
    const e = this.entry(file);
    if (!e.ignored.includes(why)) e.ignored.push(why);
  }

  unknown(file: string, reason: string): void {
    const e = this.entry(file);
    if (!e.unknowns.includes(reason)) e.unknowns.push(reason);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** Sorted by path; workloads in the order given. */
  list(order: Workload[]): DeployFile[] {
    const rank = new Map(order.map((w, i) => [w, i]));
    return [...this.files.values()]
      .map((e) => ({
        ...e,
        workloads: e.workloads
          .filter((w) => rank.has(w))
          .sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)),
      }))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }
}

/** Files cited anywhere in a value (every Evidence: `{ file, line }`). */
export function citedFiles(v: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 12 || v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    for (const x of v) citedFiles(x, out, depth + 1);
    return out;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.file === 'string' && typeof o.line === 'number') out.add(o.file);
  for (const x of Object.values(o)) if (x !== null && typeof x === 'object') citedFiles(x, out, depth + 1);
  return out;
}
