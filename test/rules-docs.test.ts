/**
 * Parity between the rule registry, the rule files, their doc pages, their tests and the README's
 * generated rules list. Generic: it knows no rule by name.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  END,
  RulesTableError,
  renderRulesTable,
  replaceRulesSection,
  START,
} from '../scripts/rules-table.js';
import { HAZARD_KINDS, type Rule } from '../src/model/finding.js';
import { RULES } from '../src/rules/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RULES_DIR = path.join(ROOT, 'src/rules');
const DOCS_DIR = path.join(ROOT, 'docs/rules');
const SCRIPT = path.join(ROOT, 'scripts/rules-table.js');
const HEADINGS = ['Problem', 'Rollback impact', 'Fix', 'Example'];
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const run = promisify(execFile);

const ids = RULES.map((r) => r.meta.id);
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === '__snapshots__' ? [] : walk(p);
    return [p];
  });
}

/** Every test file except this one, read once. */
const testSources = walk(path.join(ROOT, 'test'))
  .filter((f) => f.endsWith('.test.ts') && path.resolve(f) !== fileURLToPath(import.meta.url))
  .map((f) => ({ file: path.relative(ROOT, f), text: readFileSync(f, 'utf8') }));

function mentionsId(text: string, id: string): boolean {
  return new RegExp(`(^|[^a-z0-9-])${id}([^a-z0-9-]|$)`).test(text);
}

function isRule(v: unknown): v is Rule {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Rule).check === 'function' &&
    typeof (v as Rule).meta?.id === 'string'
  );
}

/** `## ` headings of a markdown page, outside fenced code blocks, with their section text. */
function sections(markdown: string): { heading: string; body: string }[] {
  const out: { heading: string; body: string }[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const h = !fenced && /^## (.+?)\s*$/.exec(line);
    if (h) out.push({ heading: h[1] ?? '', body: '' });
    else if (out.length > 0) {
      const last = out[out.length - 1];
      if (last) last.body += `${line}\n`;
    }
  }
  return out;
}

describe('rule registry', () => {
  it('is not empty', () => {
    expect(RULES.length).toBeGreaterThan(0);
  });

  it('ids are kebab-case', () => {
    expect(ids.filter((id) => !KEBAB.test(id))).toEqual([]);
  });

  it('ids are unique', () => {
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('is sorted by id', () => {
    expect(ids).toEqual([...ids].sort(byCodePoint));
  });

  it('every rule module in src/rules is registered', async () => {
    const unregistered: string[] = [];
    for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const mod: Record<string, unknown> = await import(pathToFileURL(path.join(RULES_DIR, file)).href);
      for (const [name, value] of Object.entries(mod)) {
        if (isRule(value) && !RULES.includes(value)) unregistered.push(`${file}: ${name} (${value.meta.id})`);
      }
    }
    expect(unregistered).toEqual([]);
  });
});

describe.each(RULES.map((r) => [r.meta.id, r] as const))('rule %s', (id, rule) => {
  it('meta is complete', () => {
    const m = rule.meta;
    expect(HAZARD_KINDS).toContain(m.kind);
    expect(['error', 'warning', 'info']).toContain(m.severity);
    expect(['migration', 'config', 'state', 'deploy']).toContain(m.scope);
    for (const field of ['description', 'rationale', 'mitigation'] as const) {
      expect(m[field].trim(), `${id}: meta.${field}`).not.toBe('');
      expect(m[field], `${id}: meta.${field} is one line`).not.toContain('\n');
    }
  });

  it(`lives in src/rules/${id}.ts, which exports it`, async () => {
    const file = path.join(RULES_DIR, `${id}.ts`);
    expect(existsSync(file), `missing src/rules/${id}.ts`).toBe(true);
    const mod: Record<string, unknown> = await import(pathToFileURL(file).href);
    expect(Object.values(mod), `src/rules/${id}.ts does not export the registered rule`).toContain(rule);
  });

  it(`has docs/rules/${id}.md with # ${id} and the four sections`, () => {
    const file = path.join(DOCS_DIR, `${id}.md`);
    expect(existsSync(file), `missing docs/rules/${id}.md`).toBe(true);
    const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
    expect(text.split('\n')[0], 'first line').toBe(`# ${id}`);
    const found = sections(text);
    expect(
      found.map((s) => s.heading),
      `docs/rules/${id}.md must have exactly these ## headings, in order`,
    ).toEqual(HEADINGS);
    for (const s of found) expect(s.body.trim(), `docs/rules/${id}.md: empty ## ${s.heading}`).not.toBe('');
  });

  it('is named by a test file', () => {
    expect(
      testSources.filter((t) => mentionsId(t.text, id)).map((t) => t.file),
      `no test/**/*.test.ts mentions ${id}`,
    ).not.toEqual([]);
  });
});

describe('docs/rules', () => {
  it('every page names a registered rule', () => {
    const pages = existsSync(DOCS_DIR) ? readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')) : [];
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.map((f) => f.replace(/\.md$/, '')).filter((id) => !ids.includes(id))).toEqual([]);
  });
});

