/**
 * Signals with a direction: the trigger states the condition that calls for a rollback (a success
 * rate below its threshold, an error ratio above it), Argo Rollouts analysis conditions are turned
 * into that condition, and recovery is the opposite condition held for the verification window, the
 * same in every format.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS, loadService, plan, render } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { readComparison, rollbackComparison } from '../../src/readers/discovery/analysis-condition.js';
import { cli, tempDir } from '../helpers/cli.js';
import { design, SHAPES } from '../shapes/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('Argo Rollouts analysis conditions → the rollback condition', () => {
  // successCondition / failureCondition as public AnalysisTemplates write them
  it.each([
    // [success, failure, rollback op, threshold]
    ['result[0] >= 0.95', undefined, '<', 0.95],
    ['result[0] >= 0.999', undefined, '<', 0.999],
    ['result >= 0.95', undefined, '<', 0.95],
    ['result <= 0.01', undefined, '>', 0.01],
    ['default(result, 0) < 0.05', undefined, '>=', 0.05],
    ['default(result, 0) >= 0.95', undefined, '<', 0.95],
    ['isNaN(result) || result >= 0.95', undefined, '<', 0.95],
    ['result[0] >= 0.90 || len(result) == 0', undefined, '<', 0.9],
    ['0.95 <= result[0]', undefined, '<', 0.95],
    ['result[0] >= 0.95', 'result[0] < 0.95', '<', 0.95],
    ['default(result, 0) < 0.01', 'default(result, 0) >= 0.05', '>=', 0.05],
    [undefined, 'result[0] > 0.1', '>', 0.1],
  ] as const)('success %s, failure %s → %s %s', (success, failure, op, threshold) => {
    expect(rollbackComparison(success, failure)).toEqual({ op, threshold });
  });

  it.each([
    "result == 'true'",
    'result.successful == true',
    'result[0] >= 0.95 && result[1] <= 0.4',
    'asInt(result) in [200, 201]',
    'isInf(result)',
  ])('claims no direction for %s', (expr) => {
    expect(readComparison(expr)).toBeUndefined();
    expect(rollbackComparison(expr)).toBeUndefined();
  });

  it('an unreadable failure condition is the rule, even beside a readable success condition', () => {
    expect(rollbackComparison('result[0] >= 0.95', 'isInf(result)')).toBeUndefined();
  });
});

/** Every text a format shows a person, for one plan. */
function allFormats(p: Plan): Record<string, string> {
  return Object.fromEntries(
    FORMATS()
      .filter((f) => f !== 'json')
      .map((f) => [f, render(p, f)]),
  );
}

describe('the rollouts-canary design (successCondition result[0] >= 0.99, interval 1m, failureLimit 2)', () => {
  it('calls for a rollback when success-rate < 0.99 for 3 × 1m, and recovers at >= 0.99', async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    const c = p.trigger.criteria.find((x) => x.signal === 'checkout-success-rate/success-rate');
    expect(c).toMatchObject({
      condition: 'success-rate < 0.99 for 3 × 1m, within 60 min of a deploy',
      op: '<',
      threshold: 0.99,
      forSeconds: 180,
    });
    const r = p.verification.signals.find((x) => x.signal === 'checkout-success-rate/success-rate');
    expect(r).toMatchObject({ condition: 'success-rate >= 0.99 for 10m', op: '>=', holdSeconds: 600 });
    expect(p.verification.sustainSeconds).toBe(600);
    const json = JSON.parse(render(p, 'json'));
    const named = (xs: { signal: string }[]) =>
      xs.find((x) => x.signal === 'checkout-success-rate/success-rate');
    expect(named(json.trigger.criteria)).toMatchObject({ op: '<', threshold: 0.99 });
    expect(named(json.verification.signals)).toMatchObject({
      op: '>=',
      condition: 'success-rate >= 0.99 for 10m',
    });
    for (const [format, text] of Object.entries(allFormats(p))) {
      const shown = (t: string) =>
        format === 'html'
          ? t.replace(/</g, '&lt;').replace(/>/g, '&gt;')
          : format === 'md'
            ? t.replace(/</g, '\\<')
            : t;
      if (format !== 'comms') {
        expect(text, format).toContain(shown('success-rate < 0.99 for 3 × 1m'));
        expect(text, format).toContain(shown('success-rate >= 0.99 for 10m'));
      }
      expect(text, format).not.toContain('under threshold');
    }
  });

  it('init writes the direction it read', async () => {
    const dir = join(tmp.dir, 'canary');
    mkdirSync(dir);
    for (const f of ['k8s/analysis.yaml', 'k8s/rollout.yaml']) {
      mkdirSync(join(dir, 'k8s'), { recursive: true });
      writeFileSync(join(dir, f), readFileSync(join(SHAPES, 'rollouts-canary', f)));
    }
    const r = await cli(['init', dir]);
    expect(r.code).toBe(0);
    const yaml = readFileSync(join(dir, 'rollbook.yaml'), 'utf8');
    expect(yaml).toMatch(
      /name: checkout-success-rate\/success-rate[\s\S]*threshold: 0\.99\n\s+op: <\n\s+for: 3m/,
    );
    const s = await loadService(dir);
    expect(s.signals[0]).toMatchObject({ op: '<', threshold: 0.99 });
  });
});

describe('signals[].op in rollbook.yaml', () => {
  async function designed(signals: string): Promise<Plan> {
    const dir = join(tmp.dir, `svc-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'rollbook.yaml'),
      `version: 1\nservice: pay\ndeploy: { platform: kubernetes, workload: deployment/pay, namespace: pay }\nsignals:\n${signals}`,
    );
    const s = await loadService(dir);
    return plan(s);
  }

  it('a success rate with op < reads "roll back when success-rate < 0.95"', async () => {
    const p = await designed(
      '  - { name: success-rate, threshold: 0.95, op: "<", for: 5m }\n  - { name: error-ratio, threshold: 0.02, for: 5m }\n',
    );
    expect(p.trigger.criteria.map((c) => [c.condition, c.op])).toEqual([
      ['success-rate < 0.95 for 5m, within 60 min of a deploy', '<'],
      ['error-ratio > 0.02 for 5m, within 60 min of a deploy', '>'],
    ]);
    expect(p.verification.signals.map((r) => r.condition)).toEqual([
      'success-rate >= 0.95 for 10m',
      'error-ratio <= 0.02 for 10m',
    ]);
    expect(render(p, 'sh')).toContain(
      "'success-rate: success-rate < 0.95 for 5m, within 60 min of a deploy'",
    );
    expect(p.unknowns.some((u) => u.subject.startsWith('direction of signal'))).toBe(false);
  });

  it('no op and a name that does not tell: the direction is reported unknown, never guessed', async () => {
    const p = await designed('  - { name: queue-depth, threshold: 500, for: 5m }\n');
    expect(p.trigger.criteria[0]?.op).toBeUndefined();
    expect(p.trigger.criteria[0]?.condition).toContain('queue-depth on the bad side of 500');
    expect(p.unknowns.find((u) => u.subject === 'direction of signal queue-depth')?.reason).toContain(
      'set `op`',
    );
  });

  it('an op outside > >= < <= is an input error with its location', async () => {
    const dir = join(tmp.dir, 'bad-op');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'rollbook.yaml'),
      'version: 1\nservice: pay\nsignals:\n  - { name: success-rate, threshold: 0.95, op: "=<" }\n',
    );
    const r = await cli(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rollbook.yaml:4:');
  });
});
