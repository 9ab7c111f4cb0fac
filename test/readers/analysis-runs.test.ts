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
  goDurationSeconds,
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
