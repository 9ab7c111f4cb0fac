/**
 * The primary pod of a database subchart: named as helm template rendered it, else by the bitnami
 * postgresql chart's naming (postgresql.v1.primary.fullname over common.names.fullname) where that is
 * certain, else not derived, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { type SubchartInput, subchartPrimaryPod } from '../../src/readers/discovery/subchart-pod.js';

const base: SubchartInput = {
  name: 'postgresql',
  alias: 'postgresql',
  repository: 'oci://registry-1.docker.io/bitnamicharts',
  at: { file: 'charts/web/Chart.yaml', line: 8 },
  release: 'web',
  values: { postgresql: { enabled: true } },
  valueAt: (p) => ({ file: 'charts/web/values.yaml', line: p.length * 10 }),
  chartDir: 'charts/web',
};
const pod = (over: Partial<SubchartInput>) => {
  const r = subchartPrimaryPod({ ...base, ...over });
  return 'name' in r ? r.name : `(none: ${r.reason})`;
};

describe('subchartPrimaryPod', () => {
  it.each([
    ['standalone: <release>-postgresql-0', {}, 'web-postgresql-0'],
    [
      'a release that contains the chart name is used alone',
      { release: 'shop-postgresql' },
      'shop-postgresql-0',
    ],
    ['fullnameOverride', { values: { postgresql: { fullnameOverride: 'db' } } }, 'db-0'],
    ['nameOverride', { values: { postgresql: { nameOverride: 'pg' } } }, 'web-pg-0'],
    [
      'replication: -primary',
      { values: { postgresql: { architecture: 'replication' } } },
      'web-postgresql-primary-0',
    ],
    [
      'replication with primary.name',
      { values: { postgresql: { architecture: 'replication', primary: { name: 'main' } } } },
      'web-postgresql-main-0',
    ],
    ['an alias is the chart name', { alias: 'db', values: {} }, 'web-db-0'],
    ['63 characters at most', { release: 'a'.repeat(60) }, `${'a'.repeat(60)}-po-0`],
    ['no trailing dash after the cut', { release: 'a'.repeat(62) }, `${'a'.repeat(62)}-0`],
  ] as const)('%s', (_n, over, want) => {
    expect(pod(over as Partial<SubchartInput>)).toBe(want);
  });

  it.each([
    ['no declared release name', { release: undefined }, /no deployment declares the release name/],
    [
      'a templated override',
      { values: { postgresql: { fullnameOverride: '{{ .Release.Name }}-db' } } },
      /templated/,
    ],
    [
      'global.postgresql.fullnameOverride',
      { values: { global: { postgresql: { fullnameOverride: 'x' } } } },
      /only some versions/,
    ],
    ['another chart', { name: 'mysql', alias: 'mysql', values: {} }, /not the bitnami postgresql chart/],
    [
      'postgresql from another repository',
      { repository: 'https://charts.example.com' },
      /not the bitnami postgresql chart/,
    ],
  ] as const)('not derived: %s', (_n, over, reason) => {
    expect(pod(over as Partial<SubchartInput>)).toMatch(reason);
  });

  it('cites Chart.yaml and the values that named it', () => {
    const r = subchartPrimaryPod({ ...base, values: { postgresql: { fullnameOverride: 'db' } } });
    expect(r).toEqual({
      name: 'db-0',
      how: 'the bitnami postgresql chart names its primary StatefulSet db (postgresql.fullnameOverride, architecture standalone)',
      at: [
        { file: 'charts/web/Chart.yaml', line: 8 },
        { file: 'charts/web/values.yaml', line: 20 },
      ],
    });
  });

  it('helm template output wins: the StatefulSet rendered from the vendored subchart', () => {
    const r = subchartPrimaryPod({
      ...base,
      name: 'mysql',
      alias: 'mysql',
      repository: 'https://charts.example.com',
      rendered: [
        {
          file: 'charts/web/charts/mysql/templates/primary/statefulset.yaml',
          text: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web-mysql\n  labels:\n    a: b\nspec: {}\n',
        },
        {
          file: 'charts/web/templates/deployment.yaml',
          text: 'kind: StatefulSet\nmetadata:\n  name: other\n',
        },
      ],
    });
    expect(r).toEqual({
      name: 'web-mysql-0',
      how: 'helm template rendered StatefulSet web-mysql from charts/web/charts/mysql/templates/primary/statefulset.yaml',
      at: [{ file: 'charts/web/charts/mysql/templates/primary/statefulset.yaml', line: 1 }],
    });
  });
});
