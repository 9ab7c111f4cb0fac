/**
 * The decision table of `rollbook decide` (docs/decide.md), row by row: each case names the row
 * that must decide; the cases that must NOT reach a row sit beside the ones that must. Options are
 * built by the real option code from design views; only the design is synthetic here (the git
 * fixtures are in decide.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesignView } from '../../src/decide/design.js';
import { buildOptions, impactOf } from '../../src/decide/options.js';
import { DECISION_TABLE, readTable } from '../../src/decide/table.js';
import type { IncidentFacts } from '../../src/model/decide.js';
import { ROOT } from '../helpers/cli.js';

const base: DesignView = {
  dataLosses: [],
  appRisks: [],
  external: [],
  killSwitches: [{ key: 'new-checkout', how: 'Set `defaultVariant` of `new-checkout` to off.' }],
  flagKeys: ['new-checkout'],
  crossedMigrations: 0,
  dataAuthority: ['incident-commander'],
  rollbackCommand: 'kubectl rollout undo deployment/orders -n shop',
  platform: 'kubernetes',
};
const path = (seconds: number) => ({
  steps: ['x'],
  gates: [],
  expectedSeconds: seconds,
  maxSeconds: seconds * 3,
});

/** Code-only release: the app-only rollback takes ~4 min. */
const appOnly: DesignView = { ...base, appOnly: path(240) };
/** The previous version needs the data step first, and the step loses data. */
const lossy: DesignView = {
  ...base,
  crossedMigrations: 1,
  withDataStep: path(1200),
  dataStepTitle: 'Revert the schema to the target version (before the app)',
  dataLosses: ['order_status.refunded (enum-add-value)'],
};
/** The data step comes first but loses nothing the design knows of. */
const lossless: DesignView = { ...lossy, dataLosses: [] };
/** An Argo Rollouts canary: abort sends traffic back to stable while the rollout is in progress. */
const rollout: DesignView = {
  ...base,
  platform: 'argo-rollouts',
  appOnly: path(420),
  trafficShift: {
    how: 'abort the rollout of orders',
    command: 'kubectl argo rollouts abort orders -n shop',
    expectedSeconds: 30,
    maxSeconds: 120,
    whileInProgressMinutes: 10,
    split: false,
  },
};

function decideRow(view: DesignView, facts: IncidentFacts) {
  const options = buildOptions(facts, view, 5);
  const s = { facts, impact: impactOf(facts), options, watchMinutes: 5 };
  const { row, reasons } = readTable(s);
  return { row, reasons, breakEven: row.breakEven(s) };
}

