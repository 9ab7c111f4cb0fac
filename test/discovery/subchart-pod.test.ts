/**
 * The primary pod of a database subchart: named as helm template rendered it, else by the bitnami
 * postgresql / mysql / mariadb charts' naming (postgresql.v1.primary.fullname, mysql.primary.fullname,
 * mariadb.primary.fullname over common.names.fullname), redis's <fullname>-master and mongodb's
 * <fullname> (a Deployment when standalone) where that is certain, else not derived, with the reason.
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
  return 'name' in r ? `${r.deployment ? 'deploy:' : ''}${r.name}` : `(none: ${r.reason})`;
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
    ['a pinned current major (12.x.x)', { version: '12.x.x' }, 'web-postgresql-0'],
    ['mysql standalone', { name: 'mysql', alias: 'mysql', values: {} }, 'web-mysql-0'],
    [
      'mysql replication: -primary',
      {
        name: 'mysql',
        alias: 'mysql',
        version: '~9.4.0',
        values: { mysql: { architecture: 'replication' } },
      },
      'web-mysql-primary-0',
    ],
    [
      'mysql fullnameOverride, replication with primary.name',
      {
        name: 'mysql',
        alias: 'mysql',
        values: { mysql: { fullnameOverride: 'db', architecture: 'replication', primary: { name: 'main' } } },
      },
      'db-main-0',
    ],
    ['mariadb standalone', { name: 'mariadb', alias: 'mariadb', values: {} }, 'web-mariadb-0'],
    [
      'mariadb replication: -primary',
      { name: 'mariadb', alias: 'mariadb', values: { mariadb: { architecture: 'replication' } } },
      'web-mariadb-primary-0',
    ],
    [
      'mariadb aliased, release containing the alias',
      { name: 'mariadb', alias: 'db', release: 'shop-db', values: { db: { nameOverride: 'db' } } },
      'shop-db-0',
    ],
    // bitnami redis: <fullname>-master (kind: master.kind, StatefulSet by default), both architectures without Sentinel
    [
      'redis default (replication, no Sentinel): -master',
      { name: 'redis', alias: 'redis', values: {} },
      'web-redis-master-0',
    ],
    [
      'redis standalone, fullnameOverride',
      {
        name: 'redis',
        alias: 'cache',
        version: '19.x.x',
        values: { cache: { architecture: 'standalone', fullnameOverride: 'sessions' } },
      },
      'sessions-master-0',
    ],
    [
      'redis master.kind Deployment: the Deployment',
      { name: 'redis', alias: 'redis', values: { redis: { master: { kind: 'Deployment' } } } },
      'deploy:web-redis-master',
    ],
    // bitnami mongodb: standalone Deployment <fullname> (StatefulSet with useStatefulSet), replicaset StatefulSet <fullname>
    [
      'mongodb standalone: the Deployment',
      { name: 'mongodb', alias: 'mongodb', values: {} },
      'deploy:web-mongodb',
    ],
    [
      'mongodb standalone, useStatefulSet',
      { name: 'mongodb', alias: 'mongodb', values: { mongodb: { useStatefulSet: true } } },
      'web-mongodb-0',
    ],
    [
      'mongodb replicaset: member -0',
      {
        name: 'mongodb',
        alias: 'mongodb',
        version: '15.x.x',
        values: { mongodb: { architecture: 'replicaset' } },
      },
      'web-mongodb-0',
    ],
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
    [
      'another chart',
      { name: 'kafka', alias: 'kafka', values: {} },
      /not a bitnami postgresql, mysql, mariadb, redis or mongodb chart/,
    ],
    [
      'postgresql from another repository',
      { repository: 'https://charts.example.com' },
      /not a bitnami postgresql, mysql, mariadb, redis or mongodb chart/,
    ],
    [
      'redis with Sentinel: the master is elected at run time',
      { name: 'redis', alias: 'redis', values: { redis: { sentinel: { enabled: true } } } },
      /Sentinel elects/,
    ],
    [
      'redis master as a DaemonSet',
      { name: 'redis', alias: 'redis', values: { redis: { master: { kind: 'DaemonSet' } } } },
      /DaemonSet/,
    ],
    [
      'redis 12 (before architecture)',
      { name: 'redis', alias: 'redis', version: '12.x.x', values: {} },
      /predates/,
    ],
    [
      'mongodb 9 (before architecture)',
      { name: 'mongodb', alias: 'mongodb', version: '9.2.0', values: {} },
      /predates/,
    ],
    [
      'mysql from another repository',
      { name: 'mysql', alias: 'mysql', repository: 'https://charts.example.com', values: {} },
      /not a bitnami/,
    ],
    [
      'postgresql 10 (master/slave naming)',
      { version: '10.16.2' },
      /predates postgresql.v1.primary.fullname/,
    ],
    [
      'mysql 6 (master/slave naming)',
      { name: 'mysql', alias: 'mysql', version: '6.x.x', values: {} },
      /predates/,
    ],
    [
      'mariadb 7 (master/slave naming)',
      { name: 'mariadb', alias: 'mariadb', version: '^7.3.0', values: {} },
      /predates/,
    ],
    [
      'global.mysql.fullnameOverride',
      { name: 'mysql', alias: 'mysql', values: { global: { mysql: { fullnameOverride: 'x' } } } },
      /only some versions/,
    ],
  ] as const)('not derived: %s', (_n, over, reason) => {
    expect(pod(over as Partial<SubchartInput>)).toMatch(reason);
  });

  it('cites Chart.yaml and the values that named it', () => {
    const r = subchartPrimaryPod({ ...base, values: { postgresql: { fullnameOverride: 'db' } } });
    expect(r).toEqual({
      name: 'db-0',
      how: 'the bitnami postgresql chart names its primary StatefulSet db (postgresql.v1.primary.fullname: postgresql.fullnameOverride, architecture standalone)',
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
