/**
 * The bundled examples as plans, built through the library API (loadService → analyze → plan), for
 * the snapshot and browser tests. Empty until the planner and the examples exist on this branch.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../../src/model/plan.js';

export const EXAMPLES_DIR = resolve('examples');

export async function examplePlans(): Promise<Record<string, Plan>> {
  if (!existsSync(EXAMPLES_DIR)) return {};
  const lib = (await import('../../src/index.js')) as Record<string, unknown>;
  const { loadService, analyze, plan } = lib as {
    loadService?: (dir: string) => unknown;
    analyze?: (svc: unknown) => unknown;
    plan?: (svc: unknown, findings: unknown) => Plan;
  };
  if (!loadService || !analyze || !plan) return {};
  const out: Record<string, Plan> = {};
  for (const name of readdirSync(EXAMPLES_DIR).sort()) {
    const svc = await loadService(resolve(EXAMPLES_DIR, name));
    out[name] = plan(svc, await analyze(svc));
  }
  return out;
}
