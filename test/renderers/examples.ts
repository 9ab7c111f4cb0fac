/**
 * The bundled examples as plans, built through the library API (loadService → analyze → plan), for
 * the snapshot, script and browser tests.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';

export const EXAMPLES_DIR = resolve(import.meta.dirname, '../../examples');
export const EXAMPLES = ['catalog-web', 'checkout-api', 'ledger-api', 'orders-worker', 'storefront'];

export async function examplePlans(): Promise<Record<string, Plan>> {
  const out: Record<string, Plan> = {};
  for (const name of readdirSync(EXAMPLES_DIR).sort()) {
    const svc = await loadService(resolve(EXAMPLES_DIR, name));
    out[name] = plan(svc, analyze(svc));
  }
  return out;
}
