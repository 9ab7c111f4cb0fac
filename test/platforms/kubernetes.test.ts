import { describe, expect, test } from 'vitest';
import { kubernetes } from '../../src/platforms/kubernetes.js';
import type { PlatformContext } from '../../src/platforms/types.js';
import {
  ctxOf,
  DESCRIPTOR,
  MANIFEST,
  m,
  renderCommand,
  rules,
  runbook,
  service,
  where,
  y,
} from './helpers.js';

describe('kubernetes: Deployment', () => {
  test('10 replicas, maxSurge 25%, maxUnavailable 0, readiness period 5 → 4 batches of 3', () => {
    const ctx = ctxOf(
      'kubernetes',
      {},
      {
        replicas: m(10, 8),
        maxSurge: m('25%', 12),
        maxUnavailable: m(0, 13),
        readinessPeriodSeconds: m(5, 30),
      },
    );
    const d = kubernetes.duration(ctx);
    // surge ceil(2.5)=3, unavailable 0 → 4 batches × (pull 10 + ready 0 + 5×1) = 60, + preStop 0
    expect(d.expectedSeconds).toBe(60);
    // worst: 4 × (3×10 + 5×(1+3)) + grace 30 = 230
    expect(d.maxSeconds).toBe(230);
    expect(d.drivers.find((x) => x.name === 'maxSurge')).toEqual({
      name: 'maxSurge',
      value: '25%',
      source: 'manifest',
      at: { file: MANIFEST, line: 12 },
    });
    expect(d.drivers.find((x) => x.name === 'terminationGracePeriodSeconds')).toEqual({
      name: 'terminationGracePeriodSeconds',
      value: '30',
      source: 'default',
      realFrom: 'spec.template.spec.terminationGracePeriodSeconds',
    });
    expect(d.basis).toMatchInlineSnapshot(
      `"4 batches of 3 (10 replicas, maxSurge 3 rounded up, maxUnavailable 0 rounded down) × (pull 10s + ready 0s + 5s × 1) + last drain preStop 0s; worst case: 3× pull, failureThreshold extra probe periods, each batch capped by progressDeadlineSeconds 600s, + termination grace 30s"`,
    );
  });

  test('defaults 25%/25%: surge rounds up, unavailable rounds down', () => {
    const ctx = ctxOf('kubernetes', {}, { replicas: m(10) });
    const d = kubernetes.duration(ctx);
    // surge ceil(2.5)=3 + unavailable floor(2.5)=2 = 5 per batch → 2 batches × (10 + 10) = 40
    expect(d.expectedSeconds).toBe(40);
    // 2 × (30 + 10×4) + 30 = 170
    expect(d.maxSeconds).toBe(170);
    const sources = Object.fromEntries(d.drivers.map((x) => [x.name, x.source]));
    expect(sources).toMatchObject({
      replicas: 'manifest',
      maxSurge: 'default',
      maxUnavailable: 'default',
      progressDeadlineSeconds: 'default',
      readinessPeriodSeconds: 'default',
    });
  });

  test('descriptor values are reported as descriptor, preStop and minReady count', () => {
    const ctx = ctxOf(
      'kubernetes',
      {},
      {
        replicas: y(2),
        maxSurge: y(1),
        maxUnavailable: y(0),
        minReadySeconds: m(10),
        preStopSeconds: m(15),
        terminationGracePeriodSeconds: m(45),
        readinessInitialDelaySeconds: m(5),
      },
    );
    const d = kubernetes.duration(ctx);
    // 2 batches × (10 + 5 + 10×1 + 10) + preStop 15 = 85
    expect(d.expectedSeconds).toBe(85);
    // 2 × (30 + 5 + 40 + 10) + max(45, 15) = 215
    expect(d.maxSeconds).toBe(215);
    expect(d.drivers.find((x) => x.name === 'replicas')?.source).toBe('descriptor');
    expect(d.drivers.find((x) => x.name === 'replicas')?.at?.file).toBe(DESCRIPTOR);
  });

  test('progressDeadlineSeconds caps a batch in the worst case', () => {
    const ctx = ctxOf(
      'kubernetes',
      {},
      {
        replicas: m(2),
        maxSurge: m(1),
        maxUnavailable: m(0),
        readinessInitialDelaySeconds: m(600),
        progressDeadlineSeconds: m(300),
      },
    );
    const d = kubernetes.duration(ctx);
    expect(d.expectedSeconds).toBe(2 * (10 + 600 + 10));
    // per batch worst 30 + 600 + 40 = 670 → capped at 300; max(2×300 + 30, expected)
    expect(d.maxSeconds).toBe(d.expectedSeconds);
  });

  test('Recreate: one batch after stopping everything', () => {
    const ctx = ctxOf('kubernetes', {}, { replicas: m(6), strategy: m('Recreate'), preStopSeconds: m(5) });
    const d = kubernetes.duration(ctx);
    expect(d.expectedSeconds).toBe(5 + 20);
    expect(d.maxSeconds).toBe(30 + 70);
  });

  test('commands and flags', () => {
    const ctx = ctxOf('kubernetes', {}, { replicas: m(10), maxUnavailable: m(0) });
    expect(renderCommand(kubernetes.history(ctx))).toBe(
      'kubectl rollout history -n shop -- deployment/checkout-api',
    );
    expect(renderCommand(kubernetes.status(ctx))).toBe(
      `kubectl rollout status -n shop --timeout=${kubernetes.duration(ctx).maxSeconds}s -- deployment/checkout-api`,
    );
    const r = kubernetes.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: kubectl rollout undo -n shop --to-revision "\${TARGET_REVISION}" -- deployment/checkout-api
      input TARGET_REVISION: kubectl rollout history -n shop -- deployment/checkout-api
      [rollout-undo] 80s/310s
        rw $ kubectl rollout undo -n shop --to-revision "\${TARGET_REVISION}" -- deployment/checkout-api
        check $ kubectl rollout status -n shop --timeout=310s -- deployment/checkout-api ~ successfully rolled out (timeout 340s, retries 0)"
    `);
  });

  test('hazards: unversioned config per ConfigMap, HPA and last-applied always, evidence', () => {
    const ctx = ctxOf(
      'kubernetes',
      {
        config: [
          { kind: 'ConfigMap', name: 'checkout-config', versioned: false, at: { file: MANIFEST, line: 40 } },
          {
            kind: 'ConfigMap',
            name: 'checkout-config-7h2k9',
            versioned: true,
            at: { file: MANIFEST, line: 41 },
          },
          { kind: 'Secret', name: 'db-credentials', versioned: false },
        ],
      },
      { replicas: m(3, 7) },
    );
    // Unversioned config is reported once, by the rule unversioned-config.
    const h = kubernetes.hazards(ctx);
    expect(where(h)).toEqual([
      'kubernetes-hpa-not-reverted@deploy/k8s/deployment.yaml:7 info deployment/checkout-api',
      'kubernetes-last-applied@deploy/k8s/deployment.yaml:1 warning deployment/checkout-api',
    ]);
  });

  test('revisionHistoryLimit 0: hazard, and the rollback re-applies the manifest from git', () => {
    const ctx = ctxOf('kubernetes', {}, { revisionHistoryLimit: m(0, 9) });
    // the hazard is the rule no-rollout-history's
    expect(rules(kubernetes.hazards(ctx))).not.toContain('kubernetes-no-revision-history');
    const r = kubernetes.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.inputs.map((i) => i.name)).toEqual(['GOOD_COMMIT']);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=false
      start: git checkout "\${GOOD_COMMIT}" -- deploy/k8s/deployment.yaml
      input GOOD_COMMIT: git log --oneline -n 20 -- deploy/k8s/deployment.yaml
      [reapply-previous-manifest] 20s/100s
        rw $ git checkout "\${GOOD_COMMIT}" -- deploy/k8s/deployment.yaml
        rw $ kubectl apply -n shop -f deploy/k8s/deployment.yaml
        check $ kubectl rollout status -n shop --timeout=100s -- deployment/checkout-api ~ successfully rolled out (timeout 130s, retries 0)"
    `);
  });

  test('paused: hazard and a resume step before the undo', () => {
    const ctx = ctxOf('kubernetes', {}, { paused: m(true, 6) });
    expect(rules(kubernetes.hazards(ctx))).not.toContain('kubernetes-paused'); // rule paused-rollout
    const r = kubernetes.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual(['resume-rollout', 'rollout-undo']);
    expect(renderCommand(r.command)).toBe('kubectl rollout resume -n shop -- deployment/checkout-api');
  });
});

