import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/no-rollout-history.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('no-rollout-history', () => {
  it('fires on revisionHistoryLimit 0 and a Helm/Flux history max of 1', () => {
    const svc = service({
      workloads: [
        wl({ settings: { revisionHistoryLimit: { value: 0, at: ev('k8s/deploy.yaml', 9) } } }),
        wl({
          kind: 'HelmRelease',
          name: 'payments',
          platform: 'flux',
          helm: { release: 'payments', chart: 'payments' },
          settings: { historyMax: { value: 1, at: ev('flux/hr.yaml', 10) } },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'no-rollout-history@k8s/deploy.yaml:9 shop/deployment/api',
      'no-rollout-history@flux/hr.yaml:10 shop/helmrelease/payments',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet when history is kept or unknown', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({ settings: { revisionHistoryLimit: { value: 10 }, historyMax: { value: 5 } } }),
          wl({ settings: { historyMax: { value: 0 } } }),
          wl(),
        ],
      }),
    );
  });
});
