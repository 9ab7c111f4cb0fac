import { describe, expect, test } from 'vitest';
import { flux } from '../../src/platforms/flux.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const hr = (settings = {}, target: Record<string, string> = {}) =>
  ctxOf('flux', { kind: 'HelmRelease', name: 'podinfo', namespace: 'apps' }, settings, {
    deploy: { manifests: [], target: { path: 'clusters/prod/podinfo', ...target } },
  });

describe('flux: HelmRelease', () => {
  test('never one command: suspend → helm rollback → git revert → resume', () => {
    const r = flux.rollback(hr({ replicas: m(2) }, { targetNamespace: 'web' }));
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual(['flux-suspend', 'helm-rollback', 'git-revert', 'flux-resume']);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: flux suspend helmrelease -n apps -- podinfo
      input HELM_REVISION: helm history -n apps -- web-podinfo
      input BAD_COMMIT: git log --oneline -n 20 -- clusters/prod/podinfo
      [flux-suspend] 5s/60s
        rw $ flux suspend helmrelease -n apps -- podinfo
        check $ kubectl get -n apps -o json -- helmreleases.helm.toolkit.fluxcd.io podinfo (timeout 30s, retries 2)
      [helm-rollback] 40s/170s
        rw $ helm rollback -n apps --wait --timeout 300s -- web-podinfo "\${HELM_REVISION}"
        check $ helm history -n apps -o json -- web-podinfo (timeout 60s, retries 2)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Flux deploys from (path clusters/prod/podinfo); then, on that branch in this clone, git pull (the check reads the branch it tracks)
        check $ git log --format=%x1e%H%n%B -n 200 '@{upstream}' -- (timeout 30s, retries 0)
      [flux-resume] 40s/170s
        rw $ flux resume helmrelease -n apps -- podinfo
        check $ kubectl get -n apps -o json -- helmreleases.helm.toolkit.fluxcd.io podinfo (timeout 60s, retries 2)"
    `);
  });

  test('release name: explicit attribute wins; storage namespace attribute', () => {
    const r = flux.rollback(
      ctxOf(
        'flux',
        {
          kind: 'HelmRelease',
          name: 'podinfo',
          namespace: 'apps',
          helm: { release: 'podinfo-main', chart: 'podinfo' },
          flux: { helmRelease: 'podinfo' },
        },
        {},
        {
          deploy: {
            manifests: [],
            target: { path: 'clusters/prod/podinfo', storageNamespace: 'flux-system' },
          },
        },
      ),
    );
    expect(renderCommand(r.steps[1]!.commands[0]!)).toBe(
      `helm rollback -n flux-system --wait --timeout 300s -- podinfo-main "\${HELM_REVISION}"`,
    );
    expect(renderCommand(flux.history(hr({}, { release: 'podinfo-main' })))).toBe(
      'helm history -n apps -- podinfo-main',
    );
  });

  test('status is flux get on the HelmRelease', () => {
    expect(renderCommand(flux.status(hr()))).toBe('flux get helmrelease -n apps -- podinfo');
  });

  test('hazards: resume-before-revert, remediation (specialised), helm hazards', () => {
    const h = flux.hazards(hr({ remediation: m(true, 18) }));
    expect(rules(h)).toEqual([
      'flux-remediation',
      'flux-resume-before-revert',
      'helm-crds-not-reverted',
      'helm-hooks-from-target',
      'helm-pending-upgrade',
    ]);
    const rem = byRule(h, 'flux-remediation');
    expect(rem.severity).toBe('warning');
    expect(rem.evidence).toEqual([{ file: 'deploy/k8s/deployment.yaml', line: 18 }]);
    expect(byRule(flux.hazards(hr()), 'flux-remediation').severity).toBe('info');
  });
});

describe('flux: Kustomization', () => {
  test('unknown Kustomization becomes an operator input; kubectl undo in the middle', () => {
    const r = flux.rollback(ctxOf('flux', {}, { replicas: m(3) }));
    expect(r.oneCommand).toBe(false);
    expect(r.inputs.map((i) => i.name)).toEqual(['FLUX_KUSTOMIZATION', 'TARGET_REVISION', 'BAD_COMMIT']);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: flux suspend kustomization -n flux-system -- "\${FLUX_KUSTOMIZATION}"
      input FLUX_KUSTOMIZATION: flux get kustomizations --all-namespaces
      input TARGET_REVISION: kubectl rollout history -n shop -- deployment/checkout-api
      input BAD_COMMIT: git log --oneline -n 20
      [flux-suspend] 5s/60s
        rw $ flux suspend kustomization -n flux-system -- "\${FLUX_KUSTOMIZATION}"
        check $ kubectl get -n flux-system -o json -- kustomizations.kustomize.toolkit.fluxcd.io "\${FLUX_KUSTOMIZATION}" (timeout 30s, retries 2)
      [rollout-undo] 60s/240s
        rw $ kubectl rollout undo -n shop --to-revision "\${TARGET_REVISION}" -- deployment/checkout-api
        check $ kubectl rollout status -n shop --timeout=240s -- deployment/checkout-api ~ successfully rolled out (timeout 270s, retries 0)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Flux deploys from; then, on that branch in this clone, git pull (the check reads the branch it tracks)
        check $ git log --format=%x1e%H%n%B -n 200 '@{upstream}' -- (timeout 30s, retries 0)
      [flux-resume] 60s/240s
        rw $ flux resume kustomization -n flux-system -- "\${FLUX_KUSTOMIZATION}"
        check $ kubectl get -n flux-system -o json -- kustomizations.kustomize.toolkit.fluxcd.io "\${FLUX_KUSTOMIZATION}" (timeout 60s, retries 2)"
    `);
  });

  test('named Kustomization and namespace', () => {
    const ctx = ctxOf(
      'flux',
      { flux: { kustomization: 'apps' } },
      {},
      {
        deploy: { manifests: [], target: { fluxNamespace: 'gitops' } },
      },
    );
    expect(renderCommand(flux.status(ctx))).toBe('flux get kustomization -n gitops -- apps');
    expect(rules(flux.hazards(ctx))).toEqual([
      'flux-resume-before-revert',
      'kubernetes-hpa-not-reverted',
      'kubernetes-last-applied',
    ]);
  });
});