describe('kubernetes: kinds from deploy.workload', () => {
  const cases: [string, string][] = [
    ['deployment/api', 'deployment/api'],
    ['deploy/api', 'deployment/api'],
    ['sts/db', 'statefulset/db'],
    ['statefulset/db', 'statefulset/db'],
    ['ds/agent', 'daemonset/agent'],
    ['daemonset/agent', 'daemonset/agent'],
    ['api', 'deployment/api'],
  ];
  test.each(cases)('%s → %s', (ref, expected) => {
    const ctx: PlatformContext = {
      service: service({ deploy: { manifests: [], workload: ref, namespace: 'prod' } }),
    };
    expect(renderCommand(kubernetes.history(ctx))).toBe(`kubectl rollout history -n prod -- ${expected}`);
  });

  test('no namespace anywhere: no -n flag; name falls back to service name', () => {
    const ctx: PlatformContext = { service: service() };
    expect(renderCommand(kubernetes.history(ctx))).toBe('kubectl rollout history -- deployment/checkout-api');
  });

  test('workload.kind wins over deploy.workload', () => {
    const ctx: PlatformContext = {
      service: service({ deploy: { manifests: [], workload: 'deployment/x' } }),
      workload: { ...ctxOf('kubernetes').workload!, kind: 'StatefulSet', name: 'db' },
    };
    expect(renderCommand(kubernetes.history(ctx))).toBe('kubectl rollout history -n shop -- statefulset/db');
  });
});

