import { describe, expect, it } from 'vitest';
import type { Flag, FlagRef, FlagSource, Workload } from '../../src/model/index.js';
import {
  bindFlags,
  keyMatches,
  namespaceOwner,
  scopeFlags,
} from '../../src/readers/discovery/flag-binding.js';
import { ownerOfPath } from '../../src/readers/discovery/workload-dirs.js';
import { workload } from '../platforms/helpers.js';

/** The shared test workload, without its default namespace (binding here is by directory). */
function wl(name: string, file: string, extra: Partial<Workload> = {}): Workload {
  const { namespace: _ns, ...w } = workload('kubernetes', { name, at: { file, line: 1 }, ...extra });
  return extra.namespace ? { ...w, namespace: extra.namespace } : w;
}

const checkout = wl('checkout-api', 'services/checkout/base/deployment.yaml', {
  kustomize: { overlay: 'services/checkout/overlays/production' },
});
const checkoutStaging = wl('staging-checkout-api', 'services/checkout/base/deployment.yaml', {
  kustomize: { overlay: 'services/checkout/overlays/staging' },
});
const inventory = wl('inventory', 'services/inventory/statefulset.yaml', { kind: 'StatefulSet' });
const payments = wl('payments', 'services/payments/chart/Chart.yaml', {
  helm: { release: 'payments', chart: 'payments', chartPath: 'services/payments/chart' },
});
const ordersWorker = wl('orders-worker', 'ecs/service.json', { kind: 'ECSService', platform: 'ecs' });
const ordersApi = wl('orders-api', 'charts/orders/templates/api.yaml');
const searchApi = wl('search-api', 'cloudrun/service.yaml', { kind: 'Service', platform: 'cloud-run' });
const thumbs = wl('thumbnails', 'lambda/template.yaml', { kind: 'Function', platform: 'lambda' });
const cleanup = wl('CleanupFunction', 'lambda/template.yaml', { kind: 'Function', platform: 'lambda' });
const api = wl('api', 'charts/api/templates/deployment.yaml');
const shop = [checkout, checkoutStaging, inventory, payments];

const names = (ws: readonly Workload[]) => ws.map((w) => w.name);

describe('ownerOfPath: which workload a file belongs to by location', () => {
  it.each([
    ['services/checkout/src/checkout.ts', shop, ['checkout-api', 'staging-checkout-api']],
    ['services/checkout/flags.json', [checkout, inventory], ['checkout-api']],
    ['services/inventory/cmd/main.go', shop, ['inventory']],
    ['services/payments/app/flags.yaml', shop, ['payments']],
    // a directory every service shares, and the root, belong to none
    ['services/flags.json', shop, []],
    ['flags/flags.json', shop, []],
    ['flags.json', shop, []],
    // two functions of one SAM template share its directory
    ['lambda/flags.json', [thumbs, cleanup, searchApi], ['thumbnails', 'CleanupFunction']],
    ['src/orders/export.ts', [ordersWorker, searchApi], []],
  ])('%s', (path, workloads, expected) => {
    expect(names(ownerOfPath(path, workloads).workloads)).toEqual(expected);
  });
});

describe('namespaceOwner: a key namespace that names exactly one workload', () => {
  const zoo = [ordersWorker, searchApi, thumbs, api];
  it.each([
    ['orders.kill-async-export', zoo, 'orders-worker', 'key namespace "orders."'],
    ['search.new-ranking', zoo, 'search-api', 'key namespace "search."'],
    ['checkout-kill-switch', shop, 'checkout-api', 'key prefix "checkout-"'],
    ['search-api.kill', zoo, 'search-api', 'starts with the workload\'s name "search-api"'],
    ['thumbnails:resize-v2', zoo, 'thumbnails', 'starts with the workload\'s name "thumbnails"'],
    // a workload named by a generic word still owns keys that start with its whole name
    ['api.rate-limit', [api, searchApi], 'api', 'starts with the workload\'s name "api"'],
  ])('%s → %s', (key, workloads, owner, how) => {
    const b = namespaceOwner(key, workloads);
    expect(b?.workload.name).toBe(owner);
    expect(b?.how).toContain(how);
  });

  it.each([
    // two workloads of one service: the namespace does not tell which
    ['orders.kill-async-export', [ordersWorker, ordersApi]],
    // generic first words name nothing
    ['new-checkout-flow', shop],
    ['web.dark-mode', [wl('web-frontend', 'web/deploy.yaml'), searchApi]],
    ['kill-switch', zoo],
    ['billing.v2', zoo],
  ])('%s binds to nothing', (key, workloads) => {
    expect(namespaceOwner(key, workloads)).toBeUndefined();
  });
});

