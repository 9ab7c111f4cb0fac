import type { Finding } from '../model/finding.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * The one string order: by Unicode code point, the same on every machine and in every locale
 * (`localeCompare` without a locale follows LANG/LC_ALL: under sv_SE "ä" sorts after "z", under
 * en before it). JavaScript's `<` compares UTF-16 code units, which puts U+10000 and above before
 * U+E000–U+FFFF; the first differing unit is mapped so surrogates sort last, as code points do.
 */
export function cmp(a: string, b: string): number {
  if (a === b) return 0;
  // Without a unit from U+D800 up in both strings, UTF-16 order is code point order.
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const HIGH_UNIT = /[\ud800-\uffff]/;

/** A UTF-16 unit's rank in code point order: U+E000–U+FFFF below the surrogates (U+10000 and up). */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Deterministic total order: severity, first evidence file:line, rule id, subject, then everything else. */
export function sortFindings(findings: Finding[]): Finding[] {
  const keyed = findings.map((f) => ({ f, key: JSON.stringify(f) }));
  keyed.sort((x, y) => {
    const a = x.f;
    const b = y.f;
    const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
    if (s !== 0) return s;
    const ea = a.evidence[0];
    const eb = b.evidence[0];
    return (
      cmp(ea?.file ?? '', eb?.file ?? '') ||
      (ea?.line ?? 0) - (eb?.line ?? 0) ||
      cmp(a.rule, b.rule) ||
      cmp(a.subject, b.subject) ||
      cmp(x.key, y.key)
    );
  });
  return keyed.map((k) => k.f);
}
