import type { Service, Workload } from '../../model/index.js';

/**
 * The Argo CD Application that syncs a workload, as a finding names it: its own name, else (for an
 * ApplicationSet's generated Application whose name the repository does not tell) the declared
 * deploy.target.app or a placeholder naming the ApplicationSet — never the ApplicationSet's name.
 */
export function argoCdAppOf(service: Service, w: Workload): string | undefined {
  if (w.argocd?.app) return w.argocd.app;
  if (!w.applicationSet) return undefined;
  return service.deploy.target?.app ?? `<the Application ApplicationSet ${w.applicationSet.name} generates>`;
}