const flag = (key: string, file: string, line: number, killSwitch = false): Flag => ({
  key,
  provider: 'flagd',
  killSwitch,
  at: { file, line },
});
const ref = (key: string, file: string, line: number): FlagRef => ({ key, at: { file, line } });

describe('bindFlags: every flag of every file, with the workloads it binds to and why', () => {
  const flags = [
    flag('checkout-kill-switch', 'flags/flags.json', 10, true),
    flag('new-checkout-flow', 'flags/flags.json', 4),
    flag('legacy-pricing', 'flags/flags.json', 16),
    flag('restock-v2', 'services/inventory/flags.json', 3),
  ];
  const sources = [
    { provider: 'flagd', file: 'flags/flags.json' },
    { provider: 'flagd', file: 'services/inventory/flags.json' },
  ];
  const refs = [
    ref('new-checkout-flow', 'services/checkout/src/checkout.ts', 6),
    ref('new-checkout-flow', 'services/payments/app/pay.ts', 12),
  ];
  const bound = bindFlags(flags, sources, refs, shop);

  it('accounts for every file and flag', () => {
    expect(
      bound.map((f) => [
        f.file,
        f.flags.map((b) => `${b.flag.key}: ${names(b.bonds.map((x) => x.workload))}`),
      ]),
    ).toEqual([
      [
        'flags/flags.json',
        [
          'checkout-kill-switch: checkout-api',
          'legacy-pricing: ',
          'new-checkout-flow: checkout-api,staging-checkout-api,payments',
        ],
      ],
      ['services/inventory/flags.json', ['restock-v2: inventory']],
    ]);
  });

  it('says why', () => {
    const hows = bound.flatMap((f) => f.flags.flatMap((b) => b.bonds.map((x) => `${b.flag.key} ${x.how}`)));
    expect(hows).toEqual([
      'checkout-kill-switch its key prefix "checkout-" names checkout-api (no other evidence)',
      'new-checkout-flow evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
      'new-checkout-flow evaluated in services/checkout/src/checkout.ts:6, under services/checkout/base',
      'new-checkout-flow evaluated in services/payments/app/pay.ts:12, under services/payments/chart',
      'restock-v2 its file services/inventory/flags.json sits under services/inventory',
    ]);
  });

  it('with one workload, every flag is its own', () => {
    const one = bindFlags([flag('x', 'flags.json', 2)], [], [], [ordersWorker]);
    expect(one[0]?.flags[0]?.bonds.map((b) => `${b.workload.name}: ${b.how}`)).toEqual([
      "orders-worker: the repository's only workload",
    ]);
  });
});

