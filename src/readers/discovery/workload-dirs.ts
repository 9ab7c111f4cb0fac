/**
 * Which workload a repository path belongs to, by where the workload's own files sit: its
 * kustomize overlay, its chart, its compose project, the directory of the file that declares it. A path belongs to the workload whose directories share the longest
 * prefix with it, when no other workload shares as long a one (services/checkout/src/x.ts is
 * services/checkout's, not services/inventory's); at the root, or in a directory every
 * candidate shares (services/), it belongs to none.
 */
import type { Workload } from '../../model/service.js';

function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function segments(p: string): string[] {
  return p
    .replace(/^(\.\/)+/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Directories of a workload's own files (root-relative, '' for the root), deduplicated. */
export function workloadDirs(w: Workload): string[] {
  const out = new Set<string>();
  if (w.kustomize !== undefined) out.add(segments(w.kustomize.overlay).join('/'));
  if (w.helm?.chartPath !== undefined) out.add(segments(w.helm.chartPath).join('/'));
  if (w.compose) out.add(segments(w.compose.dir).join('/'));
  if (w.at) out.add(dirOf(w.at.file));
  return [...out];
}

function sharedSegments(dir: string, path: string): number {
  const x = segments(dir);
  const y = segments(path);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

export interface PathOwner {
  /** The workloads the path belongs to (usually one; several when it sits in the directory they share, like a SAM template's functions). */
  workloads: Workload[];
  /** The workload directory that decided it (the longest shared one). */
  dir?: string;
}

/**
 * The workload(s) a file belongs to by location. One workload whose directories share strictly
 * more leading segments with the file than any other's; on a tie, every tied workload when one of
 * their directories decided it for all of them (two overlays of one kustomize base, the functions
 * of one SAM template); otherwise none (services/x.ts among services/a/ and services/b/).
 */
export function ownerOfPath(path: string, workloads: readonly Workload[]): PathOwner {
  const fileDir = dirOf(segments(path).join('/'));
  let best = 0;
  const scored = workloads.map((w) => {
    const dirs = workloadDirs(w).map((d) => ({ d, n: sharedSegments(d, fileDir) }));
    const score = Math.max(0, ...dirs.map((x) => x.n));
    best = Math.max(best, score);
    return { w, score, dirs: dirs.filter((x) => x.n === score).map((x) => x.d) };
  });
  if (best === 0) return { workloads: [] };
  const tied = scored.filter((s) => s.score === best);
  const shared = tied.reduce<string[]>(
    (acc, t) => acc.filter((d) => t.dirs.includes(d)),
    tied[0]?.dirs ?? [],
  );
  const first = tied[0];
  if (tied.length === 1 && first)
    return { workloads: [first.w], ...(first.dirs[0] !== undefined ? { dir: first.dirs[0] } : {}) };
  if (shared.length > 0)
    return { workloads: tied.map((t) => t.w), ...(shared[0] !== undefined ? { dir: shared[0] } : {}) };
  return { workloads: [] };
}
