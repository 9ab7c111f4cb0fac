import type { Finding } from './finding.js';
import type { ReleaseChange, TargetSchema } from './release.js';
import type { Evidence, PastRollback, PlatformId, SignalOp, Unknown } from './service.js';

/**
 * One argument of a command. A plain string is a literal (quoted when rendered as shell);
 * `{ var }` is a value the operator supplies at run time (e.g. the target revision), rendered
 * as a quoted shell variable expansion.
 */
export type Arg = string | { var: string };

export interface Command {
  argv: Arg[];
  /** True when the command only reads (status, history, queries). */
  readOnly: boolean;
  /** A manual action with no command (e.g. "click Rollback in the Argo CD UI"); argv is then empty. */
  manual?: string;
  /**
   * Run the command again until the step's check passes, at most this many times (a tool that
   * reverts one migration per run, e.g. `dbmate rollback`). The check runs before each run, so a
   * schema already at the target runs nothing.
   */
  repeatUntilCheck?: number;
}

/** How a check reads its command's output (stdout and stderr together): the first rule that matches decides. */
export interface OutputRule {
  /** Text the output contains. */
  contains: string;
  /** pass; fail; or accept: passes only when the people named in the check's acceptance type it. */
  result: 'pass' | 'fail' | 'accept';
  /** What this outcome means, shown and logged (e.g. "stalled: the rollout exceeded its progress deadline"). */
  note: string;
}

/**
 * The line `migrations verify` prints when every failing down restores the schema and only loses data:
 * the one failure the data owner may accept. (A contract between the verify report and the runbook.)
 */
export const VERIFY_LOSS_ONLY = 'data loss only:';

/**
 * The line `migrations verify` prints when its outcome is pass (every crossed down restores the schema
 * and keeps the seeded rows, or there is no down to run): what the data-step gate reads as a pass.
 */
export const VERIFY_PASSED = 'verified:';

/**
 * A probe that reads the check command's output (`rollbook probe ID [--want VALUE]`, src/probes/): it
 * parses the tool's real format and says pass, fail or unknown; unknown never passes.
 */
export interface ProbeRef {
  id: string;
  /** The value it looks for (e.g. the target revision). */
  want?: Arg;
  /** The run's start time is passed too (`--since`): what it checks must have happened during this run. */
  since?: boolean;
}

/** What must be accepted, by whom, before an `accept` outcome passes. */
export interface Acceptance {
  /** Who may accept (roles). */
  by: string[];
  /** What is lost, one line each (e.g. the lossy downs the rollback crosses). */
  losses: string[];
}

/** The check that must pass before moving on. */
export interface Check {
  command?: Command;
  /** What the check must show, in words an on-call engineer can compare against. */
  expect: string;
  /** When set, the check passes if stdout contains this text (exit code 0 always required). */
  expectOutput?: string;
  /** Output rules read before the exit code (first match wins); without a match the exit code decides. */
  outcomes?: OutputRule[];
  /** Extended regular expressions each of which must match a line of the output (e.g. the tables a backup lists). */
  expectLines?: string[];
  /** The output is read by this probe (its verdict decides, whatever the exit code). */
  probe?: ProbeRef;
  /** The output is a revision history (first column the revision): it must list this revision. */
  listsRevision?: Arg;
  /** The output is the migration tool's status: its version must equal `target` and not be dirty. */
  schemaVersion?: { tool: string; target: Arg };
  /** This file must have been written during this run and be non-empty (checked before the command). */
  freshFile?: Arg;
  /** For `accept` outcomes. */
  acceptance?: Acceptance;
  timeoutSeconds: number;
  retries: number;
  /** A manual check the operator confirms (y/N). */
  manual?: boolean;
  /**
   * The command's exit code alone proves the check: it fails when the condition is not met (a waiter
   * such as `kubectl rollout status`, `aws ecs wait`, `argocd app wait`, `systemctl is-active`). A
   * read-only command check with neither this nor a reader of its output (rules, probe, revision,
   * version, lines) proves nothing by exiting 0: the person on call reads it (renderers/check-text.ts
   * readByPerson).
   */
  exitCodeDecides?: boolean;
  /**
   * The check is a watch: it is read after waiting this long (the trigger signals after a kill
   * switch). The wait is not the step's duration; the estimate counts it on the path to the next step.
   */
  watchSeconds?: number;
}

export interface Step {
  id: string;
  title: string;
  commands: Command[];
  expectedSeconds: number;
  maxSeconds: number;
  check: Check;
  /** The abort path when the check fails. */
  onFailure: string;
  /** The step changes data or schema: the data rule applies. */
  touchesData: boolean;
  /** Ids of gates that must pass before this step runs. */
  requiresGates: string[];
  /** What drove the duration numbers. */
  durationBasis?: string;
  /**
   * The step runs only under a condition stated in its title (e.g. "only if the compatibility gate
   * failed", "try the kill switch first"): the expected time leaves it out, the worst case counts it.
   */
  conditional?: boolean;
  /**
   * When the check passes, the incident is mitigated and the rollback stops here (a kill switch that
   * worked): this text says what to do instead. When the check does not pass, the runbook continues.
   */
  stopWhenCheckPasses?: string;
}