describe('scopeFlags: the chosen workload sees its own flags only', () => {
  const flags = [
    flag('orders.kill-async-export', 'flags/unleash-export.json', 6, true),
    flag('search.new-ranking', 'flags/unleash-export.json', 4),
    flag('reports.beta', 'flags/unleash-export.json', 8),
    flag('kill-everything', 'flags/unleash-export.json', 10, true),
  ];
  const sources = [
    {
      provider: 'flagd',
      file: 'flags/unleash-export.json',
      at: { file: 'flags/unleash-export.json', line: 3 },
    },
  ];
  const zoo = [ordersWorker, searchApi, thumbs];
  const refs = [ref('thumbs-v2', 'lambda/handler.ts', 3), ref('orders-x', 'src/x.ts', 1)];
  const d = { flagSources: sources, flags, flagRefs: refs, flagFiles: bindFlags(flags, sources, refs, zoo) };
  const none = { sources: [], flags: [] };
  /** As applyDiscovery calls it: references resolve by name or kind/name. */
  const scope = (
    declared: Parameters<typeof scopeFlags>[0],
    chosen: Workload | undefined,
    ws: readonly Workload[] = zoo,
    descriptorWorkload?: string,
  ) =>
    scopeFlags(declared, d, {
      chosen,
      workloads: ws,
      ref: (w) => w.name,
      match: (r) => ws.filter((w) => r === w.name || r === `${w.kind.toLowerCase()}/${w.name}`),
      ...(descriptorWorkload ? { descriptorWorkload } : {}),
    });

  it.each([
    // orders-x is evaluated in src/, no workload's directory, and no file defines it: every workload keeps it
    [ordersWorker, ['orders.kill-async-export'], ['orders-x']],
    [searchApi, ['search.new-ranking'], ['orders-x']],
    [thumbs, [], ['thumbs-v2', 'orders-x']],
  ])('%s', (chosen, keys, refKeys) => {
    const s = scope(none, chosen as Workload);
    expect(s.flags.map((f) => f.key)).toEqual(keys);
    expect(s.flagSources.map((x) => x.file)).toEqual(keys.length ? ['flags/unleash-export.json'] : []);
    expect((s.flagRefs ?? []).map((r) => r.key)).toEqual(refKeys);
  });

  it('a flag bound to no workload is an unknown naming the keys, what was checked and the rollbook.yaml lines', () => {
    const s = scope(none, thumbs);
    expect(s.unknowns).toHaveLength(1);
    expect(s.unknowns[0]?.subject).toBe('flags in flags/unleash-export.json');
    expect(s.unknowns[0]?.at).toEqual({ file: 'flags/unleash-export.json', line: 3 });
    const reason = s.unknowns[0]?.reason ?? '';
    expect(reason).toContain('2 flagd flags bound to no workload: kill-everything, reports.beta');
    expect(reason).toContain(
      'kill switch kill-everything: a candidate mitigation, not offered in the runbook until bound',
    );
    expect(reason).toContain("the file's location (flags is no workload's directory)");
    expect(reason).toContain(
      'bind them in rollbook.yaml: state: { flags: [{ provider: flagd, file: flags/unleash-export.json, keys: [kill-everything, reports.beta], workloads: [thumbnails] }] }',
    );
  });

  const shared = (extra: Partial<FlagSource> = {}): FlagSource => ({
    provider: 'flagd',
    file: 'flags/unleash-export.json',
    keys: ['reports.*', 'kill-everything'],
    at: { file: 'rollbook.yaml', line: 9 },
    ...extra,
  });
  const bound = (s: ReturnType<typeof scope>, provider?: string) =>
    s.flags.filter((f) => !provider || f.provider === provider).map((f) => `${f.key}: ${f.boundBy}`);

  it.each([
    // the declaration names the workload (workloads:, or deploy.workload when it names none)
    ['workloads: [thumbnails]', shared({ workloads: ['thumbnails'] }), undefined, true],
    ['workloads: [function/thumbnails]', shared({ workloads: ['function/thumbnails'] }), undefined, true],
    ['deploy.workload thumbnails', shared(), 'thumbnails', true],
    ['workloads wins over deploy.workload', shared({ workloads: ['thumbnails'] }), 'search-api', true],
    // it names another workload (--workload picked another one than rollbook.yaml describes)
    ['workloads: [search-api]', shared({ workloads: ['search-api'] }), undefined, false],
    ['deploy.workload search-api', shared(), 'search-api', false],
  ])('rollbook.yaml keys bind flags of a shared file where the declaration says: %s', (_, src, dw, mine) => {
    const s = scope({ sources: [src], flags: [] }, thumbs, zoo, dw);
    expect(bound(s)).toEqual(
      mine
        ? ['kill-everything: declared in rollbook.yaml:9', 'reports.beta: declared in rollbook.yaml:9']
        : [],
    );
    expect(s.flagSources).toHaveLength(mine ? 1 : 0);
    // declared for another workload: that is a binding, not an unknown
    expect(s.unknowns).toEqual([]);
  });

  it('a declaration that names no workload (no workloads:, no deploy.workload) binds nothing: an unknown names it and the line to add', () => {
    const s = scope({ sources: [shared()], flags: [] }, thumbs);
    expect(bound(s)).toEqual([]);
    expect(s.unknowns).toHaveLength(1);
    expect(s.unknowns[0]?.reason).toContain(
      '2 flagd flags bound to no workload: kill-everything, reports.beta',
    );
    expect(s.unknowns[0]?.reason).toContain(
      "rollbook.yaml:9 (flagd flags/unleash-export.json keys reports.*, kill-everything) declares them without saying which workload (no workloads:, no deploy.workload), and the repository holds 3 workloads: if they are thumbnails's, add workloads: [thumbnails] there",
    );
    // the flags other evidence binds stay where it binds them
    expect(scope({ sources: [shared({ keys: ['orders.*'] })], flags: [] }, ordersWorker).flags).toEqual([
      expect.objectContaining({
        key: 'orders.kill-async-export',
        boundBy: expect.stringContaining('key namespace'),
      }),
    ]);
  });

  it('a file without keys claims every flag in it for the workload it names, none for another', () => {
    const file = { provider: 'flagd', file: 'flags/unleash-export.json' };
    expect(scope({ sources: [file], flags: [] }, thumbs, zoo, 'function/thumbnails').flags).toHaveLength(4);
    expect(scope({ sources: [file], flags: [] }, thumbs, zoo, 'search-api').flags).toEqual([]);
  });

  describe('kill switches declared for a provider without a file (LaunchDarkly)', () => {
    const ld = (extra: Partial<FlagSource> = {}): Parameters<typeof scopeFlags>[0] => ({
      sources: [
        {
          provider: 'launchdarkly',
          killSwitches: ['pause-exports'],
          at: { file: 'rollbook.yaml', line: 7 },
          ...extra,
        },
      ],
      flags: [
        {
          key: 'pause-exports',
          provider: 'launchdarkly',
          killSwitch: true,
          at: { file: 'rollbook.yaml', line: 8 },
        },
      ],
    });
    it.each([
      [
        'workloads: [orders-worker]',
        ld({ workloads: ['orders-worker'] }),
        ordersWorker,
        ['pause-exports: declared in rollbook.yaml:8'],
        0,
      ],
      [
        'workloads: [orders-worker], planning search-api',
        ld({ workloads: ['orders-worker'] }),
        searchApi,
        [],
        0,
      ],
      [
        'no workload named: an unknown, not a kill switch of whichever workload is chosen',
        ld(),
        searchApi,
        [],
        1,
      ],
    ])('%s', (_, declared, chosen, expected, unknowns) => {
      const s = scope(declared, chosen);
      expect(bound(s, 'launchdarkly')).toEqual(expected);
      const mine = s.unknowns.filter((u) => u.subject === 'flags in rollbook.yaml');
      expect(mine).toHaveLength(unknowns);
      if (unknowns)
        expect(mine[0]?.reason).toContain(
          'rollbook.yaml:7 (launchdarkly) declares kill switch pause-exports without saying which workload (no workloads:, no deploy.workload), and the repository holds 3 workloads',
        );
    });

    it("evaluated in a workload's own code: bound there by that evidence", () => {
      const withRef = { ...d, flagRefs: [...refs, ref('pause-exports', 'lambda/export.ts', 4)] };
      const ctx = (chosen: Workload) => ({
        chosen,
        workloads: zoo,
        ref: (w: Workload) => w.name,
        match: (r: string) => zoo.filter((w) => r === w.name),
      });
      expect(bound(scopeFlags(ld(), withRef, ctx(thumbs)), 'launchdarkly')).toEqual([
        'pause-exports: evaluated in lambda/export.ts:4, under lambda',
      ]);
      const other = scopeFlags(ld(), withRef, ctx(searchApi));
      expect(bound(other, 'launchdarkly')).toEqual([]);
      expect(other.unknowns.filter((u) => u.subject === 'flags in rollbook.yaml')).toEqual([]);
    });
  });

  it('workloads: naming no workload of the repository is an unknown', () => {
    const s = scope({ sources: [shared({ workloads: ['thumbnail'] })], flags: [] }, thumbs);
    expect(s.unknowns.map((u) => u.reason)).toContainEqual(
      expect.stringContaining('workloads names thumbnail, which is no workload of the repository'),
    );
  });

  it('one workload (or none chosen) keeps every flag, as before binding', () => {
    expect(scope(none, ordersWorker, [ordersWorker]).flags).toHaveLength(4);
    expect(scope(none, undefined).flags).toHaveLength(4);
    // a declaration without a workload in a one-workload repository is that workload's, unchanged
    expect(scope({ sources: [shared()], flags: [] }, ordersWorker, [ordersWorker]).flagSources).toHaveLength(
      1,
    );
  });

  describe('evaluations in code no workload owns', () => {
    const withShared = {
      ...d,
      flagRefs: [
        ...refs,
        ref('dynamic-pricing', 'pkg/pricing/pricing.go', 12),
        ref('reports.beta', 'pkg/reports/reports.go', 3),
        ref('search.rerank', 'cloudrun/src/rank.ts', 9),
      ],
    };
    const ctx = (chosen: Workload) => ({
      chosen,
      workloads: zoo,
      ref: (w: Workload) => w.name,
      match: (r: string) => zoo.filter((w) => r === w.name),
    });
    it.each([
      // orders-x (src/x.ts) and dynamic-pricing (pkg/) sit in no workload's directory and no file defines them;
      // reports.beta is defined in the file (its evaluation in pkg/ is not "missing"); search.rerank is search-api's own
      [thumbs, ['dynamic-pricing (shared)', 'orders-x (shared)', 'thumbs-v2']],
      [searchApi, ['dynamic-pricing (shared)', 'orders-x (shared)', 'search.rerank']],
      [ordersWorker, ['dynamic-pricing (shared)', 'orders-x (shared)']],
    ])('%s keeps its own and the shared ones no file defines', (chosen, expected) => {
      const s = scopeFlags(none, withShared, ctx(chosen as Workload));
      expect((s.flagRefs ?? []).map((r) => `${r.key}${r.shared ? ' (shared)' : ''}`).sort()).toEqual(
        expected,
      );
      expect(s.repoFlagFiles).toEqual(['flags/unleash-export.json']);
    });
  });

  it.each([
    ['orders.kill', ['orders.*'], true],
    ['orders', ['orders.*'], false],
    ['orders.kill', ['orders.kill'], true],
    ['orders.kill2', ['orders.kill'], false],
  ])('keyMatches(%s, %j) = %s', (key, patterns, expected) => {
    expect(keyMatches(key, patterns)).toBe(expected);
  });
});
