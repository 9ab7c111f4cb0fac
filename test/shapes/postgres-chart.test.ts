/**
 * A Postgres StatefulSet chart (the shape of the community postgres charts): volumeClaimTemplates
 * guarded by persistence.enabled, the postgres image from values.yaml.
 */
import { describe, expect, it } from 'vitest';
import { renderCommand } from '../../src/util/shell.js';
import { backupStep, commands, design, drivers, hazardIds } from './helpers.js';

describe('fixture postgres-chart', () => {
  it('is high risk: the claim template and the postgres image are data hazards (stateful-data), once', async () => {
    const p = await design('postgres-chart');
    expect(p.risk).toBe('high');
    expect(p.trigger.oneCommand).toBe(false);
    const data = p.hazards.filter((h) => h.rule === 'stateful-data');
    expect(data).toHaveLength(1);
    expect(data[0]?.touchesData).toBe(true);
    expect(data[0]?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'templates/statefulset.yaml:43',
      'values.yaml:3',
    ]);
    expect(data[0]?.message).toContain('volume claim template data (PVC contents)');
    expect(data[0]?.message).toContain('cannot be opened by the older image');
    // one id per problem: no platform copy of the PVC or OrderedReady hazards
    expect(hazardIds(p)).not.toContain('statefulset-pvc-not-reverted');
    expect(hazardIds(p).filter((id) => id === 'statefulset-ordered-ready')).toHaveLength(1);
    expect(hazardIds(p).filter((id) => id === 'mutable-image-tag')).toHaveLength(1);
  });

  it('rolls back with helm and reconciles data in a data step; durations cite values.yaml', async () => {
    const p = await design('postgres-chart');
    // no manifest names the namespace: it is a declared input, never left out
    expect(commands(p)).toContain(
      'helm rollback -n "${HELM_NAMESPACE}" --wait --timeout 300s -- postgres "${HELM_REVISION}"',
    );
    expect(p.runbook.some((s) => s.touchesData)).toBe(true);
    expect(drivers(p)).toEqual(
      expect.arrayContaining(['replicas=1 (manifest@values.yaml:6)', 'helm --timeout=300 (default)']),
    );
    // one pod at a time, highest ordinal first: terminate + volume detach/attach 15 + pull + ready per pod
    const step = p.runbook.find((s) =>
      s.commands.some((c) => c.argv[0] === 'helm' && c.argv[1] === 'rollback'),
    );
    expect(step?.expectedSeconds).toBe(40);
    expect(step?.durationBasis).toContain('volume detach + attach 15s');
    expect(step?.durationBasis).toContain('1 pod one at a time, highest ordinal first');
  });

  it('the backup step dumps the cluster through pod postgres-0 (release namespace) and the gate checks the dump', async () => {
    const p = await design('postgres-chart');
    const b = backupStep(p);
    expect(b.title).toBe(
      "Take the backup now: postgres in pod postgres-0 of StatefulSet postgres in the release's namespace (HELM_NAMESPACE)",
    );
    expect(b.commands).toEqual([
      `kubectl -n "\${HELM_NAMESPACE}" exec pod/postgres-0 -- sh -c 'pg_dumpall --username="\${POSTGRES_USER:-postgres}" --file=/tmp/rollbook-dumpall.sql'`,
      `kubectl -n "\${HELM_NAMESPACE}" cp postgres-0:/tmp/rollbook-dumpall.sql "\${DB_DUMP_FILE}"`,
    ]);
    const gate = p.gates.find((g) => g.kind === 'backup');
    expect(gate?.check.freshFile).toEqual({ var: 'DB_DUMP_FILE' });
    expect(gate?.check.expectLines).toEqual(['^[1-9][0-9]*$']);
    expect(gate?.check.manual).toBeUndefined();
    expect(p.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(['DB_DUMP_FILE', 'HELM_NAMESPACE']));
    expect(p.risk).toBe('high');
  });

  it("the endpoints check of the headless Service runs in the release namespace (an input), not kubectl's context one", async () => {
    const p = await design('postgres-chart');
    const endpoints = [...p.verification.checks, ...p.runbook.map((s) => s.check)]
      .flatMap((c) => (c.command ? [renderCommand(c.command)] : []))
      .filter((c) => c.includes('endpoints/'));
    expect(endpoints.length).toBeGreaterThan(0);
    for (const c of endpoints) expect(c).toContain('-n "${HELM_NAMESPACE}"');
    expect(p.inputs.map((i) => i.name)).toContain('HELM_NAMESPACE');
  });

  it('a disabled persistence block is not state', async () => {
    const { readChart } = await import('../../src/readers/discovery/helm.js');
    const { parseYaml } = await import('../../src/readers/discovery/yaml.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { SHAPES } = await import('./helpers.js');
    const dir = join(SHAPES, 'postgres-chart');
    const chart = parseYaml('Chart.yaml', readFileSync(join(dir, 'Chart.yaml'), 'utf8')).docs[0];
    const values = parseYaml(
      'values.yaml',
      readFileSync(join(dir, 'values.yaml'), 'utf8').replace('enabled: true', 'enabled: false'),
    ).docs[0];
    if (!chart || !values) throw new Error('fixture');
    const tpl = readFileSync(join(dir, 'templates/statefulset.yaml'), 'utf8');
    const r = readChart({
      dir: '',
      chart,
      values,
      templates: [{ file: 'templates/statefulset.yaml', text: tpl }],
      crds: [],
    });
    expect(r.workloads[0]?.state?.map((s) => s.kind)).toEqual(['data-image']);
  });
});
