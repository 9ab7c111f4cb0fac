import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/autosync-blocks-rollback.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('autosync-blocks-rollback', () => {
  it('fires for workloads an auto-syncing Argo CD application deploys', () => {
    const svc = service({
      workloads: [
        wl({
          platform: 'argocd',
          argocd: { app: 'checkout-production' },
          settings: { autoSync: { value: true, at: ev('argocd/apps.yaml', 16) } },
        }),
        wl({
          kind: 'Application',
          name: 'redis',
          platform: 'argocd',
          settings: { autoSync: { value: true, at: ev('argocd/redis.yaml', 8) } },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'autosync-blocks-rollback@argocd/apps.yaml:16 shop/deployment/api',
      'autosync-blocks-rollback@argocd/redis.yaml:8 shop/application/redis',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet with manual sync, or for Flux (a different rule)', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({ platform: 'argocd', argocd: { app: 'a' }, settings: { autoSync: { value: false } } }),
          wl({
            platform: 'flux',
            flux: { kustomization: 'apps' },
            settings: { autoSync: { value: true } },
          }),
        ],
      }),
    );
  });
});
