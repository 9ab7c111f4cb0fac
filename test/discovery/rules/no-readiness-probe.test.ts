import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/no-readiness-probe.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('no-readiness-probe', () => {
  it('fires when the manifest has no readiness probe', () => {
    const svc = service({
      workloads: [wl({ settings: { hasReadinessProbe: { value: false, at: ev('k8s/deploy.yaml', 20) } } })],
    });
    expect(where(rule.check(svc))).toEqual(['no-readiness-probe@k8s/deploy.yaml:20 shop/deployment/api']);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet with a probe or when unknown', () => {
    expectNone(
      rule,
      service({ workloads: [wl({ settings: { hasReadinessProbe: { value: true } } }), wl()] }),
    );
  });
});