describe('kubernetes: StatefulSet', () => {
  const sts = (settings = {}) =>
    ctxOf(
      'kubernetes',
      { kind: 'StatefulSet', name: 'ledger' },
      {
        replicas: m(3),
        terminationGracePeriodSeconds: m(60),
        preStopSeconds: m(10),
        readinessInitialDelaySeconds: m(10),
        readinessPeriodSeconds: m(5),
        ...settings,
      },
    );

  test('N × (terminate + start + ready), one pod at a time', () => {
    const d = kubernetes.duration(sts());
    // per pod: preStop 10 + pull 10 + (10 + 5×1) = 35 → 3 × 35
    expect(d.expectedSeconds).toBe(105);
    // per pod worst: grace 60 + 3×10 + 10 + 5×4 = 120 → 3 × 120
    expect(d.maxSeconds).toBe(360);
    expect(d.basis).toContain('3 pods one at a time');
  });

  test('with volume claims each pod also waits for its volume to detach and attach (an assumed value, said as such)', () => {
    const ctx = sts();
    ctx.workload!.state = [{ kind: 'volume-claim-template', name: 'data', at: { file: MANIFEST, line: 40 } }];
    const d = kubernetes.duration(ctx);
    // per pod: 35 + volume detach + attach 15 → 3 × 50; worst 120 + 90 → 3 × 210
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([150, 630]);
    expect(d.basis).toContain('volume detach + attach 15s');
    expect(d.drivers.find((x) => x.name === 'volume detach + attach per pod (estimate)')).toMatchObject({
      value: '15s, worst 90s',
      source: 'default',
      realFrom: expect.stringContaining('SuccessfulAttachVolume'),
    });
  });

  test('partition limits the pods that roll', () => {
    const d = kubernetes.duration(sts({ partition: m(1) }));
    expect(d.expectedSeconds).toBe(70);
    expect(d.maxSeconds).toBe(240);
  });

  test('hazards: PVCs and OrderedReady are the rules stateful-data and statefulset-ordered-ready, not repeated here', () => {
    expect(rules(kubernetes.hazards(sts()))).toEqual([
      'kubernetes-hpa-not-reverted',
      'kubernetes-last-applied',
    ]);
  });

  test('OnDelete: undo then manual pod replacement', () => {
    const ctx = sts({ strategy: m('OnDelete') });
    const r = kubernetes.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.steps.map((s) => s.id)).toEqual(['rollout-undo', 'replace-pods']);
    expect(rules(kubernetes.hazards(ctx))).toContain('statefulset-ondelete-manual');
  });

  test('status check waits for "complete"', () => {
    const r = kubernetes.rollback(sts());
    expect(r.steps[0]?.check.expectOutput).toBe('complete');
    expect(renderCommand(r.command)).toBe(
      `kubectl rollout undo -n shop --to-revision "\${TARGET_REVISION}" -- statefulset/ledger`,
    );
  });
});

