import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ReadBudget, readBoundedText, readFailureText } from '../text-file.js';

/** Larger SQL files are skipped (a dump, not a migration), with the reason. */
export const MAX_SQL_BYTES = 4 * 1024 * 1024;
/**
 * All the migration files one load reads together: parse trees take ~100× the text, so two files
 * at the per-file limit already need more than the memory a command may take (≤ 1 GiB).
 */
export const TOTAL_SQL_BYTES = 6 * 1024 * 1024;

export type ReadResult = { text: string } | { skip: string };

/**
 * Read a SQL file as text (the shared reader, readBoundedText), or say why not: too large, over
 * the total, binary (NUL bytes), not UTF-8, a special file, a link out of the repository.
 * A UTF-8 byte-order mark is dropped (editors do not count it as a column).
 */
export function readSqlText(abs: string, root?: string, budget?: ReadBudget): ReadResult {
  const r = readBoundedText(abs, {
    maxBytes: MAX_SQL_BYTES,
    ...(root !== undefined ? { root } : {}),
    ...(budget ? { budget } : {}),
  });
  if (r.ok) return { text: r.text };
  switch (r.kind) {
    case 'too-large':
      return {
        skip: `too large to be a migration (${r.bytes === undefined ? `more than ${r.limit}` : r.bytes} bytes > ${r.limit})`,
      };
    case 'budget':
      return { skip: `over the total of ${TOTAL_SQL_BYTES} bytes of migrations one run reads; not read` };
    case 'binary':
      return { skip: 'binary file (contains NUL bytes)' };
    case 'encoding':
      return { skip: 'not valid UTF-8 text' };
    default:
      return { skip: readFailureText(r) };
  }
}

export interface DirEntry {
  name: string;
  dir: boolean;
}

/** Sorted directory listing (files and directories only; symlinks followed by stat). */
export function listDir(abs: string): DirEntry[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: DirEntry[] = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push({ name: e.name, dir: true });
    else if (e.isFile()) out.push({ name: e.name, dir: false });
    else if (e.isSymbolicLink()) {
      try {
        const s = statSync(join(abs, e.name));
        if (s.isDirectory() || s.isFile()) out.push({ name: e.name, dir: s.isDirectory() });
      } catch {
        /* dangling link */
      }
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Natural order for version ids: digit runs compare by value, the rest by code unit. */
export function compareVersions(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i] as string;
    const y = rb[i] as string;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}
