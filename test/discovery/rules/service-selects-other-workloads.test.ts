import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/service-selects-other-workloads.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('service-selects-other-workloads', () => {
  it('fires once per Service that also routes to another workload, citing the Service and both workloads', () => {
    const svc = service({
      workloads: [
        wl({
          name: 'web-blue',
          at: ev('k8s/blue.yaml', 2),
          services: [
            {
              name: 'web',
              namespace: 'shop',
              selector: { app: 'web' },
              at: ev('k8s/service.yaml', 2),
              selectorAt: ev('k8s/service.yaml', 6),
              alsoSelects: [{ workload: 'deployment/web-green', at: ev('k8s/green.yaml', 9) }],
            },
            { name: 'web-blue', selector: { app: 'web', color: 'blue' }, at: ev('k8s/service.yaml', 12) },
          ],
        }),
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual(['service-selects-other-workloads@k8s/service.yaml:6 service/web']);
    expect(found[0]?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'k8s/service.yaml:6',
      'k8s/blue.yaml:2',
      'k8s/green.yaml:9',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet for a Service of this workload only, a workload no Service selects, and unknown services', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({ services: [{ name: 'api', selector: { app: 'api' }, at: ev('k8s/service.yaml', 2) }] }),
          wl({ name: 'worker', services: [] }),
          wl({ name: 'other' }),
        ],
      }),
    );
  });
});
