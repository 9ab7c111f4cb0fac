/**
 * docker compose: no history of its own. The rollback pins the previous image tag (or digest) in the
 * compose file (or the variable it reads) and recreates each app service alone:
 * `docker compose -f … up -d --no-deps --wait SERVICE`, waiting on the service's healthcheck.
 *
 * Facts: workload.compose (typed, discovery): the files `-f` takes, the services rolled back, the
 * run-to-completion (migration) services, the data services and named volumes.
 * Durations per service: pull + healthcheck (Docker defaults: interval 30 s, timeout 30 s,
 * retries 3, start_period 0), plus stop_grace_period (default 10 s) for the old container; services
 * are recreated one after the other.
 */
import type { Finding } from '../model/finding.js';
import type { Check, Command } from '../model/plan.js';
import type { ComposeFacts, ComposeService } from '../model/service.js';
import * as probes from '../probes/compose.js';
import {
  Drivers,
  durationModel,
  evidenceOf,
  fixedStep,
  hazard,
  input,
  MEASURE,
  manual,
  type PlatformStep,
  plural,
  probeCheck,
  read,
  rollbackOf,
  run,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

/** Where compose's assumed duration values really come from (see Drivers). */
const WHERE: Readonly<Record<string, string>> = {
  'imagePullSeconds (estimate)': `${MEASURE} (the image size and the registry; on the host, time docker compose pull SERVICE, or docker events shows the pull of a past deploy)`,
};

/** The same input the artifact gate asks for: the image reference of the target version. */
const TARGET = 'TARGET_IMAGE';
/** Docker's healthcheck defaults (Dockerfile HEALTHCHECK reference). */
const DEFAULTS = { interval: 30, timeout: 30, retries: 3, startPeriod: 0, stopGrace: 10, pull: 10 };

function facts(ctx: PlatformContext): ComposeFacts {
  return (
    ctx.workload?.compose ?? {
      dir: '',
      files: ['compose.yaml'],
      ignoredFiles: [],
      services: [
        { name: ctx.workload?.name ?? ctx.service.name, profiles: [], dependsOn: [], runsMigration: false },
      ],
      oneShot: [],
      others: [],
      volumes: [],
    }
  );
}

/**
 * `[--project-name=PROJECT] -f FILE…`: the project as deployed (one word: a name from a script never
 * reads as another option). The project name when the deploy command names the project
 * (its -p or COMPOSE_PROJECT_NAME, or an --env-file / --project-directory that decides it): without
 * it compose would address another project (the directory's name or the file's `name:`).
 */
export function projectArgs(f: ComposeFacts): string[] {
  const p = f.projectName;
  return [
    ...(p && (p.from === 'flag' || p.from === 'env' || p.byCommandOptions) && p.value
      ? [`--project-name=${p.value}`]
      : []),
    ...f.files.flatMap((file) => ['-f', file]),
  ];
}

/** `docker compose [-p PROJECT] -f FILE… ARGS… -- SERVICE…`: service names after "--", never options. */
function composeArgs(f: ComposeFacts, args: string[], services: string[] = []): string[] {
  return ['docker', 'compose', ...projectArgs(f), ...args, ...(services.length ? ['--', ...services] : [])];
}

function history(ctx: PlatformContext): Command {
  const f = facts(ctx);
  const repo = f.services.find((s) => s.image)?.image?.repository;
  return repo
    ? read('docker', 'image', 'ls', '--format', '{{.Tag}} {{.Digest}} {{.CreatedSince}}', '--', repo)
    : read('git', 'log', '--oneline', '-n', '20', '--', ...f.files);
}

function status(ctx: PlatformContext): Command {
  const f = facts(ctx);
  return read(
    ...composeArgs(
      f,
      ['ps'],
      f.services.map((s) => s.name),
    ),
  );
}

interface ServiceTime {
  expected: number;
  worst: number;
  words: string;
}

/** One service recreated: stop the old container, pull, start, healthcheck. */
function serviceTime(d: Drivers, s: ComposeService): ServiceTime {
  const pull = DEFAULTS.pull;
  d.add('imagePullSeconds (estimate)', pull, 'default');
  const hc = s.healthcheck;
  const p = (k: string) => `${s.name}.${k}`;
  const value = (key: 'interval' | 'timeout' | 'retries' | 'startPeriod', label: string): number => {
    const v = hc?.[key];
    if (v) {
      d.add(p(label), v.value, 'manifest', v.at);
      return v.value;
    }
    d.add(p(label), DEFAULTS[key], 'default');
    return DEFAULTS[key];
  };
  const grace = s.stopGracePeriod;
  if (grace) d.add(p('stop_grace_period'), grace.value, 'manifest', grace.at);
  else d.add(p('stop_grace_period'), DEFAULTS.stopGrace, 'default');
  const stop = grace?.value ?? DEFAULTS.stopGrace;
  if (!hc || hc.disabled) {
    d.add(p('healthcheck'), 'none', hc ? 'manifest' : 'default', hc?.at);
    return {
      expected: pull + 5,
      worst: pull * 3 + stop + 30,
      words: `${s.name}: pull ${pull}s + start (no healthcheck: running counts as ready)`,
    };
  }
  const interval = value('interval', 'healthcheck.interval');
  const timeout = value('timeout', 'healthcheck.timeout');
  const retries = value('retries', 'healthcheck.retries');
  const start = value('startPeriod', 'healthcheck.start_period');
  return {
    expected: pull + interval,
    worst: pull * 3 + stop + start + (interval + timeout) * retries,
    words: `${s.name}: pull ${pull}s + first healthcheck after interval ${interval}s (worst: stop_grace_period ${stop}s + start_period ${start}s + ${retries} retries × (interval ${interval}s + timeout ${timeout}s))`,
  };
}

function times(ctx: PlatformContext): { d: Drivers; per: Map<string, ServiceTime> } {
  const d = new Drivers(ctx, WHERE);
  const per = new Map<string, ServiceTime>();
  for (const s of facts(ctx).services) per.set(s.name, serviceTime(d, s));
  return { d, per };
}

function duration(ctx: PlatformContext): DurationModel {
  const { d, per } = times(ctx);
  const list = [...per.values()];
  return durationModel(
    list.reduce((n, t) => n + t.expected, 0),
    list.reduce((n, t) => n + t.worst, 0),
    d,
    `${plural(list.length, 'service')} recreated one after the other (docker compose up --no-deps --wait): ${list.map((t) => t.words).join('; ')}`,
  );
}

function pinText(f: ComposeFacts): string {
  const vars = [...new Set(f.services.flatMap((s) => (s.imageVariable ? [s.imageVariable] : [])))];
  const literal = f.services.filter((s) => s.image && !s.imageVariable);
  const parts: string[] = [];
  if (vars.length)
    parts.push(
      `set ${vars.map((v) => `${v}=<tag of ${TARGET}>`).join(' ')} in ${f.dir ? `${f.dir}/` : ''}.env (compose reads it; an exported variable wins over .env)`,
    );
  for (const s of literal)
    parts.push(
      `set services.${s.name}.image to ${TARGET} (${s.image?.repository}:<tag> or @sha256:<digest>) at ${s.image?.at ? `${s.image.at.file}:${s.image.at.line}` : (f.files.at(-1) ?? 'the compose file')}`,
    );
  return `Pin the previous image: ${parts.join('; ') || `set the image of ${f.services.map((s) => s.name).join(', ')} to the previous tag`}. Commit the pin so the next deploy does not bring the bad tag back.`;
}

/** compose keeps no history: the target is an image, which the registry must still have. */
function revisionCheck(_ctx: PlatformContext): Check {
  return probeCheck(read('docker', 'manifest', 'inspect', { var: TARGET }), probes.dockerManifest);
}

/** The services' containers (state and health), read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  const f = facts(ctx);
  return probeCheck(
    read(
      ...composeArgs(
        f,
        ['ps', '--all', '--format', 'json'],
        f.services.map((s) => s.name),
      ),
    ),
    probes.composePs,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const f = facts(ctx);
  const { per } = times(ctx);
  const names = f.services.map((s) => s.name);
  const steps: PlatformStep[] = [
    fixedStep(60, 300, 'operator time: edit one line and pull', {
      id: 'compose-pin-image',
      title: `Pin ${names.join(', ')} to the previous image tag and pull it`,
      commands: [
        run('docker', 'pull', '--', { var: TARGET }),
        manual(pinText(f)),
        run(...composeArgs(f, ['pull'], names)),
      ],
      check: probeCheck(
        read(...composeArgs(f, ['config', '--images'], names)),
        probes.composeImages,
        { var: TARGET },
        30,
        0,
      ),
      onFailure:
        'If the pull fails, the previous image is gone from the registry: use a digest that still exists (docker image ls on the host), or fix forward. Do not recreate any service yet.',
    }),
  ];
  for (const s of f.services) {
    const t = per.get(s.name) as ServiceTime;
    const worst = Math.max(t.worst, 30);
    steps.push(
      timedStep(durationModel(t.expected, worst, new Drivers(ctx, WHERE), t.words), {
        id: `compose-up-${s.name}`,
        title: `Recreate ${s.name} alone on the pinned image and wait for its healthcheck`,
        commands: [
          run(
            ...composeArgs(f, ['up', '-d', '--no-deps', '--wait', '--wait-timeout', String(worst)], [s.name]),
          ),
        ],
        // --wait already waited for the healthcheck: the check reads the containers' JSON once more
        // (the table's "(unhealthy)" contains "healthy", so the table cannot be read by a substring)
        check: {
          ...probeCheck(
            read(...composeArgs(f, ['ps', '--all', '--format', 'json'], [s.name])),
            probes.composeUp,
            s.healthcheck && !s.healthcheck.disabled ? 'healthy' : undefined,
            30,
            2,
          ),
          expect:
            s.healthcheck && !s.healthcheck.disabled
              ? `every container of ${s.name} is running and healthy`
              : `every container of ${s.name} is running (no healthcheck: check the service by hand)`,
        },
        onFailure: `If ${s.name} does not become healthy, read docker compose logs ${s.name}; the previous image may not run on the current data (see hazards). Do not run "docker compose down -v": it deletes the named volumes. Escalate to the incident commander.`,
      }),
    );
  }
  return rollbackOf(
    false,
    `docker compose keeps no history: the previous tag is pinned in the compose file, then each app service is recreated alone (--no-deps) and waited on its healthcheck.`,
    steps,
    [
      input(
        TARGET,
        'Image of the last good release (repository:tag or repository@sha256:digest)',
        history(ctx),
      ),
    ],
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const f = facts(ctx);
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'compose-no-history',
      kind: 'artifact',
      severity: 'warning',
      subject: `compose project ${ctx.workload?.name ?? ctx.service.name}`,
      message:
        'docker compose keeps no release history: the previous image tag must come from git (the compose file or .env at the last good commit) and the image must still be pullable or on the host.',
      mitigation:
        'Deploy by immutable tag or digest written into the compose file (or .env) by the pipeline, and keep the last images in the registry.',
      appRollbackSafe: true,
      revertLossless: true,
    }),
  ];
  const migrators = f.oneShot.filter((s) => s.runsMigration);
  if (migrators.length) {
    out.push(
      hazard(ctx, {
        rule: 'compose-migration-service',
        kind: 'schema',
        severity: 'warning',
        subject: `compose service ${migrators.map((s) => s.name).join(', ')}`,
        message: `${migrators.map((s) => s.name).join(', ')} ran the new release's migrations before the app started (depends_on: service_completed_successfully): recreating the app with --no-deps leaves the schema at the new version, and a plain "docker compose up" re-runs the migration service with the pinned image.`,
        mitigation:
          'Keep migrations backward compatible (expand/contract) so the previous app runs on the new schema; recreate only the app services with --no-deps; revert the schema only with the data owner, after a backup.',
        appRollbackSafe: null,
        revertLossless: null,
        touchesData: true,
        evidence: migrators.flatMap((s) => (s.at ? [s.at] : [])),
      }),
    );
  }
  // Volumes of the services rolled back are the rule stateful-data's; these belong to the others.
  const rolled = new Set(f.services.map((s) => s.name));
  const dataVolumes = f.volumes.filter(
    (v) => v.services.length > 0 && !v.services.some((s) => rolled.has(s)),
  );
  if (dataVolumes.length) {
    out.push(
      hazard(ctx, {
        rule: 'compose-volumes-not-reverted',
        kind: 'data',
        severity: 'info',
        subject: `named volumes ${dataVolumes.map((v) => v.name).join(', ')}`,
        message: `Named volumes of the services the rollback leaves alone (${dataVolumes.map((v) => `${v.name} used by ${v.services.join(', ')}`).join('; ')}) are state: a rollback never restores them, and "docker compose down -v" deletes them.`,
        mitigation:
          'Back up the volumes before any data step (docker run --rm -v VOLUME:/v -v "$PWD":/b alpine tar czf /b/VOLUME.tgz -C /v .); never use down -v during an incident.',
        appRollbackSafe: true,
        revertLossless: false,
        evidence: dataVolumes.flatMap((v) => (v.at ? [v.at] : [])),
      }),
    );
  }
  const unchecked = f.services.filter((s) => !s.healthcheck || s.healthcheck.disabled);
  if (unchecked.length) {
    out.push(
      hazard(ctx, {
        rule: 'compose-no-healthcheck',
        kind: 'config',
        severity: 'warning',
        subject: `compose service ${unchecked.map((s) => s.name).join(', ')}`,
        message: `${unchecked.map((s) => s.name).join(', ')} has no healthcheck: --wait returns as soon as the container runs, so a rolled-back version that cannot serve looks done.`,
        mitigation: 'Add a healthcheck (test, interval, retries, start_period) to each app service.',
        appRollbackSafe: true,
        revertLossless: true,
        evidence: unchecked.flatMap((s) => (s.at ? [s.at] : evidenceOf(ctx))),
      }),
    );
  }
  return out;
}

export const compose: Platform = {
  id: 'compose',
  title: 'docker compose',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