/** [case, design view, facts, the row that must decide] */
const CASES: [string, DesignView, IncidentFacts, string][] = [
  [
    'a named flag wins over everything',
    lossy,
    { behindFlag: 'new-checkout', fixReadyMinutes: 1 },
    'behind-flag',
  ],
  ['behind a flag (yes) on a code-only release', appOnly, { behindFlag: true }, 'behind-flag'],
  ['not behind a flag: no flag-off', appOnly, { behindFlag: false }, 'app-rollback'],
  ['a fix in 3 min beats a 4-min rollback', appOnly, { fixReadyMinutes: 3 }, 'fix-beats-rollback'],
  ['a fix as fast as the rollback wins the tie', appOnly, { fixReadyMinutes: 4 }, 'fix-beats-rollback'],
  [
    'a fix faster than the data-step rollback',
    lossy,
    { fixReadyMinutes: 15, dataAffected: true },
    'fix-beats-rollback',
  ],
  ['a canary still rolling out: abort', rollout, { minutesSinceDeploy: 3 }, 'abort-in-progress'],
  ['the rollout is over: no abort', rollout, { minutesSinceDeploy: 30 }, 'app-rollback'],
  ['time since deploy unknown: no abort assumed', rollout, {}, 'app-rollback'],
  ['the fix needs 35 min, the rollback 4', appOnly, { fixReadyMinutes: 35 }, 'app-rollback'],
  ['critical impact, no fix: roll back', appOnly, { failingPercent: 60, dataAffected: true }, 'app-rollback'],
  [
    'lossy data step, fix in 40 min, 5% failing',
    lossy,
    { fixReadyMinutes: 40, failingPercent: 5 },
    'lossy-data-step-fix-known',
  ],
  [
    'lossy data step, fix known, but data affected (critical)',
    lossy,
    { fixReadyMinutes: 40, dataAffected: true },
    'data-step',
  ],
  [
    'lossy data step, fix known, fast burn (critical)',
    lossy,
    { fixReadyMinutes: 40, burnRate: 20 },
    'data-step',
  ],
  [
    'lossy data step, no fix, 0.5% failing',
    lossy,
    { failingPercent: 0.5, dataAffected: false },
    'lossy-data-step-low-impact',
  ],
  ['lossy data step, no fix, burn rate 0.8', lossy, { burnRate: 0.8 }, 'lossy-data-step-low-impact'],
  ['lossy data step, no fix, 5% failing is not low', lossy, { failingPercent: 5 }, 'data-step'],
  ['lossy data step, no fix, impact unknown is not low', lossy, {}, 'data-step'],
  [
    'the data step loses nothing: roll back with it even with a slow fix',
    lossless,
    { fixReadyMinutes: 60, failingPercent: 2 },
    'data-step',
  ],
  ['lossy data step, low failing but a fast burn', lossy, { failingPercent: 0.5, burnRate: 15 }, 'data-step'],
];

describe('the decision table, row by row', () => {
  it.each(CASES)('%s', (_name, view, facts, row) => {
    const d = decideRow(view, facts);
    expect(d.row.id).toBe(row);
    expect(d.reasons.length).toBeGreaterThan(0);
    expect(d.breakEven).toMatch(/: [a-z -]+(, [a-z ]+)?[.)]?/);
  });

  it('every row has at least one case that reaches it', () => {
    const reached = new Set(CASES.map((c) => c[3]));
    for (const row of DECISION_TABLE) expect(reached, row.id).toContain(row.id);
  });

  it('states the break-even plainly', () => {
    expect(decideRow(appOnly, { fixReadyMinutes: 35 }).breakEven).toBe(
      'the fix needs 35 min to ship; rolling back takes ~4 min and loses nothing: roll back.',
    );
    expect(decideRow(appOnly, {}).breakEven).toBe(
      'no fix is known (one would have to ship within 4 min to win); rolling back takes ~4 min and loses nothing: roll back.',
    );
    expect(decideRow(lossy, { fixReadyMinutes: 40, failingPercent: 5 }).breakEven).toBe(
      'the fix needs 40 min to ship; rolling back takes ~20 min but loses order_status.refunded (enum-add-value); the impact is significant (5% failing), not critical: fix forward.',
    );
    expect(decideRow(appOnly, { behindFlag: true }).breakEven).toBe(
      'turning new-checkout off takes ~1 min and touches no data; rolling back takes ~4 min: turn the flag off (roll back if the signals do not recover within 5 min).',
    );
  });

  it('gives the reasons in the order the rows weighed them', () => {
    const d = decideRow(lossy, { failingPercent: 0.5 });
    expect(d.reasons[0]).toMatch(
      /^not known to be behind a flag \(kill switches in the design: new-checkout/,
    );
    expect(d.reasons[1]).toBe('no fix is known yet');
    expect(d.reasons.at(-1)).toMatch(/^the impact is low \(0\.5% failing\)/);
  });

  it('docs/decide.md lists every row, in order, with its condition and recommendation', () => {
    const doc = readFileSync(join(ROOT, 'docs/decide.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (.+) \| `([a-z-]+)` \|$/gm)].map((m) => ({
      id: m[1],
      when: m[2],
      recommendation: m[3],
    }));
    expect(rows).toEqual(
      DECISION_TABLE.map((r) => ({
        id: r.id,
        when: r.when.replace(/\|/g, '\\|'),
        recommendation: r.recommendation,
      })),
    );
  });
});
