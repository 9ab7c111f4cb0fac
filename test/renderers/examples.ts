/**
 * The bundled examples as plans, built through the library API (loadService → analyze → plan), for
 * the snapshot, script and browser tests.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { cleanupExampleRepos, exampleRepo } from '../helpers/cli.js';

export const EXAMPLES_DIR = resolve(import.meta.dirname, '../../examples');
export const EXAMPLES = ['catalog-web', 'checkout-api', 'ledger-api', 'orders-worker', 'storefront'];

/** Each example planned in a copy with a git history (v1.0.0 → v1.1.0 = HEAD). */
export async function examplePlans(): Promise<Record<string, Plan>> {
  const out: Record<string, Plan> = {};
  for (const name of readdirSync(EXAMPLES_DIR).sort()) {
    const svc = await loadService(await exampleRepo(name));
    out[name] = plan(svc, analyze(svc));
  }
  cleanupExampleRepos();
  return out;
}
