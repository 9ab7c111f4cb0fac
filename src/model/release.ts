/**
 * The release: the two versions every design, gate and check is about. `from` is the version to
 * roll back (running now, or about to ship); `to` is the target (the last good version). What the
 * rollback crosses is what changed between them. Types only.
 */
import type { Evidence } from './service.js';

/** How a side of the release was chosen. */
export type RefChoice =
  /** Named on the command line (--from / --to / --base). */
  | 'argument'
  /** Default `from`: the commit checked out (HEAD). */
  | 'head'
  /** Default `to`: the newest release tag reachable from `from`, other than `from` itself. */
  | 'previous-tag';

export interface ReleaseRef {
  /** The ref as given or chosen: HEAD, v2.14.0, a branch, a commit. */
  ref: string;
  /** The full commit id. */
  commit: string;
  /** The first 7 characters of the commit id. */
  short: string;
  chosen: RefChoice;
  /** In words: "HEAD (branch main)", "newest release tag reachable from HEAD (release.tags: v*)". */
  how: string;
  /**
   * For a ref that moves (HEAD, a branch, main~1): the release tag that names the same commit, if any
   * (how a later command pins it).
   */
  tag?: string;
  /** The ref moves with new commits (HEAD, a branch): a later command names the commit (or `tag`) instead. */
  moving?: boolean;
}

/** How a file differs between `to` and `from`. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'type-changed';

/** What a changed file is, for the rollback. */
export type ChangeKind =
  /** A migration added since `to`: the rollback crosses it. */
  | 'migration'
  /** A migration that already existed at `to`, edited or deleted since: a hazard of its own. */
  | 'released-migration-edited'
  /** A deploy manifest (workload, chart, task definition, compose file...). */
  | 'manifest'
  /** ConfigMap, Secret, env or values file: config a rollback of the app does not revert. */
  | 'config'
  /** A feature-flag definition file. */
  | 'flags'
  /** A CI/CD workflow. */
  | 'workflow'
  /** rollbook.yaml itself. */
  | 'descriptor';

export interface FlagChanges {
  added: string[];
  removed: string[];
  /** Flags whose default (defaultVariant / state / enabled) changed. */
  defaultChanged: string[];
}

export interface ReleaseChange {
  kind: ChangeKind;
  file: string;
  status: ChangeStatus;
  /** Where at `from` (a deleted file: where it was at `to`, said in the note). */
  at: Evidence;
  /** One line: what changed. */
  summary: string;
  /** For migrations: the set (path) and version. */
  migration?: { set: string; version: string };
  /** For flag files whose format rollbook reads. */
  flags?: FlagChanges;
  /** For manifests: the rollout-relevant fields the change touches (image, replicas, probes...). */
  fields?: string[];

  /** For a released migration edited or deleted: the release tag that shipped it, when known. */
  releasedIn?: string;
}

/**
 * A scalar `key: value` line of a manifest or config file whose value changed in place between `to`
 * (before) and `from` (after), e.g. an image tag 16.4 → 16.6.
 */
export interface ValueChange {
  file: string;
  key: string;
  before: string;
  after: string;
  /** The line of the new value at `from`. */
  line: number;
}

/** The schema version a migration set is at in the target version: its newest migration at `to`. */
export interface TargetSchema {
  /** Migration set path. */
  set: string;
  tool: string;
  /** null: the target has no migration in this set. */
  version: string | null;
  name?: string;
  at?: Evidence;
}

export interface Release {
  from: ReleaseRef;
  /** Absent when the window is unknown (no tags and no --to, not a git repository...). */
  to?: ReleaseRef;
  /** True when both sides are known: every migration-derived claim is about the window only. */
  scoped: boolean;
  /** When not scoped: why, once, and what would scope it. */
  unscopedReason?: string;
  /** Commits in to..from (undefined when the history is not available). */
  commits?: number;
  /** What changed between to and from that a rollback cares about, sorted by kind then file. */
  changes: ReleaseChange[];
  /** Scalar values of manifests and config changed in place (image tags, versions), by file and line. */
  valueChanges?: ValueChange[];
  /** Other files changed in the window (not part of the design). */
  otherFiles: number;
  /** Migration files changed in the working tree but not committed: not part of any release yet. */
  uncommitted: string[];
  /** A shallow clone: history and tags may be missing locally. */
  shallow: boolean;
  /** Per migration set: the version the target expects (computed, not looked up). */
  targetSchema: TargetSchema[];
  /** One line for the top of every format ("Rolling back 3f2a1c (HEAD) → v2.14.0: ..."). */
  summary: string;
}
