/**
 * On-disk cache for replay results: the fresh PGlite snapshot and catalogs keyed by the content
 * hash of the migration files replayed. Location: $ROLLBOOK_CACHE_DIR, else
 * $XDG_CACHE_HOME/rollbook, else ~/.cache/rollbook. Set ROLLBOOK_CACHE=off to disable the
 * result cache (the snapshot is still used).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cmp } from '../util/order.js';

/** Bump when the shape or meaning of cached results changes. */
export const CACHE_FORMAT = 'rollbook-replay-1';

let codeHashValue: string | undefined;
/**
 * Hash of rollbook's own schema modules (this directory): a changed engine, catalog or verify
 * invalidates every cached result, so a cache can never answer for older code.
 */
export function codeHash(): string {
  if (codeHashValue) return codeHashValue;
  const h = createHash('sha256');
  try {
    const dir = dirname(fileURLToPath(import.meta.url));
    for (const f of readdirSync(dir).sort(cmp))
      if (/\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')) h.update(f).update(readFileSync(join(dir, f)));
  } catch {
    h.update(String(Math.random()));
  }
  codeHashValue = h.digest('hex');
  return codeHashValue;
}

export function cacheDir(): string {
  const explicit = process.env.ROLLBOOK_CACHE_DIR;
  if (explicit) return explicit;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'rollbook');
}

export function resultCacheEnabled(): boolean {
  return (process.env.ROLLBOOK_CACHE ?? '').toLowerCase() !== 'off';
}

/** A streaming content hash: feed parts in order, get a hex digest. */
export class ContentHash {
  private readonly h = createHash('sha256');
  constructor(...parts: string[]) {
    this.h.update(CACHE_FORMAT);
    this.h.update(codeHash());
    for (const p of parts) this.add(p);
  }
  add(part: string): this {
    // length-prefixed so that ("ab","c") and ("a","bc") differ
    this.h.update(`${Buffer.byteLength(part)}:`);
    this.h.update(part);
    return this;
  }
  /** Digest of everything added so far (the hash can keep growing afterwards). */
  peek(): string {
    return this.h.copy().digest('hex');
  }
}

function entryPath(kind: string, key: string): string {
  return join(cacheDir(), kind, `${key}.json`);
}

export function readCached<T>(kind: string, key: string): T | undefined {
  if (!resultCacheEnabled()) return undefined;
  try {
    return JSON.parse(readFileSync(entryPath(kind, key), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeCached(kind: string, key: string, value: unknown): void {
  if (!resultCacheEnabled()) return;
  const path = entryPath(kind, key);
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, path);
  } catch {
    /* caching is an optimisation; a read-only cache dir only costs time */
  }
}
