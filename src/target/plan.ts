/**
 * The targeted rollback, planned: pure and synchronous. Both paths are designs of the ordinary
 * planner (so the gates, the data rule and the durations are the design's own):
 * - rollback: the platform's rollback from `from` to the commit before the suspect (its window
 *   crosses the suspect and the collateral);
 * - revert: the design of undoing the suspect alone (its window is the suspect), with the platform
 *   rollback steps replaced by a revert commit built and deployed by the pipeline, and without the
 *   gates about an old artifact (the revert is a new build).
 */

import { RollbookError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Gate, Plan, Step } from '../model/plan.js';
import type { Service, Unknown } from '../model/service.js';
import type {
  RevertTest,
  Suspect,
  TargetCommit,
  TargetPath,
  TargetRecommendation,
  TargetReport,
} from '../model/target.js';
import { gateSeconds, RECOVERY_STEP_ID } from '../planner/aftermath.js';
import { GATE_IDS } from '../planner/gates.js';
import { guidedPlanCommand, planRollback, selectionArgs } from '../planner/index.js';
import { stableRef } from '../planner/window.js';
import { cmp } from '../util/order.js';
import { shellQuote } from '../util/shell.js';

export interface TargetInput {
  from: TargetReport['from'];
  suspect: Suspect;
  revertTest: RevertTest;
  collateral: TargetCommit[];
  /** The service read with the window base → from (what a platform rollback crosses). */
  rollback: { service: Service; findings: Finding[] };
  /** The service read with the window base → suspect head (what undoing the suspect crosses). */
  suspectOnly: { service: Service; findings: Finding[] };
  /** Commits listed without their changes (beyond the detail cap). */
  undetailed: number;
}

/** Steps the planner adds around the platform's own rollback steps. */
const PLANNER_STEPS = new Set([
  'declare-and-freeze',
  'try-kill-switch',
  'take-backup',
  'revert-schema-first',
  'revert-schema-if-needed',
  'reconcile-data',
  'reconcile-data-after-rollback',
  'protect-queues',
  'purge-new-format-cache-entries',
  RECOVERY_STEP_ID,
]);

/** Gates about the old version's artifact and history: a revert deploys a new build instead. */
const OLD_VERSION_GATES = new Set<string>([GATE_IDS.targetExists, GATE_IDS.artifact]);

/** CI and image build of the revert commit, when nothing recorded says otherwise. */
const PIPELINE = { expected: 600, max: 2700 };

const manual = (text: string): Command => ({ argv: [], readOnly: true, manual: text });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const minutes = (s: number) => Math.max(1, Math.round(s / 60));

/** The suspect in a few words: "a1b2c3d fix totals" or "3 commits a1b2c3d..e4f5a6b". */
export function suspectLabel(s: Suspect): string {
  const only = s.commits.length === 1 ? s.commits[0] : undefined;
  return only
    ? `${only.short} "${only.subject}"`
    : `${plural(s.commits.length, 'commit')} ${s.base.short}..${s.head.short}`;
}

/** The command that reverts the suspect in a local clone (for a person to run, then review and merge). */
export function revertCommand(s: Suspect): Command {
  const only = s.commits.length === 1 ? s.commits[0] : undefined;
  if (only)
    return {
      argv: ['git', 'revert', '--no-edit', ...(only.merge ? ['-m', '1'] : []), only.commit],
      readOnly: false,
    };
  return { argv: ['git', 'revert', '--no-edit', `${s.base.commit}..${s.head.commit}`], readOnly: false };
}

/** The one command that starts the guided runbook of a path. */
function guidedCommand(input: TargetInput, path: TargetPath): string {
  const from = stableRef(input.from);
  return `rollbook target --suspect ${shellQuote(input.suspect.ref)} --from ${shellQuote(from)}${selectionArgs(input.rollback.service)} --path ${path} --format sh --out target.sh && bash target.sh`;
}

/** The design with the targeted command in place of `rollbook plan`'s guided one. */
function withGuided(plan: Plan, service: Service, command: string): Plan {
  const planned = guidedPlanCommand(service);
  const trigger = plan.trigger.oneCommand
    ? { ...plan.trigger, why: plan.trigger.why.replaceAll(planned, command) }
    : { ...plan.trigger, command, why: plan.trigger.why.replaceAll(planned, command) };
  return { ...plan, trigger };
}

