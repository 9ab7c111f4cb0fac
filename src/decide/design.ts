/**
 * What `decide` reads from the rollback design (pure): the two rollback paths (app only, with the
 * data step) with their time to mitigation from the runbook's step and gate durations, what the
 * data step loses, the kill switches, and whether the platform can shift traffic back without a
 * redeploy.
 */
import type { Finding } from '../model/finding.js';
import type { Plan, Step } from '../model/plan.js';
import type { Service } from '../model/service.js';
import { gateSeconds, RECOVERY_STEP_ID } from '../planner/aftermath.js';
import { selectWorkload } from '../planner/context.js';
import { cmp } from '../util/order.js';
import { renderCommand } from '../util/shell.js';

/** Steps that are not part of a rollback's time to mitigation. */
const KILL_SWITCH_STEP = 'try-kill-switch';
const BACKUP_STEP = 'take-backup';
/** Steps that are not the platform's own (the rest of the runbook is). */
const NOT_PLATFORM = new Set([
  'declare-and-freeze',
  KILL_SWITCH_STEP,
  BACKUP_STEP,
  'protect-queues',
  'purge-new-format-cache-entries',
  RECOVERY_STEP_ID,
]);

export interface RollbackPath {
  /** Runbook step ids on the path, in order. */
  steps: string[];
  /** Gate ids the path waits for. */
  gates: string[];
  expectedSeconds: number;
  maxSeconds: number;
}

export interface TrafficShift {
  /** What it does, in words. */
  how: string;
  /** The command a person runs. */
  command: string;
  expectedSeconds: number;
  maxSeconds: number;
  /**
   * Only while the rollout of the bad version is still in progress (Argo Rollouts abort): the
   * rollout's own duration, in minutes. Undefined: any time (the previous revision keeps running).
   */
  whileInProgressMinutes?: number;
  /** It sends only a share of the traffic back (a split), not all of it. */
  split: boolean;
}

export interface DesignView {
  /** The rollback without the data step; undefined when the design requires the data step first. */
  appOnly?: RollbackPath;
  /** The rollback with the data step; undefined when the design has none. */
  withDataStep?: RollbackPath;
  /** The data step's title (what it does). */
  dataStepTitle?: string;
  /** Hazards whose revert loses data, for the data step: one line each. */
  dataLosses: string[];
  /** Hazards that an app-only rollback leaves in place (severity warning or error). */
  appRisks: string[];
  /** Side effects already sent (external hazards): no rollback undoes them. */
  external: string[];
  /** Kill switches of the service, with how to flip them (from the kill-switch-available hazard). */
  killSwitches: { key: string; how: string }[];
  /** Every flag key the repository declares. */
  flagKeys: string[];
  crossedMigrations: number;
  trafficShift?: TrafficShift;
  /** Who may call the data rollback. */
  dataAuthority: string[];
  /** The command that starts the designed rollback. */
  rollbackCommand: string;
  platform: string;
}

function path(plan: Plan, steps: Step[]): RollbackPath {
  const gateIds = new Set(steps.flatMap((s) => s.requiresGates));
  const gates = plan.gates.filter((g) => gateIds.has(g.id));
  const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);
  return {
    steps: steps.map((s) => s.id),
    gates: gates.map((g) => g.id),
    expectedSeconds:
      sum(steps.map((s) => s.expectedSeconds)) + sum(gates.map((g) => gateSeconds(g).expected)),
    maxSeconds: sum(steps.map((s) => s.maxSeconds)) + sum(gates.map((g) => gateSeconds(g).max)),
  };
}

const label = (h: Finding) => `${h.subject} (${h.rule})`;
const unique = (xs: string[]) => [...new Set(xs)];

