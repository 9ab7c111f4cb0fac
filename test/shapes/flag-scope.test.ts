import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { DEPLOYMENT, tempRepo } from '../discovery/helpers.js';
import { design } from './helpers.js';

const designs = new Map<string, Promise<Plan>>();
function cached(repo: string, workload: string): Promise<Plan> {
  const k = `${repo} ${workload}`;
  let p = designs.get(k);
  if (!p) {
    p = design(repo, workload);
    designs.set(k, p);
  }
  return p;
}

/** The flag facts of a design: flag hazards (rule — subject) and the kill-switch step. */
function flagFacts(p: Plan): string[] {
  return [
    ...p.hazards
      .filter((h) => h.kind === 'flag')
      .map((h) => `${h.rule} — ${h.subject}`)
      .sort(),
    ...p.runbook.filter((s) => s.id === 'try-kill-switch').map((s) => `step: ${s.title}`),
  ];
}

function flagUnknowns(p: Plan): string[] {
  return p.unknowns.filter((u) => u.subject.startsWith('flags in')).map((u) => u.subject);
}

describe('flags belong to the workload they are bound to (platform-zoo: one Unleash export, 9 workloads)', () => {
  it.each([
    [
      'ecsservice/orders-worker',
      [
        'flag-state-not-restored — unleash flags/unleash-export.json',
        'kill-switch-available — orders.kill-async-export',
        'step: Turn the kill switch off first: the fastest mitigation',
      ],
    ],
    ['service/search-api', ['flag-state-not-restored — unleash flags/unleash-export.json']],
    ['nomadjob/billing-api', []],
    ['function/thumbnails', []],
  ])('%s', async (workload, expected) => {
    const p = await cached('platform-zoo', workload);
    expect(flagFacts(p)).toEqual(expected);
    // every flag of the file is bound by its key namespace: nothing left unbound to report
    expect(flagUnknowns(p)).toEqual([]);
  });

  it('the kill switch says why it is this workload’s', async () => {
    const p = await cached('platform-zoo', 'ecsservice/orders-worker');
    const h = p.hazards.find((x) => x.rule === 'kill-switch-available');
    expect(h?.message).toContain(
      'is a kill switch of this workload (its key namespace "orders." names orders-worker (no other evidence))',
    );
  });
});

describe('flags belong to the workload they are bound to (shop-monorepo: flagd file at the root, code under services/checkout)', () => {
  it.each([
    [
      'deployment/checkout-api',
      [
        'flag-missing-from-file — express-pay',
        'flag-state-not-restored — flagd flags/flags.json',
        'kill-switch-available — checkout-kill-switch',
        'step: Turn the kill switch off first: the fastest mitigation',
      ],
    ],
    ['statefulset/inventory', []],
    ['deployment/payments', []],
    ['rollout/storefront', []],
    ['deployment/legacy-worker', []],
  ])('%s', async (workload, expected) => {
    const p = await cached('shop-monorepo', workload);
    expect(flagFacts(p)).toEqual(expected);
    expect(flagUnknowns(p)).toEqual([]);
  });

  it('checkout-api holds both flags, each with its evidence', async () => {
    const p = await cached('shop-monorepo', 'deployment/checkout-api');
    const h = p.hazards.find((x) => x.rule === 'flag-state-not-restored');
    expect(h?.message).toContain('checkout-kill-switch');
    expect(h?.message).toContain('new-checkout-flow');
  });
});

describe('flags bound to no workload', () => {
  const flags = JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: {
      'kill-everything': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    },
  });
  const files = {
    'deploy/a.yaml': DEPLOYMENT('alpha'),
    'deploy/b.yaml': DEPLOYMENT('beta'),
    'flags/flags.json': flags,
  };

  it('are an unknown with what would bind them, and no kill-switch step', async () => {
    const dir = tempRepo(files);
    const s = await loadService(dir, { workload: 'deployment/alpha', release: false });
    const p = plan(s, analyze(s));
    expect(flagFacts(p)).toEqual([]);
    const u = p.unknowns.find((x) => x.subject === 'flags in flags/flags.json');
    expect(u?.reason).toContain(
      '1 flagd flag bound to no workload: kill-everything (kill switch kill-everything',
    );
    expect(u?.reason).toContain(
      'state: { flags: [{ provider: flagd, file: flags/flags.json, keys: [kill-everything] }] }',
    );
  });

  it('are bound by the rollbook.yaml lines the unknown names', async () => {
    const dir = tempRepo({
      ...files,
      'rollbook.yaml': `version: 1
service: alpha
deploy: { workload: deployment/alpha }
state:
  flags: [{ provider: flagd, file: flags/flags.json, keys: [kill-everything] }]
`,
    });
    const s = await loadService(dir, { release: false });
    const p = plan(s, analyze(s));
    expect(flagFacts(p)).toEqual([
      'flag-state-not-restored — flagd flags/flags.json',
      'kill-switch-available — kill-everything',
      'step: Turn the kill switch off first: the fastest mitigation',
    ]);
    expect(p.unknowns.filter((x) => x.subject.startsWith('flags in'))).toEqual([]);
    expect(p.hazards.find((h) => h.rule === 'kill-switch-available')?.message).toContain(
      'kill switch of this workload (declared in rollbook.yaml:5)',
    );
  });
});
