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
        'flag-missing-from-file — dynamic-pricing',
        'flag-missing-from-file — express-pay',
        'flag-state-not-restored — flagd flags/flags.json',
        'kill-switch-available — checkout-kill-switch',
        'step: Turn the kill switch off first: the fastest mitigation',
      ],
    ],
    // libs/pricing is shared code (no workload's directory): its flag, defined in no file, is on every workload
    ['statefulset/inventory', ['flag-missing-from-file — dynamic-pricing']],
    ['deployment/payments', ['flag-missing-from-file — dynamic-pricing']],
    ['rollout/storefront', ['flag-missing-from-file — dynamic-pricing']],
    ['deployment/legacy-worker', ['flag-missing-from-file — dynamic-pricing']],
  ])('%s', async (workload, expected) => {
    const p = await cached('shop-monorepo', workload);
    expect(flagFacts(p)).toEqual(expected);
    expect(flagUnknowns(p)).toEqual([]);
  });

  it('the evaluation in shared code is reported on a workload that owns no flag, with its file:line', async () => {
    const p = await cached('shop-monorepo', 'statefulset/inventory');
    const h = p.hazards.find((x) => x.rule === 'flag-missing-from-file');
    expect(h?.evidence).toEqual([expect.objectContaining({ file: 'libs/pricing/src/pricing.ts', line: 7 })]);
    expect(h?.message).toContain(
      "evaluated in shared code (libs/pricing/src/pricing.ts:7, in no workload's own directory: reported on every workload, since any of them may import it) but not defined in flags/flags.json",
    );
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
      'state: { flags: [{ provider: flagd, file: flags/flags.json, keys: [kill-everything], workloads: [deployment/alpha] }] }',
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

describe('rollbook.yaml declarations bind where they say, not to whichever workload --workload picks', () => {
  const flags = JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: {
      'kill-everything': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
    },
  });
  const repo = (state: string, deploy = '') =>
    tempRepo({
      'deploy/a.yaml': DEPLOYMENT('alpha'),
      'deploy/b.yaml': DEPLOYMENT('beta'),
      'flags/flags.json': flags,
      'rollbook.yaml': `version: 1\nservice: alpha\n${deploy}state:\n  flags: [${state}]\n`,
    });
  const facts = async (dir: string, workload?: string) => {
    const s = await loadService(dir, { release: false, ...(workload ? { workload } : {}) });
    const p = plan(s, analyze(s));
    return { facts: flagFacts(p), unknowns: p.unknowns.filter((u) => u.subject.startsWith('flags in')) };
  };
  const ALPHA = [
    'flag-state-not-restored — flagd flags/flags.json',
    'kill-switch-available — kill-everything',
    'step: Turn the kill switch off first: the fastest mitigation',
  ];

  it.each([
    // deploy.workload says whose the declaration is: --workload picking another one does not carry it along
    [
      'deploy.workload alpha, --workload beta',
      '{ provider: flagd, file: flags/flags.json }',
      'deploy: { workload: deployment/alpha }\n',
      'deployment/beta',
      [],
      0,
    ],
    [
      'deploy.workload alpha',
      '{ provider: flagd, file: flags/flags.json }',
      'deploy: { workload: deployment/alpha }\n',
      undefined,
      ALPHA,
      0,
    ],
    [
      'workloads: [deployment/alpha], --workload alpha',
      '{ provider: flagd, file: flags/flags.json, workloads: [deployment/alpha] }',
      '',
      'deployment/alpha',
      ALPHA,
      0,
    ],
    [
      'workloads: [deployment/alpha], --workload beta',
      '{ provider: flagd, file: flags/flags.json, workloads: [deployment/alpha] }',
      '',
      'deployment/beta',
      [],
      0,
    ],
    [
      'workloads: [deploy/b.yaml] (a manifest path), --workload beta',
      '{ provider: flagd, file: flags/flags.json, workloads: [deploy/b.yaml] }',
      '',
      'deployment/beta',
      ALPHA,
      0,
    ],
    // no workload said anywhere: not attached to the one chosen, an unknown naming the line to add
    [
      'no workload said, --workload alpha',
      '{ provider: flagd, file: flags/flags.json, killSwitches: [kill-everything] }',
      '',
      'deployment/alpha',
      [],
      1,
    ],
    [
      'no workload said, --workload beta',
      '{ provider: flagd, file: flags/flags.json }',
      '',
      'deployment/beta',
      [],
      1,
    ],
  ])('%s', async (_, state, deploy, workload, expected, unknowns) => {
    const r = await facts(repo(state, deploy), workload);
    expect(r.facts).toEqual(expected);
    expect(r.unknowns).toHaveLength(unknowns);
    if (unknowns)
      expect(r.unknowns[0]?.reason).toMatch(
        /rollbook\.yaml:4 \(flagd flags\/flags\.json\) declares them without saying which workload \(no workloads:, no deploy\.workload\), and the repository holds 2 workloads: if they are deployment\/(alpha|beta)'s, add workloads: \[deployment\/(alpha|beta)\] there/,
      );
  });

  it('a single-workload repository keeps a declaration without a workload, as before', async () => {
    const dir = tempRepo({
      'deploy/a.yaml': DEPLOYMENT('alpha'),
      'flags/flags.json': flags,
      'rollbook.yaml':
        'version: 1\nservice: alpha\nstate:\n  flags: [{ provider: flagd, file: flags/flags.json }]\n',
    });
    expect((await facts(dir)).facts).toEqual(ALPHA);
  });
});
