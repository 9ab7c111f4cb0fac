import type { Pipeline } from '../../model/service.js';

/**
 * What a pipeline finding adds when the pipeline's deploy job names no workload found in the
 * repository: the finding is shown on every workload, and says why (nothing is dropped silently).
 */
export function unmatchedTarget(p: Pipeline): string {
  if (p.deploys === undefined || p.deploys.length > 0) return '';
  return ` (the target of its deploy job${p.deployCommand ? `, ${p.deployCommand},` : ''} matches no workload found in the repository, so this is shown for every workload)`;
}
