import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/no-pdb.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('no-pdb', () => {
  it('fires on replicated workloads discovery saw without a PodDisruptionBudget', () => {
    const svc = service({
      workloads: [
        wl({ disruptionBudget: null, settings: { replicas: { value: 3, at: ev('k8s/deploy.yaml', 6) } } }),
        wl({
          name: 'scaled',
          disruptionBudget: null,
          autoscaler: { name: 'scaled', minReplicas: 1, maxReplicas: 5 },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'no-pdb@k8s/deploy.yaml:1 shop/deployment/api',
      'no-pdb@k8s/deploy.yaml:1 shop/deployment/scaled',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet with a PDB, a single replica, an unknown PDB state, or a DaemonSet', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({ disruptionBudget: { name: 'api' }, settings: { replicas: { value: 3 } } }),
          wl({ disruptionBudget: null, settings: { replicas: { value: 1 } } }),
          wl({ settings: { replicas: { value: 3 } } }),
          wl({ kind: 'DaemonSet', disruptionBudget: null, settings: { replicas: { value: 3 } } }),
        ],
      }),
    );
  });
});
