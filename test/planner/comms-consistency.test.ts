/**
 * The comms say what the plan says: the watch window of the updates is the verification window, no
 * status-page update when comms.statusPage is false, and the data-loss statement (and the losses the
 * data owner accepts) name only what the migrations this rollback crosses lose.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS, loadService, plan, render } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { cleanupExampleRepos, exampleRepo, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => {
  tmp.cleanup();
  cleanupExampleRepos();
});

/** ledger-api with its git history: HEAD (v1.1.0) → v1.0.0 crosses 20261110080000_create_reversals only. */
async function ledger(): Promise<Plan> {
  return plan(await loadService(await exampleRepo('ledger-api')));
}

describe('comms consistent with the plan', () => {
  it('the data-loss statement and the accepted losses name only the crossed migration', async () => {
    const p = await ledger();
    expect(p.window.crossedMigrations.map((m) => m.version)).toEqual(['20261110080000']);
    expect(p.comms.dataLossStatement).toContain('cannot be done without loss for: reversals.');
    expect(p.comms.dataLossStatement).not.toContain('entries');
    const gate = p.gates.find((g) => g.id === 'data-step-verified');
    expect(gate?.check.acceptance?.losses).toEqual([
      '20261110080000: reversals (lossy-down, db/migrations/20261110080000_create_reversals.sql:9)',
    ]);
    expect(gate?.check.command?.argv).toEqual([
      'rollbook',
      'migrations',
      'verify',
      '.',
      '--from',
      { var: 'CURRENT_REF' },
      '--to',
      { var: 'TARGET_REF' },
    ]);
    for (const u of p.comms.updates.filter((x) => x.phase !== 'identified'))
      expect(u.text).toContain(p.comms.dataLossStatement);
  });

  it('comms.statusPage false: no format offers a status-page update', async () => {
    const p = await ledger();
    expect(p.comms.statusPage).toBe(false);
    for (const f of FORMATS()) {
      const text = render(p, f);
      expect(text.replace(/no status page( configured)?/g, ''), f).not.toMatch(/status page/i);
    }
  });

  it('the watch window in the updates is the verification window (signals for 15m → 30 minutes)', async () => {
    const dir = join(tmp.dir, 'pay');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'rollbook.yaml'),
      'version: 1\nservice: pay\ndeploy: { platform: kubernetes, workload: deployment/pay, namespace: pay }\nsignals:\n  - { name: error-ratio, threshold: 0.02, for: 15m }\ncomms: { channel: "#inc-pay", statusPage: true }\n',
    );
    const p = plan(await loadService(dir));
    const minutes = p.verification.sustainSeconds / 60;
    expect(minutes).toBe(30);
    const monitoring = p.comms.updates.find((u) => u.phase === 'monitoring');
    expect(monitoring?.text).toContain(`watching the signals for ${minutes} minutes before resolving`);
    expect(monitoring?.chat).toContain(`watching ${minutes} min before resolving`);
    expect(p.verification.signals[0]?.condition).toBe(`error-ratio <= 0.02 for ${minutes}m`);
    const recovery = p.runbook.find((s) => s.id === 'verify-recovery');
    expect(recovery?.expectedSeconds).toBe(p.verification.sustainSeconds);
    expect(render(p, 'comms')).toContain('=== MONITORING');
    expect(render(p, 'comms')).toContain('--- status page ---');
  });
});
