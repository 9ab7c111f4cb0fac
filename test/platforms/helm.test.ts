import { describe, expect, test } from 'vitest';
import { helm } from '../../src/platforms/helm.js';
import { byRule, ctxOf, m, renderCommand, rules, runbook, where, y } from './helpers.js';

const chart = (settings = {}, target: Record<string, string> = {}) =>
  ctxOf(
    'helm',
    { helm: { release: 'checkout', chart: 'checkout' } },
    { replicas: m(4), ...settings },
    { deploy: { manifests: [], target } },
  );

describe('helm', () => {
  test('commands: history, status, rollback with --wait and the default 5m timeout', () => {
    const ctx = chart();
    expect(renderCommand(helm.history(ctx))).toBe('helm history -n shop -- checkout');
    expect(renderCommand(helm.status(ctx))).toBe('helm status -n shop -- checkout');
    const r = helm.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: helm rollback -n shop --wait --timeout 300s -- checkout "\${HELM_REVISION}"
      input HELM_REVISION: helm history -n shop -- checkout
      [helm-rollback] 40s/170s
        rw $ helm rollback -n shop --wait --timeout 300s -- checkout "\${HELM_REVISION}"
        check $ helm history -n shop -o json -- checkout (timeout 60s, retries 2)"
    `);
  });

  test('a declared kube context goes into every command as one --kube-context=NAME argument', () => {
    const ctx = chart();
    ctx.service.deploy.context = 'arn:aws:eks:eu-west-1:1:cluster/prod';
    expect(renderCommand(helm.history(ctx))).toBe(
      'helm history --kube-context=arn:aws:eks:eu-west-1:1:cluster/prod -n shop -- checkout',
    );
  });

  test('timeout and history-max from settings are passed through', () => {
    const r = helm.rollback(chart({ timeoutSeconds: y(600), historyMax: y(20) }));
    expect(renderCommand(r.command)).toBe(
      `helm rollback -n shop --wait --timeout 600s --history-max 20 -- checkout "\${HELM_REVISION}"`,
    );
  });

  test('duration: pods of the chart (4 replicas, 25%/25% → 2 batches), bounded by --timeout', () => {
    const d = helm.duration(chart());
    // surge 1 + unavailable 1 → 2 batches × (10 + 10) = 40; worst 2 × 70 + 30 = 170 (< 300)
    expect(d.expectedSeconds).toBe(40);
    expect(d.maxSeconds).toBe(170);
    expect(d.drivers.find((x) => x.name === 'helm --timeout')).toEqual({
      name: 'helm --timeout',
      value: '300',
      source: 'default',
      realFrom: 'the --timeout the pipeline passes to helm upgrade (Flux: HelmRelease spec.timeout)',
    });
    const short = helm.duration(chart({ timeoutSeconds: y(60, 3) }));
    expect(short.maxSeconds).toBe(60);
    expect(short.drivers.find((x) => x.name === 'helm --timeout')?.source).toBe('descriptor');
  });

  test('hazards: CRDs, hooks from target, pending-upgrade; specialised by deploy.target', () => {
    const plain = helm.hazards(chart());
    expect(where(plain)).toEqual([
      'helm-crds-not-reverted@deploy/k8s/deployment.yaml:1 info release checkout',
      'helm-hooks-from-target@deploy/k8s/deployment.yaml:1 info release checkout',
      'helm-pending-upgrade@deploy/k8s/deployment.yaml:1 info release checkout',
    ]);
    const rich = helm.hazards(chart({}, { crds: 'true', hooks: 'pre-upgrade' }));
    expect(byRule(rich, 'helm-crds-not-reverted').severity).toBe('warning');
    expect(byRule(rich, 'helm-hooks-from-target').message).toMatchInlineSnapshot(
      `"helm rollback runs the rollback hooks of the older target revision (this chart has hooks: pre-upgrade): a migration run by the bad release's hook is not undone, and hook-created resources are not part of the release."`,
    );
    expect(byRule(rich, 'helm-pending-upgrade').mitigation).toContain(
      'kubectl delete secret -n shop -- sh.helm.release.v1.checkout.vN',
    );
  });

  test("hazards from discovery's chart facts: a crds/ CRD and the hook templates (not only deploy.target)", () => {
    const at = { file: 'chart/crds/widget.yaml', line: 1 };
    const ctx = ctxOf(
      'helm',
      {
        helm: { release: 'checkout', chart: 'checkout' },
        crds: [
          { name: 'widgets.acme.io', inTemplates: false, at },
          { name: 'gadgets.acme.io', inTemplates: true, at },
        ],
        hooks: [
          { kind: 'Job', name: 'migrate', events: ['pre-upgrade', 'pre-install'], runsMigration: true },
          { kind: 'Job', name: 'smoke', events: ['post-upgrade'], runsMigration: false },
        ],
      },
      { replicas: m(4) },
    );
    const h = helm.hazards(ctx);
    expect(byRule(h, 'helm-crds-not-reverted').severity).toBe('warning');
    expect(byRule(h, 'helm-hooks-from-target').message).toContain(
      'this chart has hooks: post-upgrade,pre-install,pre-upgrade',
    );
    // a CRD only in templates/ is versioned with the release: not this hazard
    const templated = ctxOf('helm', {
      helm: { release: 'checkout', chart: 'checkout' },
      crds: [{ name: 'gadgets.acme.io', inTemplates: true, at }],
    });
    expect(byRule(helm.hazards(templated), 'helm-crds-not-reverted').severity).toBe('info');
  });

  test('historyMax 2 keeps one previous revision (1 is the rule no-rollout-history); a short timeout is flagged', () => {
    expect(rules(helm.hazards(chart({ historyMax: y(1, 12) })))).not.toContain('helm-history-max');
    const h = helm.hazards(chart({ historyMax: y(2, 12), timeoutSeconds: y(30, 13) }));
    const hm = byRule(h, 'helm-history-max');
    expect(hm.severity).toBe('warning');
    expect(hm.evidence).toEqual([{ file: 'rollbook.yaml', line: 12 }]);
    expect(byRule(h, 'helm-timeout-too-short').severity).toBe('warning');
    expect(rules(helm.hazards(chart({ historyMax: y(0) })))).not.toContain('helm-history-max');
  });
});
