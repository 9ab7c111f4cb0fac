import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import type { Plan, Step } from '../../src/model/plan.js';
import type { Service } from '../../src/model/service.js';

const EXAMPLE = join(resolve(import.meta.dirname, '../..'), 'examples/checkout-api');

let base: Service;
beforeAll(async () => {
  base = await loadService(EXAMPLE, { release: false });
});

function design(provider: string, killSwitch = true): Plan {
  const s: Service = {
    ...base,
    flags: base.flags.map((f) => ({ ...f, provider, killSwitch: killSwitch && f.killSwitch })),
  };
  return plan(s, analyze(s));
}

function step(p: Plan): Step {
  const s = p.runbook.find((x) => x.id === 'try-kill-switch');
  if (!s) throw new Error('no kill-switch step');
  return s;
}

describe('the kill-switch step lasts the flip and its propagation; the watch is its check, counted once in the estimate', () => {
  it.each([
    // provider, expected, worst, what the duration cites
    ['unleash', 45, 90, 'refreshInterval'],
    ['launchdarkly', 35, 90, 'pollInterval'],
    ['flagd', 120, 300, 'syncFrequency'],
    ['configcat', 120, 420, 'propagation assumed 1 min, worst 5'],
  ])('%s: %is (worst %is)', (provider, expected, worst, cites) => {
    const p = design(provider);
    const ks = step(p);
    expect([ks.expectedSeconds, ks.maxSeconds]).toEqual([expected, worst]);
    expect(ks.durationBasis).toContain(cites);
    expect(ks.durationBasis).toContain('assumed');
    // the watch is the check after the step: the longest trigger window, at least 5 minutes
    const watch = ks.check.watchSeconds ?? 0;
    expect(watch).toBeGreaterThanOrEqual(300);
    expect(ks.check.timeoutSeconds).toBe(watch);
    expect(ks.check.expect).toMatch(/^watch the trigger signals for \d+ minutes after the flag is off/);
    expect(ks.stopWhenCheckPasses).toBeTruthy();
    // the rollback path waits for the watch before it continues: flip + propagation + watch, once
    const without = design(provider, false);
    expect(without.runbook.some((s) => s.id === 'try-kill-switch')).toBe(false);
    expect(p.estimate.expectedSeconds - without.estimate.expectedSeconds).toBe(expected + watch);
    expect(p.estimate.maxSeconds - without.estimate.maxSeconds).toBe(worst + watch);
    expect(p.estimate.comparison).toContain(
      `including the ${watch / 60}-minute watch after "Turn the kill switch off first: the fastest mitigation"`,
    );
    expect(p.estimate.comparison).toMatch(
      /if "Turn the kill switch off first: the fastest mitigation" mitigates: ~\d+ min, then its \d+-minute watch confirms it/,
    );
  });
});
