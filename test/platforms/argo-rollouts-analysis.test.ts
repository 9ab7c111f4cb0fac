/**
 * The success-path time of an AnalysisRun from its metrics: initialDelay + (count − 1) × interval;
 * one measurement without count and interval; an interval without count never ends by itself; a Job
 * measurement is assumed (capped by activeDeadlineSeconds); the run takes its longest metric.
 */
import { describe, expect, test } from 'vitest';
import type { AnalysisMetricFacts } from '../../src/model/facts.js';
import {
  metricDecision,
  metricTime,
  runDrivers,
  runFailure,
  runTime,
} from '../../src/platforms/argo-rollouts-analysis.js';

const at = { file: 'analysis.yaml', line: 8 };
const m = (
  fields: {
    count?: number;
    interval?: number;
    initialDelay?: number;
    provider?: string;
    jobDeadline?: number;
    failureLimit?: number;
    inconclusiveLimit?: number;
    consecutiveErrorLimit?: number;
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
  ...(fields.failureLimit !== undefined ? { failureLimit: { value: fields.failureLimit, at } } : {}),
  ...(fields.inconclusiveLimit !== undefined
    ? { inconclusiveLimit: { value: fields.inconclusiveLimit, at } }
    : {}),
  ...(fields.consecutiveErrorLimit !== undefined
    ? { consecutiveErrorLimit: { value: fields.consecutiveErrorLimit, at } }
    : {}),
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

/**
 * The failure path (analysis/analysis.go assessMetricStatus): Failed when failed > failureLimit,
 * Error when consecutive errors > consecutiveErrorLimit (default 4; an errored measurement is retried
 * after the interval, 10s without one, and does not count towards count), Inconclusive when
 * inconclusive > inconclusiveLimit. Seconds from the run's start, every measurement going bad.
 */
describe('metricDecision: when the controller decides a bad metric', () => {
  test.each([
    ['interval 1m, defaults: the 1st failed measurement decides; 5 errors', { interval: 60 }, [0, 240, 0]],
    [
      'failureLimit 2 after initialDelay 30s: the 3rd failed measurement',
      { interval: 60, initialDelay: 30, failureLimit: 2 },
      [150, 270, 30],
    ],
    [
      "the docs' background example: 5m × failureLimit 3 = 15m",
      { interval: 300, failureLimit: 3 },
      [900, 1200, 0],
    ],
    [
      'count 3 with failureLimit 3: it cannot fail by measurements (it succeeds)',
      { count: 3, interval: 60, failureLimit: 3 },
      [undefined, 240, 0],
    ],
    ['one measurement: errors retried every 10s', {}, [0, 40, 0]],
    [
      'consecutiveErrorLimit 2 every 30s: the 3rd error',
      { interval: 30, consecutiveErrorLimit: 2 },
      [0, 60, 0],
    ],
    [
      'inconclusiveLimit 1: the 2nd inconclusive measurement pauses',
      { interval: 60, inconclusiveLimit: 1 },
      [0, 240, 60],
    ],
    ['a Job measurement adds its run (assumed 60s) to each', { provider: 'job' }, [60, 340, 60]],
  ] as const)('%s', (_, fields, [failed, error, inconclusive]) => {
    const d = metricDecision(m(fields));
    expect([d?.failed, d?.error, d?.inconclusive]).toEqual([failed, error, inconclusive]);
  });

  test('an unreadable or rejected metric has no decision time', () => {
    expect(metricDecision({ ...m({}), unresolved: { interval: '{{args.x}}' } })).toBeUndefined();
    expect(
      metricDecision({ ...m({ count: 3 }), invalid: 'interval must be specified when count > 1' }),
    ).toBeUndefined();
  });
});

describe('runFailure: one bad metric ends the run (utils/analysis IsTerminating)', () => {
  test('the earliest metric decides when all go bad; the worst case is the slowest metric going bad alone', () => {
    const run = {
      templates: ['t'],
      metrics: [m({ interval: 60, failureLimit: 2 }, 'a'), m({}, 'b')],
      missing: [],
    };
    const f = runFailure(run);
    expect([f?.failedFirst, f?.decidedWorst]).toEqual([0, 240]);
    expect(f?.words).toEqual([
      't/a: Failed at the 3rd failed measurement (failureLimit 2) ~2m, Error after 5 errors in a row (consecutiveErrorLimit 4) ~4m, Inconclusive after 1 inconclusive (inconclusiveLimit 0) at the first measurement',
      't/b: Failed at the 1st failed measurement (failureLimit 0) at the first measurement, Error after 5 errors in a row (consecutiveErrorLimit 4) ~40s, Inconclusive after 1 inconclusive (inconclusiveLimit 0) at the first measurement',
    ]);
    expect(runFailure({ templates: ['gone'], metrics: [], missing: ['gone'] })).toBeUndefined();
  });
});
