import type { Evidence, Service } from './service.js';

export const HAZARD_KINDS = [
  'schema',
  'data',
  'flag',
  'cache',
  'queue',
  'config',
  'artifact',
  'external',
  'dependency',
] as const;
export type HazardKind = (typeof HAZARD_KINDS)[number];

/** error: blocks a safe rollback until handled; warning: must be known by whoever rolls back; info: context. */
export type Severity = 'error' | 'warning' | 'info';

/** What a rule found. Hazards in the plan are findings. */
export interface Finding {
  /** Rule id (kebab-case, = rule file name). */
  rule: string;
  kind: HazardKind;
  severity: Severity;
  /** What it is about: a table.column, a cache name, a workload, a flag. */
  subject: string;
  /** Short, actionable: what is wrong and what to change. */
  message: string;
  evidence: Evidence[];
  /** Can the previous app version run against the state as it is now? null = cannot tell. */
  appRollbackSafe: boolean | null;
  /** Can the state change itself be reverted without losing data? null = cannot tell. */
  revertLossless: boolean | null;
  /** Concrete mitigation for this subject. */
  mitigation: string;
  /** True when undoing this requires touching data or schema (the data rule applies). */
  touchesData: boolean;
  /** Migration version id, for migration findings. */
  migration?: string;
  /**
   * Set by the planner when no release window is known (no tags, no --to, no git): the finding
   * comes from the whole migration history, not from what this rollback crosses.
   */
  unscoped?: boolean;
}

export interface RuleMeta {
  id: string;
  kind: HazardKind;
  severity: Severity;
  /** One line: what the rule detects. */
  description: string;
  /** Why it matters for a rollback. */
  rationale: string;
  /** Generic mitigation text (findings carry a concrete one). */
  mitigation: string;
  /** Which part of the model the rule reads. */
  scope: 'migration' | 'config' | 'state' | 'deploy';
}

/** A rule sees the model, never files. */
export interface Rule {
  meta: RuleMeta;
  check(service: Service): Finding[];
}
