/**
 * Issue 13 item 5: every assumed value of a duration is listed as "default" with where the real one
 * would come from (the field that sets it, or how to measure what no file says).
 */
import { describe, expect, it } from 'vitest';
import { PLATFORM_IDS } from '../../src/model/service.js';
import { realValueFrom } from '../../src/platforms/common.js';
import { PLATFORMS } from '../../src/platforms/index.js';
import { ctxOf } from './helpers.js';

describe('realValueFrom: where an assumed value is really set', () => {
  it.each([
    ['deregistrationDelaySeconds', 'deregistration_delay.timeout_seconds'],
    ['health check interval', 'HealthCheckIntervalSeconds'],
    ['container healthCheck.startPeriod', 'healthCheck.startPeriod in the task definition'],
    ['readinessPeriodSeconds', 'readinessProbe.periodSeconds'],
    ['partition', 'spec.updateStrategy.rollingUpdate.partition'],
    ['api.healthcheck.interval', 'healthcheck.interval in the compose file'],
    ['web.v2.stop_grace_period', 'stop_grace_period in the compose file'],
    ['imagePullSeconds (estimate)', 'time it on a past deploy'],
  ])('%s → %s', (name, where) => {
    expect(realValueFrom(name)).toContain(where);
  });

  it('unknown names have none', () => {
    expect(realValueFrom('a driver no platform has')).toBeUndefined();
  });

  it.each(PLATFORM_IDS.map((id) => [id]))('%s: a driver with a real-value source is a default', (id) => {
    const p = PLATFORMS[id];
    if (!p) throw new Error(id);
    for (const d of p.duration(ctxOf(id)).drivers)
      if (d.realFrom !== undefined) expect(d.source, d.name).toBe('default');
  });

  it('ECS behind a load balancer: every assumed target-group value says where it is set', () => {
    const ecs = PLATFORMS.ecs;
    if (!ecs) throw new Error('ecs');
    const drivers = ecs.duration(ctxOf('ecs', { kind: 'ECSService', name: 'api' })).drivers;
    const defaults = drivers.filter((d) => d.source === 'default');
    expect(defaults.map((d) => d.name)).toEqual(
      expect.arrayContaining(['deregistrationDelaySeconds', 'health check interval', 'healthy threshold']),
    );
    for (const d of defaults) expect(d.realFrom, d.name).toBeDefined();
  });
});
