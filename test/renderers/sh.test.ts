import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Arg, Command, Plan } from '../../src/model/plan.js';
import { confirmationToken, logSlug, renderSh } from '../../src/renderers/sh.js';
import { displayText } from '../../src/renderers/text.js';
import { FIXTURES, highRiskPlan, hostilePlan, lowRiskPlan } from './plans.js';
import { logFiles, pwned, runScript, sandbox, shellcheck, shellcheckAvailable } from './sh-harness.js';

const hasShellcheck = shellcheckAvailable();
const ALL_OK = 'rbstub-ok STATUS: deployed superseded successfully rolled out 41 f';

describe('renderSh: the text', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: snapshot, deterministic`, () => {
      const text = renderSh(make());
      expect(text).toBe(renderSh(make()));
      expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
      expect(text).toContain('\nset -euo pipefail\n');
      expect(text).toMatchSnapshot();
    });

    it(`${name}: bash -n and ShellCheck clean`, (ctx) => {
      const sb = sandbox(make(), renderSh(make()));
      const syntax = spawnSync('bash', ['-n', sb.script], { encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
      if (!hasShellcheck) return ctx.skip();
      const sc = shellcheck(sb.script);
      expect(sc.output).toBe('');
      expect(sc.status).toBe(0);
    });
  }

  it('plan text never reaches a comment, a format string or a heredoc', () => {
    const text = renderSh(hostilePlan());
    expect(text).not.toContain('<<');
    for (const line of text.split('\n')) {
      if (line.trimStart().startsWith('#')) expect(line).not.toContain('PWNED');
      if (/printf '[^']*PWNED/.test(line)) throw new Error(`plan text in a format string: ${line}`);
    }
  });

  it('refuses what cannot be rendered safely', () => {
    const badVar = lowRiskPlan();
    badVar.runbook[0]!.commands[0]!.argv.push({ var: 'X; touch PWNED' });
    expect(() => renderSh(badVar)).toThrow(/invalid runtime variable name/);
    const badInput = lowRiskPlan();
    badInput.inputs[0]!.name = 'rev$(x)';
    expect(() => renderSh(badInput)).toThrow(/invalid input name/);
    const nul = lowRiskPlan();
    nul.runbook[0]!.commands[0]!.argv.push('a\u0000b');
    expect(() => renderSh(nul)).toThrow(/NUL/);
  });

  it('log names and confirmation tokens are safe', () => {
    expect(logSlug('checkout-api')).toBe('checkout-api');
    expect(logSlug('../../etc/$(x)')).toBe('_.._etc___x_');
    expect(logSlug('')).toBe('service');
    expect(confirmationToken('checkout-api')).toBe('checkout-api');
    expect(confirmationToken('a\nb$(c)')).toBe('a_b$(c)');
  });
});

describe('runbook script: --dry-run', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: runs end to end, prints everything, runs nothing, writes nothing`, () => {
      const plan = make();
      const sb = sandbox(plan, renderSh(plan));
      const r = runScript(sb, ['--dry-run'], null);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([]);
      expect(logFiles(sb)).toEqual([]);
      expect(pwned(sb)).toEqual([]);
      expect(r.stdout).toContain('*** DRY RUN complete: nothing was run ***');
      for (const s of plan.runbook) expect(r.stdout).toContain(displayText(s.title));
      for (const g of plan.gates) expect(r.stdout).toContain(displayText(g.title));
      for (const u of plan.comms.updates) expect(r.stdout).toContain(displayText(u.chat));
    });
  }
});

