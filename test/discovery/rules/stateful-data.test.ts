import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/stateful-data.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('stateful-data', () => {
  it('fires once per workload holding volumes, data images, subcharts or operator resources, every place as evidence', () => {
    const svc = service({
      workloads: [
        wl({
          kind: 'StatefulSet',
          name: 'db',
          state: [
            { kind: 'volume-claim-template', name: 'data', at: ev('k8s/db.yaml', 30) },
            { kind: 'data-image', name: 'postgres', engine: 'postgres', at: ev('k8s/db.yaml', 20) },
          ],
        }),
        wl({
          name: 'app',
          state: [{ kind: 'data-subchart', name: 'redis', engine: 'redis', at: ev('Chart.yaml', 12) }],
        }),
        wl({
          name: 'events',
          state: [
            { kind: 'operator-resource', name: 'Kafka/events', engine: 'kafka', at: ev('k8s/kafka.yaml', 2) },
          ],
        }),
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual([
      'stateful-data@k8s/db.yaml:30 shop/statefulset/db',
      'stateful-data@Chart.yaml:12 shop/deployment/app',
      'stateful-data@k8s/kafka.yaml:2 shop/deployment/events',
    ]);
    expect(found[0]?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'k8s/db.yaml:30',
      'k8s/db.yaml:20',
    ]);
    expect(found.every((f) => f.touchesData && f.revertLossless === false)).toBe(true);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet for workloads without state (or state unknown)', () => {
    expectNone(rule, service({ workloads: [wl(), wl({ name: 'b', state: [] })] }));
  });
});
