import type { Finding } from '../model/finding.js';
import type { Input, Plan } from '../model/plan.js';
import type { Service, Unknown } from '../model/service.js';
import { cmp, sortFindings } from '../util/order.js';
import { renderCommand, shellQuote } from '../util/shell.js';
import { buildComms, buildEstimate, buildVerification, sustainSecondsFor } from './aftermath.js';
import { buildContext, workloadLabel } from './context.js';
import { buildGates, GATE_INPUTS } from './gates.js';
import { buildRunbook } from './runbook.js';
import { buildTrigger } from './trigger.js';
import { planWindow, stableRef } from './window.js';

export { GATE_IDS } from './gates.js';

/**
 * The one command that writes and runs the guided runbook, run from the repository root: it
 * designs the same release as this design (the window pinned, see windowArgs) and selects the same
 * workload (when the repository holds several) and kube context.
 */
export function guidedPlanCommand(service: Service): string {
  return `rollbook plan .${windowArgs(service)}${selectionArgs(service)} --format sh --out rollback.sh && bash rollback.sh`;
}

/**
 * ` --from REF --to REF`: the release this design is for. The runbook is regenerated at incident
 * time, when HEAD (and the newest tag) may have moved: without the pin, the same command would
 * design another release (from a newer HEAD, often to the very version production runs). A tag or
 * commit id given on the command line is carried as given; HEAD or a branch (which moves the same
 * way) becomes the release tag that names its commit, else the commit id, and the target tag stays
 * the tag (stableRef). Without a window (no git, no tag, no --to) only an explicit --from is
 * carried. The runbook prints the release it is for (renderers/sh.ts).
 */
export function windowArgs(service: Service): string {
  const r = service.release;
  if (!r || r.from.commit === '') return '';
  const from = r.to !== undefined || r.from.chosen === 'argument';
  return `${from ? ` --from ${shellQuote(r.from.tag ?? stableRef(r.from))}` : ''}${r.to ? ` --to ${shellQuote(stableRef(r.to))}` : ''}`;
}

/** ` --workload REF --context NAME` as this design was made, for a command that reads the repository again. */
export function selectionArgs(service: Service): string {
  const { selectedBy, context } = service.deploy;
  return `${selectedBy ? ` --workload ${shellQuote(selectedBy)}` : ''}${context ? ` --context ${shellQuote(context)}` : ''}`;
}

/** Order inputs so that an input's discover command only uses inputs asked before it (stable). */
export function orderInputs(inputs: Input[]): Input[] {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const done = new Set<string>();
  const out: Input[] = [];
  const visit = (i: Input, path: Set<string>) => {
    if (done.has(i.name) || path.has(i.name)) return;
    path.add(i.name);
    for (const a of i.discover?.argv ?? []) {
      const dep = typeof a === 'string' ? undefined : byName.get(a.var);
      if (dep) visit(dep, path);
    }
    done.add(i.name);
    out.push(i);
  };
  for (const i of inputs) visit(i, new Set());
  return out;
}

