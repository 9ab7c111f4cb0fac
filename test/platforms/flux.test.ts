import { describe, expect, test } from 'vitest';
import { flux } from '../../src/platforms/flux.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const hr = (settings = {}, attributes: Record<string, string> = {}) =>
  ctxOf(
    'flux',
    {
      kind: 'HelmRelease',
      name: 'podinfo',
      namespace: 'apps',
      attributes: { path: 'clusters/prod/podinfo', ...attributes },
    },
    settings,
  );

describe('flux: HelmRelease', () => {
  test('never one command: suspend → helm rollback → git revert → resume', () => {
    const r = flux.rollback(hr({ replicas: m(2) }, { targetNamespace: 'web' }));
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual(['flux-suspend', 'helm-rollback', 'git-revert', 'flux-resume']);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: flux suspend helmrelease podinfo -n apps
      input HELM_REVISION: helm history web-podinfo -n apps
      input BAD_COMMIT: git log --oneline -n 20 -- clusters/prod/podinfo
      [flux-suspend] 5s/60s
        rw $ flux suspend helmrelease podinfo -n apps
        check $ flux get helmrelease podinfo -n apps (timeout 30s, retries 2)
      [helm-rollback] 40s/170s
        rw $ helm rollback web-podinfo "\${HELM_REVISION}" -n apps --wait --timeout 300s
        check $ helm status web-podinfo -n apps ~ STATUS: deployed (timeout 60s, retries 2)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Flux deploys from (path clusters/prod/podinfo)
        check $ git log --oneline -n 1 (timeout 30s, retries 0)
      [flux-resume] 40s/170s
        rw $ flux resume helmrelease podinfo -n apps
        check $ flux get helmrelease podinfo -n apps (timeout 60s, retries 2)"
    `);
  });

  test('release name: explicit attribute wins; storage namespace attribute', () => {
    const r = flux.rollback(hr({}, { release: 'podinfo-main', storageNamespace: 'flux-system' }));
    expect(renderCommand(r.steps[1]!.commands[0]!)).toBe(
      `helm rollback podinfo-main "\${HELM_REVISION}" -n flux-system --wait --timeout 300s`,
    );
    expect(renderCommand(flux.history(hr({}, { release: 'podinfo-main' })))).toBe(
      'helm history podinfo-main -n apps',
    );
  });

  test('status is flux get on the HelmRelease', () => {
    expect(renderCommand(flux.status(hr()))).toBe('flux get helmrelease podinfo -n apps');
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
      start: flux suspend kustomization "\${FLUX_KUSTOMIZATION}" -n flux-system
      input FLUX_KUSTOMIZATION: flux get kustomizations --all-namespaces
      input TARGET_REVISION: kubectl rollout history deployment/checkout-api -n shop
      input BAD_COMMIT: git log --oneline -n 20
      [flux-suspend] 5s/60s
        rw $ flux suspend kustomization "\${FLUX_KUSTOMIZATION}" -n flux-system
        check $ flux get kustomization "\${FLUX_KUSTOMIZATION}" -n flux-system (timeout 30s, retries 2)
      [rollout-undo] 60s/240s
        rw $ kubectl rollout undo deployment/checkout-api -n shop --to-revision "\${TARGET_REVISION}"
        check $ kubectl rollout status deployment/checkout-api -n shop --timeout=240s ~ successfully rolled out (timeout 270s, retries 0)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Flux deploys from
        check $ git log --oneline -n 1 (timeout 30s, retries 0)
      [flux-resume] 60s/240s
        rw $ flux resume kustomization "\${FLUX_KUSTOMIZATION}" -n flux-system
        check $ flux get kustomization "\${FLUX_KUSTOMIZATION}" -n flux-system (timeout 60s, retries 2)"
    `);
  });

  test('named Kustomization and namespace', () => {
    const ctx = ctxOf('flux', { attributes: { kustomization: 'apps', fluxNamespace: 'gitops' } });
    expect(renderCommand(flux.status(ctx))).toBe('flux get kustomization apps -n gitops');
    expect(rules(flux.hazards(ctx))).toEqual([
      'flux-resume-before-revert',
      'kubernetes-hpa-not-reverted',
      'kubernetes-last-applied',
    ]);
  });
});
