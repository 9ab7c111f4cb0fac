/**
 * rollbook's library API: what the CLI uses, and what other tools can call.
 * readers → model → rules → planner → renderers.
 */
export * from './errors.js';
export type * from './model/index.js';
export { PLATFORMS, platformFor } from './platforms/index.js';
export {
  applyDiscovery,
  type DiscoverOptions,
  type Discovery,
  discover,
  matchWorkloads,
  workloadLabel,
  workloadRef,
} from './readers/discover.js';
export { RENDERERS } from './renderers/index.js';
export { RULES, runRules } from './rules/index.js';
export { renderCommand, shellQuote } from './util/shell.js';
