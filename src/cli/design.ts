import { analyze, loadService, plan, requireOneWorkload } from '../index.js';
import type { Plan } from '../model/plan.js';
import type { Service } from '../model/service.js';
import { serviceRoot } from '../readers/root.js';
import type { Io } from './io.js';

/** The arguments of a command that designs the release (plan, decide). */
export const DESIGN_ARGS = {
  format: { type: 'string', short: 'f' },
  out: { type: 'string', short: 'o' },
  workload: { type: 'string', short: 'w' },
  context: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

/** --workload, --context, --from and --to as given. */
export function designOptions(values: Record<string, unknown>): DesignOptions {
  const pick = (k: string) => (typeof values[k] === 'string' ? { [k]: values[k] as string } : {});
  return { ...pick('workload'), ...pick('context'), ...pick('from'), ...pick('to') };
}

export interface DesignOptions {
  workload?: string;
  /** The kube context the cluster commands target (overrides deploy.context). */
  context?: string;
  from?: string;
  to?: string;
}

/**
 * Read the service in dir and design its rollback for the release window (what `plan` prints and
 * `decide` weighs). Several workloads without a choice is a usage error naming them.
 */
export async function loadDesign(
  dir: string,
  io: Io,
  opts: DesignOptions,
  command: string,
): Promise<{ service: Service; design: Plan }> {
  const service = await loadService(serviceRoot(dir, io.cwd), {
    ...(opts.workload ? { workload: opts.workload } : {}),
    ...(opts.context !== undefined ? { context: opts.context } : {}),
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
  });
  requireOneWorkload(service, dir, command);
  return { service, design: plan(service, analyze(service)) };
}
