import type { Criterion, Recovery, Trigger } from '../model/plan.js';
import type { Signal, Unknown } from '../model/service.js';
import { negateOp } from '../util/signal-op.js';
import { type PlanContext, workloadLabel } from './context.js';

/** A rollback is considered only within this window after a deploy; later, suspect something else first. */
export const DEPLOY_WINDOW_MINUTES = 60;

export const DEFAULT_ROLLBACK_ROLES = ['on-call-primary', 'incident-commander'];
export const DEFAULT_DATA_ROLLBACK_ROLES = ['incident-commander', 'database-owner'];

export function formatSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** " for 5m", or " for 3 × 1m" for an analysis measured every minute that fails on the third failure. */
function windowText(s: Signal): string {
  if (s.measurements) return ` for ${s.measurements.count} × ${s.measurements.interval}`;
  return s.forSeconds !== undefined ? ` for ${formatSeconds(s.forSeconds)}` : '';
}

/** The condition that calls for a rollback, never a success condition. */
function rollbackCondition(s: Signal): string {
  const label = s.metric ?? s.name;
  const window = windowText(s);
  if (s.threshold !== undefined && s.op) return `${label} ${s.op} ${s.threshold}${window}`;
  if (s.threshold !== undefined)
    return `${label} on the bad side of ${s.threshold}${window} (which side is bad is not set: add \`op\` to the signal)`;
  if (s.expression?.failure)
    return `${label} meets the failure condition \`${s.expression.failure}\`${window}`;
  if (s.expression?.success)
    return `${label} fails the success condition \`${s.expression.success}\`${window}`;
  return `${label} breaches its alert${window}`;
}

/** The opposite of the rollback condition, held for the verification window. */
export function recoveryFromSignal(s: Signal, holdSeconds: number): Recovery {
  const label = s.metric ?? s.name;
  const hold = ` for ${formatSeconds(holdSeconds)}`;
  const op = s.op ? negateOp(s.op) : undefined;
  const condition =
    s.threshold !== undefined && op
      ? `${label} ${op} ${s.threshold}${hold}`
      : s.threshold !== undefined
        ? `${label} back on the good side of ${s.threshold}${hold}`
        : s.expression?.failure
          ? `${label} no longer meets the failure condition \`${s.expression.failure}\`${hold}`
          : s.expression?.success
            ? `${label} meets the success condition \`${s.expression.success}\`${hold}`
            : `${label} alert resolved${hold}`;
  const r: Recovery = { signal: s.name, condition, holdSeconds, source: s.source ?? 'rollbook.yaml' };
  if (s.query !== undefined) r.query = s.query;
  if (op && s.threshold !== undefined) r.op = op;
  if (s.threshold !== undefined) r.threshold = s.threshold;
  if (s.at) r.at = s.at;
  return r;
}

export function criterionFromSignal(s: Signal): Criterion {
  const c: Criterion = {
    signal: s.name,
    condition: `${rollbackCondition(s)}, within ${DEPLOY_WINDOW_MINUTES} min of a deploy`,
    withinMinutesOfDeploy: DEPLOY_WINDOW_MINUTES,
    source: s.source ?? 'rollbook.yaml',
  };
  if (s.query !== undefined) c.query = s.query;
  if (s.op && s.threshold !== undefined) c.op = s.op;
  if (s.threshold !== undefined) c.threshold = s.threshold;
  if (s.forSeconds !== undefined) c.forSeconds = s.forSeconds;
  if (s.at) c.at = s.at;
  return c;
}

/** Stated defaults when the team recorded no signals. */
export const DEFAULT_CRITERIA: readonly Criterion[] = [
  {
    signal: 'error-ratio',
    condition: `error ratio above 2× its pre-deploy baseline AND above 1% for 5m, within ${DEPLOY_WINDOW_MINUTES} min of a deploy`,
    op: '>',
    threshold: 0.01,
    forSeconds: 300,
    withinMinutesOfDeploy: DEPLOY_WINDOW_MINUTES,
    source: 'rollbook default (no signals in rollbook.yaml)',
  },
  {
    signal: 'latency-p99',
    condition: `p99 latency above 2× its pre-deploy baseline for 5m, within ${DEPLOY_WINDOW_MINUTES} min of a deploy`,
    forSeconds: 300,
    withinMinutesOfDeploy: DEPLOY_WINDOW_MINUTES,
    source: 'rollbook default (no signals in rollbook.yaml)',
  },
  {
    signal: 'readiness',
    condition: `new pods/tasks failing readiness or crash-looping after a deploy, within ${DEPLOY_WINDOW_MINUTES} min of a deploy`,
    withinMinutesOfDeploy: DEPLOY_WINDOW_MINUTES,
    source: 'rollbook default',
  },
];

