/**
 * rollbook's library API: what the CLI uses, and what other tools can call.
 * readers → model → rules → planner → renderers.
 */

import { RollbookError } from './errors.js';
import type { Finding } from './model/finding.js';
import type { Plan } from './model/plan.js';
import type { Release } from './model/release.js';
import type { Service } from './model/service.js';
import { planRollback } from './planner/index.js';
import { loadService } from './readers/load-service.js';
import { RENDERERS, type RenderOptions } from './renderers/index.js';
import { runRules } from './rules/index.js';
import { safeText } from './util/display.js';
import { cmp } from './util/order.js';

export {
  analyzeMigrations,
  isBlocking,
  loadMigrationSets,
  type MigrationSpec,
  type MigrationsReport,
  migrationRules,
  renderMigrationsJson,
  renderMigrationsText,
  reportMigrations,
} from './analyze-migrations.js';
export { DECISION_TABLE, type DecideInput, decide, FACT_SPECS, parseFacts } from './decide/index.js';
export { type DiscoverCommandOptions, type DiscoverReport, discoverRepository } from './discover.js';
export * from './errors.js';
export { type GatesOptions, gates, type ReleaseGatesReport } from './gates.js';
export { type InitOptions, type InitReport, initDescriptor } from './init.js';
export type * from './model/index.js';
export { analyzeOutcome, type OutcomeReport, planOutcome, unprovenText, verifyOutcome } from './outcomes.js';
export { selectWorkload } from './planner/context.js';
export { planRollback } from './planner/index.js';
export { PLATFORMS, platformFor } from './platforms/index.js';
export { descriptorJsonSchema } from './readers/descriptor-schema.js';
export {
  applyDiscovery,
  type DiscoverOptions,
  type Discovery,
  discover,
  matchWorkloads,
  uniqueRef,
  workloadLabel,
  workloadRef,
} from './readers/discover.js';
export {
  type ChangedFile,
  changedFiles,
  diffHunks,
  type FileStatus,
  type Hunk,
  isAncestor,
  type RepoState,
  repoState,
  resolveRef,
  type TagRef,
  tagsMerged,
  uncommittedFiles,
} from './readers/git.js';
export { type LoadOptions, loadService } from './readers/load-service.js';
export {
  compareVersionTags,
  crossedMigrations,
  migrationSetsAt,
  type ReleaseOptions,
  type ReleaseWindow,
  readRelease,
  releaseSummary,
  resolveWindow,
} from './readers/release.js';
export { FORMATS, RENDERERS, type RenderOptions } from './renderers/index.js';
export { planToJson } from './renderers/json.js';
export { TARGET_RENDERERS, targetToJson } from './renderers/target/index.js';
export { RULES, runRules } from './rules/index.js';
export { type Catalog, type CatalogDifference, diffCatalogs, readCatalog } from './schema/catalog.js';
export { evaluateGates, type GatesInput, type GatesReport } from './schema/gates.js';
export { type MigrationStatusReport, migrationStatus } from './schema/status.js';
export { type VerifyReport, verifyMigrations } from './schema/verify.js';
export { type TargetOptions, target, targetOutcome } from './target/index.js';
export { renderCommand, shellQuote } from './util/shell.js';
export { type VerifyReleaseOptions, verifyRelease } from './verify-release.js';
export { requireOneWorkload } from './workload-choice.js';

/** Run every rule over the service. */
export function analyze(service: Service): Finding[] {
  return runRules(service);
}

/**
 * The release of a service directory: `from` (default HEAD), `to` (default: the newest release tag
 * reachable from `from`, `release.tags` in rollbook.yaml) and what changed between them. Read only.
 */
export async function release(dir: string, opts: { from?: string; to?: string } = {}): Promise<Release> {
  const service = await loadService(dir, opts);
  return service.release as Release;
}

/** The rollback design for a service (pure). */
export function plan(service: Service, findings: Finding[] = analyze(service)): Plan {
  return planRollback(service, findings);
}

/**
 * Render a plan in one of the formats (md, json, ...). Control and bidirectional characters from
 * the input come out escaped (src/util/display.ts), in every format.
 */
export function render(p: Plan, format: string, options: RenderOptions = {}): string {
  const r = RENDERERS[format];
  if (!r)
    throw new RollbookError(
      'USAGE',
      `unknown format "${format}"; one of ${Object.keys(RENDERERS).sort(cmp).join(', ')}`,
    );
  return safeText(r(p, options));
}
