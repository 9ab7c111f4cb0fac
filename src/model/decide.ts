/**
 * `rollbook decide`: during an incident, flag off / roll back / fix forward, from the incident's
 * facts and the rollback design of the release. Types only.
 */
import type { Outcome, Unproven } from './outcome.js';
import type { PlanService, PlanWindow } from './plan.js';

/** What the incident commander knows. Every field is optional: a missing fact is an assumption. */
export interface IncidentFacts {
  /** Minutes since the bad version was deployed. */
  minutesSinceDeploy?: number;
  /** Share of requests or users failing, in percent (0-100). */
  failingPercent?: number;
  /** Money or data is being written wrongly. */
  dataAffected?: boolean;
  /** Error-budget burn rate (1 = the budget is spent exactly over its window). */
  burnRate?: number;
  /** The failing change sits behind a flag: true (unnamed) or the flag's name; false: it does not. */
  behindFlag?: boolean | string;
  /** A fix is known and this many minutes from production, pipeline included. Absent: no fix known. */
  fixReadyMinutes?: number;
}

export const FACT_NAMES = [
  'minutesSinceDeploy',
  'failingPercent',
  'dataAffected',
  'burnRate',
  'behindFlag',
  'fixReadyMinutes',
] as const;
export type FactName = (typeof FACT_NAMES)[number];

/** Where a fact came from: a flag, an answer at the terminal, or nowhere (then it is an assumption). */
export type FactSource = 'flag' | 'asked' | 'assumed';

export interface FactEntry {
  name: FactName;
  /** The command-line flag that sets it (e.g. --failing). */
  flag: string;
  /** The value as used (absent when assumed unknown). */
  value?: number | boolean | string;
  source: FactSource;
  /** For an assumption: what the decision assumed instead, in words. */
  assumption?: string;
}

export const RECOMMENDATIONS = [
  'flag-off',
  'rollback',
  'rollback-with-data-step',
  'fix-forward',
  'partial',
] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** One way out of the incident, with its time to mitigation, what it risks and what it loses. */
export interface DecisionOption {
  kind: Recommendation;
  title: string;
  /** Whether this option can be taken at all with what is known. */
  available: boolean;
  /** Expected minutes until the bad behaviour stops (not counting the recovery watch); null = unknown. */
  minutesToMitigate: number | null;
  /** Worst case, when known. */
  maxMinutesToMitigate: number | null;
  /** What it would lose for good (data written since the deploy, lossy downs, one-way values). */
  losses: string[];
  /** What could go wrong or stays undone. */
  risks: string[];
  /** Why it is (or is not) available, and how it compares. */
  reasons: string[];
  /** What a person does to take it (rollbook runs nothing). */
  action: string;
}

/** The decision-table row that decided (docs/decide.md). */
export interface DecisionRow {
  id: string;
  /** The row's condition, as the table states it. */
  when: string;
}

export interface DecisionReport {
  service: PlanService;
  /** The release the design is about. */
  window: Pick<PlanWindow, 'scoped' | 'summary' | 'reason'>;
  recommendation: Recommendation;
  /** The row of the decision table that matched (first match wins). */
  row: DecisionRow;
  /** The break-even in one plain sentence. */
  breakEven: string;
  /** The reasons in the order they weighed. */
  reasons: string[];
  /** Every option, the recommended one first, then in the table's order. */
  options: DecisionOption[];
  /** The facts as used, with their source. */
  facts: FactEntry[];
  /** What was assumed for the facts not given (never asked without a terminal). */
  assumptions: string[];
  /** The impact as the table reads it. */
  impact: 'critical' | 'significant' | 'low';
  /** rollbook decide is read-only: it says so. */
  readOnly: string;
  /** pass: decided on a scoped design; unknown: the design's window or platform is unknown. */
  outcome: Outcome;
  couldNotProve: Unproven[];
}
