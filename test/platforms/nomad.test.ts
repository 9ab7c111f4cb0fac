import { describe, expect, test } from 'vitest';
import { nomad } from '../../src/platforms/nomad.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const job = (settings = {}) =>
  ctxOf('nomad', { kind: 'Job', name: 'billing', namespace: 'payments' }, settings);

describe('nomad', () => {
  test('commands and flags', () => {
    const ctx = job();
    expect(renderCommand(nomad.history(ctx))).toBe('nomad job history -namespace=payments -- billing');
    expect(renderCommand(nomad.status(ctx))).toBe('nomad job status -namespace=payments -- billing');
    const r = nomad.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: nomad job revert -namespace=payments -- billing "\${JOB_VERSION}"
      input JOB_VERSION: nomad job history -namespace=payments -- billing
      [nomad-job-revert] 25s/305s
        rw $ nomad job revert -namespace=payments -- billing "\${JOB_VERSION}"
        check $ nomad job deployments -namespace=payments -latest -- billing ~ successful (timeout 30s, retries 61)"
    `);
  });

  test('duration: count / max_parallel batches with min_healthy_time', () => {
    const d = nomad.duration(job({ replicas: m(6), maxParallel: m(2), minReadySeconds: m(30) }));
    // 3 batches × (kill 5 + pull 10 + 30)
    expect(d.expectedSeconds).toBe(135);
    // 3 × min(5 + 300, 600)
    expect(d.maxSeconds).toBe(915);
    expect(d.drivers.find((x) => x.name === 'healthy_deadline')?.source).toBe('default');
    expect(d.drivers.find((x) => x.name === 'max_parallel')?.source).toBe('manifest');
  });

  test('hazards: revert ignores max_parallel; auto_revert when on', () => {
    const h = nomad.hazards(job({ maxParallel: m(2, 14), autoRevert: m(true, 15) }));
    expect(rules(h)).toEqual(['nomad-auto-revert', 'nomad-revert-ignores-max-parallel', 'nomad-version-gc']);
    expect(byRule(h, 'nomad-revert-ignores-max-parallel').evidence[0]?.line).toBe(14);
    expect(byRule(h, 'nomad-revert-ignores-max-parallel').message).toContain('max_parallel (2)');
  });
});
