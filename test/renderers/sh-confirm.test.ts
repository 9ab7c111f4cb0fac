/**
 * A probe verdict only a person can settle (CONFIRM: Argo CD's history keeps no health) is asked
 * once in the guided runbook: yes passes the gate and is logged, no or no answer stops for good.
 * Runs the generated script's own rb_probe with the built CLI as the reader.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as o from '../probes/outputs.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/rollbook.js');
const dir = mkdtempSync(join(tmpdir(), 'rollbook-confirm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The named functions of a generated script, as bash source. */
function functions(script: string, names: string[]): string {
  return names
    .map((n) => {
      const m = new RegExp(`^${n}\\(\\) \\{[\\s\\S]*?^\\}$|^${n}\\(\\) \\{.*\\}$`, 'm').exec(script);
      if (!m) throw new Error(`the script has no function ${n}`);
      return m[0];
    })
    .join('\n');
}

describe.runIf(existsSync(join(ROOT, 'dist/cli/main.js')))('CONFIRM verdicts in the guided runbook', () => {
  const plan = spawnSync(
    process.execPath,
    [BIN, 'plan', join(ROOT, 'examples/checkout-api'), '--format', 'sh'],
    {
      encoding: 'utf8',
    },
  );
  const script = plan.stdout;
  const fns = functions(script, [
    'rb_mask',
    'rb_log',
    'rb_q',
    'rb_say',
    'rb_warn',
    'rb_refuse',
    'rb_ask',
    'rb_yes_no',
    'rb_probe',
  ]);

  /** rb_probe on `argocd app history` output for ID 4, answering `answer` (undefined: stdin closed). */
  function probe(answer: string | undefined) {
    const log = join(dir, `log-${answer ?? 'none'}`);
    const harness = [
      'set -uo pipefail',
      "rb_y='' rb_0='' rb_r='' rb_secrets=() rb_started=0",
      `rb_log_file=${JSON.stringify(log)}`,
      `rb_rollbook_cmd=(${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)})`,
      "rb_c_probe=argocd-history rb_c_probe_want=4 rb_c_probe_since=''",
      fns,
      'exec 3<&0',
      'out=$(cat "$HISTORY_FILE")',
      'rc=0; rb_probe "$out" 0 || rc=$?',
      'echo "rb_probe=$rc"',
    ].join('\n');
    const history = join(dir, 'history.txt');
    writeFileSync(history, o.argocdHistory);
    const r = spawnSync('bash', ['-c', harness], {
      input: answer === undefined ? '' : `${answer}\n`,
      encoding: 'utf8',
      env: { ...process.env, HISTORY_FILE: history },
    });
    return {
      out: r.stdout + r.stderr,
      status: r.status,
      log: existsSync(log) ? readFileSync(log, 'utf8') : '',
    };
  }

  it('yes passes the gate, and the log keeps the question and the answer', () => {
    expect(plan.status, plan.stderr).toBeLessThanOrEqual(1);
    const r = probe('yes');
    expect(r.out).toContain('Did main (a93f0d2) (history ID 4) run healthy');
    expect(r.out).toContain('confirmed by you (logged)');
    expect(r.out).toContain('rb_probe=0');
    expect(r.log).toContain('answered: yes');
    expect(r.log).toContain('confirmed by the operator: Did main (a93f0d2)');
  });

  it('no stops for good (2: not retried), and is logged', () => {
    const r = probe('n');
    expect(r.out).toContain('rb_probe=2');
    expect(r.log).toContain('not confirmed: Did main (a93f0d2)');
  });

  it('no answer available (CI, stdin closed) refuses: nothing is assumed', () => {
    const r = probe(undefined);
    expect(r.status).toBe(3);
    expect(r.out).toContain('REFUSED: no answer available');
    expect(r.out).not.toContain('rb_probe=0');
  });
});
