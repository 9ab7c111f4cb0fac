/**
 * HashiCorp Nomad: `nomad job revert JOB VERSION`.
 *
 * Names: job from the nomad.job fact, else workload.name, deploy.target.job, deploy.workload,
 * service.name. Fact keys (typed facts, else deploy.target): job, namespace (→ -namespace=), region (→ -region=).
 * Settings: replicas (group count, default 1), maxParallel (update max_parallel, default 1),
 * minReadySeconds (update min_healthy_time, default 10 s), timeoutSeconds (update healthy_deadline,
 * default 5 min), progressDeadlineSeconds (update progress_deadline, default 10 min),
 * terminationGracePeriodSeconds (kill_timeout, default 5 s), imagePullSeconds, startupSeconds,
 * autoRevert.
 */
import type { Finding } from '../model/finding.js';
import type { Check, Command } from '../model/plan.js';
import * as probes from '../probes/nomad.js';
import {
  Drivers,
  durationModel,
  evidenceOfSetting,
  hazard,
  input,
  MEASURE,
  namespaceOf,
  pollCheck,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  settingOf,
  targetFact,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

/** Where Nomad's assumed duration values really come from (see Drivers). */
const WHERE: Readonly<Record<string, string>> = {
  'imagePullSeconds (estimate)': `${MEASURE} (the image size and the registry; nomad alloc status ALLOC lists the "Downloading Image" and "Started" events of a past allocation)`,
};

const VERSION = 'JOB_VERSION';

function jobName(ctx: PlatformContext): string {
  return resourceName(ctx, ctx.workload?.nomad?.job, 'job');
}

/** Nomad's general options go after the subcommand, as single -flag=value elements. */
function general(ctx: PlatformContext): string[] {
  const ns = namespaceOf(ctx);
  const region = targetFact(ctx, 'region');
  return [...(ns ? [`-namespace=${ns}`] : []), ...(region ? [`-region=${region}`] : [])];
}

function history(ctx: PlatformContext): Command {
  return read('nomad', 'job', 'history', ...general(ctx), '--', jobName(ctx));
}

function status(ctx: PlatformContext): Command {
  return read('nomad', 'job', 'status', ...general(ctx), '--', jobName(ctx));
}

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  const count = Math.max(1, d.get('replicas', 1, 'count'));
  const parallel = Math.max(1, d.get('maxParallel', 1, 'max_parallel'));
  const pull = d.get('imagePullSeconds', 10, 'imagePullSeconds (estimate)');
  const startup = d.maybe('startupSeconds') ?? 0;
  const minHealthy = d.get('minReadySeconds', 10, 'min_healthy_time');
  const healthyDeadline = d.get('timeoutSeconds', 300, 'healthy_deadline');
  const progressDeadline = d.get('progressDeadlineSeconds', 600, 'progress_deadline');
  const kill = d.get('terminationGracePeriodSeconds', 5, 'kill_timeout');
  const batches = Math.ceil(count / parallel);
  const perE = kill + pull + startup + minHealthy;
  const perW = Math.min(kill + healthyDeadline, progressDeadline);
  return durationModel(
    batches * perE,
    batches * perW,
    d,
    `${batches} batch(es) of ${parallel} (count ${count}, max_parallel ${parallel}) × (kill_timeout ${kill}s + pull ${pull}s${startup ? ` + startup ${startup}s` : ''} + min_healthy_time ${minHealthy}s); worst case per batch: kill_timeout + healthy_deadline ${healthyDeadline}s, capped by progress_deadline ${progressDeadline}s`,
  );
}

/** `nomad job history -json` read by a probe: the target version is tracked. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('nomad', 'job', 'history', ...general(ctx), '-json', '--', jobName(ctx)),
    probes.nomadHistory,
    { var: VERSION },
  );
}

/** The latest deployment's Status, read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('nomad', 'job', 'deployments', ...general(ctx), '-latest', '-json', '--', jobName(ctx)),
    probes.nomadDeployment,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const job = jobName(ctx);
  const d = duration(ctx);
  const step = timedStep(d, {
    id: 'nomad-job-revert',
    title: `Revert Nomad job ${job} to the chosen version`,
    commands: [run('nomad', 'job', 'revert', ...general(ctx), '--', job, { var: VERSION })],
    check: pollCheck(
      read('nomad', 'job', 'deployments', ...general(ctx), '-latest', '--', job),
      `the latest deployment of ${job} is successful`,
      d.maxSeconds,
      'successful',
    ),
    onFailure: `If the deployment fails or stalls, run nomad job status ${job} and nomad alloc status on a failed allocation; revert to the previous stable version (marked Stable = true in nomad job history) or escalate. If the revert replaced every allocation at once and capacity dropped, scale up the task group first.`,
  });
  return rollbackOf(
    true,
    `nomad job revert resubmits the chosen version of ${job} in one command and monitors its evaluation.`,
    [step],
    [input(VERSION, `Version of job ${job} to return to (prefer one with Stable = true)`, history(ctx))],
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const job = jobName(ctx);
  const maxParallel = settingOf(ctx, 'maxParallel');
  const autoRevert = settingOf(ctx, 'autoRevert');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'nomad-revert-ignores-max-parallel',
      kind: 'config',
      severity: 'warning',
      subject: `job ${job}`,
      message: `nomad job revert of ${job} may ignore max_parallel${maxParallel ? ` (${maxParallel.value})` : ''} and replace all allocations at once: capacity drops during the revert.`,
      mitigation: `Before reverting ${job}, make sure the cluster can run the old and new allocations together, or scale the group up first; watch nomad job status ${job} during the revert.`,
      appRollbackSafe: true,
      revertLossless: true,
      evidence: evidenceOfSetting(ctx, maxParallel),
    }),
    hazard(ctx, {
      rule: 'nomad-version-gc',
      kind: 'artifact',
      severity: 'info',
      subject: `job ${job}`,
      message: `Nomad garbage-collects old versions of ${job} that carry no tag: the version to revert to may be gone.`,
      mitigation: `Tag each good version of ${job} (nomad job tag apply -version N -name good-N ${job}) so it is kept.`,
      appRollbackSafe: null,
      revertLossless: null,
    }),
  ];
  if (autoRevert?.value === true) {
    out.push(
      hazard(ctx, {
        rule: 'nomad-auto-revert',
        kind: 'config',
        severity: 'info',
        subject: `job ${job}`,
        message: `auto_revert is on for ${job}: Nomad may already have reverted to the last stable version when you start.`,
        mitigation: `Check nomad job history ${job} first; revert by hand only if the running version is still the bad one.`,
        appRollbackSafe: true,
        revertLossless: true,
        evidence: evidenceOfSetting(ctx, autoRevert),
      }),
    );
  }
  return out;
}

export const nomad: Platform = {
  id: 'nomad',
  title: 'HashiCorp Nomad',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
