/**
 * The targeted rollback of one suspect change (`rollbook target --suspect REF`): what the suspect
 * contains, whether reverting only it is possible, what a platform rollback to before it would undo
 * with it (the collateral), and the two paths as designs. Types only.
 */
import type { Plan } from './plan.js';
import type { FlagChanges, ReleaseChange } from './release.js';

/** One commit, as the report lists it. */
export interface TargetCommit {
  commit: string;
  short: string;
  /** First line of the message. */
  subject: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  /** More than one parent: reverting it needs a mainline (-m 1). */
  merge: boolean;
  /** What the commit changes that a rollback cares about (migrations, flags, manifests, config...). */
  changes: ReleaseChange[];
  /** Migrations the commit adds, as set:version. */
  migrations: { set: string; version: string; file: string }[];
  /** Flags the commit adds, removes or re-defaults. */
  flags: FlagChanges;
}

/** What the suspect contains, by kind (paths relative to the service directory). */
export interface SuspectContents {
  /** Files no other kind claims: application code, tests, docs. */
  code: string[];
  config: string[];
  manifests: string[];
  migrations: { set: string; version: string; file: string }[];
  flags: FlagChanges;
  /** CI/CD workflows and rollbook.yaml. */
  other: string[];
}

export interface Suspect {
  /** As given: a commit, or a range A..B (A excluded). */
  ref: string;
  /** The commit before the suspect (its first parent, or A of a range): what a platform rollback goes back to. */
  base: { commit: string; short: string };
  /** The newest commit of the suspect. */
  head: { commit: string; short: string };
  /** Oldest first. */
  commits: TargetCommit[];
  contains: SuspectContents;
  /** Every change of the suspect as a whole (base → head). */
  changes: ReleaseChange[];
}

/** How the revert was tested, read-only. */
export interface RevertTest {
  /**
   * merge-tree: `git merge-tree --write-tree --merge-base` (git ≥ 2.40; writes objects only);
   * temporary-index: `git read-tree -m` into a GIT_INDEX_FILE in a temp dir, then `git merge-file` per
   * file on temp copies (older git). Neither touches the working tree, the index or refs.
   */
  method: 'merge-tree' | 'temporary-index';
  gitVersion: string;
  /** The three-way merge that equals the revert: base = suspect head, ours = from, theirs = suspect base. */
  base: string;
  ours: string;
  theirs: string;
  clean: boolean;
  /** Files the revert cannot apply on its own (content, modify/delete or binary conflicts), sorted. */
  conflicts: string[];
}

export type TargetPath = 'revert' | 'rollback';

export interface TargetRecommendation {
  path: TargetPath;
  /** Flags the suspect adds or re-defaults: turning them off comes first, on either path. */
  flagFirst: string[];
  /** In the order they weighed. */
  reasons: string[];
}

export interface TargetReport {
  /** Always true: rollbook reads git; it never reverts, deploys or rolls back. */
  readOnly: true;
  /** `tag` and `moving` as in ReleaseRef: how a later command pins a `from` that moves (a branch). */
  from: { ref: string; commit: string; short: string; how: string; tag?: string; moving?: boolean };
  suspect: Suspect;
  /** Reverting only the suspect on top of `from` applies cleanly. */
  revertable: boolean;
  /** Files that conflict when reverting only the suspect (empty when revertable). */
  conflicts: string[];
  revertTest: RevertTest;
  /** Every commit a platform rollback to before the suspect also undoes (base..from minus the suspect), oldest first. */
  collateral: TargetCommit[];
  recommendation: TargetRecommendation;
  /**
   * The two paths, each a complete design: revert (a new commit undoing the suspect, built and
   * deployed by the pipeline; absent when the revert conflicts) and rollback (the platform's rollback
   * to the commit before the suspect, with its collateral).
   */
  paths: { revert?: Plan; rollback: Plan };
}
