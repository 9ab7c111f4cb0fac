import { RollbookError } from '../errors.js';
import { analyze, loadService, plan, selectWorkload } from '../index.js';
import type { Plan } from '../model/plan.js';
import type { Service } from '../model/service.js';
import { serviceRoot } from '../readers/root.js';
import type { Io } from './io.js';

export interface DesignOptions {
  workload?: string;
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
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
  });
  if (service.workloads.length > 1 && !selectWorkload(service)) {
    const refs = service.workloads.map((w) =>
      [w.namespace, `${w.kind.toLowerCase()}/${w.name}`].filter(Boolean).join('/'),
    );
    throw new RollbookError(
      'USAGE',
      `${dir} holds ${refs.length} workloads: ${refs.join(', ')}; a rollback design is for one of them`,
      `Pick one: rollbook ${command} ${dir} --workload ${refs[0]} (or set deploy.workload in rollbook.yaml).`,
    );
  }
  return { service, design: plan(service, analyze(service)) };
}
