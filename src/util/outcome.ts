import type { Outcome } from '../model/outcome.js';

const RANK: Record<Outcome, number> = { pass: 0, unknown: 1, fail: 2 };

/** The worst of several outcomes: fail beats unknown beats pass (an empty list is pass). */
export function worstOutcome(list: Outcome[]): Outcome {
  return list.reduce<Outcome>((a, b) => (RANK[b] > RANK[a] ? b : a), 'pass');
}

/** The outcome of a list of checks: only blocking ones count; a missing status is unknown, never pass. */
export function blockingOutcome(checks: { blocking: boolean; status?: Outcome }[]): Outcome {
  return worstOutcome(checks.filter((c) => c.blocking).map((c) => c.status ?? 'unknown'));
}
