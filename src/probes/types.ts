/**
 * A probe reads the output of one read-only platform command (a history or a deploy status) and
 * says pass, fail or unknown, with a note. Pure: (output, exit code, wanted value) → verdict. The
 * generated runbook pipes the command's output to `rollbook probe ID`, so each gate reads the
 * tool's real format (JSON where the tool has it) instead of a first column or an exit code.
 */
import type { Outcome } from '../model/outcome.js';
import type { PlatformId } from '../model/service.js';

export interface ProbeInput {
  /** The command's stdout and stderr, together. */
  output: string;
  /** The command's exit code. */
  exitCode: number;
  /** The wanted value (e.g. the target revision), for probes that look for one. */
  want?: string;
  /** When this run started (epoch seconds), for probes that check something was done during it. */
  since?: number;
  /**
   * This machine's clock when the output was read (epoch seconds; the same clock as `since`): with it,
   * `now - since` is the run's elapsed time, measured without trusting the other side's clock.
   */
  now?: number;
}

export interface ProbeVerdict {
  outcome: Outcome;
  /** What was read, e.g. "stalled: deployment FAILED (circuit breaker): the usual reason to roll back". */
  note: string;
  /**
   * Set only on an unknown that a person on call can settle and the tool's output never can (Argo CD's
   * history keeps no health): the question, naming what to look at. The guided runbook asks it; yes
   * passes the gate and is logged with the question, anything else stops. The outcome stays unknown:
   * nothing that reads the verdict without a person takes it as a pass.
   */
  confirm?: string;
}

export interface Probe {
  /** kebab-case id, `<tool>-<what>` (e.g. helm-history). */
  id: string;
  /** The platforms whose gates use it (none for the backup probes, which are about data stores). */
  platforms: PlatformId[];
  /** What it reads: the command, in its documented form. */
  reads: string;
  /** Where the output format is documented (cited by the probe's fixtures). */
  format: string;
  /** When it passes, in words an on-call engineer can check by eye (md and html show it). */
  passes: string;
  /** True when the probe needs a wanted value (--want). */
  wants?: boolean;
  /**
   * Set when nothing the command prints can prove a pass (e.g. a history that records no health):
   * why. Such a probe reads FAIL or UNKNOWN with the reason, never PASS.
   */
  neverPasses?: string;
  read(input: ProbeInput): ProbeVerdict;
}

export const pass = (note: string): ProbeVerdict => ({ outcome: 'pass', note });
export const fail = (note: string): ProbeVerdict => ({ outcome: 'fail', note });
export const unknown = (note: string): ProbeVerdict => ({ outcome: 'unknown', note });
/** Unknown from the output, settled by a person answering `question` (see ProbeVerdict.confirm). */
export const askPerson = (note: string, question: string): ProbeVerdict => ({
  outcome: 'unknown',
  note,
  confirm: question,
});
