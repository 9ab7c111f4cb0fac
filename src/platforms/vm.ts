/**
 * VM / bare metal with symlinked releases (Capistrano-style DEPLOY_DIR/{current,releases,shared})
 * and a systemd unit. `ln -sfn` alone is not atomic (unlink + symlink): the swap is
 * `ln -s TARGET current.tmp` then `mv -T current.tmp current` (rename(2) is atomic), both run
 * inside the deploy directory with `env -C`, then `systemctl restart UNIT`.
 * Commands run on the host (named in the step titles); rollbook never wraps them in ssh, whose
 * remote shell would re-parse the arguments. `env -C DIR` needs GNU coreutils 8.28 or later.
 *
 * Fact keys (typed facts, else deploy.target): host, deployTo / deployDir (directory holding current and releases; else the
 * parent of releasesDir; unknown → operator input DEPLOY_DIR), releasesDir (default
 * DEPLOY_DIR/releases; used relative to the deploy directory when inside it), unit (systemd unit; unknown → operator input SYSTEMD_UNIT).
 * Settings: restartSeconds (start until active, default 5 s estimate), terminationGracePeriodSeconds
 * (TimeoutStopSec, default 90 s), startupSeconds (TimeoutStartSec, default 90 s).
 */
import { posix } from 'node:path';
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/systemd.js';
import {
  Drivers,
  durationModel,
  exitCheck,
  fact,
  fixedStep,
  hazard,
  input,
  probeCheck,
  read,
  rollbackOf,
  run,
  targetFact,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const DEPLOY_DIR = 'DEPLOY_DIR';
const UNIT = 'SYSTEMD_UNIT';
const TARGET = 'TARGET_RELEASE';

interface VmNames {
  host?: string;
  deployDir: Arg;
  /** releases directory relative to the deploy dir. */
  releases: string;
  unit: Arg;
}

function names(ctx: PlatformContext): VmNames {
  const releasesDir = fact(ctx, ctx.workload?.vm?.releasesDir, 'releasesDir');
  const deployTo =
    targetFact(ctx, 'deployTo', 'deployDir') ?? (releasesDir ? posix.dirname(releasesDir) : undefined);
  const inside = releasesDir && deployTo && releasesDir.startsWith(`${deployTo.replace(/(?<!\/)\/+$/, '')}/`);
  const releases = releasesDir
    ? inside
      ? releasesDir.slice(deployTo!.replace(/(?<!\/)\/+$/, '').length + 1)
      : releasesDir
    : 'releases';
  const host = targetFact(ctx, 'host');
  return {
    ...(host ? { host } : {}),
    deployDir: deployTo ?? { var: DEPLOY_DIR },
    releases,
    unit: fact(ctx, ctx.workload?.vm?.unit, 'unit') ?? { var: UNIT },
  };
}

function inDir(n: VmNames, ...argv: Arg[]): Arg[] {
  return ['env', '-C', n.deployDir, ...argv];
}

function on(n: VmNames): string {
  return n.host ? `On host ${n.host}: ` : 'On each host: ';
}

function history(ctx: PlatformContext): Command {
  const n = names(ctx);
  return read(...inDir(n, 'ls', '-1t', n.releases));
}

function status(ctx: PlatformContext): Command {
  return read('systemctl', 'is-active', '--', names(ctx).unit);
}

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx);
  const start = d.get('restartSeconds', 5, 'restart until active (estimate)');
  const stop = d.get('terminationGracePeriodSeconds', 90, 'TimeoutStopSec');
  const startLimit = d.get('startupSeconds', 90, 'TimeoutStartSec');
  return durationModel(
    start,
    stop + startLimit,
    d,
    `systemctl restart: stop then start, ~${start}s; worst case the unit uses its full TimeoutStopSec ${stop}s and TimeoutStartSec ${startLimit}s`,
  );
}

