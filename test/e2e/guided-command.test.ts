/**
 * The guided command a design prints (`rollbook plan . … --format sh --out rollback.sh`) is run as
 * printed, from the repository root, on multi-workload repositories: it must select the same one
 * workload (and kube context) and write the runbook, never exit 2 for "several workloads".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixtureCopy, ROOT } from '../helpers/cli.js';

const temps: (() => void)[] = [];
afterAll(() => {
  for (const c of temps) c();
});

const copyOf = (fixture: string) => fixtureCopy(join(ROOT, 'fixtures/repos', fixture), temps);

/** Shell words of a printed command (plain words and '…' quoting, as shellQuote writes them). */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g))
    out.push(m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : (m[2] as string));
  return out;
}

const cases = [
  {
    fixture: 'shop-monorepo',
    workload: 'services/checkout/overlays/production',
    selected: 'deployment/checkout-api',
  },
  { fixture: 'shop-monorepo', workload: 'services/storefront/rollout.yaml', selected: 'rollout/storefront' },
  {
    fixture: 'gitops-appset',
    workload: 'apps/orders/overlays/staging',
    selected: 'orders-staging/deployment/orders',
  },
  { fixture: 'gitops-appset', workload: 'apps/payments/overlays/prod', selected: 'deployment/payments' },
  {
    fixture: 'gitops-appset',
    workload: 'legacy-prod/deployment/legacy',
    selected: 'deployment/legacy',
    context: 'prod-eu',
  },
];

describe('the printed guided command works as printed', () => {
  it.each(cases)('$fixture --workload $workload', async ({ fixture, workload, selected, context }) => {
    const dir = copyOf(fixture);
    const r = await cli([
      'plan',
      dir,
      '--workload',
      workload,
      ...(context ? ['--context', context] : []),
      '--format',
      'json',
    ]);
    expect(r.code).toBeLessThan(2);
    const trigger = JSON.parse(r.stdout).trigger as { command: string; why: string };
    const guided = /rollbook plan \.[^`)]*? --format sh --out rollback\.sh/.exec(
      `${trigger.command} ${trigger.why}`,
    )?.[0];
    expect(guided).toBe(
      `rollbook plan . --workload ${selected}${context ? ` --context ${context}` : ''} --format sh --out rollback.sh`,
    );
    const [, ...args] = words(guided as string);
    const run = await cli(args, dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBeLessThan(2);
    const script = join(dir, 'rollback.sh');
    expect(existsSync(script)).toBe(true);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    if (context) expect(readFileSync(script, 'utf8')).toContain(`--context=${context}`);
  });
});
