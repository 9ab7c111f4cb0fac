import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/example-history.js');
const scratch = mkdtempSync(join(tmpdir(), 'rollbook-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lines of the README's Quick start code block. */
function quickStart(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README has no Quick start sh block');
  return block[1].split('\n').filter((l) => l.trim() !== '');
}

const history = (dest: string) =>
  spawnSync('node', [SCRIPT, 'examples/checkout-api', dest], { cwd: ROOT, encoding: 'utf8' });
const tag = (dir: string, t: string) =>
  execFileSync('git', ['-C', dir, 'rev-parse', `${t}^{commit}`], { encoding: 'utf8' }).trim();

describe('the README commands', () => {
  it('.ci/run runs the Quick start lines verbatim, then npm test', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').split('\n');
    const lines = quickStart();
    expect(lines[0]).toBe('npm ci');
    for (const line of lines) {
      // the plan line runs under `|| status=$?` (exit 1 = designed with blocking hazards)
      expect(
        ci.some((l) => l === line || l.startsWith(`${line} ||`)),
        line,
      ).toBe(true);
    }
    expect(ci.filter((l) => /^npm test\b/.test(l))).toEqual(['npm test']);
  });

  it('example-history is repeatable: the same DEST twice gives the same commits, written once', () => {
    const dest = join(scratch, 'checkout-api');
    const first = history(dest);
    expect(first.status, first.stderr).toBe(0);
    const v110 = tag(dest, 'v1.1.0');
    const again = history(dest);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('already built');
    expect(tag(dest, 'v1.1.0')).toBe(v110);
  });

  it('example-history refuses a DEST that holds something else, and writes nothing there', () => {
    const dest = join(scratch, 'other');
    mkdirSync(dest);
    writeFileSync(join(dest, 'notes.txt'), 'mine\n');
    const r = history(dest);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("does not hold this example's history");
    expect(readFileSync(join(dest, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(
      spawnSync('git', ['-C', dest, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' }).stdout.trim(),
    ).not.toBe(dest);
  });
});