/** The inputs a plan still uses (its steps, gates and checks, and what their discover commands need). */
function usedInputs(plan: Plan): Plan['inputs'] {
  const vars = new Set<string>();
  const args = (list: (Arg | undefined)[]) => {
    for (const a of list) if (a !== undefined && typeof a !== 'string') vars.add(a.var);
  };
  const check = (k: Check) => {
    args(k.command?.argv ?? []);
    args([k.listsRevision, k.schemaVersion?.target, k.freshFile, k.probe?.want]);
  };
  for (const s of plan.runbook) {
    for (const c of s.commands) args(c.argv);
    check(s.check);
  }
  for (const g of plan.gates) {
    for (const c of g.prepare ?? []) args(c.argv);
    check(g.check);
  }
  for (const k of plan.verification.checks) check(k);
  for (let size = -1; size !== vars.size; ) {
    size = vars.size;
    for (const i of plan.inputs) if (vars.has(i.name)) args(i.discover?.argv ?? []);
  }
  return plan.inputs.filter((i) => vars.has(i.name));
}

function sum(steps: Step[], key: 'expectedSeconds' | 'maxSeconds'): number {
  return steps.filter((s) => key === 'maxSeconds' || !s.conditional).reduce((n, s) => n + s[key], 0);
}

function gateSum(gates: Gate[], key: 'expected' | 'max'): number {
  return gates.reduce((n, g) => n + gateSeconds(g)[key], 0);
}

