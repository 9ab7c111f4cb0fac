/**
 * Shared helpers for platform modules: resource names, settings with their provenance (duration
 * drivers), evidence, and builders for commands, steps, inputs and hazards. No I/O.
 *
 * Name lookup order (the brief's contract): ctx.workload (typed facts, name, namespace), then
 * service.deploy.target, then service.deploy.workload ("kind/name"), then service.deploy.namespace,
 * then service.name.
 */
import { RollbookError } from '../errors.js';
import type { Finding, HazardKind, Severity } from '../model/finding.js';
import type { Arg, Check, Command, DurationDriver, Input, Step } from '../model/plan.js';
import type { Evidence, RolloutSettings, Setting } from '../model/service.js';
import { gitReverted } from '../probes/git.js';
import type { Probe } from '../probes/types.js';
import type { DurationModel, PlatformContext, PlatformRollback } from './types.js';

export type PlatformStep = PlatformRollback['steps'][number];

// ---------------------------------------------------------------------------------------------
// Names

/** "deployment/x" → { kind: 'deployment', name: 'x' }; "x" → { name: 'x' }. */
export function parseWorkloadRef(ref: string | undefined): { kind?: string; name: string } | undefined {
  if (ref === undefined || ref.trim() === '') return undefined;
  const slash = ref.indexOf('/');
  if (slash <= 0) return { name: ref };
  return { kind: ref.slice(0, slash).toLowerCase(), name: ref.slice(slash + 1) };
}

