/**
 * Argo Rollouts analysis runs as discovery reads them: Go duration strings (Argo's DurationString),
 * metric fields resolved from the Rollout's args, templates bound by name, namespace and clusterScope.
 */
import { describe, expect, test } from 'vitest';
import type { Evidence } from '../../src/model/service.js';
import {
  analysisRunRef,
  bindAnalysisRun,
  bindRolloutAnalysis,
  fieldRefValue,
  goDurationSeconds,
  rolloutSignals,
  type TemplateObject,
} from '../../src/readers/discovery/analysis-runs.js';
import type { PathKey } from '../../src/readers/discovery/yaml.js';

describe('goDurationSeconds (Go time.ParseDuration, what Argo parses interval and initialDelay with)', () => {
  test.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['2m30s', 150],
    ['500ms', 0.5],
    ['.5s', 0.5],
    ['0', 0],
    [' 45s ', 45],
  ])('%s → %s s', (text, seconds) => expect(goDurationSeconds(text)).toBe(seconds));

  test.each([
    ['30', 'a bare number is not a Go duration'],
    ['1d', 'Go has no day unit'],
    ['-5s', 'negative'],
    ['5 m', 'space inside'],
    ['m', 'no number'],
    ['', 'empty'],
  ])('%j is not a duration (%s)', (text) => expect(goDurationSeconds(text)).toBeUndefined());

  test('a number (not a string) is not a DurationString', () => {
    expect(goDurationSeconds(30)).toBeUndefined();
  });
});

const at =
  (file: string) =>
  (path: PathKey[]): Evidence => ({ file, line: path.length + 1, note: path.join('.') });

function template(
  name: string,
  metrics: unknown[],
  extra: { kind?: string; namespace?: string; args?: unknown[] } = {},
): TemplateObject {
  return {
    kind: extra.kind ?? 'AnalysisTemplate',
    name,
    ...(extra.namespace ? { namespace: extra.namespace } : {}),
    body: { spec: { ...(extra.args ? { args: extra.args } : {}), metrics } },
    at: at(`${name}.yaml`),
  };
}

