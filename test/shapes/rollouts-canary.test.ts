/**
 * Two Argo Rollouts canaries in one repository: checkout (10-minute pauses and an indefinite pause,
 * an AnalysisTemplate) and search (its own analysis). The design of checkout carries checkout's
 * analysis only, re-runs the steps on undo and asks for a manual promote at the indefinite pause.
 */
import { describe, expect, it } from 'vitest';
import { commands, design, drivers } from './helpers.js';

describe('fixture rollouts-canary', () => {
  it('abort is immediate; undo re-runs 20 minutes of pauses and stops at the indefinite pause for a promote', async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    expect(p.risk).toBe('low');
    expect(p.trigger.oneCommand).toBe(false);
    expect(commands(p)).toEqual(
      expect.arrayContaining([
        'kubectl argo rollouts abort -n shop -- checkout',
        'kubectl argo rollouts undo -n shop --to-revision "${TARGET_REVISION}" -- checkout',
        'kubectl argo rollouts promote -n shop -- checkout',
      ]),
    );
    const abort = p.runbook.find((s) => s.id === 'rollouts-abort');
    expect(abort?.conditional).toBe(true);
    expect(abort?.maxSeconds).toBe(60);
    const undo = p.runbook.find((s) => s.id === 'rollouts-undo');
    expect(undo?.expectedSeconds).toBeGreaterThanOrEqual(1200);
    expect(undo?.durationBasis).toContain('2 timed pauses (1200s) + 1 indefinite pause at step 6');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'canary step 2 pause=600 (manifest@k8s/rollout.yaml:35)',
        'canary step 6 pause=indefinite (manual promote) (manifest@k8s/rollout.yaml:39)',
        'replicas=6 (manifest@k8s/rollout.yaml:7)',
      ]),
    );
  });

  it("carries checkout's analysis signals, never search's", async () => {
    const p = await design('rollouts-canary', 'rollout/checkout');
    const names = p.trigger.criteria.map((c) => c.signal);
    expect(names.some((n) => n.startsWith('checkout-success-rate/'))).toBe(true);
    expect(names.some((n) => n.startsWith('search-latency/'))).toBe(false);
  });
});
