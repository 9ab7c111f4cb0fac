/**
 * The tri-state outcome of a report (contract): pass = everything blocking was proven fine;
 * fail = a blocking finding or a failed gate; unknown = something blocking could not be proven.
 * Unknown is never pass: the CLI maps it to exit 1, like fail.
 */
export type Outcome = 'pass' | 'fail' | 'unknown';

/** A blocking check that could not be proven, and what would prove it. */
export interface Unproven {
  /** Gate or check id. */
  id: string;
  /** Why it could not be proven. */
  reason: string;
  /** What would prove it (the flag, file or fix). */
  prove: string;
}
