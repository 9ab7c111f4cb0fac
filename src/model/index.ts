export * from './decide.js';
export * from './facts.js';
export * from './finding.js';
export * from './outcome.js';
export * from './plan.js';
export * from './release.js';
export * from './service.js';
export * from './target.js';
