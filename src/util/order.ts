import type { Finding } from '../model/finding.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Locale-independent string order (localeCompare differs between machines). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
