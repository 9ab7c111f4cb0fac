import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/statefulset-ordered-ready.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('statefulset-ordered-ready', () => {
  it('fires on OrderedReady, explicit or by default', () => {
    const svc = service({
      workloads: [
        wl({ kind: 'StatefulSet', name: 'inventory', at: ev('k8s/sts.yaml', 5) }),
        wl({
          kind: 'StatefulSet',
          name: 'queue',
          settings: { podManagementPolicy: { value: 'OrderedReady', at: ev('k8s/q.yaml', 12) } },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'statefulset-ordered-ready@k8s/sts.yaml:5 shop/statefulset/inventory',
      'statefulset-ordered-ready@k8s/q.yaml:12 shop/statefulset/queue',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet on Parallel, OnDelete and non-StatefulSets', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({ kind: 'StatefulSet', settings: { podManagementPolicy: { value: 'Parallel' } } }),
          wl({ kind: 'StatefulSet', settings: { strategy: { value: 'OnDelete' } } }),
          wl(),
        ],
      }),
    );
  });
});
