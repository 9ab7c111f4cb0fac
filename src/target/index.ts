/**
 * `rollbook target --suspect REF`: the targeted rollback of one suspect commit or range, as a
 * library use case. Reads git (never the working tree's state, the index or refs beyond reading),
 * then plans both paths with the pure planner (./plan.ts). Read-only: it never reverts, deploys or
 * rolls back.
 */
import { RollbookError } from '../errors.js';
import type { Service } from '../model/service.js';
import type { TargetReport } from '../model/target.js';
import { type OutcomeReport, planOutcome } from '../outcomes.js';
import { selectWorkload } from '../planner/context.js';
import { uniqueRef, workloadLabel } from '../readers/discover.js';
import { loadService } from '../readers/load-service.js';
import { releaseSummary, resolveWindow } from '../readers/release.js';
import { serviceRoot } from '../readers/root.js';
import {
  changesBetween,
  detailedCommits,
  MAX_DETAILED_COMMITS,
  resolveSuspect,
  suspectContents,
  testRevert,
} from '../readers/suspect.js';
import { runRules } from '../rules/index.js';
import { chosenPlan, planTarget } from './plan.js';

export { chosenPlan, planTarget, revertCommand, suspectLabel, type TargetInput } from './plan.js';

export interface TargetOptions {
  /** The suspect: a commit, or a range A..B. */
  suspect: string;
  /** The version running now (default HEAD). */
  from?: string;
  /** Pick one workload when the repository holds several. */
  workload?: string;
}

/** The flags the suspect adds or re-defaults are its kill switch: the runbooks offer them first. */
function flagsAsKillSwitch(service: Service, keys: string[], at: Service['flags'][number]['at']): void {
  for (const key of keys) {
    const flag = service.flags.find((f) => f.key === key);
    if (flag) flag.killSwitch = true;
    else
      service.flags.push({
        key,
        provider: service.flagSources[0]?.provider ?? 'flag file',
        killSwitch: true,
        ...(at ? { at } : {}),
      });
  }
}

/** The targeted rollback report for a service directory and a suspect. Read only. */
export async function target(dir: string, opts: TargetOptions): Promise<TargetReport> {
  const root = serviceRoot(dir);
  const window = await resolveWindow(root, opts.from !== undefined ? { from: opts.from } : {});
  if (!window.git)
    throw new RollbookError(
      'GIT',
      `${dir} is not a git repository with commits: rollbook target reads the suspect from git`,
    );
  const from = {
    ref: window.from.ref,
    commit: window.from.commit,
    short: window.from.short,
    how: window.from.how,
    ...(window.from.tag !== undefined ? { tag: window.from.tag } : {}),
    ...(window.from.moving ? { moving: true } : {}),
  };
  const bounds = await resolveSuspect(root, opts.suspect, from);
  const base = bounds.base.slice(0, 7);
  const workload = opts.workload !== undefined ? { workload: opts.workload } : {};
  const rollback = await loadService(root, { ...workload, from: from.commit, to: bounds.base });
  if (rollback.workloads.length > 1 && !selectWorkload(rollback))
    throw new RollbookError(
      'USAGE',
      `${dir} holds ${rollback.workloads.length} workloads: ${rollback.workloads.map(workloadLabel).join(', ')}; a targeted rollback is for one of them`,
      `Pick one: ${rollback.workloads.map((w) => `--workload ${uniqueRef(w, rollback.workloads)}`).join(', ')} (rollbook discover lists them), or set deploy.workload in rollbook.yaml.`,
    );
  const suspectOnly = await loadService(root, { ...workload, from: bounds.head, to: bounds.base });
  for (const s of [rollback, suspectOnly]) {
    const r = s.release;
    if (!r?.to) continue;
    r.from = {
      ...r.from,
      ref: s === rollback ? from.ref : bounds.head.slice(0, 7),
      how: s === rollback ? from.how : 'the suspect',
    };
    r.to = { ...r.to, ref: base, how: `the commit before the suspect (--suspect ${opts.suspect})` };
    r.summary = releaseSummary(r);
  }
  const sets = rollback.migrations;
  const whole = await changesBetween(root, rollback, sets, bounds.base, bounds.head);
  const contents = await suspectContents(root, whole, sets, bounds.base, bounds.head);
  const commits = await detailedCommits(root, rollback, sets, bounds.base, bounds.head);
  const collateral = await detailedCommits(root, rollback, sets, bounds.head, from.commit);
  const revertTest = await testRevert(root, bounds, from.commit);
  const flagFirst = [...contents.flags.added, ...contents.flags.defaultChanged];
  const flagAt = whole.changes.find((c) => c.kind === 'flags')?.at;
  for (const s of [rollback, suspectOnly]) flagsAsKillSwitch(s, flagFirst, flagAt);
  return planTarget({
    from,
    suspect: {
      ref: opts.suspect,
      base: { commit: bounds.base, short: base },
      head: { commit: bounds.head, short: bounds.head.slice(0, 7) },
      commits,
      contains: contents,
      changes: whole.changes,
    },
    revertTest,
    collateral,
    rollback: { service: rollback, findings: runRules(rollback) },
    suspectOnly: { service: suspectOnly, findings: runRules(suspectOnly) },
    undetailed:
      Math.max(0, commits.length - MAX_DETAILED_COMMITS) +
      Math.max(0, collateral.length - MAX_DETAILED_COMMITS),
  });
}

/**
 * The report's outcome: fail when the suspect cannot be reverted alone or the recommended path has a
 * blocking hazard or a failing gate (as `plan`); otherwise pass.
 */
export function targetOutcome(report: TargetReport): OutcomeReport {
  if (!report.revertable) return { outcome: 'fail', couldNotProve: [] };
  return planOutcome(chosenPlan(report));
}