/** The releases directory lists the target release, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(history(ctx), probes.releaseDirs, { var: TARGET });
}

/** The unit's ActiveState and SubState, read by a probe. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read('systemctl', 'show', '--property=ActiveState,SubState', '--', names(ctx).unit),
    probes.systemdState,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const n = names(ctx);
  const d = duration(ctx);
  const inputs: Input[] = [];
  if (typeof n.unit !== 'string') {
    inputs.push(
      input(
        UNIT,
        'systemd unit that runs the service (not named in the repository)',
        read('systemctl', 'list-units', '--type=service', '--no-pager'),
      ),
    );
  }
  if (typeof n.deployDir !== 'string') {
    inputs.push(
      input(
        DEPLOY_DIR,
        'Deploy directory on the host, holding current and releases/ (not named in the repository; the unit usually runs in DEPLOY_DIR/current)',
        read('systemctl', 'show', '--property=WorkingDirectory', '--', n.unit),
      ),
    );
  }
  inputs.push(
    input(
      TARGET,
      `Release to return to, as printed by the discover command (e.g. ${n.releases}/20261120T101500)`,
      read(...inDir(n, 'find', n.releases, '-mindepth', '1', '-maxdepth', '1', '-type', 'd')),
    ),
  );
  const swap = fixedStep(2, 10, 'two filesystem calls', {
    id: 'swap-current-symlink',
    title: `${on(n)}point current at the chosen release (atomic rename, not ln -sfn)`,
    commands: [
      read(...inDir(n, 'test', '-d', { var: TARGET })),
      run(...inDir(n, 'ln', '-s', '--', { var: TARGET }, 'current.tmp')),
      run(...inDir(n, 'mv', '-T', '--', 'current.tmp', 'current')),
    ],
    check: probeCheck(read(...inDir(n, 'readlink', 'current')), probes.currentLink, { var: TARGET }, 10, 0),
    onFailure:
      'If ln fails because current.tmp exists (an earlier attempt), remove it (rm current.tmp in the deploy directory) and retry; if test -d fails, the release was pruned: pick another. current is unchanged until mv succeeds.',
  });
  const restart = timedStep(d, {
    id: 'restart-service',
    title: `${on(n)}restart the service so it runs the chosen release`,
    commands: [run('systemctl', 'restart', '--', n.unit)],
    check: exitCheck(
      read('systemctl', 'is-active', '--quiet', '--', n.unit),
      'the unit is active (exit 0); systemctl restart already waited for the start job',
      10,
      3,
    ),
    onFailure: `If the unit does not become active, read journalctl -u ${typeof n.unit === 'string' ? n.unit : UNIT} -n 100; point current back with the same two commands and restart, or escalate.`,
  });
  return rollbackOf(
    false,
    'A symlink swap (two commands, so it stays atomic) and a service restart, on every host.',
    [swap, restart],
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const n = names(ctx);
  const dir = typeof n.deployDir === 'string' ? n.deployDir : DEPLOY_DIR;
  return [
    hazard(ctx, {
      rule: 'vm-shared-dirs',
      kind: 'data',
      severity: 'warning',
      subject: `${dir}/shared`,
      message: `Files under ${dir}/shared (uploads, generated config, caches) are linked into every release: swapping current does not undo what the bad release wrote there, nor any migration it ran.`,
      mitigation: `Keep formats in ${dir}/shared readable by the previous release, and back up files the new release rewrites before deploying.`,
      appRollbackSafe: null,
      revertLossless: false,
    }),
    hazard(ctx, {
      rule: 'vm-release-pruned',
      kind: 'artifact',
      severity: 'info',
      subject: `${dir}/${n.releases}`,
      message: `Deploy tools keep only the last few releases (Capistrano keep_releases defaults to 5): the release to return to may have been deleted.`,
      mitigation: `Keep at least 5 releases in ${dir}/${n.releases} and check the target exists (ls -1t) before an incident needs it.`,
      appRollbackSafe: null,
      revertLossless: null,
    }),
  ];
}

export const vm: Platform = {
  id: 'vm',
  title: 'VM (symlinked releases + systemd)',
  history,
  status,
  statusExitCodeDecides: true,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
