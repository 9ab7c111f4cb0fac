/**
 * Split SQL text into located statements with the real Postgres parser. libpg-query's
 * stmt_location / stmt_len are UTF-8 byte offsets; an error's cursorPosition is a 0-based
 * character offset. Used for `--queries` files (migration files come from the migrations reader).
 */
import { loadModule, parseSync } from 'libpg-query';
import { RollbookError } from '../errors.js';
import type { Evidence, SqlStatement } from '../model/service.js';

let ready: Promise<void> | undefined;
export function loadParser(): Promise<void> {
  ready ??= loadModule();
  return ready;
}

function lineColOfChars(text: string, chars: number): { line: number; col: number } {
  const before = [...text].slice(0, chars).join('');
  const lines = before.split('\n');
  return { line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Statements of `text` (file is the relative path used in evidence). Throws SQL_SYNTAX with file:line:col. */
export async function splitSql(file: string, text: string): Promise<SqlStatement[]> {
  await loadParser();
  if (text.trim() === '') return [];
  let parsed: { stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
  try {
    parsed = parseSync(text) as typeof parsed;
  } catch (e) {
    const pos = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    const { line, col } = lineColOfChars(text, pos);
    throw new RollbookError('SQL_SYNTAX', [{ message: (e as Error).message, at: { file, line, col } }]);
  }
  const bytes = Buffer.from(text, 'utf8');
  const out: SqlStatement[] = [];
  for (const s of parsed.stmts ?? []) {
    let start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    let chunk = bytes.subarray(start, end).toString('utf8');
    const lead = /^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/.exec(chunk)?.[0] ?? '';
    start += Buffer.byteLength(lead);
    chunk = chunk.slice(lead.length).replace(/;\s*$/, '').trimEnd();
    if (!chunk) continue;
    const lines = bytes.subarray(0, start).toString('utf8').split('\n');
    const at: Evidence = { file, line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 };
    out.push({ text: chunk, ast: s.stmt, at });
  }
  return out;
}