function trafficShift(plan: Plan, service: Service, platformSteps: Step[]): TrafficShift | undefined {
  const workload = selectWorkload(service);
  const abort = plan.runbook.find((s) => s.id === 'rollouts-abort');
  if (abort || workload?.kind === 'Rollout') {
    const name = workload?.name ?? plan.service.workload?.replace(/^[^/]*\//, '') ?? plan.service.name;
    const ns = workload?.namespace ?? plan.service.namespace;
    const first = abort?.commands[0];
    const command =
      first && first.argv.length > 0
        ? renderCommand(first)
        : renderCommand({
            argv: ['kubectl', 'argo', 'rollouts', 'abort', name, ...(ns ? ['-n', ns] : [])],
            readOnly: false,
          });
    const rollout = platformSteps
      .filter((s) => s.id !== 'rollouts-abort')
      .reduce((n, s) => n + s.maxSeconds, 0);
    return {
      how: `abort the rollout of ${name}: the stable ReplicaSet still runs the previous version, so traffic returns to it at once`,
      command,
      expectedSeconds: abort?.expectedSeconds ?? 30,
      maxSeconds: abort?.maxSeconds ?? 120,
      whileInProgressMinutes: Math.max(1, Math.ceil(rollout / 60)),
      split: false,
    };
  }
  if (plan.service.platform === 'cloud-run' || plan.service.platform === 'lambda') {
    const cloudRun = plan.service.platform === 'cloud-run';
    return {
      how: cloudRun
        ? 'split the traffic: send most of it back to the previous revision, keep a share on the new one while the fix is written'
        : 'weight the alias: route most invocations back to the previous version (alias routing config), keep a share on the new one',
      command: cloudRun
        ? 'gcloud run services update-traffic SERVICE --to-revisions PREVIOUS=90,NEW=10'
        : 'aws lambda update-alias --function-name FUNCTION --name ALIAS --function-version PREVIOUS --routing-config AdditionalVersionWeights={NEW=0.1}',
      expectedSeconds: 30,
      maxSeconds: 120,
      split: true,
    };
  }
  return undefined;
}

/** Read the design for the decision (pure). */
export function viewDesign(plan: Plan, service: Service): DesignView {
  const onPath = plan.runbook.filter((s) => s.id !== KILL_SWITCH_STEP && s.id !== RECOVERY_STEP_ID);
  const needsData = onPath.some((s) => s.touchesData && !s.conditional);
  const hasData = onPath.some((s) => s.touchesData);
  const appSteps = onPath.filter((s) => !s.touchesData && s.id !== BACKUP_STEP && !s.conditional);
  const dataSteps = onPath.filter((s) => s.touchesData || !s.conditional);
  const platformSteps = onPath.filter((s) => !NOT_PLATFORM.has(s.id) && !s.touchesData);
  const hazards = plan.hazards;
  const dataLosses = unique(hazards.filter((h) => h.touchesData && h.revertLossless === false).map(label));
  const appRisks = unique(
    hazards
      .filter(
        (h) =>
          h.severity !== 'info' &&
          h.appRollbackSafe !== true &&
          h.kind !== 'external' &&
          !(h.touchesData && h.migration),
      )
      .map(label),
  );
  const external = unique(hazards.filter((h) => h.kind === 'external').map((h) => h.subject)).sort(cmp);
  const killSwitches = hazards
    .filter((h) => h.rule === 'kill-switch-available')
    .map((h) => ({ key: h.subject, how: h.mitigation }));
  const view: DesignView = {
    dataLosses,
    appRisks,
    external,
    killSwitches,
    flagKeys: unique(service.flags.map((f) => f.key)).sort(cmp),
    crossedMigrations: plan.window.crossedMigrations.length,
    dataAuthority: plan.trigger.authorized,
    rollbackCommand: plan.trigger.command,
    platform: plan.service.platform,
  };
  if (!needsData) view.appOnly = path(plan, appSteps);
  if (hasData) {
    view.withDataStep = path(plan, dataSteps);
    const title = onPath.find((s) => s.touchesData)?.title;
    if (title) view.dataStepTitle = title;
  }
  const shift = trafficShift(plan, service, platformSteps);
  if (shift) view.trafficShift = shift;
  return view;
}

/** Seconds → whole minutes, at least 1. */
export const minutes = (seconds: number): number => Math.max(1, Math.round(seconds / 60));
