/**
 * Small helpers shared by the state-hazard rules (caches, queues, writes, flags, dependencies).
 * Pure functions over the model; no I/O.
 */
import type { Evidence, Service } from '../../model/service.js';
import { cmp } from '../../util/order.js';

/**
 * The evidence of a descriptor fact: its own `at` when the reader recorded one, otherwise line 1 of
 * the descriptor (never empty evidence).
 */
export function evidenceFor(service: Service, at: Evidence | undefined): Evidence {
  if (at) return at;
  return { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
}

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
  w: 604_800,
  week: 604_800,
  weeks: 604_800,
};

/** Values that mean "never expires" in cache stores (memcached and many clients treat 0 so). */
const NO_EXPIRY = new Set(['0', '-1', 'none', 'never', 'infinite', 'forever', 'no-expiry']);

export type Ttl = { kind: 'seconds'; seconds: number } | { kind: 'never' } | { kind: 'unknown' };

/**
 * Parse a duration as written in rollbook.yaml: `3600`, `45s`, `30m`, `1h`, `1h30m`, `7d`, `2 weeks`.
 * Returns undefined when the text is not a duration.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const unit = UNIT_SECONDS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== t.length) return undefined;
  return total;
}

/** A cache TTL: the reader's `ttlSeconds` when set, otherwise parsed from `ttl`. */
export function cacheTtl(cache: { ttl?: string; ttlSeconds?: number }): Ttl {
  if (typeof cache.ttlSeconds === 'number' && Number.isFinite(cache.ttlSeconds)) {
    return cache.ttlSeconds <= 0 ? { kind: 'never' } : { kind: 'seconds', seconds: cache.ttlSeconds };
  }
  if (cache.ttl === undefined || cache.ttl === null) return { kind: 'unknown' };
  const text = String(cache.ttl).trim().toLowerCase();
  if (NO_EXPIRY.has(text)) return { kind: 'never' };
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) return { kind: 'unknown' };
  return seconds <= 0 ? { kind: 'never' } : { kind: 'seconds', seconds };
}

/** `a`, `a` and `b`, `a`, `b` and 3 more: names in backticks, sorted, capped. */
export function listNames(names: readonly string[], max = 8): string {
  const sorted = [...new Set(names)].sort(byCodePoint);
  const shown = sorted.slice(0, max).map((n) => `\`${n}\``);
  const rest = sorted.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * Case-insensitive keyword test over free text (store names, descriptions). The text is split into
 * words of letters and digits; a keyword matches a whole word, or a word's start when it ends in `*`
 * (`mail*` matches `mailer`; `ses` does not match `sessions`).
 */
export function mentions(text: string, words: readonly string[]): boolean {
  const tokens: string[] = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.some((w) =>
    w.endsWith('*') ? tokens.some((t) => t.startsWith(w.slice(0, -1))) : tokens.includes(w),
  );
}

/** Locale-independent string order (code point, util/order.ts: deterministic on every machine). */
export const byCodePoint = cmp;

export { formatSeconds } from '../../util/seconds.js';

/**
 * The flag definition file of a provider's flag: a file of that provider's flag sources (the one the
 * flag's evidence points into, when it does), else the file the flag was discovered in. Never the
 * descriptor itself (kill switches listed in rollbook.yaml carry rollbook.yaml evidence).
 */
export function flagFileOf(
  service: Service,
  provider: string,
  flagAt: Evidence | undefined,
): string | undefined {
  const files = service.flagSources
    .filter((s) => s.provider === provider && s.file)
    .map((s) => s.file as string)
    .sort(byCodePoint);
  if (flagAt && files.includes(flagAt.file)) return flagAt.file;
  if (files.length > 0) return files[0];
  if (flagAt && flagAt.file !== (service.descriptor ?? 'rollbook.yaml')) return flagAt.file;
  return undefined;
}
