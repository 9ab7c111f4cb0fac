import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderComms } from '../../src/renderers/comms.js';
import { renderHtml } from '../../src/renderers/html.js';
import { confirmationToken, renderSh } from '../../src/renderers/sh.js';
import { renderCommand } from '../../src/util/shell.js';
import { EXAMPLES, examplePlans } from './examples.js';
import { EVIL, FIXTURES } from './plans.js';
import {
  answersFor,
  askedVars,
  expectedCallsFor,
  logFiles,
  poison,
  pwned,
  runScript,
  STUB_SCHEMA_VERSION,
  sandbox,
  shellcheck,
  shellcheckAvailable,
  stdoutFor,
} from './sh-harness.js';

const plans = await examplePlans();
const hasShellcheck = shellcheckAvailable();

describe('every format on every example', () => {
  it('builds a plan for each bundled example', () => {
    expect(Object.keys(plans)).toEqual(EXAMPLES);
  });

  for (const [name, plan] of Object.entries(plans)) {
    it(`${name}: sh, html and comms snapshots`, () => {
      expect(renderSh(plan)).toMatchSnapshot('sh');
      expect(renderHtml(plan)).toMatchSnapshot('html');
      expect(renderComms(plan)).toMatchSnapshot('comms');
    });

    it(`${name}: the runbook script passes bash -n and ShellCheck`, (ctx) => {
      const sb = sandbox(plan, renderSh(plan));
      const syntax = spawnSync('bash', ['-n', sb.script], { encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      if (!hasShellcheck) return ctx.skip();
      expect(shellcheck(sb.script).output).toBe('');
    });

    it(`${name}: --dry-run runs end to end and runs nothing`, () => {
      const sb = sandbox(plan, renderSh(plan));
      const r = runScript(sb, ['--dry-run'], null);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([]);
      expect(logFiles(sb)).toEqual([]);
      expect(pwned(sb)).toEqual([]);
      expect(r.stdout).toContain('*** DRY RUN complete: nothing was run ***');
      expect(r.stdout.match(/^-{8} Step \d+\/\d+: /gm)).toHaveLength(plan.runbook.length);
    });

    it(`${name}: with no answer available it refuses, having run only read-only discovery`, () => {
      const sb = sandbox(plan, renderSh(plan));
      const r = runScript(sb, ['--yes'], null);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain('REFUSED: no answer available');
      const discovery = new Set(plan.inputs.flatMap((i) => (i.discover ? [renderCommand(i.discover)] : [])));
      for (const call of r.calls) expect(discovery).toContain(renderCommand({ argv: call, readOnly: true }));
    });
  }
});

describe('full --yes runs against stub commands (every example, plain and poisoned)', () => {
  const payload = EVIL;
  const all = {
    ...plans,
    ...Object.fromEntries(Object.entries(FIXTURES).map(([k, f]) => [`fixture-${k}`, f()])),
  };
  for (const [name, clean] of Object.entries(all)) {
    for (const variant of ['plain', 'poisoned'] as const) {
      it(`${name} (${variant}): every gate, step and check runs in order with literal arguments`, () => {
        const plan = variant === 'plain' ? clean : poison(clean, payload);
        const sb = sandbox(plan, renderSh(plan));
        const value = (v: string) =>
          v === 'TARGET_SCHEMA_VERSION'
            ? STUB_SCHEMA_VERSION
            : variant === 'plain'
              ? `value-of-${v}`
              : `typed-${v}-$(touch PWNED_IN)'"\`x\``;
        const vars = Object.fromEntries(askedVars(plan).map((v) => [v, value(v)]));
        const r = runScript(sb, ['--yes'], answersFor(plan, value, confirmationToken(plan.service.name)), {
          RBSTUB_STDOUT: stdoutFor(plan, vars),
        });
        expect(r.stderr).toMatch(/^\nLog of this run/);
        expect(r.status).toBe(0);
        expect(r.calls).toEqual(expectedCallsFor(plan, vars));
        expect(pwned(sb)).toEqual([]);
        expect(readdirSync(sb.home)).toEqual([]);
        expect(logFiles(sb)).toHaveLength(1);
        if (variant === 'poisoned')
          expect(r.calls.flat().filter((x) => x.includes('touch PWNED')).length).toBeGreaterThan(0);
      });
    }

    it(`${name} (poisoned): html keeps every value as text`, () => {
      const html = renderHtml(poison(clean, payload));
      expect(html).not.toContain('<script>alert(1)');
      expect(html.match(/<script[\s>]/g)).toHaveLength(1);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  }
});
