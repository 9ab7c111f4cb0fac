import { describe, expect, test } from 'vitest';
import type { EcsFacts } from '../../src/model/service.js';
import { ecs } from '../../src/platforms/ecs.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook, y } from './helpers.js';

const svc = (settings = {}, facts: Partial<EcsFacts> = {}) =>
  ctxOf('ecs', { kind: 'ECSService', name: 'orders-worker', ecs: { cluster: 'prod', ...facts } }, settings, {
    deploy: { manifests: [], target: { region: 'eu-west-1' } },
  });

describe('ecs', () => {
  test('commands and flags', () => {
    const ctx = svc({}, { family: 'orders' });
    expect(renderCommand(ecs.history(ctx))).toBe(
      'aws ecs list-task-definitions --family-prefix=orders --sort DESC --region=eu-west-1',
    );
    expect(renderCommand(ecs.status(ctx))).toBe(
      'aws ecs wait services-stable --cluster=prod --services=orders-worker --region=eu-west-1',
    );
    const r = ecs.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: aws ecs update-service --cluster=prod --service=orders-worker --task-definition "\${TARGET_TASK_DEFINITION}" --region=eu-west-1
      input TARGET_TASK_DEFINITION: aws ecs list-task-definitions --family-prefix=orders --sort DESC --region=eu-west-1
      [ecs-update-service] 340s/540s
        rw $ aws ecs update-service --cluster=prod --service=orders-worker --task-definition "\${TARGET_TASK_DEFINITION}" --region=eu-west-1
        check $ aws ecs wait services-stable --cluster=prod --services=orders-worker --region=eu-west-1 (timeout 630s, retries 0)"
    `);
  });

  test('unknown cluster is an operator input, never invented', () => {
    const ctx = ctxOf('ecs', { name: 'orders-worker' });
    const r = ecs.rollback(ctx);
    expect(r.inputs.map((i) => i.name)).toEqual(['ECS_CLUSTER', 'TARGET_TASK_DEFINITION']);
    expect(renderCommand(r.inputs[0]!.discover!)).toBe('aws ecs list-clusters');
    expect(renderCommand(r.command)).toBe(
      `aws ecs update-service --cluster "\${ECS_CLUSTER}" --service=orders-worker --task-definition "\${TARGET_TASK_DEFINITION}"`,
    );
    expect(r.steps[0]!.title).toContain('ECS_CLUSTER');
  });

  test('duration defaults: one wave, a new target healthy at its first passing check, deregistration 300s', () => {
    const d = ecs.duration(svc({ replicas: m(4) }));
    // max 200% → surge 4: one wave × (pull 10 + one check 30) + 300. A newly registered target needs one
    // passing health check (ELB docs); HealthyThresholdCount (5) is for targets that were unhealthy.
    expect(d.expectedSeconds).toBe(340);
    // 30 + max(0, 30×7) + 300
    expect(d.maxSeconds).toBe(540);
    const sources = Object.fromEntries(d.drivers.map((x) => [x.name, x.source]));
    expect(sources).toMatchObject({
      desiredCount: 'manifest',
      deregistrationDelaySeconds: 'default',
      maximumPercent: 'default',
      minimumHealthyPercent: 'default',
    });
  });

  test('duration from settings: no surge room → waves drain first', () => {
    const d = ecs.duration(
      svc({
        replicas: m(4),
        maximumPercent: y(100),
        minimumHealthyPercent: y(50),
        deregistrationDelaySeconds: m(30),
        readinessPeriodSeconds: m(10),
        readinessSuccessThreshold: m(2),
      }),
    );
    // per wave 2 tasks (unavailable 2), 2 waves × (drain 30 + pull 10 + first check 10)
    expect(d.expectedSeconds).toBe(100);
    // 2 × (30 + 30 + 10×4)
    expect(d.maxSeconds).toBe(200);
  });

  test('the 10-minute waiter is retried when the worst case is longer', () => {
    const r = ecs.rollback(svc({ replicas: m(10), maximumPercent: m(100), minimumHealthyPercent: m(90) }));
    const step = r.steps[0]!;
    expect(step.maxSeconds).toBeGreaterThan(600);
    expect(step.check.timeoutSeconds).toBe(630);
    expect(step.check.retries).toBe(Math.ceil(step.maxSeconds / 600) - 1);
  });

  test('hazards', () => {
    const h = ecs.hazards(svc({ circuitBreaker: m(true, 44) }, { family: 'orders' }));
    expect(rules(h)).toEqual([
      'ecs-circuit-breaker-rollback',
      'ecs-deleted-task-definition',
      'ecs-deregistration-delay',
    ]);
    expect(byRule(h, 'ecs-deleted-task-definition').subject).toBe('task definition family orders');
    expect(byRule(h, 'ecs-circuit-breaker-rollback').evidence[0]?.line).toBe(44);
    expect(rules(ecs.hazards(svc({ deregistrationDelaySeconds: m(30) })))).toEqual([
      'ecs-deleted-task-definition',
    ]);
  });
});

describe('ecs without a load balancer (workers)', () => {
  test('no health check or deregistration wait; stopTimeout in the worst case', () => {
    const ctx = svc({ replicas: m(2) }, { loadBalanced: false });
    const d = ecs.duration(ctx);
    // one wave × (pull 10 + ~10 to RUNNING)
    expect(d.expectedSeconds).toBe(20);
    // 3×10 + 3×10 + stopTimeout 30
    expect(d.maxSeconds).toBe(90);
    expect(d.drivers.find((x) => x.name === 'load balancer')?.value).toBe('none');
    expect(rules(ecs.hazards(ctx))).toEqual(['ecs-deleted-task-definition']);
    const noProbe = ecs.duration(svc({ hasReadinessProbe: y(false) }));
    expect(noProbe.basis).toContain('no load balancer');
  });
});