/** The revert path: the suspect-only design with a revert commit and a pipeline deploy as its app steps. */
function revertPath(input: TargetInput): Plan {
  const design = planRollback(input.suspectOnly.service, input.suspectOnly.findings);
  const { suspect, from } = input;
  const platformSteps = design.runbook.filter((s) => !PLANNER_STEPS.has(s.id));
  const at = design.runbook.findIndex((s) => !PLANNER_STEPS.has(s.id));
  const gates = design.gates.filter((g) => !OLD_VERSION_GATES.has(g.id));
  const kept = new Set(gates.map((g) => g.id));
  const keep = (ids: string[]) => ids.filter((id) => kept.has(id));
  const pipeline = input.suspectOnly.service.deploy.pipeline;
  const status = design.runbook
    .find((s) => s.id === RECOVERY_STEP_ID)
    ?.commands.find((c) => c.argv.length > 0 && c.readOnly);
  const rollout = { expected: sum(platformSteps, 'expectedSeconds'), max: sum(platformSteps, 'maxSeconds') };
  const revert = revertCommand(suspect);
  const migrationFiles = suspect.contains.migrations.map((m) => `${m.version} (${m.file})`);
  const revertStep: Step = {
    id: 'revert-suspect',
    title: `Revert the suspect in git: ${suspectLabel(suspect)}`,
    commands: [
      revert,
      ...(migrationFiles.length > 0
        ? [
            manual(
              `The revert deletes migration ${migrationFiles.join(', ')}: the data step reverts the schema first, so the files and the database agree. If the schema must stay, keep those files in the revert (restore them from ${suspect.head.short}) and fix forward with a new migration.`,
            ),
          ]
        : []),
      manual(
        `Push the revert as a pull request against the branch that deployed ${from.short} (${from.ref}), get it reviewed and merged.`,
      ),
    ],
    expectedSeconds: 300,
    maxSeconds: 1800,
    check: {
      command: { argv: ['git', 'show', '--stat', '--oneline', 'HEAD'], readOnly: true },
      expect: "the merged revert commit changes exactly the suspect's files and nothing else",
      timeoutSeconds: 1800,
      retries: 0,
      manual: true,
    },
    onFailure: `If the revert does not apply or review finds more to undo, stop this path: take the platform rollback path instead (it undoes the suspect with ${plural(input.collateral.length, 'other commit')}).`,
    touchesData: false,
    requiresGates: [],
    durationBasis: 'revert, push and review (assumed 5 min, worst 30 min)',
  };
  const deployStep: Step = {
    id: 'deploy-revert',
    title: `Build and deploy the revert${pipeline ? ` with ${pipeline}` : ' through the pipeline'}`,
    commands: [
      manual(
        `Let ${pipeline ?? 'the deploy pipeline'} build and deploy the revert commit (only the revert: the freeze holds for everything else). Do not skip its checks.`,
      ),
    ],
    expectedSeconds: PIPELINE.expected + rollout.expected,
    maxSeconds: PIPELINE.max + rollout.max,
    check: {
      ...(status ? { command: status } : {}),
      expect: 'the pipeline finished and the rollout of the revert is complete',
      timeoutSeconds: PIPELINE.max + rollout.max,
      retries: 0,
      manual: true,
    },
    onFailure:
      'If the build or the rollout fails, do not retry blindly: take the platform rollback path (it does not need a build).',
    touchesData: false,
    requiresGates: keep(platformSteps[0]?.requiresGates ?? [GATE_IDS.noDeploy]),
    durationBasis: `CI and image build (assumed ${minutes(PIPELINE.expected)} min, worst ${minutes(PIPELINE.max)} min) + the rollout (${minutes(rollout.expected)} min, worst ${minutes(rollout.max)} min, the platform's duration model)`,
  };
  const before =
    at < 0 ? design.runbook.filter((s) => s.id !== RECOVERY_STEP_ID) : design.runbook.slice(0, at);
  const after = design.runbook
    .slice(at < 0 ? design.runbook.length - 1 : at)
    .filter((s) => PLANNER_STEPS.has(s.id));
  const runbook = [...before, revertStep, deployStep, ...after].map((s) => {
    const st = { ...s, requiresGates: keep(s.requiresGates) };
    if (s.id !== 'declare-and-freeze') return st;
    return {
      ...st,
      title: 'Declare the targeted revert and freeze every other deploy',
      commands: [
        s.commands[0] ?? manual('Post the "identified" update.'),
        manual(
          `Freeze merges and deploys of anything but the revert${pipeline ? ` in ${pipeline}` : ''}: the pipeline must stay open for the revert itself.`,
        ),
      ],
      check: { ...s.check, expect: 'the update is posted and every merge but the revert is frozen' },
    };
  });
  // the design's time, with the platform steps and the old-version gates swapped for the revert's
  const time = (key: 'expectedSeconds' | 'maxSeconds', gateKey: 'expected' | 'max') =>
    design.estimate[key] -
    sum(platformSteps, key) -
    gateSum(design.gates, gateKey) +
    gateSum(gates, gateKey) +
    revertStep[key] +
    deployStep[key];
  const expectedSeconds = time('expectedSeconds', 'expected');
  const maxSeconds = time('maxSeconds', 'max');
  const unknowns: Unknown[] = [...design.unknowns];
  const laterMigrations = input.collateral.flatMap((c) => c.migrations);
  if (suspect.contains.migrations.length > 0 && laterMigrations.length > 0)
    unknowns.push({
      subject: 'migrations after the suspect',
      reason: `${plural(laterMigrations.length, 'migration')} (${laterMigrations.map((m) => m.version).join(', ')}) came after the suspect's: migration tools revert newest first, so reverting the suspect's schema with the tool also reverts them. Prefer a new forward migration that undoes only the suspect's change.`,
    });
  const rest = design.window.summary.replace(/^[^:]*:\s*/, '');
  const plan: Plan = {
    ...design,
    window: {
      ...design.window,
      summary: `Reverting the suspect ${suspectLabel(suspect)} on top of ${from.short} (${from.ref}): ${rest}`,
      from: { ref: from.ref, commit: from.commit, how: from.how },
      to: {
        ref: suspect.base.short,
        commit: suspect.base.commit,
        how: "the commit before the suspect: the revert restores the suspect's files to it",
      },
    },
    runbook,
    gates,
    trigger: { ...design.trigger, oneCommand: false },
    estimate: {
      ...design.estimate,
      expectedSeconds,
      maxSeconds,
      drivers: [
        {
          name: 'CI build and deploy of the revert',
          value: `${minutes(PIPELINE.expected)} min (worst ${minutes(PIPELINE.max)} min)`,
          source: 'default',
        },
        ...design.estimate.drivers,
      ],
      comparison: `Revert and redeploy: ~${minutes(expectedSeconds)} min expected, ${minutes(maxSeconds)} min worst case until the revert is live (the CI build is assumed: record the pipeline's real duration in history.pastRollbacks).`,
    },
    unknowns,
  };
  return withGuided(
    { ...plan, inputs: usedInputs(plan) },
    input.suspectOnly.service,
    guidedCommand(input, 'revert'),
  );
}

function collateralWords(collateral: TargetCommit[]): string {
  const migrations = collateral.flatMap((c) => c.migrations);
  const flags = collateral.reduce(
    (n, c) => n + c.flags.added.length + c.flags.removed.length + c.flags.defaultChanged.length,
    0,
  );
  const parts = [plural(collateral.length, 'other commit')];
  if (migrations.length > 0) parts.push(plural(migrations.length, 'migration'));
  if (flags > 0) parts.push(plural(flags, 'flag change'));
  return parts.join(', ');
}

