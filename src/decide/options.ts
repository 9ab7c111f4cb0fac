/**
 * The five ways out of an incident, each with its time to mitigation, losses and risks, from the
 * facts and the design (pure). The decision table (table.ts) picks one.
 */
import type { DecisionOption, IncidentFacts, Recommendation } from '../model/decide.js';
import { type DesignView, minutes, type RollbackPath } from './design.js';

export type Impact = 'critical' | 'significant' | 'low';

/** Thresholds of the impact (docs/decide.md). */
export const CRITICAL_FAILING_PERCENT = 25;
/** A burn rate that spends 2% of a 30-day budget in one hour (the SRE workbook's fast-burn page). */
export const FAST_BURN_RATE = 14.4;
/** Below this share of failing requests, or this burn rate, the impact is low. */
export const LOW_FAILING_PERCENT = 1;
export const LOW_BURN_RATE = 1;
/** Minutes to flip a flag and see it propagate (SDKs poll). */
export const FLAG_FLIP_MINUTES = 1;
/** Risks listed per option before "and N more". */
const MAX_LISTED = 6;

/** The impact as the table reads it: critical, low, or significant in between (and when unknown). */
export function impactOf(f: IncidentFacts): Impact {
  if (
    f.dataAffected === true ||
    (f.failingPercent ?? 0) >= CRITICAL_FAILING_PERCENT ||
    (f.burnRate ?? 0) >= FAST_BURN_RATE
  )
    return 'critical';
  const known = [f.failingPercent, f.burnRate].filter((x) => x !== undefined).length;
  const low =
    known > 0 &&
    (f.failingPercent === undefined || f.failingPercent < LOW_FAILING_PERCENT) &&
    (f.burnRate === undefined || f.burnRate < LOW_BURN_RATE);
  return low ? 'low' : 'significant';
}

function capped(list: string[]): string[] {
  if (list.length <= MAX_LISTED) return list;
  return [
    ...list.slice(0, MAX_LISTED),
    `and ${list.length - MAX_LISTED} more (see the hazards of rollbook plan)`,
  ];
}

function flagOff(f: IncidentFacts, v: DesignView, watch: number): DecisionOption {
  const named = typeof f.behindFlag === 'string' ? f.behindFlag : undefined;
  const only = v.killSwitches.length === 1 ? v.killSwitches[0] : undefined;
  const key = named ?? (f.behindFlag === true ? only?.key : undefined);
  const known = v.killSwitches.find((k) => k.key === key);
  const switches = v.killSwitches.map((k) => k.key).join(', ');
  const option: DecisionOption = {
    kind: 'flag-off',
    title: key ? `Turn ${key} off` : 'Turn the flag off',
    available: Boolean(f.behindFlag),
    minutesToMitigate: f.behindFlag ? FLAG_FLIP_MINUTES : null,
    maxMinutesToMitigate: f.behindFlag ? FLAG_FLIP_MINUTES + watch : null,
    losses: [],
    risks: [],
    reasons: [],
    action: known
      ? known.how
      : `Turn ${key ?? 'the flag'} off in the flag provider, then watch the trigger signals for ${watch} minutes; roll back if they do not recover.`,
  };
  if (!f.behindFlag) {
    option.reasons.push(
      f.behindFlag === false
        ? 'the failing change is not behind a flag (--behind-flag no)'
        : `not known to be behind a flag${switches ? ` (kill switches in the design: ${switches}; --behind-flag NAME if the change sits behind one)` : ''}`,
    );
    return option;
  }
  option.reasons.push(
    `a flag flip takes seconds, needs no deploy and touches no data; the signals must recover within ${watch} min`,
  );
  option.risks.push(
    `the new version keeps running: if the failure is not behind the flag, the signals do not recover within ${watch} min — then roll back`,
    'the flag stays off until a fix ships; a later rollback leaves flag state as it is',
  );
  if (f.dataAffected) option.risks.push('data written wrongly before the flip stays wrong: repair it after');
  if (key && !v.flagKeys.includes(key))
    option.risks.push(
      `${key} is not in the repository's flag files${v.flagKeys.length ? ` (found: ${v.flagKeys.join(', ')})` : ''}: rollbook cannot confirm it exists or say how to flip it`,
    );
  return option;
}

/** A rollback path as an option (minutes from the design's runbook; unavailable without a path). */
function rollbackOption(
  kind: 'rollback' | 'rollback-with-data-step',
  title: string,
  p: RollbackPath | undefined,
  action: string,
): DecisionOption {
  return {
    kind,
    title,
    available: Boolean(p),
    minutesToMitigate: p ? minutes(p.expectedSeconds) : null,
    maxMinutesToMitigate: p ? minutes(p.maxSeconds) : null,
    losses: [],
    risks: [],
    reasons: [],
    action,
  };
}

/** What no rollback undoes: the hazards left in place and the side effects already sent. */
function leftInPlace(v: DesignView): string[] {
  return [
    ...capped(v.appRisks.map((r) => `not undone by the rollback: ${r}`)),
    ...(v.external.length ? [`side effects already sent are not undone: ${v.external.join(', ')}`] : []),
  ];
}