describe('README rules list (scripts/rules-table.js)', () => {
  const fake = (id: string, description: string) => ({
    meta: { id, kind: 'cache', severity: 'warning', description },
  });

  it('renders a sorted table linking each doc page, with cells escaped', () => {
    expect(renderRulesTable([fake('b-rule', 'two | three'), fake('a-rule', 'one\nline')])).toBe(
      [
        '| id | kind | severity | description |',
        '| --- | --- | --- | --- |',
        '| [a-rule](docs/rules/a-rule.md) | cache | warning | one line |',
        '| [b-rule](docs/rules/b-rule.md) | cache | warning | two \\| three |',
      ].join('\n'),
    );
  });

  it('replaces only what is between the markers, idempotently', () => {
    const readme = `# r\n\nbefore\n\n${START}\nstale\n${END}\n\nafter\n`;
    const once = replaceRulesSection(readme, 'TABLE');
    expect(once).toBe(`# r\n\nbefore\n\n${START}\n\nTABLE\n\n${END}\n\nafter\n`);
    expect(replaceRulesSection(once, 'TABLE')).toBe(once);
  });

  it('keeps CRLF line endings', () => {
    expect(replaceRulesSection(`a\r\n${START}\r\n${END}\r\n`, 'x\ny')).toBe(
      `a\r\n${START}\r\n\r\nx\r\ny\r\n\r\n${END}\r\n`,
    );
  });

  it.each([
    ['no markers', 'readme', 'no <!-- rules:start --> marker'],
    ['no end marker', `${START}\n`, 'no <!-- rules:end --> marker'],
    ['end before start', `${END}\n${START}\n`, 'comes before'],
    ['start twice', `${START}\n${START}\n${END}\n`, 'appears twice'],
  ])('refuses a README with %s', (_name, readme, message) => {
    expect(() => replaceRulesSection(readme, 't')).toThrow(RulesTableError);
    expect(() => replaceRulesSection(readme, 't')).toThrow(message);
  });

  describe('the script', () => {
    let dir: string;
    let registry: string;
    let readme: string;
    const script = (...args: string[]) =>
      run(process.execPath, [SCRIPT, '--registry', registry, '--readme', readme, ...args]).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'rollbook-rules-table-'));
      registry = path.join(dir, 'registry.mjs');
      readme = path.join(dir, 'README.md');
      await writeFile(
        registry,
        `export const RULES = [{ meta: { id: 'only-rule', kind: 'flag', severity: 'info', description: 'Only.' } }];\n`,
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('--check fails on a stale list, a rewrite fixes it, --check then passes', async () => {
      await writeFile(readme, `# x\n\n${START}\nold\n${END}\n`);
      const stale = await script('--check');
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('is out of date');
      expect(await readFile(readme, 'utf8')).toContain('old');

      expect((await script()).code).toBe(0);
      expect(await readFile(readme, 'utf8')).toBe(
        `# x\n\n${START}\n\n| id | kind | severity | description |\n| --- | --- | --- | --- |\n| [only-rule](docs/rules/only-rule.md) | flag | info | Only. |\n\n${END}\n`,
      );
      expect((await script('--check')).code).toBe(0);
    });

    it('exits 2 on a README without markers, and on a missing registry', async () => {
      await writeFile(readme, '# no markers\n');
      const noMarkers = await script('--check');
      expect(noMarkers.code).toBe(2);
      expect(noMarkers.stderr).toContain('no <!-- rules:start --> marker');
      const noRegistry = await run(process.execPath, [
        SCRIPT,
        '--registry',
        path.join(dir, 'missing.js'),
        '--readme',
        readme,
      ]).catch((e: { code: number; stderr: string }) => e);
      expect(noRegistry).toMatchObject({ code: 2 });
      expect((noRegistry as { stderr: string }).stderr).toContain('run `npm run build` first');
    });
  });

  const readmePath = path.join(ROOT, 'README.md');
  const readmeText = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const hasMarkers = readmeText.includes(START) && readmeText.includes(END);

  it.runIf(hasMarkers)('README.md lists exactly the registered rules', () => {
    expect(replaceRulesSection(readmeText, renderRulesTable(RULES))).toBe(readmeText);
  });

  it.runIf(hasMarkers)(
    'README.md passes `node scripts/rules-table.js --check` (built registry)',
    async () => {
      expect(existsSync(path.join(ROOT, 'dist/rules/index.js')), 'run `npm run build` first').toBe(true);
      const r = await run(process.execPath, [SCRIPT, '--check'], { cwd: ROOT }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );
});
