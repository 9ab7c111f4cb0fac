/**
 * A kustomize monorepo: api, worker and web, each a base with staging and prod overlays; the prod
 * overlays add shared components (monitoring: an inline JSON 6902 patch; high-availability: a PDB
 * selecting tier=backend), web's prod overlay an inline JSON 6902 patch of its grace period. CI
 * applies an overlay with kubectl. Each overlay is its own workload, selected by path; each fact is
 * cited from the file that set it, and nothing about the other services reaches the design.
 */
import { describe, expect, it } from 'vitest';
import { commands, design, drivers, hazardIds } from './helpers.js';

const FIXTURE = 'kustomize-monorepo';
const others = /services\/(worker|web)\/|shop-staging/;

describe('fixture kustomize-monorepo', () => {
  it('api prod: kubectl -n shop; replicas from the overlay, the startup and readiness probes from the base', async () => {
    const p = await design(FIXTURE, 'services/api/overlays/prod');
    expect(p.risk).toBe('low');
    expect(p.service).toMatchObject({
      platform: 'kubernetes',
      workload: 'deployment/api',
      namespace: 'shop',
    });
    expect(p.trigger.oneCommand).toBe(true);
    expect(p.trigger.command).toBe(
      'kubectl rollout undo -n shop --to-revision "${TARGET_REVISION}" -- deployment/api',
    );
    expect(commands(p)).toContain('kubectl rollout status -n shop --timeout=540s -- deployment/api');
    const undo = p.runbook.find((s) => s.id === 'rollout-undo');
    expect([undo?.expectedSeconds, undo?.maxSeconds]).toEqual([60, 540]);
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=6 (manifest@services/api/overlays/prod/kustomization.yaml:11)',
        'startupSeconds=120 (manifest@services/api/base/deployment.yaml:35)',
        'readinessPeriodSeconds=5 (manifest@services/api/base/deployment.yaml:40)',
        'maxSurge=25% (manifest@services/api/base/deployment.yaml:16)',
      ]),
    );
    // the high-availability component's PDB selects it (tier=backend): no no-pdb finding
    expect(hazardIds(p)).not.toContain('no-pdb');
    // the components' inline patches are applied, not unknowns; nothing about the other services
    const unknowns = p.unknowns.map((u) => `${u.subject}: ${u.reason} ${u.at?.file ?? ''}`).join('\n');
    expect(unknowns).not.toContain('inline kustomize patch');
    expect(unknowns).not.toMatch(others);
    expect(p.hazards.flatMap((h) => h.evidence.map((e) => e.file)).join('\n')).not.toMatch(others);
  });

  it('worker prod: surge and unavailability from its overlay patch, the 120 s grace from the base', async () => {
    const p = await design(FIXTURE, 'services/worker/overlays/prod');
    expect(p.trigger.command).toBe(
      'kubectl rollout undo -n shop --to-revision "${TARGET_REVISION}" -- deployment/worker',
    );
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=3 (manifest@services/worker/overlays/prod/worker-resources.yaml:6)',
        'maxSurge=1 (manifest@services/worker/overlays/prod/worker-resources.yaml:9)',
        'maxUnavailable=1 (manifest@services/worker/overlays/prod/worker-resources.yaml:10)',
        'terminationGracePeriodSeconds=120 (manifest@services/worker/base/deployment.yaml:24)',
      ]),
    );
    const undo = p.runbook.find((s) => s.id === 'rollout-undo');
    expect(undo?.durationBasis).toContain(
      '2 batches of 2 (3 replicas, maxSurge 1 rounded up, maxUnavailable 1',
    );
  });

  it("web prod: the inline JSON 6902 patch sets the grace period (cited); frontend pods are not the PDB's", async () => {
    const p = await design(FIXTURE, 'services/web/overlays/prod');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'replicas=4 (manifest@services/web/overlays/prod/kustomization.yaml:10)',
        'terminationGracePeriodSeconds=60 (manifest@services/web/overlays/prod/kustomization.yaml:18)',
      ]),
    );
    expect(hazardIds(p)).toContain('no-pdb');
  });

  it('the same Deployment in staging is selected by namespace/kind/name, with its own namespace', async () => {
    const p = await design(FIXTURE, 'shop-staging/deployment/api');
    expect(p.trigger.command).toBe(
      'kubectl rollout undo -n shop-staging --to-revision "${TARGET_REVISION}" -- deployment/api',
    );
    expect(drivers(p)).toContain('replicas=2 (manifest@services/api/base/deployment.yaml:8)');
  });
});
