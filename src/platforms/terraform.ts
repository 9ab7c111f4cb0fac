/**
 * Terraform: there is no rollback, only a reverse change — git revert → terraform plan → review →
 * terraform apply of the reviewed plan. Destroyed data is not restored.
 *
 * Fact keys (typed facts, else deploy.target): dir / workingDir (the Terraform root module; default the directory of the
 * workload's file, then deploy.manifests[0], then "."), workspace (shown in titles).
 * Settings: timeoutSeconds (worst case for an apply, default 30 min estimate).
 */
import { posix } from 'node:path';
import type { Finding } from '../model/finding.js';
import type { Check, Command } from '../model/plan.js';
import * as probes from '../probes/terraform.js';
import {
  BAD_COMMIT,
  badCommitInput,
  check,
  Drivers,
  durationModel,
  exitCheck,
  fixedStep,
  gitRevertStep,
  hazard,
  manualCheck,
  probeCheck,
  read,
  rollbackOf,
  run,
  targetFact,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const PLAN_FILE = 'rollback.tfplan';

function rootDir(ctx: PlatformContext): string {
  const at = ctx.workload?.at?.file;
  return (
    targetFact(ctx, 'dir', 'workingDir') ??
    (at ? posix.dirname(at) : undefined) ??
    ctx.service.deploy.manifests[0] ??
    '.'
  );
}

function tf(ctx: PlatformContext, ...argv: string[]): string[] {
  return ['terraform', `-chdir=${rootDir(ctx)}`, ...argv];
}

function history(ctx: PlatformContext): Command {
  return read('git', 'log', '--oneline', '-n', '20', '--', rootDir(ctx));
}

/** Exit 0 = infrastructure matches the code, 2 = changes pending, 1 = error. */
function status(ctx: PlatformContext): Command {
  return read(...tf(ctx, 'plan', '-detailed-exitcode', '-input=false'));
}

/** Where the real value of each assumed driver is set or measured. */
const WHERE: Readonly<Record<string, string>> = {
  'apply (estimate)':
    "in no file: the duration of a past terraform apply of this root module (the pipeline's log, or the run history of Terraform Cloud / the remote backend)",
  'apply worst case':
    "the timeouts { create / update / delete } blocks of the changed resources in the .tf files (else each provider's default), plus the waits those resources do: aws_ecs_service wait_for_steady_state, aws_autoscaling_group wait_for_capacity_timeout and health_check_grace_period, a target group's deregistration_delay; lifecycle { create_before_destroy = true } makes a replacement create the new object before destroying the old one",
};

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  d.add('apply (estimate)', 120, 'default');
  const timeout = d.get('timeoutSeconds', 1800, 'apply worst case');
  return durationModel(
    120,
    timeout,
    d,
    `terraform apply of the reverse change ~120s (depends on the resources changed); worst case ${timeout}s`,
  );
}

/**
 * The commit to revert exists in this clone and is a commit: rev-list peels a tag to its commit and
 * prints nothing for a tree or blob (`rev-parse --verify` would print any object's id); the trailing
 * `--` keeps a name that is also a file from being read as a path.
 */
function revisionCheck(_ctx: PlatformContext): Check {
  return probeCheck(
    read('git', 'rev-list', '--no-walk', '--max-count=1', '--end-of-options', { var: BAD_COMMIT }, '--'),
    probes.gitCommit,
    { var: BAD_COMMIT },
  );
}

/** No other terraform run holds the state lock (plan without waiting for it). */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(
    read(...tf(ctx, 'plan', '-detailed-exitcode', '-input=false', '-lock-timeout=0s')),
    probes.terraformLock,
    undefined,
    600,
    0,
  );
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const dir = rootDir(ctx);
  const d = duration(ctx);
  const workspace = targetFact(ctx, 'workspace');
  const where = `${dir}${workspace ? ` (workspace ${workspace})` : ''}`;
  const steps = [
    gitRevertStep('git-revert', `the Terraform pipeline for ${where}`, dir),
    fixedStep(60, 600, 'init + plan: provider downloads and refresh of the resources', {
      id: 'terraform-plan',
      title: `Plan the reverse change in ${where}`,
      commands: [
        run(...tf(ctx, 'init', '-input=false')),
        run(...tf(ctx, 'plan', '-input=false', `-out=${PLAN_FILE}`)),
      ],
      check: check(
        read(...tf(ctx, 'show', PLAN_FILE)),
        'a saved plan exists and shows only the reverse of the bad change',
        120,
      ),
      onFailure:
        'If plan fails (state lock, drift, provider error), stop: do not apply anything; fix the cause with the infrastructure owner.',
    }),
    fixedStep(300, 1800, 'human review of the plan', {
      id: 'terraform-review',
      title: 'Review the plan: no destroy or replace (-/+) of anything holding data',
      commands: [read(...tf(ctx, 'show', PLAN_FILE))],
      check: manualCheck(
        'the reviewer confirms: no data-holding resource is destroyed or replaced, and only the bad change is reversed',
        1800,
      ),
      onFailure: `If the plan destroys or replaces stateful resources, stop: this is a data change needing the data-rollback authority, a backup and a verification gate; discard ${PLAN_FILE}.`,
    }),
    timedStep(d, {
      id: 'terraform-apply',
      title: `Apply the reviewed plan in ${where}`,
      commands: [run(...tf(ctx, 'apply', '-input=false', PLAN_FILE))],
      check: exitCheck(
        status(ctx),
        'terraform plan -detailed-exitcode exits 0: no changes pending (2: changes pending, 1: error)',
        600,
        0,
      ),
      onFailure:
        'If apply fails midway, do not retry blindly: run terraform plan again, read what was applied, and fix forward with the infrastructure owner; partial applies are not rolled back.',
    }),
  ];
  return rollbackOf(
    false,
    'Terraform has no rollback: the reverse change is a git revert, a new plan, a review and an apply.',
    steps,
    [badCommitInput(dir)],
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const dir = rootDir(ctx);
  return [
    hazard(ctx, {
      rule: 'terraform-no-rollback',
      kind: 'config',
      severity: 'warning',
      subject: `terraform ${dir}`,
      message: `Terraform in ${dir} has no rollback: reverting means a new plan and apply, which can destroy or replace resources, and resources it destroyed are not restored with their data.`,
      mitigation: `Review every reverse plan for destroy/replace in ${dir}; set lifecycle { prevent_destroy = true } on data-holding resources and keep backups of them.`,
      appRollbackSafe: null,
      revertLossless: false,
    }),
  ];
}

export const terraform: Platform = {
  id: 'terraform',
  title: 'Terraform',
  history,
  status,
  statusExitCodeDecides: true,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
