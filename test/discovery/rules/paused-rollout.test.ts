import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/paused-rollout.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('paused-rollout', () => {
  it('fires on a paused Deployment and a paused Rollout', () => {
    const svc = service({
      workloads: [
        wl({ settings: { paused: { value: true, at: ev('k8s/deploy.yaml', 9) } } }),
        wl({
          kind: 'Rollout',
          name: 'web',
          platform: 'argo-rollouts',
          settings: { paused: { value: true, at: ev('k8s/ro.yaml', 7) } },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'paused-rollout@k8s/deploy.yaml:9 shop/deployment/api',
      'paused-rollout@k8s/ro.yaml:7 shop/rollout/web',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet when not paused', () => {
    expectNone(rule, service({ workloads: [wl({ settings: { paused: { value: false } } }), wl()] }));
  });
});
