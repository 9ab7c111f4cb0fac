/**
 * Amazon ECS service: `aws ecs update-service --task-definition FAMILY:REV`, waited with
 * `aws ecs wait services-stable` (polls every 15 s, gives up after 40 checks = 10 min).
 *
 * Names: service from the ecs.service fact, else workload.name, deploy.target.service,
 * deploy.workload, service.name. Fact keys (typed facts, else deploy.target): cluster (unknown → operator input ECS_CLUSTER),
 * service, family (task definition family; default the service name), region (omitted when
 * unknown: the AWS CLI profile's region applies).
 * Settings: replicas (desiredCount, default 1), minimumHealthyPercent (default 100),
 * maximumPercent (default 200), imagePullSeconds, startupSeconds, healthCheckGracePeriodSeconds
 * (default 0), readinessPeriodSeconds / readinessSuccessThreshold / readinessFailureThreshold
 * (load balancer health check: ALB defaults 30 s, 5 healthy, 2 unhealthy),
 * deregistrationDelaySeconds (default 300), circuitBreaker, hasReadinessProbe (false: no load
 * balancer health check), terminationGracePeriodSeconds (stopTimeout, default 30 s, without a
 * load balancer). Attribute loadBalancer: "none" for services outside a target group (workers).
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/ecs.js';
import {
  check,
  Drivers,
  durationModel,
  evidenceOfSetting,
  exitCheck,
  fact,
  hazard,
  input,
  MEASURE,
  opt,
  optIf,
  plural,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  settingOf,
  targetFact,
  timedStep,
  WAIT_MARGIN,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

/** Where ECS's assumed duration values really come from (see Drivers). */
const WHERE: Readonly<Record<string, string>> = {
  'imagePullSeconds (estimate)': `${MEASURE} (the image size and the registry; aws ecs describe-tasks shows pullStartedAt and pullStoppedAt of a task it started)`,
};

const CLUSTER = 'ECS_CLUSTER';
const TASK_DEF = 'TARGET_TASK_DEFINITION';
/** `aws ecs wait services-stable`: 40 checks × 15 s. */
export const ECS_WAIT_CAP_SECONDS = 600;
/** A task without a load balancer counts once RUNNING (estimate). */
const TASK_RUNNING_SECONDS = 10;

interface EcsNames {
  cluster: Arg;
  service: string;
  family: string;
  region: string[];
}

function names(ctx: PlatformContext): EcsNames {
  const service = resourceName(ctx, ctx.workload?.ecs?.service, 'service');
  return {
    cluster: fact(ctx, ctx.workload?.ecs?.cluster, 'cluster') ?? { var: CLUSTER },
    service,
    family: fact(ctx, ctx.workload?.ecs?.family, 'family') ?? service,
    region: optIf('--region', targetFact(ctx, 'region')),
  };
}

function history(ctx: PlatformContext): Command {
  const n = names(ctx);
  return read(
    'aws',
    'ecs',
    'list-task-definitions',
    ...opt('--family-prefix', n.family),
    '--sort',
    'DESC',
    ...n.region,
  );
}

