import type { Finding, RuleMeta, Severity } from './finding.js';
import type { Evidence } from './service.js';

/**
 * `rollbook check`: one change (the working tree and the commits since a base) reviewed against
 * the next rollback. Types only.
 */

/** A file the change touches, as check classified it (migration, manifest, flags, config, workflow...). */
export interface CheckChange {
  /** Path relative to the checked directory, POSIX separators. */
  file: string;
  status: string;
  kind: string;
}

/** How sure the search of the previous version's code is. */
export type Confidence = 'high' | 'medium' | 'low';

/** Where the previous version's code uses an identifier that the change drops or renames. */
export interface PreviousVersionUse {
  /** The identifier searched for (a column or table name). */
  identifier: string;
  /** The base commit that was searched. */
  commit: string;
  /** Uses found (file:line at the base, the line as a note). Capped; `total` counts all. */
  uses: Evidence[];
  total: number;
  /** What the search covered and why it is (or is not) conclusive. */
  note: string;
  confidence: Confidence;
}

/** A finding of `check`: a rule finding, with the previous version's code where it matters. */
export interface CheckFinding extends Finding {
  previousVersion?: PreviousVersionUse;
}

/** An inline or configured ignore that silenced a finding. */
export interface IgnoredFinding {
  finding: CheckFinding;
  /** The comment (file:line) or the rollbook.yaml entry that silenced it. */
  by: Evidence;
  reason: string;
}

/** The base the change is compared with, and how it was chosen. */
export interface CheckBase {
  /** The ref as given or chosen (origin/main, GITHUB_BASE_REF, --base). */
  ref: string;
  /** Where the ref came from: "--base", "GITHUB_BASE_REF", "origin/HEAD", "main", ... */
  how: string;
  commit: string;
  /** The merge-base of the ref and HEAD: what the change is compared with. */
  mergeBase: string;
}

export type CheckOutcome = 'pass' | 'fail' | 'unknown';

export interface CheckReport {
  base: CheckBase;
  /** HEAD's commit (the working tree is checked as it is, uncommitted edits included). */
  head: string;
  /** The checked directory relative to the repository root ('' at the root); CI formats prefix it to paths. */
  pathPrefix: string;
  changes: CheckChange[];
  /** Findings on the change, after rollbook.yaml `rules` and ignores; sorted. */
  findings: CheckFinding[];
  ignored: IgnoredFinding[];
  /** Meta of every rule that can report here (for SARIF's rule list), sorted by id; `docs` when the doc is not docs/rules/<id>.md. */
  rules: (RuleMeta & { docs?: string })[];
  /** What could not be checked and why (an unknown is never a pass). */
  unknowns: { subject: string; reason: string; at?: Evidence }[];
  /** pass: nothing blocking; fail: an error finding; unknown: something blocking could not be checked. */
  outcome: CheckOutcome;
  summary: Record<Severity, number> & { ignored: number; files: number };
}