describe('kubernetes: DaemonSet', () => {
  test('one node at a time by default (maxUnavailable 1, maxSurge 0)', () => {
    const ctx = ctxOf('kubernetes', { kind: 'DaemonSet', name: 'agent' }, { replicas: y(5) });
    const d = kubernetes.duration(ctx);
    // 5 batches × (preStop 0 + pull 10 + ready 10)
    expect(d.expectedSeconds).toBe(100);
    // 5 × (grace 30 + 30 + 40)
    expect(d.maxSeconds).toBe(500);
    expect(d.drivers.find((x) => x.name.startsWith('nodes'))?.source).toBe('descriptor');
  });
});

describe('kubernetes under Argo CD selfHeal', () => {
  test('the application is an input when not named; the undo sits between disable and re-enable', () => {
    const ctx = ctxOf('kubernetes', {}, { selfHeal: m(true, 3) });
    const r = kubernetes.rollback(ctx);
    expect(r.oneCommand).toBe(false);
    expect(r.inputs.map((i) => i.name)).toEqual(['ARGOCD_APP', 'TARGET_REVISION', 'BAD_COMMIT']);
    expect(r.steps.map((s) => s.id)).toEqual([
      'disable-auto-sync',
      'rollout-undo',
      'git-revert',
      're-enable-auto-sync',
    ]);
    expect(renderCommand(r.command)).toBe(`argocd app set --sync-policy none -- "\${ARGOCD_APP}"`);
    expect(rules(kubernetes.hazards(ctx))).not.toContain('argocd-selfheal'); // rule selfheal-reverts-manual-rollback
  });
});

describe('kubernetes: OnDelete status', () => {
  test('status reads the StatefulSet, and a probe compares its counts (kubectl rollout status refuses OnDelete)', () => {
    const ctx = ctxOf('kubernetes', { kind: 'StatefulSet', name: 'ledger' }, { strategy: m('OnDelete') });
    expect(renderCommand(kubernetes.status(ctx))).toBe('kubectl get -n shop -o json -- statefulset/ledger');
    const steps = kubernetes.rollback(ctx).steps;
    expect(steps[1]?.commands[0]?.manual).toContain('kubectl delete pod ledger-<ordinal> -n shop');
    // an exit code of 0 proves nothing about the counts: each check is read by a probe
    expect(steps[1]?.check.probe?.id).toBe('kubectl-statefulset-updated');
    expect(kubernetes.deployStateCheck?.(ctx).probe?.id).toBe('kubectl-statefulset-updating');
    expect(kubernetes.doneCheck?.(ctx)?.probe?.id).toBe('kubectl-statefulset-updated');
    expect(
      kubernetes.doneCheck?.(ctxOf('kubernetes', { kind: 'StatefulSet', name: 'ledger' })),
    ).toBeUndefined();
  });
});
