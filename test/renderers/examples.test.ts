import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderComms } from '../../src/renderers/comms.js';
import { renderHtml } from '../../src/renderers/html.js';
import { renderSh } from '../../src/renderers/sh.js';
import { renderCommand } from '../../src/util/shell.js';
import { EXAMPLES, examplePlans } from './examples.js';
import { logFiles, pwned, runScript, sandbox, shellcheck, shellcheckAvailable } from './sh-harness.js';

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
