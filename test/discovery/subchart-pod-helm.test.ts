/**
 * The subchart pod rollbook derives from the bitnami naming (no helm) equals the pod of the StatefulSet
 * a real `helm template` (v3.8.1 from the npm registry, test/helpers/helm-bin.ts) renders from a chart
 * with a vendored postgresql subchart laid out like bitnami's (fixtures/charts/bitnami-subchart: the
 * subchart's _helpers.tpl has common.names.fullname and postgresql.v1.primary.fullname, its
 * templates/primary/statefulset.yaml names the StatefulSet with the latter).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { helmTemplate } from '../../src/readers/discovery/helm-template.js';
import { subchartPrimaryPod } from '../../src/readers/discovery/subchart-pod.js';
import { useRealHelm } from '../helpers/helm-bin.js';

const CHART = resolve(import.meta.dirname, '../../fixtures/charts/bitnami-subchart');
const helm = useRealHelm();
const dir = mkdtempSync(join(tmpdir(), 'rollbook-subchart-helm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The StatefulSet names helm rendered from the subchart's templates. */
function renderedStatefulSets(release: string, values: Record<string, unknown>): string[] {
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  const out = execFileSync(join(helm() as string, 'helm'), ['template', release, CHART, '-f', file], {
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
  });
  return out
    .split(/^---[ \t]*$/m)
    .filter(
      (d) => /^# Source: shop\/charts\/postgresql\/templates\//m.test(d) && /^kind: StatefulSet$/m.test(d),
    )
    .map((d) => /^metadata:\n {2}name: (\S+)$/m.exec(d)?.[1] ?? '?');
}

describe('the bitnami subchart pod rollbook derives = the pod real helm renders', () => {
  it.each([
    ['standalone', 'web', {}],
    ['a release containing the chart name', 'shop-postgresql', {}],
    ['fullnameOverride', 'web', { fullnameOverride: 'orders-db' }],
    ['nameOverride', 'web', { nameOverride: 'pg' }],
    ['replication', 'web', { architecture: 'replication' }],
    ['replication with primary.name', 'web', { architecture: 'replication', primary: { name: 'main' } }],
    ['replication cut at 63 characters', 'r'.repeat(50), { architecture: 'replication' }],
    ['the longest release helm accepts (53), cut', 'a'.repeat(53), {}],
    ['no trailing dash after the cut', 'web', { fullnameOverride: `${'b'.repeat(62)}-x` }],
  ] as const)('%s', (_n, release, postgresql) => {
    if (!helm()) return;
    const values = { postgresql: { enabled: true, ...postgresql } };
    const sts = renderedStatefulSets(release, values);
    expect(sts).toHaveLength(1);
    const derived = subchartPrimaryPod({
      name: 'postgresql',
      alias: 'postgresql',
      repository: 'oci://registry-1.docker.io/bitnamicharts',
      version: '12.x.x',
      release,
      values,
      valueAt: () => undefined,
      chartDir: '',
    });
    expect('name' in derived ? derived.name : derived.reason).toBe(`${sts[0]}-0`);
  });
});

describe("rollbook's own helm template run keeps the subchart's documents for the pod name", () => {
  it('replication: the pod comes from the rendered StatefulSet, not from the naming rules', async () => {
    const bin = helm();
    if (!bin) return;
    const values = { postgresql: { enabled: true, architecture: 'replication', primary: { name: 'main' } } };
    const r = await helmTemplate(
      { chartPath: CHART, chartDir: 'deploy/shop', chart: 'shop', release: 'web', values: [values] },
      { helm: join(bin, 'helm') },
    );
    if (!r.ok) throw new Error(r.reason);
    // the subchart's templates are not this chart's workloads…
    expect(r.docs.every((d) => d.file.startsWith('deploy/shop/templates/'))).toBe(true);
    // …but they name its database pod (before, they were dropped and this path never ran)
    expect(r.subchartDocs.some((d) => d.file.startsWith('deploy/shop/charts/postgresql/templates/'))).toBe(
      true,
    );
    const pod = subchartPrimaryPod({
      name: 'postgresql',
      alias: 'postgresql',
      version: '12.x.x',
      release: 'web',
      values,
      valueAt: () => undefined,
      rendered: [...r.docs, ...r.subchartDocs],
      chartDir: 'deploy/shop',
    });
    expect(pod).toMatchObject({ name: 'web-postgresql-main-0' });
    expect('how' in pod ? pod.how : '').toContain('helm template rendered StatefulSet web-postgresql-main');
  });
});