function uniqueUnknowns(list: Unknown[]): Unknown[] {
  const seen = new Set<string>();
  const out: Unknown[] = [];
  for (const u of list) {
    const key = `${u.subject}\u0000${u.reason}\u0000${u.at?.file ?? ''}:${u.at?.line ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(u);
    }
  }
  return out.sort(
    (a, b) =>
      cmp(a.subject, b.subject) ||
      cmp(a.at?.file ?? '', b.at?.file ?? '') ||
      (a.at?.line ?? 0) - (b.at?.line ?? 0) ||
      cmp(a.reason, b.reason),
  );
}

/**
 * The planner: pure and synchronous. (service, findings) → Plan, byte-for-byte deterministic.
 * The data rule is enforced here: a rollback that touches data or migrations is high-risk, is never
 * one command, requires the stricter authority, and its data step requires the backup and the
 * verification gates.
 */
export function planRollback(service: Service, findings: Finding[]): Plan {
  const window = planWindow(service);
  const ctx = buildContext(service, findings, window.scoped);
  const unknowns: Unknown[] = [...service.unknowns];
  const label = workloadLabel(ctx);

  if (!window.scoped) {
    unknowns.push({
      subject: 'release window',
      reason: `${window.reason ?? 'unknown'}. Every migration-derived hazard below is marked unscoped (it comes from the whole history, not from what this rollback crosses).`,
    });
  }
  for (const file of window.uncommitted) {
    unknowns.push({
      subject: `migration file ${file}`,
      reason:
        'changed in the working tree and not committed: it is part of no release yet, so the design leaves it out',
    });
  }

  if (!ctx.platformId) {
    unknowns.push({
      subject: 'deploy platform',
      reason:
        'neither rollbook.yaml (deploy.platform) nor the manifests say how the service is deployed: the runbook uses the recorded procedure or a pipeline redeploy.',
    });
  } else if (!ctx.platform) {
    unknowns.push({ subject: 'deploy platform', reason: `no platform module for ${ctx.platformId}` });
  }
  if (ctx.platform && !ctx.workload) {
    unknowns.push({
      subject: 'workload settings',
      reason: `no manifest for ${label} was read: durations use ${ctx.platform.title} defaults (replicas, surge, probes). Point deploy.manifests at the manifests for a real estimate.`,
    });
  }
  if (service.history.pastRollbacks.length === 0) {
    unknowns.push({
      subject: 'past rollbacks',
      reason:
        'history.pastRollbacks is empty: the estimate cannot be compared with what rollbacks really took. Record each rollback (date, minutes).',
    });
  }
  if (!service.comms.channel) {
    unknowns.push({
      subject: 'incident channel',
      reason: 'comms.channel is not set: status updates say "the incident channel".',
    });
  }
  if (ctx.touchesData) {
    unknowns.push({
      subject: 'backup duration',
      reason:
        'the time to take and verify a backup depends on the database size, which rollbook does not know: the estimate assumes 5 min (worst 30 min).',
    });
  }

  const rollback = ctx.platform?.rollback(ctx.pctx);
  const duration = ctx.platform?.duration(ctx.pctx);
  const gateInputs = new Set<string>();
  const gates = buildGates(ctx, gateInputs);
  const gateIds = new Set(gates.map((g) => g.id));

  const criteriaSource = buildTrigger(ctx, '', false, '', []).criteria;
  const sustainSeconds = sustainSecondsFor(criteriaSource);
  const runbook = buildRunbook(ctx, rollback, sustainSeconds, gateInputs, gateIds);

  const oneCommand = rollback?.oneCommand ?? false;
  const guided = guidedPlanCommand(service);
  const command =
    ctx.touchesData || !rollback || !rollback.oneCommand ? guided : renderCommand(rollback.command);
  const why = rollback
    ? rollback.oneCommand
      ? `${rollback.why} The guided runbook (${guided}) runs the same command behind the gates.`
      : `${rollback.why} The guided runbook walks through the sequence.`
    : 'How the service is deployed is unknown: follow the runbook.';
  const trigger = buildTrigger(ctx, command, oneCommand, why, unknowns);
  const verification = buildVerification(ctx, sustainSeconds, unknowns);

  const inputs: Input[] = [...runbook.inputs];
  const known = new Set(inputs.map((i) => i.name));
  for (const name of [...gateInputs].sort(cmp)) {
    const def = GATE_INPUTS[name];
    if (def && !known.has(name)) {
      const side =
        name === 'CURRENT_REF'
          ? service.release?.from
          : name === 'TARGET_REF'
            ? service.release?.to
            : undefined;
      inputs.push(side && window.scoped ? { ...def, default: stableRef(side) } : def);
      known.add(name);
    }
  }

  const plan: Plan = {
    window,
    service: {
      name: service.name,
      platform: ctx.platformId ?? 'unknown',
      owners: [...service.owners],
      ...(ctx.workload || service.deploy.workload ? { workload: label } : {}),
      ...(ctx.workload?.namespace || service.deploy.namespace
        ? { namespace: ctx.workload?.namespace ?? service.deploy.namespace }
        : {}),
      ...(service.descriptor ? { descriptor: service.descriptor } : {}),
    },
    risk: ctx.touchesData ? 'high' : 'low',
    ...(ctx.dataPathUnknown.length ? { dataPathUnknown: ctx.dataPathUnknown } : {}),
    trigger,
    hazards: sortFindings(ctx.hazards),
    runbook: runbook.steps,
    gates,
    verification,
    comms: buildComms(ctx, sustainSeconds),
    estimate: buildEstimate(ctx, runbook.steps, gates, duration),
    unknowns: uniqueUnknowns(unknowns),
    inputs: orderInputs(inputs),
  };
  return plan;
}