/** What recovery means for each stated default, held for the verification window. */
export function defaultRecoveries(holdSeconds: number): Recovery[] {
  const hold = ` for ${formatSeconds(holdSeconds)}`;
  const source = 'rollbook default (no signals in rollbook.yaml)';
  return [
    {
      signal: 'error-ratio',
      condition: `error ratio <= 1% and back under 2× its pre-deploy baseline${hold}`,
      op: '<=',
      threshold: 0.01,
      holdSeconds,
      source,
    },
    {
      signal: 'latency-p99',
      condition: `p99 latency back under 2× its pre-deploy baseline${hold}`,
      holdSeconds,
      source,
    },
    {
      signal: 'readiness',
      condition: `every pod/task ready and none restarting${hold}`,
      holdSeconds,
      source: 'rollbook default',
    },
  ];
}

export function buildTrigger(
  ctx: PlanContext,
  command: string,
  platformOneCommand: boolean,
  platformWhy: string,
  unknowns: Unknown[],
): Trigger {
  const { service } = ctx;
  const criteria =
    service.signals.length > 0 ? service.signals.map(criterionFromSignal) : [...DEFAULT_CRITERIA];
  for (const sg of service.signals) {
    if (sg.threshold !== undefined && !sg.op)
      unknowns.push({
        subject: `direction of signal ${sg.name}`,
        reason: `rollbook.yaml does not say which side of ${sg.threshold} calls for a rollback and the name does not tell: set \`op\` (\`>\` or \`>=\` when high is bad, \`<\` or \`<=\` when low is bad)`,
        ...(sg.at ? { at: sg.at } : {}),
      });
  }
  if (service.signals.length === 0) {
    unknowns.push({
      subject: 'trigger signals',
      reason:
        'rollbook.yaml has no signals and no Argo Rollouts analysis was found: the trigger uses stated defaults (2× baseline error ratio above 1% for 5m). Add your SLO queries under `signals`.',
    });
  }
  const stateless = service.roles.rollback.length > 0 ? service.roles.rollback : DEFAULT_ROLLBACK_ROLES;
  const data =
    service.roles.dataRollback.length > 0 ? service.roles.dataRollback : DEFAULT_DATA_ROLLBACK_ROLES;
  if (service.roles.rollback.length === 0) {
    unknowns.push({
      subject: 'who may roll back',
      reason: `roles.rollback is not set: defaulting to ${DEFAULT_ROLLBACK_ROLES.join(', ')}.`,
    });
  }
  if (ctx.touchesData && service.roles.dataRollback.length === 0) {
    unknowns.push({
      subject: 'who may roll back data',
      reason: `roles.dataRollback is not set: defaulting to ${DEFAULT_DATA_ROLLBACK_ROLES.join(', ')}.`,
    });
  }
  const label = workloadLabel(ctx);
  if (ctx.touchesData) {
    const blockers = [
      ...new Set(
        ctx.hazards
          .filter((h) => h.touchesData && h.appRollbackSafe === false)
          .map((h) => `${h.rule} (${h.subject})`),
      ),
    ];
    const appOnly = ctx.schemaFirst
      ? `An app-only rollback is NOT safe here: the previous version cannot run on the current schema (${blockers.slice(0, 4).join(', ')}${blockers.length > 4 ? ', ...' : ''}).`
      : `An app-only rollback of ${label}, without the data step, may be called by ${stateless.join(', ')} once the compatibility gate passes.`;
    return {
      criteria,
      authorized: data,
      command,
      oneCommand: false,
      why: `Not a one-liner: this rollback touches data or migrations (${ctx.dataReasons.join('; ')}). It needs a verified backup and the stricter authority (${data.join(', ')}); the guided runbook walks through the gates. ${appOnly}`,
    };
  }
  return { criteria, authorized: stateless, command, oneCommand: platformOneCommand, why: platformWhy };
}
