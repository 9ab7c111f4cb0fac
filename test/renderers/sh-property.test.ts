import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSh } from '../../src/renderers/sh.js';
import { displayText } from '../../src/renderers/text.js';
import { highRiskPlan } from './plans.js';
import { poison, pwned, runScript, sandbox } from './sh-harness.js';

describe('renderSh: any text in any field', () => {
  it('always yields a script that parses and, in --dry-run, runs nothing and prints the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000')),
        (payload) => {
          const plan = poison(highRiskPlan(), payload);
          const sb = sandbox(plan, renderSh(plan));
          expect(spawnSync('bash', ['-n', sb.script]).status).toBe(0);
          const r = runScript(sb, ['--dry-run'], null);
          expect(r.status).toBe(0);
          expect(r.calls).toEqual([]);
          expect(pwned(sb)).toEqual([]);
          expect(r.stdout).toContain(displayText(plan.runbook[0]!.title));
        },
      ),
      { numRuns: 40, seed: 20261126 },
    );
  });
});
