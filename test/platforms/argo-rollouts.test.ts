import { describe, expect, test } from 'vitest';
import { argoRollouts } from '../../src/platforms/argo-rollouts.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook } from './helpers.js';

const rollout = (settings = {}) => ctxOf('argo-rollouts', { kind: 'Rollout', name: 'storefront' }, settings);

describe('argo-rollouts', () => {
  test('commands: undo with --to-revision, status with --timeout', () => {
    const ctx = rollout({ replicas: m(4), strategy: m('canary') });
    expect(renderCommand(argoRollouts.history(ctx))).toBe(
      'kubectl argo rollouts get rollout -n shop -- storefront',
    );
    expect(renderCommand(argoRollouts.status(ctx))).toBe(
      `kubectl argo rollouts status -n shop --timeout ${argoRollouts.duration(ctx).maxSeconds}s -- storefront`,
    );
    const r = argoRollouts.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: kubectl argo rollouts undo -n shop --to-revision "\${TARGET_REVISION}" -- storefront
      input TARGET_REVISION: kubectl argo rollouts get rollout -n shop -- storefront
      [rollouts-abort] 50s/230s
        rw $ kubectl argo rollouts abort -n shop -- storefront
        check $ kubectl get -n shop -o json -- rollouts.argoproj.io storefront (timeout 30s, retries 2)
      [rollouts-undo] 40s/170s
        rw $ kubectl argo rollouts undo -n shop --to-revision "\${TARGET_REVISION}" -- storefront
        check $ kubectl argo rollouts status -n shop --timeout 170s -- storefront ~ Healthy (timeout 200s, retries 0)"
    `);
  });

  test('canary: Kubernetes rolling model; blueGreen: all pods at once + scaleDownDelay', () => {
    const canary = argoRollouts.duration(rollout({ replicas: m(4), strategy: m('canary') }));
    expect([canary.expectedSeconds, canary.maxSeconds]).toEqual([40, 170]);
    expect(canary.basis).toContain(
      'the canary steps, pauses and analysis run again (steps not found in the manifest: not counted)',
    );
    const bg = argoRollouts.duration(
      rollout({ replicas: m(4), strategy: m('blueGreen'), scaleDownDelaySeconds: m(60) }),
    );
    // one batch: pull 10 + ready 10; worst 30 + 40 + scaleDownDelay 60
    expect([bg.expectedSeconds, bg.maxSeconds]).toEqual([20, 130]);
    expect(bg.drivers.find((d) => d.name === 'scaleDownDelaySeconds')?.source).toBe('manifest');
    const bgDefault = argoRollouts.duration(rollout({ strategy: m('blueGreen') }));
    expect(bgDefault.maxSeconds).toBe(70 + 30);
  });

  test('hazards: abort keeps spec, steps re-run without rollbackWindow (selfHeal is the rule selfheal-reverts-manual-rollback)', () => {
    const h = argoRollouts.hazards(rollout({ selfHeal: m(true, 22) }));
    expect(rules(h)).toEqual([
      'argo-rollouts-abort-keeps-spec',
      'argo-rollouts-hpa-not-reverted',
      'argo-rollouts-last-applied',
      'argo-rollouts-steps-rerun',
    ]);
    expect(byRule(h, 'argo-rollouts-hpa-not-reverted').subject).toBe('rollout storefront');
    const windowed = argoRollouts.hazards(rollout({ rollbackWindowRevisions: m(3) }));
    expect(rules(windowed)).not.toContain('argo-rollouts-steps-rerun');
  });

  test.each([
    ['basic canary: a rolling update back to stable', { strategy: m('canary') }, [50, 230]],
    [
      'trafficRouting: a weight shift, stable still at full scale',
      { strategy: m('canary'), trafficRouting: m('istio') },
      [10, 60],
    ],
    [
      'trafficRouting with dynamicStableScale: stable shrank, a rolling update back',
      { strategy: m('canary'), trafficRouting: m('nginx'), dynamicStableScale: m(true) },
      [50, 230],
    ],
    ['blueGreen: the active Service never left stable', { strategy: m('blueGreen') }, [10, 60]],
  ])('abort: %s', (_, settings, seconds) => {
    const abort = argoRollouts.rollback(rollout({ replicas: m(4), ...settings })).steps[0];
    expect(abort?.id).toBe('rollouts-abort');
    expect([abort?.expectedSeconds, abort?.maxSeconds]).toEqual(seconds);
  });

  test('paused is reported once, by the rule paused-rollout, not by the platform', () => {
    expect(rules(argoRollouts.hazards(rollout({ paused: m(true) })))).not.toContain('argo-rollouts-paused');
  });
});

describe('argo-rollouts under Argo CD auto-sync', () => {
  test('the undo is wrapped: disable auto-sync → undo → git revert → re-enable', () => {
    const ctx = ctxOf(
      'argo-rollouts',
      {
        kind: 'Rollout',
        name: 'storefront',
        argocd: { app: 'storefront-prod' },
      },
      { autoSync: m(true), selfHeal: m(true) },
      { deploy: { manifests: [], target: { path: 'apps/storefront' } } },
    );
    const r = argoRollouts.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual([
      'disable-auto-sync',
      'rollouts-abort',
      'rollouts-undo',
      'git-revert',
      're-enable-auto-sync',
    ]);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: argocd app set --sync-policy none -- storefront-prod
      input TARGET_REVISION: kubectl argo rollouts get rollout -n shop -- storefront
      input BAD_COMMIT: git log --oneline -n 20 -- apps/storefront
      [disable-auto-sync] 5s/60s
        rw $ argocd app set --sync-policy none -- storefront-prod
        check $ argocd app get -o json -- storefront-prod (timeout 30s, retries 2)
      [rollouts-abort] 30s/160s
        rw $ kubectl argo rollouts abort -n shop -- storefront
        check $ kubectl get -n shop -o json -- rollouts.argoproj.io storefront (timeout 30s, retries 2)
      [rollouts-undo] 20s/100s
        rw $ kubectl argo rollouts undo -n shop --to-revision "\${TARGET_REVISION}" -- storefront
        check $ kubectl argo rollouts status -n shop --timeout 100s -- storefront ~ Healthy (timeout 130s, retries 0)
      [git-revert] 120s/1800s
        rw $ git revert --no-edit "\${BAD_COMMIT}"
        rw $ Push the revert commit that git revert made and merge it to the branch that Argo CD application storefront-prod deploys from (path apps/storefront); then, on that branch in this clone, git pull (the check reads the branch it tracks)
        check $ git log --format=%x1e%H%n%B -n 200 '@{upstream}' -- (timeout 30s, retries 0)
      [re-enable-auto-sync] 60s/160s
        rw $ argocd app set --sync-policy automated --self-heal -- storefront-prod
        check $ argocd app wait --sync --health --timeout 100 -- storefront-prod (timeout 130s, retries 0)"
    `);
  });
});
