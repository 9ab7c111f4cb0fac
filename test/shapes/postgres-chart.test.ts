/**
 * A Postgres StatefulSet chart (the shape of the community postgres charts): volumeClaimTemplates
 * guarded by persistence.enabled, the postgres image from values.yaml.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';
import { commit, tempRepo } from '../helpers/git-repo.js';
import { PG_DUMPALL_SH } from '../platforms/helpers.js';
import { backupStep, commands, design, drivers, hazardIds, SHAPES } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

/** The chart as a git repository: v1.0.0 as the fixture is (postgres 16.4), v1.1.0 with image tag `tag`. */
async function released(tag: string): Promise<Plan> {
  const repo = tempRepo('rollbook-pgchart-');
  cleanups.push(repo.cleanup);
  cpSync(join(SHAPES, 'postgres-chart'), repo.root, { recursive: true });
  commit(repo.root, 'postgres 16.4', 'v1.0.0');
  const values = join(repo.root, 'values.yaml');
  writeFileSync(values, readFileSync(values, 'utf8').replace('tag: "16.4"', `tag: "${tag}"`));
  commit(repo.root, `postgres ${tag}`, 'v1.1.0');
  const service = await loadService(repo.root, {});
  return plan(service, analyze(service));
}

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

  it('rolls back with helm; without a release window a data step says whether the data on disk changed is unknown; durations cite values.yaml', async () => {
    const p = await design('postgres-chart');
    expect(p.window.scoped).toBe(false);
    expect(p.runbook.find((s) => s.id === 'reconcile-data')?.commands[0]?.manual).toMatch(
      /^UNKNOWN — postgres image docker\.io\/library\/postgres \(values\.yaml:3\): no release window/,
    );
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
      `kubectl -n "\${HELM_NAMESPACE}" exec pod/postgres-0 -- sh -c ${PG_DUMPALL_SH}`,
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

  it('released 16.4 → 16.6 (a minor update keeps the on-disk format): no data step, the backup gate before helm rollback', async () => {
    const p = await released('16.6');
    expect(p.window.scoped).toBe(true);
    expect(p.risk).toBe('high');
    expect(p.runbook.filter((s) => s.touchesData).map((s) => s.title)).toEqual([]);
    const helm = p.runbook.find((s) => s.commands.some((c) => c.argv[0] === 'helm'));
    expect(helm?.requiresGates).toContain('backup-taken-and-verified');
    expect(p.gates.map((g) => g.id)).not.toContain('data-step-verified');
  });

  it('released 16.4 → 17.2 (a new major): the data step says the on-disk format is unknown, cites values.yaml:3 and checks PG_VERSION', async () => {
    const p = await released('17.2');
    const s = p.runbook.find((x) => x.id === 'reconcile-data');
    expect(s?.touchesData).toBe(true);
    expect(s?.commands.map((c) => c.manual)).toEqual([
      expect.stringMatching(
        /^UNKNOWN — postgres image docker\.io\/library\/postgres goes back from 17\.2 to 16\.4 \(values\.yaml:3\): a new PostgreSQL major/,
      ),
    ]);
    expect(s?.check.expect).toContain('PG_VERSION');
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