function status(ctx: PlatformContext): Command {
  const n = names(ctx);
  return read(
    'aws',
    'ecs',
    'wait',
    'services-stable',
    ...opt('--cluster', n.cluster),
    ...opt('--services', n.service),
    ...n.region,
  );
}

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  const desired = Math.max(1, d.get('replicas', 1, 'desiredCount'));
  const minHealthy = d.get('minimumHealthyPercent', 100);
  const maxPercent = d.get('maximumPercent', 200);
  const surge = Math.max(0, Math.floor((desired * maxPercent) / 100) - desired);
  const unavailable = Math.max(0, desired - Math.ceil((desired * minHealthy) / 100));
  const perWave = Math.max(1, surge + unavailable);
  const waves = Math.ceil(desired / perWave);
  const pull = d.get('imagePullSeconds', 10, 'imagePullSeconds (estimate)');
  const startup = d.maybe('startupSeconds') ?? 0;
  const hc = containerHealth(ctx, d);
  const shape = `${plural(waves, 'wave')} of ${plural(perWave, 'task')} (desired ${desired}, minimumHealthyPercent ${minHealthy}, maximumPercent ${maxPercent})`;
  const killFirst = surge === 0;
  if (!behindLoadBalancer(ctx)) {
    const declared =
      ctx.workload?.ecs?.loadBalanced === false || targetFact(ctx, 'loadBalancer') !== undefined;
    d.add('load balancer', 'none', declared ? 'manifest' : 'descriptor', ctx.workload?.at);
    const stop = d.get('terminationGracePeriodSeconds', 30, 'stopTimeout');
    const startE = pull + startup + (hc ? hc.expected : TASK_RUNNING_SECONDS);
    const startW = pull * 3 + startup + (hc ? hc.worst : TASK_RUNNING_SECONDS * 3);
    const expected = waves * startE;
    const max = killFirst ? waves * (stop + startW) : waves * startW + stop;
    return durationModel(
      expected,
      max,
      d,
      `${shape} × (pull ${pull}s${startup ? ` + startup ${startup}s` : ''} + ${hc ? hc.words : `~${TASK_RUNNING_SECONDS}s to RUNNING`}); no load balancer, so no deregistration wait; worst case: 3× pull${hc ? ', container health check retries' : ' and start'}, + stopTimeout ${stop}s for old tasks`,
    );
  }
  const grace = d.get('healthCheckGracePeriodSeconds', 0);
  const interval = d.get('readinessPeriodSeconds', 30, 'health check interval');
  const healthy = d.get('readinessSuccessThreshold', 5, 'healthy threshold');
  const unhealthy = d.get('readinessFailureThreshold', 2, 'unhealthy threshold');
  const dereg = d.get('deregistrationDelaySeconds', 300);
  // A newly registered target is healthy after ONE passing check (ELB target group health checks);
  // HealthyThresholdCount only applies to a target that was unhealthy: the worst case.
  const startE = pull + startup + Math.max(interval, hc?.expected ?? 0);
  const startW = pull * 3 + startup + Math.max(grace, interval * (healthy + unhealthy), hc?.worst ?? 0);
  const expected = killFirst ? waves * (dereg + startE) : waves * startE + dereg;
  const max = killFirst ? waves * (dereg + startW) : waves * startW + dereg;
  return durationModel(
    expected,
    max,
    d,
    `${shape} × (pull ${pull}s${startup ? ` + startup ${startup}s` : ''} + max(target group: a new target's first passing check within ${interval}s${hc ? `, ${hc.words}` : ''})) + deregistration delay ${dereg}s${killFirst ? ' per wave (no room to surge: old tasks drain first)' : ' for the old tasks'}; worst case: 3× pull, max(grace ${grace}s, ${healthy}+${unhealthy} health check intervals: a target failing its first checks needs ${healthy} passing ones)`,
  );
}

/** ECS container health check defaults (task definition reference). */
const HC_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

/** The essential container's health check: healthy after startPeriod and the first passing check. */
function containerHealth(
  ctx: PlatformContext,
  d: Drivers,
): { expected: number; worst: number; words: string } | undefined {
  const hc = ctx.workload?.ecs?.containerHealthCheck;
  if (!hc) return undefined;
  const v = (k: keyof typeof HC_DEFAULTS): number => {
    const s = hc[k];
    if (s) d.add(`container healthCheck.${k}`, s.value, 'manifest', s.at);
    else d.add(`container healthCheck.${k}`, HC_DEFAULTS[k], 'default');
    return s?.value ?? HC_DEFAULTS[k];
  };
  const interval = v('interval');
  const timeout = v('timeout');
  const retries = v('retries');
  const start = v('startPeriod');
  return {
    expected: start + interval,
    worst: start + (interval + timeout) * retries,
    words: `container health check: startPeriod ${start}s + interval ${interval}s (worst ${retries} retries × (interval ${interval}s + timeout ${timeout}s))`,
  };
}

/**
 * A target group is assumed (the conservative case: its deregistration delay dominates) unless
 * the service declares none (or deploy.target.loadBalancer is "none") or the settings say there is
 * no health check.
 */
function behindLoadBalancer(ctx: PlatformContext): boolean {
  return (
    ctx.workload?.ecs?.loadBalanced !== false &&
    targetFact(ctx, 'loadBalancer') !== 'none' &&
    settingOf(ctx, 'hasReadinessProbe')?.value !== false
  );
}