/** A name from rollbook.yaml's deploy.target (the user's words): the first of the keys set. */
export function targetFact(ctx: PlatformContext, ...keys: string[]): string | undefined {
  const target = ctx.service.deploy.target ?? {};
  for (const k of keys) {
    const v = target[k];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** A platform fact: the workload's typed fact (model/facts.ts) when discovery read it, else deploy.target. */
export function fact(
  ctx: PlatformContext,
  known: string | undefined,
  ...targetKeys: string[]
): string | undefined {
  return known !== undefined && known !== '' ? known : targetFact(ctx, ...targetKeys);
}

/**
 * The name of the platform resource: the workload's typed fact, the workload's own name,
 * deploy.target keys, deploy.workload's name part, then the service name.
 */
export function resourceName(ctx: PlatformContext, known?: string, ...targetKeys: string[]): string {
  if (known !== undefined && known !== '') return known;
  if (ctx.workload?.name) return ctx.workload.name;
  return (
    targetFact(ctx, ...targetKeys) ?? parseWorkloadRef(ctx.service.deploy.workload)?.name ?? ctx.service.name
  );
}

/** The namespace input of a Helm release when no file names its namespace (helm and flux). */
export const HELM_NAMESPACE = 'HELM_NAMESPACE';
/** The namespace input of an Argo Rollout when no file names its namespace. */
export const ROLLOUT_NAMESPACE = 'ROLLOUT_NAMESPACE';

/**
 * The input that holds the namespace of a platform whose commands always carry `-n` (a Helm release
 * and an Argo Rollout live in one namespace, rarely kubectl's context one), when no file names it;
 * undefined for the others (their kubectl commands use the context's namespace, said in an unknown).
 */
export function namespaceInput(platform: string | undefined): string | undefined {
  return platform === 'helm' ? HELM_NAMESPACE : platform === 'argo-rollouts' ? ROLLOUT_NAMESPACE : undefined;
}

/** Namespace: workload, deploy.target.namespace, deploy.namespace; undefined when unknown. */

export function namespaceOf(ctx: PlatformContext): string | undefined {
  return ctx.workload?.namespace ?? targetFact(ctx, 'namespace') ?? ctx.service.deploy.namespace;
}

/**
 * The kube context flag (`--context=NAME`, helm `--kube-context=NAME`) when one is declared: one
 * argument with `=`, so a name can never be read as another option.
 */
export function contextFlag(ctx: PlatformContext, name: '--context' | '--kube-context'): string[] {
  const c = ctx.service.deploy.context;
  return c ? [`${name}=${c}`] : [];
}

/** Flag pair (e.g. ['-n', ns]) when the value is known, nothing otherwise. */
export function flag(name: string, value: string | undefined): string[] {
  return value === undefined ? [] : [name, value];
}

/**
 * A positional name for a tool whose end-of-options marker is not documented (gcloud): a name
 * beginning with "-" is refused here as well as by the readers (names.ts), so a model built any
 * other way cannot hand the tool an option in a name's place.
 */
export function bareName(value: string, what: string): string {
  if (value.startsWith('-'))
    throw new RollbookError(
      'INVALID_NAME',
      `${what} ${JSON.stringify(value)} begins with "-": it would reach the tool as an option`,
      'Names become command arguments in the runbook; fix the name in the file (see docs/names.md).',
    );
  return value;
}

/**
 * A long option and its value for a tool without an end-of-options marker (aws, gcloud, heroku):
 * one `--name=value` element for a literal, so a value can never be read as an option of its own;
 * a runtime input stays a separate argument (the operator types it).
 */
export function opt(name: string, value: Arg): Arg[] {
  return typeof value === 'string' ? [`${name}=${value}`] : [name, value];
}

/** opt() when the value is known, nothing otherwise. */
export function optIf(name: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${name}=${value}`];
}

// ---------------------------------------------------------------------------------------------
// Evidence

/** Where the platform facts came from: the workload, the deploy section, else the descriptor line 1. */
export function evidenceOf(ctx: PlatformContext): Evidence[] {
  const at = ctx.workload?.at ?? ctx.service.deploy.at;
  if (at) return [at];
  return [
    {
      file: ctx.service.descriptor ?? 'rollbook.yaml',
      line: 1,
      note: 'platform default: no manifest or deploy section located this workload',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Settings and duration drivers

type SettingKey = keyof RolloutSettings;
type ValueOf<K extends SettingKey> = NonNullable<RolloutSettings[K]> extends Setting<infer T> ? T : never;

const TARGET_GROUP =
  'the target group (Terraform aws_lb_target_group, CloudFormation AWS::ElasticLoadBalancingV2::TargetGroup)';
export const MEASURE = 'in no file: time it on a past deploy';

/**
 * Where the real value of an assumed (default) duration driver is set, by driver name: the field
 * to read or set, or how to measure what no file says. Compose drivers are `<service>.<field>`.
 */
const REAL_VALUE_FROM: Readonly<Record<string, string>> = {
  replicas: 'spec.replicas (a chart: the values key its template reads; an HPA: minReplicas)',
  strategy: 'spec.strategy.type',
  progressDeadlineSeconds: 'spec.progressDeadlineSeconds',
  maxSurge: 'spec.strategy.rollingUpdate.maxSurge (DaemonSet: spec.updateStrategy.rollingUpdate)',
  maxUnavailable: 'spec.strategy.rollingUpdate.maxUnavailable (DaemonSet: spec.updateStrategy.rollingUpdate)',
  partition: 'spec.updateStrategy.rollingUpdate.partition',
  'imagePullSeconds (estimate)': `${MEASURE} (the image size and the registry; kubectl get events shows "Pulled … in")`,
  'readiness probe': "the container's readinessProbe",
  readinessInitialDelaySeconds: 'readinessProbe.initialDelaySeconds',
  readinessPeriodSeconds: 'readinessProbe.periodSeconds',
  readinessSuccessThreshold: 'readinessProbe.successThreshold',
  readinessFailureThreshold: 'readinessProbe.failureThreshold',
  minReadySeconds: 'spec.minReadySeconds',
  terminationGracePeriodSeconds: 'spec.template.spec.terminationGracePeriodSeconds',
  'volume detach + attach per pod (estimate)': `${MEASURE} (the storage class's CSI driver; kubectl get events shows SuccessfulAttachVolume)`,
  'helm --timeout': 'the --timeout the pipeline passes to helm upgrade (Flux: HelmRelease spec.timeout)',
  scaleDownDelaySeconds: 'spec.strategy.blueGreen.scaleDownDelaySeconds of the Rollout',
  desiredCount: "the ECS service's desiredCount",
  minimumHealthyPercent: "the ECS service's deploymentConfiguration.minimumHealthyPercent",
  maximumPercent: "the ECS service's deploymentConfiguration.maximumPercent",
  stopTimeout: "the task definition's containerDefinitions[].stopTimeout",
  healthCheckGracePeriodSeconds: "the ECS service's healthCheckGracePeriodSeconds",
  'health check interval': `HealthCheckIntervalSeconds of ${TARGET_GROUP}`,
  'healthy threshold': `HealthyThresholdCount of ${TARGET_GROUP}`,
  'unhealthy threshold': `UnhealthyThresholdCount of ${TARGET_GROUP}`,
  deregistrationDelaySeconds: `the deregistration_delay.timeout_seconds attribute of ${TARGET_GROUP}`,
  'container healthCheck.interval': "the essential container's healthCheck.interval in the task definition",
  'container healthCheck.timeout': "the essential container's healthCheck.timeout in the task definition",
  'container healthCheck.retries': "the essential container's healthCheck.retries in the task definition",
  'container healthCheck.startPeriod':
    "the essential container's healthCheck.startPeriod in the task definition",
  count: "the task group's count in the Nomad job",
  max_parallel: "the job's update { max_parallel }",
  min_healthy_time: "the job's update { min_healthy_time }",
  healthy_deadline: "the job's update { healthy_deadline }",
  progress_deadline: "the job's update { progress_deadline }",
  kill_timeout: "the task's kill_timeout",
  'nodes (replicas setting; node count)':
    "in no file: the nodes the DaemonSet's nodeSelector, affinity and tolerations match (kubectl get nodes with the same selector)",
  'restart until active (estimate)': `${MEASURE} (journalctl -u UNIT shows the stop and the "Started" line of a past restart)`,
  TimeoutStopSec: 'TimeoutStopSec= of the systemd unit',
  TimeoutStartSec: 'TimeoutStartSec= of the systemd unit',
  'healthcheck.interval': "the service's healthcheck.interval in the compose file",
  'healthcheck.timeout': "the service's healthcheck.timeout in the compose file",
  'healthcheck.retries': "the service's healthcheck.retries in the compose file",
  'healthcheck.start_period': "the service's healthcheck.start_period in the compose file",
  stop_grace_period: "the service's stop_grace_period in the compose file",
  healthcheck: "the service's healthcheck in the compose file (or the image's HEALTHCHECK)",
};

/** Where the real value of an assumed driver would come from (see REAL_VALUE_FROM). */
export function realValueFrom(name: string): string | undefined {
  if (Object.hasOwn(REAL_VALUE_FROM, name)) return REAL_VALUE_FROM[name];
  if (/^HPA .+ minReplicas$/.test(name))
    return "the HorizontalPodAutoscaler's spec.minReplicas (Kubernetes default 1)";
  // `<compose service>.<field>`: the service name may itself hold dots
  for (let i = name.indexOf('.'); i >= 0; i = name.indexOf('.', i + 1)) {
    const field = name.slice(i + 1);
    if (Object.hasOwn(REAL_VALUE_FROM, field)) return REAL_VALUE_FROM[field];
  }
  return undefined;
}

/**
 * Collects the values that drive a duration, with where each came from. `where` names, for the
 * platform's own assumed values, where the real one is set (consulted before REAL_VALUE_FROM).
 */
export class Drivers {
  readonly list: DurationDriver[] = [];
  constructor(
    private readonly ctx: PlatformContext,
    private readonly where: Readonly<Record<string, string>> = {},
  ) {}

  /** The setting's value (recorded as manifest/descriptor), or the fallback (recorded as default). */
  get<K extends SettingKey>(key: K, fallback: ValueOf<K>, name: string = key): ValueOf<K> {
    const s = this.ctx.workload?.settings[key] as Setting<ValueOf<K>> | undefined;
    if (s !== undefined) {
      this.add(name, s.value, this.sourceOf(s.at), s.at);
      return s.value;
    }
    this.add(name, fallback, 'default');
    return fallback;
  }

  /** The setting's value when set (recorded), undefined otherwise (nothing recorded). */
  maybe<K extends SettingKey>(key: K, name: string = key): ValueOf<K> | undefined {
    const s = this.ctx.workload?.settings[key] as Setting<ValueOf<K>> | undefined;
    if (s === undefined) return undefined;
    this.add(name, s.value, this.sourceOf(s.at), s.at);
    return s.value;
  }

  add(name: string, value: unknown, source: DurationDriver['source'], at?: Evidence): void {
    if (this.list.some((d) => d.name === name)) return;
    const driver: DurationDriver = { name, value: String(value), source };
    if (at) driver.at = at;
    const real =
      source !== 'default'
        ? undefined
        : Object.hasOwn(this.where, name)
          ? this.where[name]
          : realValueFrom(name);
    if (real) driver.realFrom = real;
    this.list.push(driver);
  }

  private sourceOf(at: Evidence | undefined): DurationDriver['source'] {
    if (at === undefined) return 'descriptor';
    return at.file === this.ctx.service.descriptor ? 'descriptor' : 'manifest';
  }
}

/** A setting without recording it as a driver (for hazards). */
export function settingOf<K extends SettingKey>(ctx: PlatformContext, key: K): RolloutSettings[K] {
  return ctx.workload?.settings[key];
}

/**
 * Resolve an int-or-percent against a total with Kubernetes rounding: maxSurge rounds up,
 * maxUnavailable rounds down. Invalid strings resolve as 0 (they are reported by discovery).
 */
export function intOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return Math.max(0, Math.trunc(value));
  const m = /^\s*(\d+)\s*%\s*$/.exec(value);
  if (m) {
    const raw = (total * Number(m[1])) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  }
  const n = Number(value);
  return Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0;
}

/** Integer seconds, expected > 0, max >= expected. */
export function durationModel(expected: number, max: number, drivers: Drivers, basis: string): DurationModel {
  // readers bound every input number: a non-finite duration here is a bug, never rendered
  if (!Number.isFinite(expected) || !Number.isFinite(max))
    throw new Error(`non-finite duration (${expected}, ${max}): ${basis}`);
  const e = Math.max(1, Math.ceil(expected));
  const m = Math.max(e, Math.ceil(max));
  return { expectedSeconds: e, maxSeconds: m, drivers: drivers.list, basis };
}

/** "1 batch", "4 batches". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "90s" for kubectl/helm duration flags. */
export function secondsFlag(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new Error(`non-finite duration flag: ${seconds}`);
  return `${Math.max(1, Math.ceil(seconds))}s`;
}

// ---------------------------------------------------------------------------------------------
// Commands, inputs, steps

export function run(...argv: Arg[]): Command {
  return { argv, readOnly: false };
}

export function read(...argv: Arg[]): Command {
  return { argv, readOnly: true };
}

export function manual(text: string): Command {
  return { argv: [], readOnly: false, manual: text };
}

export function input(name: string, description: string, discover?: Command): Input {
  return discover ? { name, description, discover } : { name, description };
}

export function check(
  command: Command | undefined,
  expect: string,
  timeoutSeconds: number,
  retries = 0,
  expectOutput?: string,
): Check {
  const c: Check = { expect, timeoutSeconds: Math.max(1, Math.ceil(timeoutSeconds)), retries };
  if (command) c.command = command;
  if (expectOutput !== undefined) c.expectOutput = expectOutput;
  return c;
}

/** A check whose command fails when the condition is not met (e.g. `systemctl is-active --quiet`). */
export function exitCheck(command: Command, expect: string, timeoutSeconds: number, retries = 0): Check {
  return { ...check(command, expect, timeoutSeconds, retries), exitCodeDecides: true };
}

/** Seconds a check waits beyond a command's own --timeout, so the command reports first. */
export const WAIT_MARGIN = 30;

/** A check whose command waits by itself up to `innerTimeout` seconds. */
export function waitCheck(
  command: Command,
  expect: string,
  innerTimeout: number,
  expectOutput?: string,
): Check {
  return { ...check(command, expect, innerTimeout + WAIT_MARGIN, 0, expectOutput), exitCodeDecides: true };
}

/**
 * Pause between check retries assumed when a check polls (the `--format sh` runbook sleeps
 * ROLLBOOK_RETRY_DELAY, default 5 s, between attempts).
 */
export const RETRY_DELAY_SECONDS = 5;

/** A check whose command answers at once, re-run until it passes for up to `totalSeconds`. */
export function pollCheck(
  command: Command,
  expect: string,
  totalSeconds: number,
  expectOutput?: string,
): Check {
  const retries = Math.max(1, Math.ceil(totalSeconds / RETRY_DELAY_SECONDS));
  return check(
    command,
    `${expect} (poll every ${RETRY_DELAY_SECONDS}s for up to ${Math.ceil(totalSeconds)}s)`,
    30,
    retries,
    expectOutput,
  );
}

/**
 * A check whose command's output is read by a probe (src/probes/): what it must show is the probe's
 * own wording, and the probe's verdict decides.
 */
export function probeCheck(
  command: Command,
  probe: Probe,
  want?: Arg,
  timeoutSeconds = 30,
  retries = 1,
): Check {
  return {
    command,
    expect: probe.passes,
    probe: want === undefined ? { id: probe.id } : { id: probe.id, want },
    timeoutSeconds,
    retries,
  };
}

export function manualCheck(expect: string, timeoutSeconds = 600): Check {
  return { expect, timeoutSeconds, retries: 0, manual: true };
}

export function step(s: Omit<Step, 'requiresGates' | 'touchesData'>): PlatformStep {
  return s;
}

/** A step taking the duration model's numbers and basis. */
export function timedStep(
  d: DurationModel,
  s: Omit<PlatformStep, 'expectedSeconds' | 'maxSeconds' | 'durationBasis'>,
): PlatformStep {
  return { ...s, expectedSeconds: d.expectedSeconds, maxSeconds: d.maxSeconds, durationBasis: d.basis };
}

/** A step with fixed (operator-bound) durations, e.g. review or git work. */
export function fixedStep(
  expectedSeconds: number,
  maxSeconds: number,
  basis: string,
  s: Omit<PlatformStep, 'expectedSeconds' | 'maxSeconds' | 'durationBasis'>,
): PlatformStep {
  return { ...s, expectedSeconds, maxSeconds: Math.max(expectedSeconds, maxSeconds), durationBasis: basis };
}

/** Assemble a rollback: the command that starts it is the first one that changes something. */
export function rollbackOf(
  oneCommand: boolean,
  why: string,
  steps: PlatformStep[],
  inputs: Input[],
): PlatformRollback {
  // A conditional step (e.g. an abort only while a rollout runs) does not start the rollback.
  const main = steps.filter((s) => !s.conditional);
  const commands = (main.length ? main : steps).flatMap((s) => s.commands);
  const first = commands.find((c) => !c.readOnly) ?? commands[0];
  if (!first) throw new Error('a platform rollback needs at least one command');
  return { oneCommand, why, command: first, steps, inputs };
}

// ---------------------------------------------------------------------------------------------
// Git-side steps shared by GitOps and Terraform paths

export const BAD_COMMIT = 'BAD_COMMIT';

/** The input naming the bad commit, discovered from git history of the deploy path. */
export function badCommitInput(path: string | undefined): Input {
  return input(
    BAD_COMMIT,
    'Commit that introduced the bad change (to revert in git)',
    read('git', 'log', '--oneline', '-n', '20', ...(path ? ['--', path] : [])),
  );
}

export function gitRevertStep(id: string, what: string, path: string | undefined): PlatformStep {
  return fixedStep(120, 1800, 'operator time: revert commit, review and merge (CI time not modelled)', {
    id,
    title: `Revert the bad commit in git so ${what} stops re-applying it`,
    commands: [
      run('git', 'revert', '--no-edit', { var: BAD_COMMIT }),
      manual(
        `Push the revert commit that git revert made and merge it to the branch that ${what} deploys from${path ? ` (path ${path})` : ''}; then, on that branch in this clone, git pull (the check reads the branch it tracks)`,
      ),
    ],
    check: probeCheck(
      read('git', 'log', '--format=%x1e%H%n%B', '-n', '200', '@{upstream}', '--'),
      gitReverted,
      { var: BAD_COMMIT },
      30,
      0,
    ),
    onFailure:
      'If the revert conflicts, stop: resolve it by hand with the change author; the live state stays on the rolled-back revision meanwhile, so do not resume automation yet. If the check finds no revert, the merge is not on the tracked branch of this clone yet (git pull on the deploy branch): do not resume automation before it is.',
  });
}

// ---------------------------------------------------------------------------------------------
// Hazards

export interface HazardSpec {
  rule: string;
  kind: HazardKind;
  severity: Severity;
  subject: string;
  message: string;
  mitigation: string;
  appRollbackSafe: boolean | null;
  revertLossless: boolean | null;
  touchesData?: boolean;
  evidence?: Evidence[];
}

export function hazard(ctx: PlatformContext, h: HazardSpec): Finding {
  const evidence = h.evidence && h.evidence.length > 0 ? h.evidence : evidenceOf(ctx);
  return {
    rule: h.rule,
    kind: h.kind,
    severity: h.severity,
    subject: h.subject,
    message: h.message,
    evidence,
    appRollbackSafe: h.appRollbackSafe,
    revertLossless: h.revertLossless,
    mitigation: h.mitigation,
    touchesData: h.touchesData ?? false,
  };
}

/** Evidence of one setting when it has a location, else the workload's. */
export function evidenceOfSetting(ctx: PlatformContext, s: Setting<unknown> | undefined): Evidence[] {
  return s?.at ? [s.at] : evidenceOf(ctx);
}
