/**
 * The decision table of `rollbook decide` (docs/decide.md): rows in order, the first whose
 * condition holds decides. Each row says, matched or not, what it weighed: the report's reasons
 * are those sentences in the order the rows were read. Deterministic; no weights, no scores.
 */
import type { DecisionOption, IncidentFacts, Recommendation } from '../model/decide.js';
import { FLAG_FLIP_MINUTES, type Impact } from './options.js';

export interface Situation {
  facts: IncidentFacts;
  impact: Impact;
  options: Record<Recommendation, DecisionOption>;
  /** Minutes to watch the signals after a flag flip. */
  watchMinutes: number;
}

export interface TableRow {
  id: string;
  recommendation: Recommendation;
  /** The condition, as docs/decide.md states it. */
  when: string;
  holds: (s: Situation) => boolean;
  /** What the row weighed, whether it holds or not. */
  reason: (s: Situation) => string;
  /** The break-even, said plainly, when this row decides. */
  breakEven: (s: Situation) => string;
}

/** The quickest rollback the design allows: app only when possible, else with the data step. */
export function quickestRollback(s: Situation): DecisionOption {
  const app = s.options.rollback;
  return app.available ? app : s.options['rollback-with-data-step'];
}

const min = (o: DecisionOption) => o.minutesToMitigate ?? Number.POSITIVE_INFINITY;

function lossText(o: DecisionOption): string {
  const real = o.losses.filter((l) => !l.startsWith('at stake:'));
  return real.length === 0 ? 'loses nothing' : `loses ${real.join(', ')}`;
}

function fixText(s: Situation, within: number): string {
  const x = s.facts.fixReadyMinutes;
  return x !== undefined
    ? `the fix needs ${x} min to ship`
    : `no fix is known (one would have to ship within ${within} min to win)`;
}

const dataStepLoses = (s: Situation) =>
  !s.options.rollback.available &&
  s.options['rollback-with-data-step'].available &&
  lossText(s.options['rollback-with-data-step']) !== 'loses nothing';