export type GateStatus = 'pass' | 'fail' | 'unknown';

export interface Gate {
  id: string;
  title: string;
  /** backup and verification gates are what the data rule requires. */
  kind:
    | 'artifact'
    | 'history'
    | 'compatibility'
    | 'migration'
    | 'backup'
    | 'verification'
    | 'state'
    | 'access';
  check: Check;
  blocking: boolean;
  /** Commands a person runs to satisfy the gate (e.g. take the backup), shown before the check. */
  prepare?: Command[];
  status?: GateStatus;
  /** Why the status is what it is. */
  reason?: string;
  /**
   * Set when nothing rollbook designs can check this gate (e.g. no deploy mechanism is known): what
   * would check it. A blocking gate with it cannot be proven, so the design's outcome is unknown.
   */
  prove?: string;
  evidence?: Evidence[];
}

export interface Criterion {
  signal: string;
  /** The condition that calls for a rollback, e.g. "error-ratio > 0.02 for 5m" (never a success condition). */
  condition: string;
  query?: string;
  /** The rollback direction: `value op threshold` calls for a rollback. Absent when unknown. */
  op?: SignalOp;
  threshold?: number;
  forSeconds?: number;
  /** Only within this many minutes of a deploy. */
  withinMinutesOfDeploy: number;
  source: string;
  at?: Evidence;
}

export interface Trigger {
  criteria: Criterion[];
  authorized: string[];
  /** The display form of the one command (or the first command of the sequence). */
  command: string;
  /** False whenever the data rule applies or the platform has no one-command rollback. */
  oneCommand: boolean;
  /** Why it is or is not one command. */
  why: string;
}

/** The opposite of a trigger criterion, held for the verification window: the signal has recovered. */
export interface Recovery {
  signal: string;
  /** e.g. "error-ratio <= 0.02 for 10m". */
  condition: string;
  query?: string;
  /** The healthy direction: `value op threshold` for the whole window. */
  op?: SignalOp;
  threshold?: number;
  holdSeconds: number;
  source: string;
  at?: Evidence;
}

export interface Verification {
  /** Signals must stay on their healthy side this long before "resolved" (the verification window). */
  sustainSeconds: number;
  checks: Check[];
  signals: Recovery[];
}

export interface StatusUpdate {
  phase: 'identified' | 'monitoring' | 'resolved';
  /** Status-page form. */
  text: string;
  /** Short chat form. */
  chat: string;
}

export interface CommsPlan {
  channel?: string;
  statusPage: boolean;
  cadenceMinutes: number;
  dataLossStatement: string;
  updates: StatusUpdate[];
}

export interface DurationDriver {
  name: string;
  value: string;
  source: 'manifest' | 'descriptor' | 'default';
  at?: Evidence;
  /** For an assumed (default) value: where the real one is set, or how to measure it. */
  realFrom?: string;
}

export interface Estimate {
  expectedSeconds: number;
  maxSeconds: number;
  drivers: DurationDriver[];
  past: PastRollback[];
  pastMedianMinutes?: number;
  /** One sentence comparing the designed path with the past. */
  comparison: string;
}

/** A value the operator supplies at run time (referenced by `{ var }` args). */
export interface Input {
  name: string;
  description: string;
  /** A read-only command that shows the candidates. */
  discover?: Command;
  default?: string;
  /** A secret (a database URL with its password, a token): read without echo, masked in the log and on screen. */
  secret?: boolean;
}

export interface PlanService {
  name: string;
  platform: PlatformId | 'unknown';
  workload?: string;
  namespace?: string;
  owners: string[];
  descriptor?: string;
}

/** The two versions the design is about (stated at the top of every format). */
export interface PlanWindow {
  /** True when both versions are known: migration-derived claims are about the window only. */
  scoped: boolean;
  /** "Rolling back 3f2a1c (HEAD) → v2.14.0: 12 commits, 2 migrations, 1 flag change". */
  summary: string;
  from: { ref: string; commit: string; how: string };
  to?: { ref: string; commit: string; how: string };
  /** Without a window: why, and what would give one. */
  reason?: string;
  commits?: number;
  /** Migrations the rollback crosses (added since `to`), as set:version. */
  crossedMigrations: { set: string; version: string; name: string; at: Evidence }[];
  /** The schema version the target expects, per migration set (computed from git). */
  targetSchema: TargetSchema[];
  /** What changed in the window that a rollback cares about. */
  changes: ReleaseChange[];
  /** Migration files changed in the working tree, not committed: part of no release. */
  uncommitted: string[];
}

export interface Plan {
  /** The release the design is about. */
  window: PlanWindow;
  service: PlanService;
  risk: 'low' | 'high';
  /**
   * Migration sets the release crosses that nothing in the repository binds to a workload: the data
   * path is unknown (the risk is high all the same, and the design is not proven: exit 1).
   */
  dataPathUnknown?: string[];
  trigger: Trigger;
  hazards: Finding[];
  runbook: Step[];
  gates: Gate[];
  verification: Verification;
  comms: CommsPlan;
  estimate: Estimate;
  unknowns: Unknown[];
  inputs: Input[];
}
