/**
 * Heroku: `heroku releases:rollback vNN -a APP` — code (slug) and config vars only.
 *
 * Names: app from the heroku.appName fact, else workload.name, deploy.target.app,
 * deploy.workload, service.name. Fact keys (typed facts, else deploy.target): app, appName.
 * Settings: releasePhase (the Procfile `release:` command; it runs again on rollback),
 * restartSeconds (dyno restart, default 30 s estimate). Preboot and the boot timeout are app
 * settings held by Heroku, never in a repository file: the drivers say where to read them.
 *
 * `heroku releases --num=N` (heroku/cli src/commands/releases/index.ts): the CLI asks the Platform
 * API for `Range: version ..; max=N, order=desc`, default 15, so `--json` lists the newest release
 * first and `--num=1` is the newest one; the probes read that order.
 */
import type { Finding } from '../model/finding.js';
import type { Check, Command } from '../model/plan.js';
import * as probes from '../probes/heroku.js';
import {
  Drivers,
  durationModel,
  evidenceOfSetting,
  hazard,
  input,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  settingOf,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const RELEASE = 'HEROKU_RELEASE';
/** Web dynos must bind their port within 60 s (R10 boot timeout). */
const BOOT_TIMEOUT = 60;
/** Release phase commands are killed after one hour. */
const RELEASE_PHASE_LIMIT = 3600;

function appName(ctx: PlatformContext): string {
  return resourceName(ctx, ctx.workload?.heroku?.appName, 'app', 'appName');
}

function history(ctx: PlatformContext): Command {
  return read('heroku', 'releases', `--app=${appName(ctx)}`);
}

function status(ctx: PlatformContext): Command {
  return read('heroku', 'ps', `--app=${appName(ctx)}`);
}

/** Where the real value of each assumed driver is set or measured. */
const WHERE: Readonly<Record<string, string>> = {
  'dyno restart (estimate)':
    'in no file: the boot time of the web process on a past deploy (heroku logs --ps web: from "State changed from starting" to "State changed from starting to up")',
  'boot timeout': `Heroku's R10 limit (web dynos must bind $PORT within ${BOOT_TIMEOUT}s), in no repository file: Heroku support can raise it per app`,
  'release phase limit':
    "Heroku's limit on a release command, in no repository file; the release phase's real duration: heroku releases:output -a APP of a past release",
  preboot:
    'an app feature, in no repository file: heroku features -a APP lists preboot ([+] when on; heroku features:enable preboot -a APP turns it on)',
};

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  const restart = d.get('restartSeconds', 30, 'dyno restart (estimate)');
  d.add('boot timeout', BOOT_TIMEOUT, 'default');
  d.add('preboot', 'off (assumed)', 'default');
  const phase = d.maybe('releasePhase', 'release phase');
  const phaseE = phase ? 60 : 0;
  const phaseW = phase ? RELEASE_PHASE_LIMIT : 0;
  if (phase) d.add('release phase limit', RELEASE_PHASE_LIMIT, 'default');
  return durationModel(
    restart + phaseE,
    restart + BOOT_TIMEOUT + phaseW,
    d,
    `${phase ? `release phase (${phase}) ~60s, up to Heroku's ${RELEASE_PHASE_LIMIT}s limit, then ` : ''}dyno restart ${restart}s; worst case adds the ${BOOT_TIMEOUT}s web boot timeout. Without preboot the web dynos stop before the new ones start (requests queue meanwhile); with preboot on, the new dynos boot beside the old ones and routing switches only after they are up`,
  );
}

/** The releases (JSON) list the target release as succeeded, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('heroku', 'releases', `--app=${appName(ctx)}`, '--json', '--num=50'),
    probes.herokuReleases,
    { var: RELEASE },
  );
}

/** The newest release's status (pending while its release phase runs), read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('heroku', 'releases', `--app=${appName(ctx)}`, '--json', '--num=1'),
    probes.herokuLatestRelease,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const app = appName(ctx);
  const d = duration(ctx);
  const step = timedStep(d, {
    id: 'heroku-rollback',
    title: `Roll Heroku app ${app} back to the chosen release`,
    commands: [run('heroku', 'releases:rollback', `--app=${app}`, { var: RELEASE })],
    // the release, not the dynos: a crash after boot shows in the recovery signals
    check: probeCheck(
      read('heroku', 'releases', `--app=${app}`, '--json', '--num=5'),
      probes.herokuRolledBack,
      { var: RELEASE },
      120,
      2,
    ),
    onFailure: `If the release phase fails, the rollback release is not deployed and the bad one keeps running: read heroku releases:output -a ${app}. If dynos crash on the target, pick the previous good release or escalate; use heroku maintenance:on -a ${app} if errors hurt users meanwhile.`,
  });
  return rollbackOf(
    true,
    `heroku releases:rollback creates a new release of ${app} with the chosen release's slug and config vars in one command.`,
    [step],
    [input(RELEASE, `Release of ${app} to return to (vNN)`, history(ctx))],
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const app = appName(ctx);
  const phase = settingOf(ctx, 'releasePhase');
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'heroku-addons-not-reverted',
      kind: 'external',
      severity: 'info',
      subject: `app ${app}`,
      message: `heroku releases:rollback restores code and config vars of ${app} only: add-ons, their plans and the data in them (Postgres, Redis) stay as they are.`,
      mitigation: `Restore add-on data separately when needed (heroku pg:backups / Postgres rollback for ${app}), with the data-rollback authority.`,
      appRollbackSafe: null,
      revertLossless: null,
    }),
  ];
  if (phase) {
    out.push(
      hazard(ctx, {
        rule: 'heroku-release-phase-reruns',
        kind: 'schema',
        severity: 'warning',
        subject: `app ${app}`,
        message: `The release phase of ${app} (${phase.value}) runs again on rollback, with the OLD code: it does not undo what the bad release migrated, and a non-idempotent task runs twice.`,
        mitigation: `Make ${app}'s release command idempotent and its migrations backward compatible (expand/contract); undo schema changes as a separate, gated data step.`,
        appRollbackSafe: null,
        revertLossless: null,
        evidence: evidenceOfSetting(ctx, phase),
      }),
    );
  }
  return out;
}

export const heroku: Platform = {
  id: 'heroku',
  title: 'Heroku',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