describe('analysis runs bound to templates', () => {
  test('templates by name, clusterScope and namespace; a template no file defines is missing', () => {
    const run = analysisRunRef(
      {
        templates: [
          { templateName: 'latency' },
          { templateName: 'errors', clusterScope: true },
          { templateName: 'gone' },
        ],
      },
      at('rollout.yaml'),
    );
    expect(run.templates).toEqual(['latency', 'cluster:errors', 'gone']);
    bindAnalysisRun(
      run,
      [
        template('latency', [{ name: 'p99', interval: '1m' }], { namespace: 'other' }),
        template('latency', [{ name: 'p99', interval: '30s' }], { namespace: 'shop' }),
        template('errors', [{ name: 'ratio', count: 3, interval: '5m' }], {
          kind: 'ClusterAnalysisTemplate',
        }),
        template('errors', [{ name: 'wrong-kind' }]),
      ],
      'shop',
    );
    expect(run.metrics.map((m) => `${m.template}/${m.name} ${m.interval?.value}s`)).toEqual([
      'latency/p99 30s',
      'cluster:errors/ratio 300s',
    ]);
    expect(run.missing).toEqual(['gone']);
  });

  test('blueGreen pre- and post-promotion runs are bound like canary runs (templates, clusterScope, args)', () => {
    const pre = analysisRunRef(
      { templates: [{ templateName: 'smoke' }], args: [{ name: 'every', value: '20s' }] },
      at('rollout.yaml'),
    );
    const post = analysisRunRef(
      { templates: [{ templateName: 'errors', clusterScope: true }] },
      at('rollout.yaml'),
    );
    const w = {
      kind: 'Rollout',
      name: 'payments',
      namespace: 'shop',
      platform: 'argo-rollouts' as const,
      images: [],
      settings: {},
      config: [],
      argoRollouts: {
        analysisTemplates: ['cluster:errors', 'smoke'],
        prePromotionAnalysis: pre,
        postPromotionAnalysis: post,
      },
    };
    bindRolloutAnalysis(w, [
      template('smoke', [{ name: 'flow', count: 3, interval: '{{args.every}}' }], {
        namespace: 'shop',
        args: [{ name: 'every', value: '1m' }],
      }),
      template('errors', [{ name: 'ratio', interval: '5m' }], { kind: 'ClusterAnalysisTemplate' }),
    ]);
    expect(pre.metrics.map((m) => `${m.template}/${m.name} ${m.count?.value}×${m.interval?.value}s`)).toEqual(
      ['smoke/flow 3×20s'],
    );
    expect(post.metrics.map((m) => `${m.template}/${m.name} ${m.interval?.value}s`)).toEqual([
      'cluster:errors/ratio 300s',
    ]);
  });

  test("args: the Rollout's value wins over the template's default; an arg without value is unresolved", () => {
    const run = analysisRunRef(
      {
        templates: [{ templateName: 't' }],
        args: [
          { name: 'interval', value: '2m' },
          { name: 'svc', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
      },
      at('rollout.yaml'),
    );
    bindAnalysisRun(
      run,
      [
        template(
          't',
          [
            {
              name: 'm',
              interval: '{{args.interval}}',
              count: '{{ args.count }}',
              initialDelay: '{{args.delay}}',
              failureLimit: '2',
            },
          ],
          { args: [{ name: 'interval', value: '5m' }, { name: 'count', value: '4' }, { name: 'delay' }] },
        ),
      ],
      undefined,
    );
    const m = run.metrics[0];
    expect(m?.interval).toEqual({ value: 120, at: { file: 'rollout.yaml', line: 4, note: 'args.0.value' } });
    expect(m?.count?.value).toBe(4);
    expect(m?.count?.at?.file).toBe('t.yaml');
    expect(m?.failureLimit?.value).toBe(2);
    expect(m?.unresolved).toEqual({ initialDelay: '{{args.delay}}' });
  });

  test('the controller rejects count > 1 without interval, and count below failureLimit', () => {
    const run = analysisRunRef({ templates: [{ templateName: 't' }] }, at('r.yaml'));
    bindAnalysisRun(
      run,
      [
        template('t', [
          { name: 'no-interval', count: 3 },
          { name: 'low-count', count: 1, failureLimit: 2, interval: '1m' },
          { name: 'fine', count: 1 },
          { name: 'job', provider: { job: { spec: { activeDeadlineSeconds: 120 } } } },
        ]),
      ],
      undefined,
    );
    expect(run.metrics.map((m) => [m.name, m.invalid ?? 'ok', m.provider, m.jobDeadline?.value])).toEqual([
      ['no-interval', 'interval must be specified when count > 1', 'unknown', undefined],
      ['low-count', 'count must be >= failureLimit', 'unknown', undefined],
      ['fine', 'ok', 'unknown', undefined],
      ['job', 'ok', 'job', 120],
    ]);
  });
});

describe('analysis args as the controller resolves them (utils/analysis/helpers.go BuildArgumentsForRolloutAnalysisRun)', () => {
  const rollout = {
    body: {
      metadata: { name: 'orders', labels: { env: 'prod' }, annotations: { team: 'core' } },
      spec: { replicas: 3, strategy: { canary: { canaryService: 'orders-canary' } } },
    },
    at: at('rollout.yaml'),
  };
  test.each([
    ["metadata.labels['env']", 'value prod @metadata.labels.env'],
    ["metadata.annotations['team']", 'value core @metadata.annotations.team'],
    ['metadata.name', 'value orders @metadata.name'],
    ['spec.strategy.canary.canaryService', 'value orders-canary @spec.strategy.canary.canaryService'],
    ['spec.replicas', 'value 3 @spec.replicas'],
    ["metadata.labels['region']", 'runtime: the manifest has no such label'],
    ['metadata.namespace', "runtime: the Rollout's namespace, which no file names"],
    ['status.alb.canaryTargetGroup.name', "runtime: a field of the live Rollout's status"],
    ['metadata.uid', 'runtime: a field of the live Rollout (uid'],
  ])('fieldRef %s → %s', (path, want) => {
    const v = fieldRefValue(rollout, path, { file: 'rollout.yaml', line: 9 });
    const got = 'value' in v ? `value ${v.value} @${v.at.note}` : `runtime: ${v.what}`;
    expect(got.startsWith(want) || got.includes(want.replace('runtime: ', ''))).toBe(true);
  });

  const tmpl = template(
    'errors',
    [
      {
        name: 'rate',
        interval: '{{ args.every }}',
        successCondition: 'result[0] < 0.02',
        provider: {
          prometheus: {
            query: 'rate{svc="{{args.svc}}",env="{{ args.env }}",hash="{{args.hash}}",w="{{args.window}}"}',
          },
        },
      },
      { name: 'probe', provider: { web: { url: 'https://p/check?token={{args.token}}&x={{args.nobody}}' } } },
    ],
    {
      args: [
        { name: 'svc' },
        { name: 'env' },
        { name: 'hash' },
        { name: 'every', value: '5m' },
        { name: 'window', value: '2m' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 'metrics-api', key: 'token' } } },
        { name: 'nobody' },
      ],
    },
  );
  const workload = (args: unknown[]) => ({
    kind: 'Rollout',
    name: 'orders',
    platform: 'argo-rollouts' as const,
    images: [],
    settings: {},
    config: [],
    argoRollouts: {
      analysisTemplates: ['errors'],
      backgroundAnalysis: analysisRunRef(
        { templates: [{ templateName: 'errors' }], args },
        at('rollout.yaml'),
        rollout,
      ),
    },
  });

  test("the Rollout's value, fieldRef and template defaults fill the query; hash, Secret and an arg nobody passes stay named placeholders with an unknown each", () => {
    const w = workload([
      { name: 'svc', value: 'orders-canary' },
      { name: 'env', valueFrom: { fieldRef: { fieldPath: "metadata.labels['env']" } } },
      { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: 'every', value: '1m' },
    ]);
    const { signals, unknowns } = rolloutSignals(w, [tmpl]);
    expect(signals.map((s) => [s.name, s.query, s.condition])).toEqual([
      [
        'errors/rate',
        'rate{svc="orders-canary",env="prod",hash="<args.hash>",w="2m"}',
        'success when result[0] < 0.02; every 1m',
      ],
      ['errors/probe', 'https://p/check?token=<args.token>&x=<args.nobody>', undefined],
    ]);
    expect(signals[0]?.measurements).toEqual({ count: 1, interval: '1m' });
    expect(unknowns.map((u) => `${u.subject} @${u.at?.file}: ${u.reason.split(':')[0]}`)).toEqual([
      'analysis arg hash of errors @rollout.yaml: podTemplateHashValue Latest',
      'analysis arg nobody of errors @errors.yaml: errors declares it with no value and the background analysis of rollout orders passes none',
      'analysis arg token of errors @errors.yaml: secretKeyRef',
    ]);
    // the Secret is named, never read: its reason names the Secret and key only
    expect(unknowns.find((u) => u.subject.includes('token'))?.reason).toContain(
      'key token of Secret metrics-api',
    );
  });

  test('a literal value the Rollout passes wins over the Secret the template reads', () => {
    const { signals, unknowns } = rolloutSignals(
      workload([
        { name: 'token', value: 'public-demo' },
        { name: 'nobody', value: 'x' },
      ]),
      [tmpl],
    );
    expect(signals[1]?.query).toBe('https://p/check?token=public-demo&x=x');
    expect(unknowns.map((u) => u.subject)).toEqual([
      'analysis arg env of errors',
      'analysis arg hash of errors',
      'analysis arg svc of errors',
    ]);
  });
});