/** The target task definition revision exists and is ACTIVE, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  const n = names(ctx);
  return probeCheck(
    read('aws', 'ecs', 'describe-task-definition', '--task-definition', { var: TASK_DEF }, ...n.region),
    probes.ecsTaskDefinition,
    { var: TASK_DEF },
  );
}

/** The PRIMARY deployment's rolloutState (IN_PROGRESS, COMPLETED, FAILED), read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  const n = names(ctx);
  return probeCheck(
    read(
      'aws',
      'ecs',
      'describe-services',
      ...opt('--cluster', n.cluster),
      ...opt('--services', n.service),
      ...n.region,
    ),
    probes.ecsDeployments,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const n = names(ctx);
  const d = duration(ctx);
  const inputs: Input[] = [];
  if (typeof n.cluster !== 'string') {
    inputs.push(
      input(
        CLUSTER,
        'ECS cluster that runs the service (not named in the repository)',
        read('aws', 'ecs', 'list-clusters', ...n.region),
      ),
    );
  }
  inputs.push(
    input(TASK_DEF, `Task definition to return to, as ${n.family}:REVISION or its ARN`, history(ctx)),
  );
  const retries = Math.max(0, Math.ceil(d.maxSeconds / ECS_WAIT_CAP_SECONDS) - 1);
  const step = timedStep(d, {
    id: 'ecs-update-service',
    title: `Point ECS service ${n.service} at the chosen task definition${typeof n.cluster === 'string' ? '' : ` (cluster: ${CLUSTER}, an input)`}`,
    commands: [
      run(
        'aws',
        'ecs',
        'update-service',
        ...opt('--cluster', n.cluster),
        ...opt('--service', n.service),
        '--task-definition',
        { var: TASK_DEF },
        ...n.region,
      ),
    ],
    check: exitCheck(
      status(ctx),
      `the waiter exits 0: one deployment, runningCount equals desiredCount (it gives up after ${ECS_WAIT_CAP_SECONDS}s${retries > 0 ? `; re-run it up to ${retries} more time${retries === 1 ? '' : 's'}` : ''})`,
      ECS_WAIT_CAP_SECONDS + WAIT_MARGIN,
      retries,
    ),
    onFailure: `If the service does not stabilise, look at aws ecs describe-services --services ${n.service} (events, stopped task reasons). If the target task definition fails too (image gone, task definition inactive), pick the previous good revision; during a stuck deployment, aws ecs stop-service-deployment --stop-type ROLLBACK returns to the last completed deployment. Escalate to the incident commander.`,
  });
  return rollbackOf(
    true,
    `aws ecs update-service starts a new deployment of ${n.service} on the chosen task definition in one command.`,
    [step],
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const n = names(ctx);
  const dereg = settingOf(ctx, 'deregistrationDelaySeconds');
  const breaker = settingOf(ctx, 'circuitBreaker');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'ecs-deleted-task-definition',
      kind: 'artifact',
      severity: 'warning',
      subject: `task definition family ${n.family}`,
      message: `A deregistered or deleted task definition of ${n.family}, or an image removed by an ECR lifecycle policy, makes the rollback target unusable.`,
      mitigation: `Keep the last 10 revisions of ${n.family} registered and exclude their image digests from ECR lifecycle expiry; verify the target with aws ecs describe-task-definition before rolling back.`,
      appRollbackSafe: null,
      revertLossless: null,
    }),
  ];
  if (behindLoadBalancer(ctx) && (dereg?.value ?? 300) >= 120) {
    out.push(
      hazard(ctx, {
        rule: 'ecs-deregistration-delay',
        kind: 'config',
        severity: 'info',
        subject: `service ${n.service}`,
        message: `The target group's deregistration delay (${dereg?.value ?? 300}s${dereg ? '' : ', the default'}) holds old tasks of ${n.service} and dominates the rollback time.`,
        mitigation: `Lower deregistration_delay.timeout_seconds on ${n.service}'s target group to the longest request time (often 30-60 s).`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, dereg),
      }),
    );
  }
  if (breaker?.value === true) {
    out.push(
      hazard(ctx, {
        rule: 'ecs-circuit-breaker-rollback',
        kind: 'config',
        severity: 'info',
        subject: `service ${n.service}`,
        message: `The deployment circuit breaker of ${n.service} may already be rolling back a failed deployment.`,
        mitigation: `Check aws ecs describe-services --services ${n.service} for a rollback in progress before starting another deployment.`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, breaker),
      }),
    );
  }
  return out;
}

export const ecs: Platform = {
  id: 'ecs',
  title: 'Amazon ECS',
  history,
  status,
  statusExitCodeDecides: true,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
