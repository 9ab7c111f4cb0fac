/**
 * The success-path time of an AnalysisRun from its metrics: initialDelay + (count − 1) × interval;
 * one measurement without count and interval; an interval without count never ends by itself; a Job
 * measurement is assumed (capped by activeDeadlineSeconds); the run takes its longest metric.
 */
import { describe, expect, test } from 'vitest';
import type { AnalysisMetricFacts } from '../../src/model/facts.js';
import { metricTime, runDrivers, runTime } from '../../src/platforms/argo-rollouts-analysis.js';

const at = { file: 'analysis.yaml', line: 8 };
const m = (
  fields: {
    count?: number;
    interval?: number;
    initialDelay?: number;
    provider?: string;
    jobDeadline?: number;
  },
  name = 'm',
): AnalysisMetricFacts => ({
  template: 't',
  name,
  provider: fields.provider ?? 'prometheus',
  at,
  ...(fields.count !== undefined ? { count: { value: fields.count, at } } : {}),
  ...(fields.interval !== undefined ? { interval: { value: fields.interval, at } } : {}),
  ...(fields.initialDelay !== undefined ? { initialDelay: { value: fields.initialDelay, at } } : {}),
  ...(fields.jobDeadline !== undefined ? { jobDeadline: { value: fields.jobDeadline, at } } : {}),
});

describe('metricTime', () => {
  test.each([
    ['no count, no interval: one measurement', {}, 'timed', 0, 0],
    ['initialDelay only: one measurement after it', { initialDelay: 30 }, 'timed', 30, 30],
    ['count 1 without interval: one measurement', { count: 1 }, 'timed', 0, 0],
    ['count 5 × 60s: four gaps', { count: 5, interval: 60 }, 'timed', 240, 240],
    ['count 3 × 5m after 1m', { count: 3, interval: 300, initialDelay: 60 }, 'timed', 660, 660],
    ['count 2 × 1h', { count: 2, interval: 3600 }, 'timed', 3600, 3600],
    ['count 0 is unset: with an interval it never ends', { count: 0, interval: 30 }, 'indefinite', 0, 0],
    ['interval without count: until it fails', { interval: 30 }, 'indefinite', 0, 0],
    ['interval without count, with initialDelay', { interval: 60, initialDelay: 30 }, 'indefinite', 0, 0],
    ['Job, one measurement: assumed 60s, worst 600s', { provider: 'job' }, 'timed', 60, 600],
    ['Job capped by activeDeadlineSeconds', { provider: 'job', jobDeadline: 120 }, 'timed', 60, 120],
    ['Job × 3 every 1m', { provider: 'job', count: 3, interval: 60 }, 'timed', 300, 1920],
  ] as const)('%s', (_, fields, kind, expected, worst) => {
    const t = metricTime(m(fields));
    expect(t.kind).toBe(kind);
    if (t.kind === 'timed') expect([t.expected, t.worst]).toEqual([expected, worst]);
  });

  test('the words say what the controller does', () => {
    expect(metricTime(m({ count: 3, interval: 60, initialDelay: 30 })).words).toBe(
      't/m: initialDelay 30s + 3 measurements 1m apart = 2m30s',
    );
    expect(metricTime(m({ interval: 30 })).words).toBe(
      't/m every 30s with no count, until it fails or the run is terminated',
    );
  });

  test('invalid and unreadable metrics are not timed', () => {
    expect(
      metricTime({ ...m({ count: 3 }), invalid: 'interval must be specified when count > 1' }).kind,
    ).toBe('invalid');
    expect(metricTime({ ...m({}), unresolved: { interval: '{{args.x}}' } }).kind).toBe('unknown');
  });
});

describe('runTime', () => {
  test('metrics run side by side: the run takes the longest; one indefinite metric makes it a wait', () => {
    const run = {
      templates: ['t'],
      metrics: [m({ count: 3, interval: 60 }, 'a'), m({ count: 2, interval: 300 }, 'b')],
      missing: [],
    };
    expect(runTime(run)).toMatchObject({ expected: 300, worst: 300, indefinite: [] });
    const waits = runTime({ ...run, metrics: [...run.metrics, m({ interval: 30 }, 'c')] });
    expect(waits.indefinite).toEqual([
      't/c every 30s with no count, until it fails or the run is terminated',
    ]);
    expect(runTime({ ...run, missing: ['cluster:gone'] }).unknown).toEqual([
      'template cluster:gone is not in the repository: its metrics are not timed',
    ]);
  });

  test('drivers: every value cited; defaults say which template field sets them', () => {
    const d = runDrivers('canary step 2 analysis', {
      templates: ['t', 'cluster:gone'],
      metrics: [m({ interval: 30 })],
      missing: ['cluster:gone'],
    });
    expect(d.map((x) => `${x.name}=${x.value} ${x.source}`)).toEqual([
      'canary step 2 analysis t/m interval=30s manifest',
      'canary step 2 analysis t/m count=unset with an interval: runs until it fails or the run is terminated manifest',
      'canary step 2 analysis t/m initialDelay=0s default',
      'canary step 2 analysis t/m failureLimit=0 default',
      'canary step 2 analysis t/m inconclusiveLimit=0 default',
      'canary step 2 analysis t/m consecutiveErrorLimit=4 default',
      'canary step 2 analysis cluster:gone=not timed (template not in the repository) default',
    ]);
    expect(d.filter((x) => x.source === 'default').every((x) => x.realFrom)).toBe(true);
    expect(d.find((x) => x.name.endsWith('initialDelay'))?.realFrom).toBe(
      'metrics[m].initialDelay of AnalysisTemplate t',
    );
  });
});
