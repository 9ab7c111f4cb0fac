/**
 * Typed platform facts (issue 13, item 10). The `@ts-expect-error` lines are the test: `npm run
 * typecheck` fails if any of them compiles, i.e. if a forgotten fact or another platform's fact
 * stopped being a type error. The runtime cases pin the flat view `rollbook discover` prints.
 */
import { describe, expect, it } from 'vitest';
import { factAttributes, type HelmFacts, type LambdaFacts } from '../../src/model/facts.js';
import type { EcsFacts, Workload } from '../../src/model/service.js';
import type { PlatformContext } from '../../src/platforms/types.js';
import { attributeKind, NAME_FACT_KEYS } from '../../src/readers/names.js';
import { everyFact, workload } from './helpers.js';

describe('typed facts are checked by the compiler', () => {
  it('a fact a platform needs cannot be forgotten by discovery', () => {
    // @ts-expect-error the Lambda function name is required
    const fn: LambdaFacts = { alias: 'live' };
    // @ts-expect-error the Helm release name is required
    const chart: HelmFacts = { chart: 'payments' };
    const w: Workload = {
      kind: 'Function',
      name: 'f',
      platform: 'lambda',
      images: [],
      settings: {},
      config: [],
      // @ts-expect-error a workload's lambda block without the function name does not compile
      lambda: { region: 'eu-west-1' },
    };
    expect([fn, chart, w].length).toBe(3);
  });

  it("a platform cannot read another platform's fact from its block", () => {
    const read = (ctx: PlatformContext) => [
      // @ts-expect-error cluster is an ECS fact, not a Lambda one
      ctx.workload?.lambda?.cluster,
      // @ts-expect-error a Lambda alias is not an ECS fact
      ctx.workload?.ecs?.alias,
      // @ts-expect-error the Argo CD app is not a Helm fact
      ctx.workload?.helm?.app,
      // @ts-expect-error there is no free-form attribute map any more
      ctx.workload?.attributes,
    ];
    expect(read({ service: {} as PlatformContext['service'] })).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('numbers are numbers and booleans are booleans, parsed once at discovery', () => {
    // @ts-expect-error provisioned concurrency is a number, not a string to parse at the read site
    const pc: LambdaFacts = { function: 'f', provisionedConcurrency: '50' };
    // @ts-expect-error "no load balancer" is a boolean, not the string "none"
    const lb: EcsFacts = { loadBalanced: 'none' };
    expect([pc, lb].length).toBe(2);
  });
});

describe('factAttributes: the flat view discover prints', () => {
  it.each([
    [
      { lambda: { function: 'f' } },
      [
        ['aliasMissing', 'true'],
        ['function', 'f'],
      ],
    ],
    [
      { lambda: { function: 'f', alias: 'live', provisionedConcurrency: 5 } },
      [
        ['alias', 'live'],
        ['function', 'f'],
        ['provisionedConcurrency', '5'],
      ],
    ],
    [
      { ecs: { service: 's', loadBalanced: false, alarms: ['a', 'b'], alarmRollback: true } },
      [
        ['alarmRollback', 'true'],
        ['alarms', 'a,b'],
        ['loadBalancer', 'none'],
        ['service', 's'],
      ],
    ],
    [{ ecs: { loadBalanced: true } }, []],
    [
      {
        cloudRun: {
          service: 'web',
          traffic: [
            { revision: 'web-1', percent: 90 },
            { revision: 'LATEST', percent: 10 },
          ],
        },
      },
      [
        ['service', 'web'],
        ['traffic', 'web-1=90,LATEST=10'],
      ],
    ],
    [{ argoRollouts: { analysisTemplates: ['cluster:a', 'b'] } }, [['analysisTemplates', 'cluster:a,b']]],
    [
      { argocd: { app: 'x', kind: 'ApplicationSet' } },
      [
        ['app', 'x'],
        ['argocdKind', 'ApplicationSet'],
      ],
    ],
  ] as [Partial<Workload>, [string, string][]][])('%j', (facts, flat) => {
    expect(factAttributes(workload('kubernetes', facts))).toEqual(flat);
  });

  it('every name fact a platform reads is classified as a name (one table: readers/names.ts)', () => {
    const flat = factAttributes(workload('kubernetes', everyFact('x')));
    const unclassified = flat.map(([k]) => k).filter((k) => attributeKind('kubernetes', k) === undefined);
    // what never becomes a command argument: descriptive facts shown by discover
    expect(unclassified).toEqual([
      'alarmRollback',
      'alarms',
      'analysisTemplates',
      'appVersion',
      'argocdKind',
      'chart',
      'chartPath',
      'chartVersion',
      'circuitBreakerRollback',
      'currentLink',
      'logicalId',
      'maxScale',
      'minScale',
      'overlay',
      'postdeploy',
      'provisionedConcurrency',
      'repoURL',
      'restart',
      'revision',
      'taskDefinition',
      'traffic',
      'web',
    ]);
    for (const [k] of flat.filter(([k]) => !unclassified.includes(k))) expect(NAME_FACT_KEYS).toContain(k);
  });
});
