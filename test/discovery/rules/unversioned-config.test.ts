import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/unversioned-config.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('unversioned-config', () => {
  it('fires on ConfigMaps/Secrets edited in place and Cloud Run secrets read at "latest"', () => {
    const svc = service({
      workloads: [
        wl({
          config: [
            { kind: 'ConfigMap', name: 'settings', versioned: false, at: ev('k8s/deploy.yaml', 30) },
            { kind: 'ConfigMap', name: 'gen', versioned: true, at: ev('k8s/deploy.yaml', 31) },
          ],
        }),
        wl({
          kind: 'Service',
          name: 'search',
          platform: 'cloud-run',
          config: [
            {
              kind: 'Secret',
              name: 'api-key',
              versioned: false,
              at: { file: 'run.yaml', line: 17, note: 'secret version latest' },
            },
          ],
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'unversioned-config@k8s/deploy.yaml:30 shop/deployment/api ConfigMap/settings',
      'unversioned-config@run.yaml:17 shop/service/search Secret/api-key',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet on content-hashed config', () => {
    expectNone(
      rule,
      service({ workloads: [wl({ config: [{ kind: 'ConfigMap', name: 'x-5h2k9', versioned: true }] })] }),
    );
  });
});