function impactText(s: Situation): string {
  const f = s.facts;
  const parts = [
    f.failingPercent !== undefined ? `${f.failingPercent}% failing` : '',
    f.burnRate !== undefined ? `burn rate ${f.burnRate}` : '',
    f.dataAffected !== undefined ? (f.dataAffected ? 'data affected' : 'no data affected') : '',
  ].filter(Boolean);
  return `${s.impact}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export const DECISION_TABLE: readonly TableRow[] = [
  {
    id: 'behind-flag',
    recommendation: 'flag-off',
    when: 'The failing change is behind a flag (--behind-flag yes or NAME).',
    holds: (s) => s.options['flag-off'].available,
    reason: (s) => s.options['flag-off'].reasons[0] ?? '',
    breakEven: (s) => {
      const r = quickestRollback(s);
      return `turning ${s.options['flag-off'].title.replace(/^Turn (.*) off$/, '$1')} off takes ~${FLAG_FLIP_MINUTES} min and touches no data; rolling back takes ~${min(r)} min: turn the flag off (roll back if the signals do not recover within ${s.watchMinutes} min).`;
    },
  },
  {
    id: 'fix-beats-rollback',
    recommendation: 'fix-forward',
    when: 'A fix is known and ships no later than the quickest rollback the design allows (app only when possible, else with the data step).',
    holds: (s) =>
      s.facts.fixReadyMinutes !== undefined && s.facts.fixReadyMinutes <= min(quickestRollback(s)),
    reason: (s) => {
      const r = quickestRollback(s);
      const x = s.facts.fixReadyMinutes;
      if (x === undefined) return 'no fix is known yet';
      return x <= min(r)
        ? `the fix ships in ${x} min, no later than the quickest rollback (~${min(r)} min)`
        : `the fix needs ${x} min, longer than the quickest rollback (~${min(r)} min)`;
    },
    breakEven: (s) => {
      const r = quickestRollback(s);
      return `the fix ships in ${s.facts.fixReadyMinutes} min; the quickest rollback takes ~${min(r)} min and ${lossText(r)}: fix forward.`;
    },
  },
  {
    id: 'abort-in-progress',
    recommendation: 'partial',
    when: 'The app-only rollback is possible and traffic can go back to the previous version faster than it (an Argo Rollouts abort while the rollout of the bad version is still in progress).',
    holds: (s) =>
      s.options.partial.available &&
      s.options.rollback.available &&
      min(s.options.partial) < min(s.options.rollback),
    reason: (s) => {
      const p = s.options.partial;
      if (!p.available) return `no partial mitigation: ${p.reasons[0] ?? 'not available'}`;
      return min(p) < min(s.options.rollback)
        ? `${p.reasons[0]}, faster than the full rollback (~${min(s.options.rollback)} min)`
        : `a partial shift (~${min(p)} min) is not faster than the full rollback (~${min(s.options.rollback)} min)`;
    },
    breakEven: (s) =>
      `aborting takes ~${min(s.options.partial)} min; the full rollback takes ~${min(s.options.rollback)} min: abort now, then undo the rollout calmly.`,
  },
  {
    id: 'app-rollback',
    recommendation: 'rollback',
    when: 'The previous version runs on the current state: the rollback needs no data step and loses nothing.',
    holds: (s) => s.options.rollback.available,
    reason: (s) =>
      s.options.rollback.available
        ? `the previous version runs on the current schema: the app-only rollback takes ~${min(s.options.rollback)} min and loses nothing`
        : (s.options.rollback.reasons[0] ?? 'no app-only rollback'),
    breakEven: (s) => {
      const r = s.options.rollback;
      return `${fixText(s, min(r))}; rolling back takes ~${min(r)} min and loses nothing: roll back.`;
    },
  },
  {
    id: 'lossy-data-step-fix-known',
    recommendation: 'fix-forward',
    when: 'The rollback needs the data step and the data step loses data, a fix is known, and the impact is not critical.',
    holds: (s) => dataStepLoses(s) && s.facts.fixReadyMinutes !== undefined && s.impact !== 'critical',
    reason: (s) => {
      const d = s.options['rollback-with-data-step'];
      if (!dataStepLoses(s)) return 'the data step loses nothing the design knows of';
      if (s.facts.fixReadyMinutes === undefined)
        return 'no fix is known to wait for instead of the lossy data step';
      return s.impact === 'critical'
        ? `the data step ${lossText(d)}, but the impact is critical: waiting ${s.facts.fixReadyMinutes} min for the fix costs more`
        : `the data step ${lossText(d)}; the impact is ${impactText(s)}: waiting ${s.facts.fixReadyMinutes} min for the fix costs less than the loss`;
    },
    breakEven: (s) => {
      const d = s.options['rollback-with-data-step'];
      return `the fix needs ${s.facts.fixReadyMinutes} min to ship; rolling back takes ~${min(d)} min but ${lossText(d)}; the impact is ${impactText(s)}, not critical: fix forward.`;
    },
  },
  {
    id: 'lossy-data-step-low-impact',
    recommendation: 'fix-forward',
    when: 'The rollback needs the data step and the data step loses data, no fix is known yet, and the impact is low (under 1% failing or a burn rate under 1, no data affected).',
    holds: (s) => dataStepLoses(s) && s.facts.fixReadyMinutes === undefined && s.impact === 'low',
    reason: (s) =>
      s.impact === 'low'
        ? `the impact is ${impactText(s)}: the error budget can absorb the time to write a fix`
        : `the impact is ${impactText(s)}: not low enough to keep the bad version while a fix is written`,
    breakEven: (s) => {
      const d = s.options['rollback-with-data-step'];
      return `no fix is known and the impact is ${impactText(s)}; rolling back takes ~${min(d)} min but ${lossText(d)}: fix forward, and roll back if the impact rises.`;
    },
  },
  {
    id: 'data-step',
    recommendation: 'rollback-with-data-step',
    when: 'Otherwise: the previous version needs the data step; roll back with it, behind a verified backup.',
    holds: (s) => s.options['rollback-with-data-step'].available,
    reason: (s) =>
      `rolling back with the data step takes ~${min(s.options['rollback-with-data-step'])} min and ${lossText(s.options['rollback-with-data-step'])}`,
    breakEven: (s) => {
      const d = s.options['rollback-with-data-step'];
      const why =
        s.facts.fixReadyMinutes !== undefined
          ? `the fix needs ${s.facts.fixReadyMinutes} min and the impact is ${impactText(s)}`
          : `no fix is known and the impact is ${impactText(s)}`;
      return `${why}; rolling back with the data step takes ~${min(d)} min and ${lossText(d)}: roll back with the data step, backup first.`;
    },
  },
];

/** Read the table: the first row that holds, and the reasons weighed up to it. */
export function readTable(s: Situation): { row: TableRow; reasons: string[] } {
  const reasons: string[] = [];
  for (const row of DECISION_TABLE) {
    const r = row.reason(s);
    if (r && !reasons.includes(r)) reasons.push(r);
    if (row.holds(s)) return { row, reasons };
  }
  // unreachable: the app-only path exists whenever the data step is not required
  throw new Error('decide: no row of the decision table holds');
}
