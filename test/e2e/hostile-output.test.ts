/**
 * Output hygiene end to end: one hostile repository (test/helpers/hostile-repo.ts) through every
 * command and format. No control or bidirectional character reaches stdout, stderr or --out as it
 * is; JSON keeps the exact data; Markdown renders no link, image or HTML from the input (checked
 * with a real CommonMark renderer with autolinking on); shell words keep the exact bytes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/util/shell.js';
import { cli, tempDir } from '../helpers/cli.js';
import { buildHostileRepo, HOSTILE, UNSAFE_CHARS } from '../helpers/hostile-repo.js';

let repo: string;
let cleanup: () => void;
beforeAll(() => {
  const t = tempDir('rollbook-hostile-');
  cleanup = t.cleanup;
  repo = join(t.dir, 'repo');
  buildHostileRepo(repo);
});
afterAll(() => cleanup());

const RUNS: [string, string[]][] = [
  ...['md', 'json', 'html', 'sh', 'comms'].map((f): [string, string[]] => [
    `plan ${f}`,
    ['plan', '--format', f],
  ]),
  ['discover text', ['discover']],
  ['discover json', ['discover', '--format', 'json']],
  ['migrations analyze text', ['migrations', 'analyze']],
  ['migrations analyze json', ['migrations', 'analyze', '--format', 'json']],
  ...['text', 'json', 'sarif', 'github', 'gitlab'].map((f): [string, string[]] => [
    `check ${f}`,
    ['check', '--base', 'v1.0.0', '--format', f],
  ]),
];

function visible(text: string): string {
  const m = UNSAFE_CHARS.exec(text);
  return m
    ? `U+${m[0].codePointAt(0)?.toString(16)} near ${JSON.stringify(text.slice(m.index - 40, m.index + 20))}`
    : '';
}

describe('hostile input values in every format', () => {
  it.each(RUNS)('%s: no raw control or bidi character, shown escaped', async (_name, args) => {
    const r = await cli([...args, repo]);
    expect(r.code, r.stderr).toBeLessThan(2);
    expect(visible(r.stdout)).toBe('');
    expect(visible(r.stderr)).toBe('');
    if (args.includes('json') || args.includes('sarif') || args.includes('gitlab')) JSON.parse(r.stdout);
  });

  it('shows the escapes where the values were', async () => {
    const md = (await cli(['plan', '--format', 'html', repo])).stdout;
    expect(md).toContain('drop\\x1b]0;PWNED-TITLE\\x07\\u202e');
    expect(md).toContain('\\u202e');
    expect((await cli(['plan', '--format', 'comms', repo])).stdout).toContain('#inc\\u2066x\\u2069');
  });

  it('JSON keeps the exact values (JSON escapes, not lossy replacement)', async () => {
    const out = (await cli(['plan', '--format', 'json', repo])).stdout;
    expect(out).toContain('\\u202e');
    const p = JSON.parse(out) as { service: { owners: string[] }; comms: { channel: string } };
    expect(p.service.owners).toEqual([`team${HOSTILE.rlo}`, HOSTILE.link]);
    expect(JSON.stringify(p)).toContain(JSON.stringify(HOSTILE.retitle).slice(1, -1));
    expect(p.comms.channel).toBe(`#inc${HOSTILE.isolate}${HOSTILE.image}`);
  });

  it('--out files get the same treatment', async () => {
    const out = join(repo, '..', 'plan.md');
    expect((await cli(['plan', repo, '--out', out])).code).toBeLessThan(2);
    expect(visible(readFileSync(out, 'utf8'))).toBe('');
  });

  it('Markdown renders no link, image, HTML or entity from the input', async () => {
    const md = (await cli(['plan', repo])).stdout;
    const mdit = new MarkdownIt({ html: true, linkify: true });
    mdit.linkify.set({ fuzzyLink: false }); // autolinks as GitHub makes them: scheme:// and www.
    const html = mdit.render(md);
    expect(html).not.toMatch(/<a |<img|<script/);
    expect(html).not.toContain('\u202e');
    // the values are still there, as text
    expect(html).toContain('Owners: team\\u202e, [click](javascript:alert(1))');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&amp;#x202e;');
    expect(html).toContain('<code>www.evil.example</code>');
  });

  it('the generated script is valid bash and reads as plain text', async () => {
    const sh = (await cli(['plan', '--format', 'sh', repo])).stdout;
    const syntax = spawnSync('bash', ['-n'], { input: sh, encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });
});

describe('stderr', () => {
  it('quotes names in the hint, escapes control characters in messages', async () => {
    const t = tempDir('rollbook-hint-');
    try {
      const dir = join(t.dir, `two $(touch PWNED) ${HOSTILE.rlo}`, 'svc');
      const dep = (n: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${n} }\n`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'a.yaml'), dep('a'));
      writeFileSync(join(dir, 'b.yaml'), dep('b'));
      const r = await cli(['plan', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `rollbook plan $'${t.dir}/two $(touch PWNED) \\xe2\\x80\\xae/svc' --workload deployment/a`,
      );
      expect(visible(r.stderr)).toBe('');
    } finally {
      t.cleanup();
    }
  });
});

describe('shell words keep the exact bytes, shown escaped', () => {
  it.each(Object.entries(HOSTILE))('%s', (_name, value) => {
    const word = shellQuote(`a${value}'\\b`);
    expect(visible(word)).toBe('');
    const r = spawnSync('bash', ['-c', `printf '%s' ${word}`], { encoding: 'utf8' });
    expect(r.stdout).toBe(`a${value}'\\b`);
  });
});