function recommend(input: TargetInput, revert: Plan | undefined, rollback: Plan): TargetRecommendation {
  const { suspect, collateral, revertTest } = input;
  const flagFirst = [
    ...new Set([...suspect.contains.flags.added, ...suspect.contains.flags.defaultChanged]),
  ].sort(cmp);
  const reasons: string[] = [];
  if (flagFirst.length > 0)
    reasons.push(
      `The suspect adds or re-defaults ${flagFirst.join(', ')}: turn ${flagFirst.length === 1 ? 'it' : 'them'} off first, on either path. A flag flip takes seconds and redeploys nothing.`,
    );
  const rb = `~${minutes(rollback.estimate.expectedSeconds)} min`;
  let path: TargetPath;
  if (!revert) {
    path = 'rollback';
    reasons.push(
      `Reverting only the suspect conflicts in ${plural(revertTest.conflicts.length, 'file')} (${revertTest.conflicts.join(', ')}): it cannot be undone alone until someone resolves them. The platform rollback to ${suspect.base.short} (${rb}) undoes it, with ${collateralWords(collateral)}.`,
    );
  } else if (collateral.length === 0) {
    path = 'rollback';
    reasons.push(
      `Nothing came after the suspect: the platform rollback to ${suspect.base.short} undoes exactly the suspect, in ${rb} against ~${minutes(revert.estimate.expectedSeconds)} min for a revert and redeploy. Revert it in git afterwards, so the next deploy does not bring it back.`,
    );
  } else {
    path = 'revert';
    reasons.push(
      `A platform rollback to ${suspect.base.short} would also undo ${collateralWords(collateral)} (see collateral). The revert undoes only the suspect: ~${minutes(revert.estimate.expectedSeconds)} min against ${rb} for the rollback.`,
    );
  }
  if (suspect.contains.migrations.length > 0) {
    const chosen = path === 'revert' && revert ? revert : rollback;
    const lossy = chosen.hazards.some((h) => h.migration !== undefined && h.revertLossless === false);
    reasons.push(
      `The suspect adds ${plural(suspect.contains.migrations.length, 'migration')} (${suspect.contains.migrations.map((m) => m.version).join(', ')}): either path has a data step, behind the backup and verification gates${lossy ? ', and reverting the schema loses data (see the hazards)' : '; its revert loses no data the design can see'}.`,
    );
  }
  return { path, flagFirst, reasons };
}

/** The targeted rollback report (pure): both paths, the collateral and the recommendation. */
export function planTarget(input: TargetInput): TargetReport {
  const rollbackDesign = planRollback(input.rollback.service, input.rollback.findings);
  const collateralUnknowns: Unknown[] =
    input.undetailed > 0
      ? [
          {
            subject: 'collateral',
            reason: `${plural(input.undetailed, 'commit')} of the collateral are listed without their changes (only the first commits are read in detail): read them with git log before choosing the rollback path.`,
          },
        ]
      : [];
  const rollback = withGuided(
    { ...rollbackDesign, unknowns: [...rollbackDesign.unknowns, ...collateralUnknowns] },
    input.rollback.service,
    guidedCommand(input, 'rollback'),
  );
  const revert = input.revertTest.clean ? revertPath(input) : undefined;
  return {
    readOnly: true,
    from: input.from,
    suspect: input.suspect,
    revertable: input.revertTest.clean,
    conflicts: input.revertTest.conflicts,
    revertTest: input.revertTest,
    collateral: input.collateral,
    recommendation: recommend(input, revert, rollback),
    paths: revert ? { revert, rollback } : { rollback },
  };
}

/** The path the renderers show in full when one must be chosen (html, sh). */
export function chosenPlan(report: TargetReport, path?: TargetPath): Plan {
  const p = path ?? report.recommendation.path;
  if (p === 'revert' && !report.paths.revert)
    throw new RollbookError(
      'USAGE',
      `--path revert: reverting only the suspect conflicts in ${report.conflicts.join(', ')}, so there is no revert path`,
      'Use --path rollback (the platform rollback to the commit before the suspect), or resolve the conflicts in a revert by hand.',
    );
  return p === 'revert' ? (report.paths.revert as Plan) : report.paths.rollback;
}
