import { join, resolve } from 'node:path';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';

export const SHAPES = resolve(import.meta.dirname, '../../fixtures/repos');

/** The design of a fixture repository, as `rollbook plan` makes it (library path, no CLI). */
export async function design(name: string, workload?: string): Promise<Plan> {
  const service = await loadService(join(SHAPES, name), workload ? { workload } : {});
  return plan(service, analyze(service));
}

/** Every command of the runbook's steps, rendered as a person would type it. */
export function commands(p: Plan): string[] {
  return p.runbook.flatMap((s) => s.commands.map((c) => c.manual ?? renderCommand(c)));
}

/** The duration drivers as `name=value (source@file:line)`. */
export function drivers(p: Plan): string[] {
  return p.estimate.drivers.map(
    (d) => `${d.name}=${d.value} (${d.source}${d.at ? `@${d.at.file}:${d.at.line}` : ''})`,
  );
}

export function hazardIds(p: Plan): string[] {
  return p.hazards.map((h) => h.rule);
}
