import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Larger SQL files are skipped (a dump, not a migration), with the reason. */
export const MAX_SQL_BYTES = 4 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ReadResult = { text: string } | { skip: string };

/**
 * Read a SQL file as text, or say why not: too large, binary (NUL bytes), not UTF-8.
 * A UTF-8 byte-order mark is dropped (editors do not count it as a column).
 */
export function readSqlText(abs: string): ReadResult {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch (e) {
    return { skip: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (size > MAX_SQL_BYTES) return { skip: `too large to be a migration (${size} bytes > ${MAX_SQL_BYTES})` };
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (e) {
    return { skip: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (buf.includes(0)) return { skip: 'binary file (contains NUL bytes)' };
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    return { skip: 'not valid UTF-8 text' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
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
