/**
 * Google Cloud Run: send all traffic back to an earlier revision
 * (`gcloud run services update-traffic SVC --to-revisions REVISION=100`).
 *
 * Names: service from the cloudRun.service fact, else workload.name, deploy.target.service,
 * deploy.workload, service.name. Fact keys (typed facts, else deploy.target): service, region (unknown → operator input
 * CLOUD_RUN_REGION: gcloud would otherwise prompt), project (omitted when unknown: gcloud's
 * configured project applies).
 * Config refs of kind Secret whose name ends in ":latest" (or are not versioned) are secrets
 * mounted at version "latest".
 * Settings: startupExpectedSeconds / startupSeconds (the container's startupProbe: one period expected,
 * period × failureThreshold worst; defaults 10 s and Cloud Run's default probe limit of 240 s);
 * cloudRun.minScale (autoscaling.knative.dev/minScale) is recorded: it does not warm a revision
 * without traffic.
 *
 * The traffic spec is one argument "REVISION=100": the operator input carries the whole spec,
 * because an argv element cannot join a literal and a runtime value.
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/cloud-run.js';
import {
  bareName,
  Drivers,
  durationModel,
  fact,
  hazard,
  input,
  opt,
  optIf,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  targetFact,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const REGION = 'CLOUD_RUN_REGION';
const TRAFFIC = 'TARGET_REVISION_TRAFFIC';

function names(ctx: PlatformContext): { service: string; region: Arg; project: string[] } {
  return {
    service: bareName(
      resourceName(ctx, ctx.workload?.cloudRun?.service, 'service'),
      'Cloud Run service name',
    ),
    region: fact(ctx, ctx.workload?.cloudRun?.region, 'region') ?? { var: REGION },
    project: optIf('--project', targetFact(ctx, 'project')),
  };
}

/** The service's revisions (`format` e.g. --format=json for a probe). */
function history(ctx: PlatformContext, ...format: string[]): Command {
  const n = names(ctx);
  return read(
    'gcloud',
    'run',
    'revisions',
    'list',
    ...opt('--service', n.service),
    ...opt('--region', n.region),
    ...n.project,
    ...format,
  );
}

/** `gcloud run services describe` (by default the traffic and conditions as YAML, for a person). */
function status(
  ctx: PlatformContext,
  format: string[] = ['--format', 'yaml(status.traffic,status.conditions)'],
): Command {
  const n = names(ctx);
  return read(
    'gcloud',
    'run',
    'services',
    'describe',
    n.service,
    ...opt('--region', n.region),
    ...n.project,
    ...format,
  );
}

/**
 * Cloud Run's default startup probe (a TCP probe every 240 s, failureThreshold 1): without a
 * startupProbe of its own, a revision may take up to 240 s to start
 * (https://cloud.google.com/run/docs/configuring/healthchecks, "The default TCP startup probe").
 */
const DEFAULT_STARTUP_LIMIT = 240;

const PROBE_FIELD = 'spec.template.spec.containers[].startupProbe';

/** Where the real value of each assumed driver is set or measured. */
const WHERE: Readonly<Record<string, string>> = {
  'traffic switch':
    'in no file: update-traffic is one API call that re-routes the service; time it on a past rollback (gcloud run services describe shows the new status.traffic)',
  'cold start (expected)': `the service's ${PROBE_FIELD} (initialDelaySeconds + periodSeconds) in the Cloud Run service YAML; without a probe, in no file: time a cold start of the revision in its logs (the first "STARTUP TCP probe succeeded" line)`,
  'cold start (worst)': `the service's ${PROBE_FIELD} (initialDelaySeconds + periodSeconds × failureThreshold) in the Cloud Run service YAML; without one, Cloud Run's default TCP startup probe allows ${DEFAULT_STARTUP_LIMIT}s`,
  minScale:
    "autoscaling.knative.dev/minScale on spec.template.metadata.annotations (or run.googleapis.com/minScale on the service's metadata.annotations): min instances start only once a revision gets traffic or a tag, so they do not warm the target before the switch",
};

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  d.add('traffic switch', 'route update (15s, worst 60s)', 'default');
  // a startupProbe read from the service YAML: one period expected, period × failureThreshold worst
  const expected = d.get('startupExpectedSeconds', 10, 'cold start (expected)');
  const worst = Math.max(expected, d.get('startupSeconds', DEFAULT_STARTUP_LIMIT, 'cold start (worst)'));
  const min = ctx.workload?.cloudRun?.minScale;
  if (min) d.add('minScale', min.value, 'manifest', min.at);
  else d.add('minScale', 0, 'default');
  return durationModel(
    15 + expected,
    60 + worst,
    d,
    `route update 15s + cold start of the target revision ${expected}s; worst case route update 60s + the startup probe's limit ${worst}s${min && min.value > 0 ? ` (minScale ${min.value} starts only once the revision gets traffic: no instance is warm before the switch)` : ''}`,
  );
}

