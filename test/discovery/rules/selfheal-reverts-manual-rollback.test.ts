import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/selfheal-reverts-manual-rollback.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('selfheal-reverts-manual-rollback', () => {
  it('fires for Argo CD selfHeal and Flux reconciliation', () => {
    const svc = service({
      workloads: [
        wl({
          platform: 'argocd',
          argocd: { app: 'checkout' },
          settings: { selfHeal: { value: true, at: ev('argocd/apps.yaml', 18) } },
        }),
        wl({
          platform: 'flux',
          flux: { kustomization: 'apps' },
          settings: { selfHeal: { value: true, at: ev('flux/ks.yaml', 6) } },
        }),
        wl({
          kind: 'HelmRelease',
          name: 'payments',
          platform: 'flux',
          settings: { selfHeal: { value: true, at: ev('flux/hr.yaml', 7) } },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'selfheal-reverts-manual-rollback@argocd/apps.yaml:18 shop/deployment/api',
      'selfheal-reverts-manual-rollback@flux/ks.yaml:6 shop/deployment/api',
      'selfheal-reverts-manual-rollback@flux/hr.yaml:7 shop/helmrelease/payments',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet without self-heal', () => {
    expectNone(rule, service({ workloads: [wl({ settings: { selfHeal: { value: false } } }), wl()] }));
  });
});
