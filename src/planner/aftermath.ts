import type { Check, CommsPlan, Criterion, Estimate, Gate, Step, Verification } from '../model/plan.js';
import type { Unknown } from '../model/service.js';
import { serviceEndpointChecks } from '../platforms/k8s.js';
import type { DurationModel } from '../platforms/types.js';
import { cmp } from '../util/order.js';
import { type PlanContext, workloadLabel } from './context.js';
import { defaultRecoveries, recoveryFromSignal } from './trigger.js';

/** Signals must stay on their healthy side for twice the longest alert window, and at least 10 minutes. */
export function sustainSecondsFor(criteria: Criterion[]): number {
  const longest = Math.max(0, ...criteria.map((c) => c.forSeconds ?? 0));
  return Math.max(600, longest * 2);
}

export function buildVerification(
  ctx: PlanContext,
  sustainSeconds: number,
  unknowns: Unknown[],
): Verification {
  const checks: Check[] = [];
  if (ctx.platform) {
    checks.push(
      ctx.platform.doneCheck?.(ctx.pctx) ?? {
        command: ctx.platform.status(ctx.pctx),
        expect: `${workloadLabel(ctx)} reports the rollout complete on the target revision, all replicas ready`,
        timeoutSeconds: 600,
        retries: 1,
      },
    );
  }
  for (const { check } of serviceEndpointChecks(ctx.pctx)) checks.push(check);
  const signals =
    ctx.service.signals.length > 0
      ? ctx.service.signals.map((s) => recoveryFromSignal(s, sustainSeconds))
      : defaultRecoveries(sustainSeconds);
  for (const r of signals) {
    checks.push({
      expect: `${r.condition}, without a break${r.query ? ` — query: \`${r.query}\`` : ''}`,
      timeoutSeconds: sustainSeconds * 2,
      retries: 0,
      manual: true,
    });
  }
  const synthetics = ctx.service.synthetics ?? [];
  for (const s of synthetics) {
    checks.push({
      command: {
        argv: [
          'curl',
          '--fail',
          '--silent',
          '--show-error',
          '--max-time',
          '10',
          '--output',
          '/dev/null',
          '--write-out',
          '%{http_code}',
          s.url,
        ],
        readOnly: true,
      },
      expect: `${s.name} answers HTTP ${s.expectStatus ?? 200}`,
      expectOutput: String(s.expectStatus ?? 200),
      timeoutSeconds: 15,
      retries: 3,
    });
  }
  if (synthetics.length === 0) {
    unknowns.push({
      subject: 'synthetic check',
      reason:
        'no `synthetics` in rollbook.yaml: recovery is confirmed from signals and rollout status only. Add a read-only request on the critical path (e.g. GET /healthz/deep).',
    });
  }
  return { sustainSeconds, checks, signals };
}

function dataLossStatement(ctx: PlanContext): string {
  const lossy = ctx.hazards.filter((h) => h.revertLossless === false);
  const external = ctx.hazards.filter((h) => h.kind === 'external');
  if (!ctx.touchesData && lossy.length === 0 && external.length === 0) {
    return 'No data loss is expected: the rollback changes application code only; data written during the incident is kept.';
  }
  const parts: string[] = [];
  if (lossy.length > 0) {
    const subjects = [...new Set(lossy.map((h) => h.subject))].sort(cmp);
    const unscoped = lossy.some((h) => h.unscoped)
      ? ' (unscoped: the release window is unknown, so this list covers the whole migration history)'
      : '';
    parts.push(
      `Reverting the state cannot be done without loss for: ${subjects.slice(0, 8).join(', ')}${subjects.length > 8 ? ` and ${subjects.length - 8} more` : ''}${unscoped}. We are [FILL IN: keeping the current schema / restoring from the backup taken at HH:MM UTC].`,
    );
  }
  if (external.length > 0) {
    parts.push(
      `Side effects already sent (${[...new Set(external.map((h) => h.subject))].sort(cmp).join(', ')}) cannot be undone; affected customers: [FILL IN: count or "none"].`,
    );
  }
  if (parts.length === 0)
    parts.push(
      'The rollback touches data or schema; a verified backup was taken before it. Data loss: [FILL IN: none observed / describe].',
    );
  return parts.join(' ');
}

export function buildComms(ctx: PlanContext, sustainSeconds: number): CommsPlan {
  const watch = Math.round(sustainSeconds / 60);
  const { service } = ctx;
  const cadence = ctx.touchesData ? 15 : 20;
  const statement = dataLossStatement(ctx);
  const name = service.name;
  const action = ctx.touchesData
    ? `rolling back ${name} to the previous version, including a database step guarded by a verified backup`
    : `rolling back ${name} to the previous version`;
  const next = `[FILL IN: time, now + ${cadence} min]`;
  return {
    ...(service.comms.channel ? { channel: service.comms.channel } : {}),
    statusPage: service.comms.statusPage ?? false,
    cadenceMinutes: cadence,
    dataLossStatement: statement,
    updates: [
      {
        phase: 'identified',
        text: `Investigating — ${name}: since [FILL IN: start time UTC], [FILL IN: impact, e.g. 8% of checkout requests fail]. We identified the cause as the deploy at [FILL IN: deploy time] and are ${action}. Next update by ${next}.`,
        chat: `:rotating_light: ${name}: impact [FILL IN]. Cause: deploy at [FILL IN]. Action: ${action}. IC: [FILL IN]. Next update ${next}.`,
      },
      {
        phase: 'monitoring',
        text: `Monitoring — ${name}: the rollback to the previous version is complete and [FILL IN: error rate/latency] are back to normal. We are watching the signals for ${watch} minutes before resolving. ${statement} Next update by ${next}.`,
        chat: `:eyes: ${name}: rollback done, signals recovering, watching ${watch} min before resolving. ${statement}`,
      },
      {
        phase: 'resolved',
        text: `Resolved — ${name}: service has been healthy since [FILL IN: time UTC] on the previous version. Impact lasted [FILL IN: duration]. ${statement} A post-incident review will follow.`,
        chat: `:white_check_mark: ${name}: resolved at [FILL IN]. Duration [FILL IN]. ${statement} Postmortem: [FILL IN: link].`,
      },
    ],
  };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Gate checks take time too: automatic ones seconds, manual ones (and the backup) minutes. */
export function gateSeconds(g: Gate): { expected: number; max: number } {
  if (g.kind === 'backup') return { expected: 300, max: 1800 };
  if (g.kind === 'verification') return { expected: 180, max: 600 };
  if (g.check.manual) return { expected: 60, max: 300 };
  return { expected: 15, max: g.check.timeoutSeconds };
}

export const RECOVERY_STEP_ID = 'verify-recovery';

/**
 * Time to mitigation: gates plus every step up to the end of the rollback. The recovery watch is
 * reported apart (it confirms, it does not mitigate); conditional steps count in the worst case only.
 */
export function buildEstimate(
  ctx: PlanContext,
  steps: Step[],
  gates: Gate[],
  duration: DurationModel | undefined,
): Estimate {
  const gateTime = gates.map(gateSeconds);
  const path = steps.filter((s) => s.id !== RECOVERY_STEP_ID);
  const watch = steps.find((s) => s.id === RECOVERY_STEP_ID)?.expectedSeconds ?? 0;
  // a check that is a watch (the signals after a kill switch) holds the next step back for its length
  const waited = (s: Step) => s.expectedSeconds + (s.check.watchSeconds ?? 0);
  const expectedSeconds =
    path.filter((s) => !s.conditional).reduce((n, s) => n + waited(s), 0) +
    gateTime.reduce((n, g) => n + g.expected, 0);
  const maxSeconds =
    path.reduce((n, s) => n + s.maxSeconds + (s.check.watchSeconds ?? 0), 0) +
    gateTime.reduce((n, g) => n + g.max, 0);
  const watches = path.filter((s) => s.check.watchSeconds);
  const past = [...ctx.service.history.pastRollbacks].sort(
    (a, b) => cmp(a.date, b.date) || a.minutes - b.minutes,
  );
  const pastMedian = median(past.map((p) => p.minutes));
  const mins = (s: number) => Math.max(1, Math.round(s / 60));
  const watched = watches.length
    ? `, including the ${watches.map((s) => `${mins(s.check.watchSeconds ?? 0)}-minute watch after "${s.title}"`).join(' and ')}`
    : '';
  // a step that mitigates when its check passes (the kill switch): the time to mitigation if it works
  const stop = path.findIndex((s) => s.stopWhenCheckPasses);
  const early =
    stop < 0
      ? ''
      : `; if "${path[stop]?.title}" mitigates: ~${mins(
          path
            .slice(0, stop + 1)
            .filter((s) => !s.conditional)
            .reduce((n, s, i) => n + s.expectedSeconds + (i < stop ? (s.check.watchSeconds ?? 0) : 0), 0),
        )} min, then its ${mins(path[stop]?.check.watchSeconds ?? 0)}-minute watch confirms it`;
  const designed = `Time to mitigation along the designed path: ~${mins(expectedSeconds)} min expected, ${mins(maxSeconds)} min worst case (gates and steps until the rollback is applied${watched}; then a ${mins(watch)}-minute watch confirms recovery${early})`;
  const comparison =
    pastMedian === undefined
      ? `${designed}; no past rollbacks recorded to compare with.`
      : `${designed}, against a median of ${pastMedian} min over ${past.length} past rollback${past.length === 1 ? '' : 's'}${ctx.service.history.procedure ? ` ("${ctx.service.history.procedure}")` : ''}.`;
  const est: Estimate = { expectedSeconds, maxSeconds, drivers: duration?.drivers ?? [], past, comparison };
  if (pastMedian !== undefined) est.pastMedianMinutes = pastMedian;
  return est;
}
