import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/recreate-strategy.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('recreate-strategy', () => {
  it('fires on strategy Recreate', () => {
    const svc = service({
      workloads: [
        wl({ name: 'worker', settings: { strategy: { value: 'Recreate', at: ev('k8s/worker.yaml', 11) } } }),
      ],
    });
    expect(where(rule.check(svc))).toEqual(['recreate-strategy@k8s/worker.yaml:11 shop/deployment/worker']);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet on RollingUpdate', () => {
    expectNone(
      rule,
      service({ workloads: [wl({ settings: { strategy: { value: 'RollingUpdate' } } }), wl()] }),
    );
  });
});
