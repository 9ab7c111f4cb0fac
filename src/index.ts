/**
 * rollbook's library API: what the CLI uses, and what other tools can call.
 * readers → model → rules → planner → renderers.
 */

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
export * from './errors.js';
export type * from './model/index.js';
export { PLATFORMS, platformFor } from './platforms/index.js';
export { RENDERERS } from './renderers/index.js';
export { RULES, runRules } from './rules/index.js';
export { renderCommand, shellQuote } from './util/shell.js';
