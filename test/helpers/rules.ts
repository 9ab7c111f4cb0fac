import { expect } from 'vitest';
import type { Finding, Rule } from '../../src/model/finding.js';
import type { Service } from '../../src/model/service.js';
import { emptyService } from '../../src/readers/service-base.js';
import { renderCommand } from '../../src/util/shell.js';

export { renderCommand };

/** A service for rule tables: empty, with the given fields set. */
export function service(overrides: Partial<Service> = {}): Service {
  return { ...emptyService('/repo', 'svc'), ...overrides };
}

/** Findings of one rule, as `rule@file:line subject` lines for compact assertions. */
export function where(findings: Finding[]): string[] {
  return findings.map(
    (f) => `${f.rule}@${f.evidence[0]?.file ?? '?'}:${f.evidence[0]?.line ?? '?'} ${f.subject}`,
  );
}

/**
 * Run a rule and return its findings, refusing an empty result: a rule test can never pass by
 * finding nothing (squawk's test_utils does the same).
 */
export function findingsOf(rule: Rule, svc: Service): Finding[] {
  const found = rule.check(svc);
  if (found.length === 0)
    throw new Error(`rule ${rule.meta.id} found nothing: a snapshot of an empty result proves nothing`);
  for (const f of found) {
    expect(f.rule).toBe(rule.meta.id);
    expect(f.evidence.length, `${rule.meta.id} finding without evidence`).toBeGreaterThan(0);
    expect(f.mitigation.length).toBeGreaterThan(0);
  }
  return found;
}

/** The rendered messages of a rule's findings, for snapshots (refuses empty). */
export function messagesOf(rule: Rule, svc: Service): string[] {
  return findingsOf(rule, svc).map(
    (f) =>
      `${f.severity} ${f.rule} ${f.evidence[0]?.file}:${f.evidence[0]?.line} ${f.subject}: ${f.message} | fix: ${f.mitigation}`,
  );
}

/** Assert the rule finds nothing. */
export function expectNone(rule: Rule, svc: Service): void {
  expect(rule.check(svc)).toEqual([]);
}