describe('runbook script: usage', () => {
  it('rejects unknown options with exit 2 and prints help with --help', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    const bad = runScript(sb, ['--force'], null);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown option: --force');
    const help = runScript(sb, ['--help'], null);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: bash rollback.sh [--dry-run] [--yes]');
    expect(bad.calls).toEqual([]);
  });

  it('with no input available it refuses instead of assuming yes (even with --yes)', () => {
    const plan = highRiskPlan();
    const sb = sandbox(plan, renderSh(plan));
    const r = runScript(sb, ['--yes'], null, { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('REFUSED: no answer available');
    // Only the read-only discovery of the first input ran.
    expect(r.calls).toEqual([['kubectl', 'rollout', 'history', 'deployment/checkout-api', '-n', 'shop']]);
  });
});

describe('runbook script: a stateless rollback', () => {
  const expectedCalls = (rev: string) => [
    ['helm', 'history', 'catalog-web', '-n', 'web', '--max', '5'],
    ['helm', 'history', 'catalog-web', '-n', 'web', '--max', '5'],
    ['helm', 'rollback', 'catalog-web', rev, '-n', 'web', '--wait', '--timeout', '5m'],
    ['helm', 'status', 'catalog-web', '-n', 'web'],
    ['kubectl', 'rollout', 'status', 'deployment/catalog-web', '-n', 'web', '--timeout=300s'],
    ['kubectl', 'rollout', 'status', 'deployment/catalog-web', '-n', 'web', '--timeout=60s'],
  ];

  it('--yes runs gates, steps, checks and verification in order, and writes the log', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    // The manual gate (gates come before the step), REVISION (asked at its first use, step 1), the
    // manual check of step 2. No step confirmation: --yes.
    const r = runScript(sb, ['--yes'], ['y', '7', 'y'], { RBSTUB_STDOUT: ALL_OK });
    expect(r.stderr).toMatch(
      /^\nLog of this run \(for the postmortem\): .*rollbook-catalog-web-\d{8}T\d{6}Z\.log\n$/,
    );
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(expectedCalls('7'));
    expect(r.stdout).toContain('OK: all steps passed. Send MONITORING now');
    expect(r.stdout).toContain('--- MONITORING (send when the last runbook step has passed its check) ---');
    const logs = logFiles(sb);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^rollbook-catalog-web-\d{8}T\d{6}Z\.log$/);
    const log = readFileSync(join(sb.logDir, logs[0]!), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ runbook started for catalog-web --yes/);
    expect(log).toContain('input REVISION = 7');
    expect(log).toContain('run: helm rollback catalog-web 7 -n web --wait --timeout 5m');
    expect(log).toContain('exit code 0: helm rollback');
    expect(log).toContain('step 1 confirmed by --yes');
    expect(log).toMatch(/step 1 took \d+s \(expected 90s, worst case 300s\)/);
    expect(log.trimEnd().endsWith('exit 0')).toBe(true);
  });

  it('without --yes every step asks, and "no" stops before anything changes', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    const r = runScript(sb, [], ['y', '7', 'n'], { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('Run step 1 now? [y/N]');
    expect(r.stderr).toContain('REFUSED: step 1 not confirmed; stopped');
    expect(r.calls).toEqual(expectedCalls('7').slice(0, 2));
  });

  it('an empty input is refused', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    const r = runScript(sb, ['--yes'], ['y', ''], { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('REFUSED: REVISION must not be empty');
  });

  it('a blocking gate that fails stops the script with its reason; nothing changes', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    const r = runScript(sb, ['--yes'], ['y', '7', 'y'], { RBSTUB_STDOUT: 'no revisions here' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('blocking gate 1 failed: A previous revision exists');
    expect(r.stdout).toContain('it must show: at least two revisions, the previous one "superseded"');
    expect(r.stdout).toContain('WARNING: the output does not contain: superseded');
    expect(r.calls.filter((c) => c[1] === 'history')).toHaveLength(2); // one retry
    expect(r.calls.some((c) => c[1] === 'rollback')).toBe(false);
  });

  it('a failing step check is retried, then the abort path and the comms are printed', () => {
    const sb = sandbox(lowRiskPlan(), renderSh(lowRiskPlan()));
    const r = runScript(sb, ['--yes'], ['y', '7', 'y'], {
      RBSTUB_STDOUT: ALL_OK,
      RBSTUB_FAIL_MATCH: 'helm status',
    });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c[1] === 'status' && c[0] === 'helm')).toHaveLength(4);
    expect(r.stdout).toContain('step 1 FAILED: do not continue with the next step');
    expect(r.stdout).toContain(
      'Abort path:\nStop. Run `helm history catalog-web -n web` and page the release owner.',
    );
    expect(r.stdout).toContain('Keep the IDENTIFIED update current; next update due within 30 min.');
    expect(r.calls.some((c) => c[0] === 'kubectl')).toBe(false);
  });

  it('times each step: a warning over expected, a loud alert over the worst case', () => {
    const plan = lowRiskPlan();
    plan.runbook[0]!.expectedSeconds = 0;
    plan.runbook[0]!.maxSeconds = 0;
    plan.runbook[1]!.expectedSeconds = 0;
    plan.runbook[1]!.maxSeconds = 100;
    const sb = sandbox(plan, renderSh(plan));
    const r = runScript(sb, ['--yes'], ['y', '7', 'y'], {
      RBSTUB_STDOUT: ALL_OK,
      RBSTUB_SLEEP: '1.1',
      RBSTUB_SLEEP_MATCH: '@(*--wait*|*--timeout=300s*)',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /!!! step 1 took [1-9]\d*s, beyond its worst case of 0s: the design no longer holds/,
    );
    expect(r.stdout).toMatch(/WARNING: step 2 took [1-9]\d*s, more than the expected 0s \(worst case 100s\)/);
  });
});

describe('runbook script: the data rule', () => {
  // Inputs are asked at their first use: DATABASE_URL at gate 2, REVISION at step 2.
  const answers = (name: string, backup = 'y') => ['postgres://db', backup, 'y', name, '5'];

  it('a data step runs only after typing the service name, after its backup and verification gates', () => {
    const sb = sandbox(highRiskPlan(), renderSh(highRiskPlan()));
    const r = runScript(sb, ['--yes'], answers('checkout-api'), { RBSTUB_STDOUT: ALL_OK });
    expect(r.stderr).toContain('Log of this run');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('This step changes data. Type the service name to run it');
    expect(r.calls.map((c) => c.join(' '))).toEqual([
      'kubectl rollout history deployment/checkout-api -n shop',
      'psql postgres://db -Atc select dirty from schema_migrations',
      'psql postgres://db -v ON_ERROR_STOP=1 -f db/rollback/0042_restore.sql',
      'psql postgres://db -Atc select version from schema_migrations',
      'kubectl rollout history deployment/checkout-api -n shop',
      'kubectl rollout undo deployment/checkout-api -n shop --to-revision 5',
      'kubectl rollout status deployment/checkout-api -n shop --timeout=600s',
      'kubectl rollout status deployment/checkout-api -n shop --timeout=10s',
      'psql postgres://db -Atc select version from schema_migrations',
    ]);
  });

  it('--yes never skips the typed service name: a wrong name stops before the data step', () => {
    const sb = sandbox(highRiskPlan(), renderSh(highRiskPlan()));
    for (const wrong of ['y', 'checkout', 'CHECKOUT-API']) {
      const r = runScript(sb, ['--yes'], answers(wrong), { RBSTUB_STDOUT: ALL_OK });
      expect(r.status).toBe(3);
      expect(r.stderr).toContain('REFUSED: step 1: the typed name does not match; stopped before any change');
      expect(r.calls.some((c) => c.includes('-f'))).toBe(false);
    }
  });

  it('a failed blocking backup gate stops everything', () => {
    const sb = sandbox(highRiskPlan(), renderSh(highRiskPlan()));
    const r = runScript(sb, ['--yes'], answers('checkout-api', 'n'), { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'blocking gate 3 failed: A backup of orders was taken after the incident started',
    );
    expect(r.calls.some((c) => c.includes('-f') || c.includes('undo'))).toBe(false);
  });

  it('a required gate that did not pass in this run refuses the step even when it is not blocking', () => {
    const plan = highRiskPlan();
    plan.gates[2]!.blocking = false;
    const sb = sandbox(plan, renderSh(plan));
    const r = runScript(sb, ['--yes'], answers('checkout-api', 'n'), { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('WARNING: gate 3 did not pass (not blocking)');
    expect(r.stderr).toContain('REFUSED: step 1 needs gate 3, which has not passed in this run');
    expect(r.calls.some((c) => c.includes('-f'))).toBe(false);
  });

  it('a data step without a backup gate can never run', () => {
    const plan = highRiskPlan();
    plan.runbook[0]!.requiresGates = ['backup-verified', 'no-such-gate'];
    const text = renderSh(plan);
    const sb = sandbox(plan, text);
    const dry = runScript(sb, ['--dry-run'], null);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('CANNOT RUN: it requires gate "no-such-gate", which is not in the plan');
    expect(dry.stdout).toContain('CANNOT RUN: it changes data but requires no backup gate (the data rule)');
    const r = runScript(sb, ['--yes'], answers('checkout-api'), { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('REFUSED: step 1 cannot run: it requires gate "no-such-gate"');
    expect(r.calls.some((c) => c.includes('-f'))).toBe(false);
  });
});

describe('runbook script: injection', () => {
  /** argv as the stub must receive it, runtime inputs replaced by the typed values. */
  const resolve = (cmd: Command | undefined, vars: Record<string, string>): string[] =>
    (cmd?.argv ?? []).map((a: Arg) => (typeof a === 'string' ? a : vars[a.var]!));

  const typedRevision = 'rev-$(touch PWNED_INPUT)`touch PWNED_INPUT2`;\'"';

  function expectedCalls(plan: Plan, vars: Record<string, string>): string[][] {
    return [
      resolve(plan.inputs[0]!.discover, vars),
      resolve(plan.runbook[0]!.commands[0], vars),
      resolve(plan.runbook[0]!.check.command, vars),
      resolve(plan.gates[0]!.check.command, vars),
      resolve(plan.runbook[1]!.commands[0], vars),
      resolve(plan.runbook[1]!.check.command, vars),
      resolve(plan.verification.checks[0]!.command, vars),
    ];
  }

  it('hostile values everywhere: --dry-run executes nothing from them', () => {
    const plan = hostilePlan();
    const sb = sandbox(plan, renderSh(plan));
    const r = runScript(sb, ['--dry-run'], null);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(pwned(sb)).toEqual([]);
    expect(readdirSync(sb.home)).toEqual([]);
  });

  it('hostile values everywhere: for real with --yes, stubs receive each value as one literal argument', () => {
    const plan = hostilePlan();
    const sb = sandbox(plan, renderSh(plan));
    // Step 1 needs no gate, so it comes first: REVISION (hostile, typed), its manual action y; then
    // the gates before step 2: backup y, verify y; then DATABASE_URL (empty: the hostile default)
    // and the service name for the data step.
    const r = runScript(
      sb,
      ['--yes'],
      [typedRevision, 'y', 'y', 'y', '', confirmationToken(plan.service.name)],
    );
    expect(r.stdout).not.toContain('REFUSED');
    expect(r.status).toBe(0);
    expect(pwned(sb)).toEqual([]);
    expect(readdirSync(sb.home)).toEqual([]);
    const vars = { REVISION: typedRevision, DATABASE_URL: plan.inputs[1]!.default! };
    expect(r.calls).toEqual(expectedCalls(plan, vars).map((argv) => argv));
    // Every printed plan string appears verbatim (as text), e.g. the data step's abort path is not run.
    expect(r.stdout).toContain(displayText(plan.runbook[1]!.title));
    expect(r.stdout).toContain(displayText(plan.comms.updates[0]!.text));
    const log = readFileSync(join(sb.logDir, logFiles(sb)[0]!), 'utf8');
    expect(log).toContain('touch\\ PWNED_INPUT'); // printf %q in the log, never evaluated
  });
});

describe('runbook script: only read-only commands run on their own', () => {
  it('a check or discovery that is not read-only becomes a manual confirmation', () => {
    const plan = lowRiskPlan();
    plan.gates[0]!.check.command!.readOnly = false;
    plan.inputs[0]!.discover!.readOnly = false;
    const sb = sandbox(plan, renderSh(plan));
    // gate 1 (now manual), gate 2, REVISION, step 2's manual check.
    const r = runScript(sb, ['--yes'], ['y', 'y', '7', 'y'], { RBSTUB_STDOUT: ALL_OK });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('candidates (not read-only, so not run here; run it yourself if it is safe):');
    expect(r.stdout).toContain(
      'This check is not read-only, so it is not run automatically. Run it yourself:',
    );
    expect(r.calls.filter((c) => c[1] === 'history')).toEqual([]);
  });
});
