/**
 * A Helm chart whose probes, replicas, strategy and HPA bounds live only in values.yaml (the shape of
 * `helm create`), deployed by an Argo CD Application that adds values-prod.yaml, with a Bitnami
 * postgresql subchart enabled and a redis subchart disabled.
 */
import { describe, expect, it } from 'vitest';
import { PG_DUMPALL_SH } from '../platforms/helpers.js';
import { backupStep, commands, design, drivers, hazardIds } from './helpers.js';

describe('fixture helm-values-app', () => {
  it('binds the template to values.yaml + the Argo CD values file: every driver cites the values line', async () => {
    const p = await design('helm-values-app');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'HPA web minReplicas=2 (manifest@charts/web/values.yaml:41)',
        'HPA web maxReplicas=10 (manifest@charts/web/values-prod.yaml:2)',
        'readinessInitialDelaySeconds=10 (manifest@charts/web/values.yaml:28)',
        'readinessPeriodSeconds=10 (manifest@charts/web/values.yaml:29)',
        'readinessFailureThreshold=5 (manifest@charts/web/values.yaml:30)',
        'startupSeconds=300 (manifest@charts/web/values.yaml:37)',
        'startupExpectedSeconds=10 (manifest@charts/web/values.yaml:36)',
        'terminationGracePeriodSeconds=45 (manifest@charts/web/values.yaml:17)',
        'maxSurge=1 (manifest@charts/web/values.yaml:14)',
        'maxUnavailable=0 (manifest@charts/web/values.yaml:15)',
      ]),
    );
    // replicas is not rendered when autoscaling is enabled: the HPA decides
    expect(drivers(p).some((d) => d.startsWith('replicas='))).toBe(false);
    const step = p.runbook.find((s) => s.id === 'argocd-rollback');
    // 2 batches of 1 × (pull 10 + startup 10 + ready 10 + 10) = 80; worst 10 batches at maxReplicas 10
    expect(step?.expectedSeconds).toBe(80);
    expect(step?.durationBasis).toContain('up to 10 with HPA web');
  });

  it('is high risk because of the enabled postgresql subchart (not the disabled redis one)', async () => {
    const p = await design('helm-values-app');
    expect(p.risk).toBe('high');
    const data = p.hazards.find((h) => h.rule === 'stateful-data');
    expect(data?.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['charts/web/Chart.yaml:8']);
    expect(data?.message).toContain('postgres subchart postgresql');
    expect(data?.message).not.toContain('redis');
  });

  it('the backup step dumps the postgresql subchart through web-postgresql-0, named as the bitnami chart names it (release web from the Argo CD Application), cited', async () => {
    const p = await design('helm-values-app');
    const b = backupStep(p);
    expect(b.title).toBe(
      'Take the backup now: the postgres of subchart postgresql in pod web-postgresql-0 in namespace storefront',
    );
    expect(b.commands).toEqual([
      'Pod web-postgresql-0 (the bitnami postgresql chart names its primary StatefulSet web-postgresql (postgresql.v1.primary.fullname: release web + chart name postgresql, architecture standalone): charts/web/Chart.yaml:8); check it is the primary before dumping: kubectl get pod web-postgresql-0.',
      `kubectl -n storefront exec pod/web-postgresql-0 -- sh -c ${PG_DUMPALL_SH}`,
      `kubectl -n storefront cp web-postgresql-0:/tmp/rollbook-dumpall.sql "\${DB_DUMP_FILE}"`,
    ]);
    expect(p.inputs.map((i) => i.name)).toContain('DB_DUMP_FILE');
    expect(p.inputs.map((i) => i.name)).not.toContain('DB_POD');
    expect(p.gates.find((g) => g.kind === 'backup')?.check.freshFile).toEqual({ var: 'DB_DUMP_FILE' });
  });

  it('Argo CD path with the application from the repository; auto-sync and selfHeal reported once each', async () => {
    const p = await design('helm-values-app');
    expect(commands(p)).toEqual(
      expect.arrayContaining([
        'argocd app set --sync-policy none -- web-prod',
        'argocd app set --sync-policy automated --self-heal --auto-prune -- web-prod',
      ]),
    );
    expect(hazardIds(p).filter((id) => id === 'autosync-blocks-rollback')).toHaveLength(1);
    expect(hazardIds(p).filter((id) => id === 'selfheal-reverts-manual-rollback')).toHaveLength(1);
    expect(p.service.namespace).toBe('storefront');
  });
});