/** The revisions (JSON) list the target and it is Ready, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(history(ctx, '--format=json'), probes.cloudRunRevisions, { var: TRAFFIC });
}

/** The service's Ready condition (True, False, Unknown), read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(status(ctx, ['--format=json']), probes.cloudRunService);
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const n = names(ctx);
  const d = duration(ctx);
  const inputs: Input[] = [];
  if (typeof n.region !== 'string') {
    inputs.push(
      input(
        REGION,
        `Region of Cloud Run service ${n.service} (not named in the repository)`,
        read('gcloud', 'run', 'services', 'list', ...n.project),
      ),
    );
  }
  inputs.push(
    input(
      TRAFFIC,
      `Revision of ${n.service} to send all traffic to, written REVISION=100 (e.g. ${n.service}-00041-abc=100)`,
      history(ctx),
    ),
  );
  const step = timedStep(d, {
    id: 'cloud-run-update-traffic',
    title: `Send 100% of ${n.service}'s traffic to the chosen revision`,
    commands: [
      run(
        'gcloud',
        'run',
        'services',
        'update-traffic',
        n.service,
        '--to-revisions',
        { var: TRAFFIC },
        ...opt('--region', n.region),
        ...n.project,
      ),
    ],
    check: probeCheck(status(ctx, ['--format=json']), probes.cloudRunTraffic, { var: TRAFFIC }, 60, 2),
    onFailure: `If the revision does not serve (Ready False), check its logs; choose the previous good revision or escalate. Do not run --to-latest: it sends traffic back to the bad revision.`,
  });
  return rollbackOf(
    true,
    `gcloud run services update-traffic moves all traffic of ${n.service} in one command.`,
    [step],
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const n = names(ctx);
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'cloud-run-traffic-pinned',
      kind: 'config',
      severity: 'warning',
      subject: `service ${n.service}`,
      message: `After update-traffic, ${n.service}'s traffic is pinned to the chosen revision: the next deploys get 0% of traffic until someone runs --to-latest.`,
      mitigation: `Once the fix is deployed and verified, run gcloud run services update-traffic ${n.service} --to-latest (and say so in the incident follow-up).`,
      appRollbackSafe: true,
      revertLossless: true,
    }),
  ];
  for (const c of ctx.workload?.config ?? []) {
    if (!/secret/i.test(c.kind)) continue;
    if (!(c.name.endsWith(':latest') || !c.versioned)) continue;
    out.push(
      hazard(ctx, {
        rule: 'cloud-run-latest-secrets',
        kind: 'config',
        severity: 'warning',
        subject: `${c.kind}/${c.name}`,
        message: `${n.service} reads secret ${c.name} at version "latest": the old revision gets the current secret value, not the one it ran with.`,
        mitigation: `Pin ${c.name} to a numbered secret version in the revision template, so rolling back also rolls back the secret.`,
        appRollbackSafe: null,
        revertLossless: true,
        ...(c.at ? { evidence: [c.at] } : {}),
      }),
    );
  }
  return out;
}

export const cloudRun: Platform = {
  id: 'cloud-run',
  title: 'Google Cloud Run',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
