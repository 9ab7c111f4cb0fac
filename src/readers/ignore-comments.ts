/**
 * Inline ignores for `rollbook check`, read from a file's text:
 *
 *   -- rollbook-ignore drop-column: column unused since 2026-09        (SQL)
 *   # rollbook-ignore mutable-image-tag: pinned by the deploy job      (YAML, shell, ...)
 *   -- rollbook-ignore-file lossy-down: dev-only seed data             (the whole file)
 *
 * Rule ids are separated by commas or spaces; none means every rule. The reason after the colon is
 * required. A line ignore covers its own line when it trails code, otherwise the next statement: in
 * SQL the lines up to the one that ends it (`;`), elsewhere the next non-comment line.
 */
import type { Evidence } from '../model/service.js';

export interface IgnoreDirective {
  at: Evidence;
  /** `file`: the whole file; `lines`: the lines from `from` to `to` (inclusive). */
  scope: 'file' | 'lines';
  from: number;
  to: number;
  /** Rule ids named; empty = every rule. */
  rules: string[];
  /** The reason, or undefined when none was written. */
  reason: string | undefined;
  /** 1-based columns of each rule id in `rules`, for precise errors. */
  ruleCols: number[];
}

/** The comment marker of a file: `--` for SQL, `#` otherwise. */
function markerOf(file: string): string {
  return /\.sql$/i.test(file) ? '--' : '#';
}

const DIRECTIVE = /rollbook-ignore(-file)?(?![\w-])/;

/** Every ignore directive of a file (pure). */
export function readIgnoreDirectives(file: string, text: string): IgnoreDirective[] {
  if (!text.includes('rollbook-ignore')) return [];
  const marker = markerOf(file);
  const lines = text.split(/\r?\n/);
  const out: IgnoreDirective[] = [];
  lines.forEach((line, i) => {
    const commentAt = line.indexOf(marker);
    if (commentAt < 0) return;
    const comment = line.slice(commentAt + marker.length);
    const m = DIRECTIVE.exec(comment);
    if (!m || comment.slice(0, m.index).trim() !== '') return;
    const restStart = commentAt + marker.length + m.index + m[0].length;
    const rest = line.slice(restStart);
    const colon = rest.indexOf(':');
    const idsText = colon < 0 ? rest : rest.slice(0, colon);
    const reason = colon < 0 ? undefined : rest.slice(colon + 1).trim() || undefined;
    const rules: string[] = [];
    const ruleCols: number[] = [];
    for (const id of idsText.matchAll(/[^\s,]+/g)) {
      rules.push(id[0]);
      ruleCols.push(restStart + (id.index ?? 0) + 1);
    }
    const lineNo = i + 1;
    const at: Evidence = { file, line: lineNo, col: commentAt + 1 };
    if (m[1]) {
      out.push({ at, scope: 'file', from: 1, to: lines.length, rules, reason, ruleCols });
      return;
    }
    const trailing = line.slice(0, commentAt).trim() !== '';
    const [from, to] = trailing ? [lineNo, lineNo] : nextStatement(lines, i + 1, marker);
    out.push({ at, scope: 'lines', from, to, rules, reason, ruleCols });
  });
  return out;
}

/** 1-based [first, last] line of the statement that starts after 0-based line `start`. */
function nextStatement(lines: string[], start: number, marker: string): [number, number] {
  let i = start;
  const code = (l: string) => {
    const c = l.indexOf(marker);
    return (c < 0 ? l : l.slice(0, c)).trim();
  };
  while (i < lines.length && code(lines[i] ?? '') === '') i++;
  if (i >= lines.length) return [start + 1, start + 1];
  if (marker !== '--') return [i + 1, i + 1];
  let j = i;
  while (j < lines.length && !code(lines[j] ?? '').includes(';')) j++;
  return [i + 1, Math.min(j, lines.length - 1) + 1];
}