function appRollback(f: IncidentFacts, v: DesignView): DecisionOption {
  const p = v.appOnly;
  const option = rollbackOption(
    'rollback',
    'Roll back the app only (the schema and data stay)',
    p,
    `Run the designed rollback without the data step: ${v.rollbackCommand}`,
  );
  if (!p) {
    option.reasons.push(
      `the design requires the data step first: the previous version cannot run on the current state (step: ${v.dataStepTitle ?? 'data step'})`,
    );
    return option;
  }
  option.reasons.push(
    `~${option.minutesToMitigate} min along the design's runbook (${p.steps.length} steps, ${p.gates.length} gates), ${option.maxMinutesToMitigate} min worst case; the previous version runs on the current schema and keeps every write`,
  );
  if (v.crossedMigrations > 0)
    option.risks.push(
      `the schema stays at the new version (${v.crossedMigrations} crossed migration${v.crossedMigrations === 1 ? '' : 's'}): the compatibility gate must confirm the previous version runs on it`,
    );
  option.risks.push(...leftInPlace(v));
  if (f.dataAffected) option.risks.push('data written wrongly since the deploy stays wrong: repair it after');
  return option;
}

function dataRollback(f: IncidentFacts, v: DesignView): DecisionOption {
  const p = v.withDataStep;
  const option = rollbackOption(
    'rollback-with-data-step',
    'Roll back with the data step (backup, schema/data revert, app)',
    p,
    `Run the designed rollback with its data step behind the backup and verification gates (step: ${v.dataStepTitle ?? 'data step'}): ${v.rollbackCommand}`,
  );
  if (!p) {
    option.reasons.push('the design has no data step: nothing in the release touches schema or data');
    return option;
  }
  option.losses.push(...v.dataLosses);
  if (option.losses.length > 0 && f.minutesSinceDeploy !== undefined)
    option.losses.push(`at stake: the writes of the ${f.minutesSinceDeploy} min since the deploy`);
  option.reasons.push(
    `~${option.minutesToMitigate} min along the design's runbook including the backup and the data step, ${option.maxMinutesToMitigate} min worst case; ${option.losses.length ? `loses ${v.dataLosses.length} thing${v.dataLosses.length === 1 ? '' : 's'} for good` : 'the design lists nothing it loses'}`,
  );
  option.risks.push(
    `needs a verified backup first and the data authority (${v.dataAuthority.join(', ') || 'the database owner'})`,
  );
  option.risks.push(...leftInPlace(v));
  return option;
}

function fixForward(f: IncidentFacts): DecisionOption {
  const x = f.fixReadyMinutes;
  const option: DecisionOption = {
    kind: 'fix-forward',
    title: 'Fix forward',
    available: true,
    minutesToMitigate: x ?? null,
    maxMinutesToMitigate: null,
    losses: [],
    risks: [],
    reasons: [
      x !== undefined
        ? `a fix is known and ${x} min from production, pipeline included`
        : 'no fix is known yet: its time to mitigation is unknown',
    ],
    action:
      x !== undefined
        ? 'Ship the fix through the pipeline; keep the rollback ready in case it fails.'
        : 'Write the fix and ship it through the pipeline; keep the rollback ready.',
  };
  option.risks.push(
    `the failure goes on until the fix ships${x !== undefined ? ` (~${x} min)` : ''}${f.failingPercent !== undefined ? ` with ${f.failingPercent}% failing` : ''}`,
    'a change written under pressure: it may not fix it, or break something else',
  );
  if (f.dataAffected)
    option.risks.push('wrong data keeps being written until the fix ships: repair it after');
  return option;
}

function partial(f: IncidentFacts, v: DesignView): DecisionOption {
  const s = v.trafficShift;
  const option: DecisionOption = {
    kind: 'partial',
    title: s?.split ? 'Shift traffic back (partial)' : 'Abort the rollout (traffic back to stable)',
    available: false,
    minutesToMitigate: null,
    maxMinutesToMitigate: null,
    losses: [],
    risks: [],
    reasons: [],
    action: s ? `${s.command} (${s.how})` : 'none',
  };
  if (!s) {
    option.reasons.push(
      `the ${v.platform} platform has no traffic shift or canary abort in the design: a rollback moves every replica`,
    );
    return option;
  }
  if (!v.appOnly) {
    option.reasons.push(
      'the previous version cannot run on the current state (the data step comes first), so traffic cannot go back to it',
    );
    return option;
  }
  if (s.whileInProgressMinutes !== undefined) {
    const m = f.minutesSinceDeploy;
    if (m === undefined || m > s.whileInProgressMinutes) {
      option.reasons.push(
        m === undefined
          ? `only while the rollout is still in progress (~${s.whileInProgressMinutes} min after the deploy), and the time since the deploy is unknown`
          : `only while the rollout is still in progress (~${s.whileInProgressMinutes} min after the deploy); the deploy was ${m} min ago`,
      );
      return option;
    }
  }
  option.available = true;
  option.minutesToMitigate = minutes(s.expectedSeconds);
  option.maxMinutesToMitigate = minutes(s.maxSeconds);
  option.reasons.push(`${s.how}: ~${option.minutesToMitigate} min`);
  option.risks.push(
    s.split
      ? 'a share of the traffic stays on the new version: those users still fail'
      : 'spec.template still holds the bad version: a retry or the next sync re-deploys it — undo it after',
  );
  return option;
}

/** Every option, keyed by kind. */
export function buildOptions(
  f: IncidentFacts,
  v: DesignView,
  watchMinutes: number,
): Record<Recommendation, DecisionOption> {
  return {
    'flag-off': flagOff(f, v, watchMinutes),
    rollback: appRollback(f, v),
    'rollback-with-data-step': dataRollback(f, v),
    'fix-forward': fixForward(f),
    partial: partial(f, v),
  };
}
