import { describe, expect, test } from 'vitest';
import { argocd } from '../../src/platforms/argocd.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook, service } from './helpers.js';

const app = (settings = {}, target: Record<string, string> = {}) =>
  ctxOf('argocd', { argocd: { app: 'storefront-prod' } }, settings, {
    deploy: { manifests: [], target: { path: 'apps/storefront', ...target } },
  });

describe('argocd', () => {
  test('auto-sync on: not one command; disable → rollback → git revert → re-enable', () => {
    const ctx = app({ autoSync: m(true), selfHeal: m(true), prune: m(true) });
    const r = argocd.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual([
      'disable-auto-sync',
      'argocd-rollback',
      'git-revert',
      're-enable-auto-sync',
    ]);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: argocd app set --sync-policy none -- storefront-prod
      input ARGOCD_HISTORY_ID: argocd app history -- storefront-prod
      input BAD_COMMIT: git log --oneline -n 20 -- apps/storefront
      [disable-auto-sync] 5s/60s
        rw $ argocd app set --sync-policy none -- storefront-prod
        check $ argocd app get -o json -- storefront-prod (timeout 30s, retries 2)
      [argocd-rollback] 20s/100s
        rw $ argocd app rollback --timeout 100 -- storefront-prod "\${ARGOCD_HISTORY_ID}"
        check $ argocd app wait --health --timeout 100 -- storefront-prod (timeout 130s, retries 0)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Argo CD application storefront-prod deploys from (path apps/storefront); then, on that branch in this clone, git pull (the check reads the branch it tracks)
        check $ git log --format=%x1e%H%n%B -n 200 '@{upstream}' -- (timeout 30s, retries 0)
      [re-enable-auto-sync] 60s/160s
        rw $ argocd app set --sync-policy automated --self-heal --auto-prune -- storefront-prod
        check $ argocd app wait --sync --health --timeout 100 -- storefront-prod (timeout 130s, retries 0)"
    `);
  });

  test('auto-sync unknown is treated as on', () => {
    const r = argocd.rollback(app());
    expect(r.oneCommand).toBe(false);
    expect(r.why).toContain('assumed');
    expect(renderCommand(r.command)).toBe('argocd app set --sync-policy none -- storefront-prod');
  });

  test('auto-sync off: argocd app rollback is one command', () => {
    const r = argocd.rollback(app({ autoSync: m(false) }));
    expect(r.oneCommand).toBe(true);
    expect(renderCommand(r.command)).toBe(
      `argocd app rollback --timeout ${argocd.duration(app()).maxSeconds} -- storefront-prod "\${ARGOCD_HISTORY_ID}"`,
    );
    expect(rules(argocd.hazards(app({ autoSync: m(false) })))).toEqual([]);
  });

  test('history and status', () => {
    const ctx = app();
    expect(renderCommand(argocd.history(ctx))).toBe('argocd app history -- storefront-prod');
    expect(renderCommand(argocd.status(ctx))).toMatch(
      /^argocd app wait --health --timeout \d+ -- storefront-prod$/,
    );
  });

  test('hazards: selfHeal, auto-sync, parent app', () => {
    const h = argocd.hazards(
      app({ autoSync: m(true, 30), selfHeal: m(true, 31) }, { parentApp: 'platform-apps' }),
    );
    // selfHeal is the rule selfheal-reverts-manual-rollback; auto-sync shares the rule's id.
    expect(rules(h)).toEqual(['argocd-parent-app-reenables-sync', 'autosync-blocks-rollback']);
    expect(byRule(h, 'autosync-blocks-rollback').evidence[0]?.line).toBe(30);
    expect(byRule(h, 'argocd-parent-app-reenables-sync').mitigation).toBe(
      'Disable auto-sync on platform-apps as well (argocd app set platform-apps --sync-policy none) before rolling storefront-prod back.',
    );
  });
});

describe('argocd: application name', () => {
  test('deploy.workload naming a Kubernetes workload is not taken for the app; service name is', () => {
    const k8sRef = { service: service({ deploy: { manifests: [], workload: 'rollout/storefront-web' } }) };
    expect(renderCommand(argocd.history(k8sRef))).toBe('argocd app history -- checkout-api');
    const appRef = {
      service: service({ deploy: { manifests: [], workload: 'application/storefront-prod' } }),
    };
    expect(renderCommand(argocd.history(appRef))).toBe('argocd app history -- storefront-prod');
    const target = { service: service({ deploy: { manifests: [], target: { app: 'sf' } } }) };
    expect(renderCommand(argocd.history(target))).toBe('argocd app history -- sf');
  });
});
