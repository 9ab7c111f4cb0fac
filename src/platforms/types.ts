import type { Finding } from '../model/finding.js';
import type { Check, Command, DurationDriver, Input, Step } from '../model/plan.js';
import type { PlatformId, Service, Workload } from '../model/service.js';

/** What a platform module is given: the service and the workload being rolled back (if known). */
export interface PlatformContext {
  service: Service;
  workload?: Workload;
}

export interface DurationModel {
  expectedSeconds: number;
  maxSeconds: number;
  /** Every value that drove the numbers, with where it came from (manifest or platform default). */
  drivers: DurationDriver[];
  /** The formula in words, e.g. "4 batches × (pull 20s + ready 15s + minReady 10s)". */
  basis: string;
}

/** A platform's rollback, as the steps a person runs. Steps here never touch data. */
export interface PlatformRollback {
  /** True only when one command really does the whole rollback. */
  oneCommand: boolean;
  /** Why not one command, or what the one command does. */
  why: string;
  /** The command that starts it (the first command of the sequence when not one command). */
  command: Command;
  /** Ordered steps (without gates: the planner adds them). */
  steps: Omit<Step, 'requiresGates' | 'touchesData'>[];
  /** Runtime values the steps reference via `{ var }`. */
  inputs: Input[];
}

export interface Platform {
  id: PlatformId;
  title: string;
  /** Read-only command that lists the revisions to roll back to. */
  history(ctx: PlatformContext): Command;
  /** Read-only command that waits for / reports the rollout status. */
  status(ctx: PlatformContext): Command;
  /**
   * Read-only check that the history lists the target revision (the revision the rollback step
   * asks for), reading the history's output: it fails when the revision is absent.
   */
  revisionCheck?(ctx: PlatformContext): Check;
  /**
   * One read-only look (no waiting) at whether a deploy is in progress, telling progressing (fail)
   * from complete and stalled (both pass; a stall is the usual reason to roll back).
   */
  deployStateCheck?(ctx: PlatformContext): Check;
  /**
   * The check that the rollout is complete, where the status command's exit code cannot say it (an
   * OnDelete StatefulSet's counts are compared by a probe). Absent: the status command's exit code.
   */
  doneCheck?(ctx: PlatformContext): Check | undefined;
  rollback(ctx: PlatformContext): PlatformRollback;
  duration(ctx: PlatformContext): DurationModel;
  /** What this mechanism does not undo, specialised to the service (built-in hazards). */
  hazards(ctx: PlatformContext): Finding[];
}
