import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from 'scslre';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Lint: no regular expression in src/ can backtrack super-linearly (scslre, the analysis behind
 * eslint-plugin-regexp's no-super-linear-backtracking and no-super-linear-move). Nested or
 * overlapping quantifiers (`(?:[ \t]+.*\n)*?`, `\s*-?\s*`, `\s+(.+)`) and unanchored searches that
 * rescan the rest of the input from every position (`/^\s*kind:/m`) are reported with file:line.
 * Scan such text once, or use the YAML library's nodes, instead.
 */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('regular expressions', () => {
  it('none in src/ backtracks super-linearly', () => {
    const found: string[] = [];
    const seen = new Map<string, string[]>();
    let count = 0;
    for (const file of sources('src')) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
          count++;
          const text = n.getText(sf);
          const end = text.lastIndexOf('/');
          let kinds = seen.get(text);
          if (!kinds) {
            const { reports } = analyse({ source: text.slice(1, end), flags: text.slice(end + 1) });
            kinds = reports.map((r) => `${r.type}${r.exponential ? ' (exponential)' : ''}`);
            seen.set(text, kinds);
          }
          const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
          for (const k of kinds) found.push(`${file}:${line}: ${k} ${text}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(count).toBeGreaterThan(300);
    expect(found).toEqual([]);
  });

  it('catches the shapes that hung discovery', () => {
    const bad = /^metadata:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*["']?([A-Za-z0-9._-]+)["']?[ \t]*$/m;
    const reports = analyse({ source: bad.source, flags: bad.flags }).reports;
    expect(reports.some((r) => r.exponential)).toBe(true);
    expect(analyse({ source: '^\\s*kind:', flags: 'm' }).reports.map((r) => r.type)).toEqual(['Move']);
  });
});
