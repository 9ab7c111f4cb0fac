import { setFlagsFromString } from 'node:v8';
import type { Evidence, SqlStatement } from '../../model/service.js';
import { Positions } from './positions.js';

type PgQuery = typeof import('libpg-query');
let pg: PgQuery | undefined;
let loaded: Promise<void> | undefined;

/**
 * Load the Postgres parser (WASM) once per process. The parser runs on V8's baseline WASM
 * compiler only (--liftoff-only): optimising its ~2 MB of code with TurboFan costs more CPU
 * than it saves over thousands of files (bench/migrations-analyze: 0.80 s vs 1.28 s CPU on
 * 340 files, 3.1 s vs 3.3 s on 2,400). The flag must be set before the module is compiled,
 * hence the dynamic import; it is switched back once the module is instantiated (V8 keeps the
 * setting the module was compiled with), so other WASM modules in the process are unaffected.
 */
export function loadParser(): Promise<void> {
  loaded ??= (async () => {
    if (!pg) {
      try {
        setFlagsFromString('--liftoff-only');
      } catch {
        /* an engine without the flag: default tiering */
      }
      pg = await import('libpg-query');
    }
    await pg.loadModule();
    // Scope the flag to this module: other WASM (PGlite's Postgres) still tiers up.
    try {
      setFlagsFromString('--no-liftoff-only');
    } catch {
      /* see above */
    }
  })();
  return loaded;
}

function lib(): PgQuery {
  if (!pg) throw new Error('the SQL parser is not loaded: await loadParser() first');
  return pg;
}

export interface ParsedSql {
  statements: SqlStatement[];
  errors: { message: string; at: Evidence }[];
}

// biome-ignore lint/suspicious/noExplicitAny: libpg-query JSON nodes
type PgNode = any;

interface RawStmt {
  stmt: PgNode;
  stmt_location?: number;
  stmt_len?: number;
}

const LEADING_TRIVIA = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
/** Texts without this are not given to the parser (they hold no statement). */
export const HAS_SQL = /[^\s;]/;

/**
 * Parse one SQL text (already neutralised/masked, so offsets match the original file) with the
 * real Postgres parser. Statement offsets are UTF-8 bytes; error cursors are characters; both
 * become 1-based line:col (col in characters). A syntax error still yields the statements the
 * scanner can split off around it, plus one error entry per unparseable statement.
 */
export function parseSql(file: string, text: string, tree?: string, origin?: Origin): ParsedSql {
  const out: ParsedSql = { statements: [], errors: [] };
  if (!HAS_SQL.test(text)) return out;
  parseInto(file, text, tree, out);
  if (origin && (origin.line !== 1 || origin.col !== 1)) {
    for (const s of out.statements) s.at = shift(s.at, origin);
    for (const e of out.errors) e.at = shift(e.at, origin);
  }
  return out;
}

/** Where a text given to the parser starts in its file (1-based line and column in characters). */
export interface Origin {
  line: number;
  col: number;
}

function shift(at: Evidence, origin: Origin): Evidence {
  if (at.line !== 1) return { ...at, line: at.line + origin.line - 1 };
  return { ...at, line: origin.line, col: (at.col ?? 1) + origin.col - 1 };
}

function parseInto(file: string, text: string, tree: string | undefined, out: ParsedSql): void {
  const pos = new Positions(text);
  try {
    // `tree`: the parser's JSON for this very text, produced by a helper thread (tree-worker.ts)
    const result = (tree !== undefined ? JSON.parse(tree) : lib().parseSync(text)) as { stmts?: RawStmt[] };
    collect(file, pos, result.stmts ?? [], 0, out);
  } catch (e) {
    recover(file, pos, e, out);
  }
  markCalledFunctions(out.statements);
}

function collect(file: string, pos: Positions, stmts: RawStmt[], baseByte: number, out: ParsedSql): void {
  for (const raw of stmts) {
    const startByte = baseByte + (raw.stmt_location ?? 0);
    // stmt_len 0/absent: the statement runs to the end of the parsed text
    const end = raw.stmt_len ? pos.u16FromByte(startByte + raw.stmt_len) : pos.text.length;
    let start = pos.u16FromByte(startByte);
    const slice = pos.text.slice(start, end);
    const trivia = LEADING_TRIVIA.exec(slice)?.[0].length ?? 0;
    start += trivia;
    const stmtText = slice.slice(trivia).trimEnd();
    const lc = pos.fromU16(start);
    const statement: SqlStatement = {
      text: stmtText,
      ast: raw.stmt,
      at: { file, line: lc.line, col: lc.col },
    };
    out.statements.push(statement);
    const type = Object.keys(raw.stmt ?? {})[0];
    if (type === 'DoStmt' || type === 'CreateFunctionStmt')
      embedded(file, pos, start, stmtText, raw.stmt, out);
  }
}

function errorMessage(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

function cursorOf(e: unknown): number | undefined {
  const d = (e as { sqlDetails?: { cursorPosition?: number } })?.sqlDetails;
  return typeof d?.cursorPosition === 'number' ? d.cursorPosition : undefined;
}

/** The whole text failed: split it with the scanner and parse statement by statement. */
function recover(file: string, pos: Positions, first: unknown, out: ParsedSql): void {
  const text = pos.text;
  let tokens: { start: number; end: number; text: string }[];
  try {
    tokens = lib().scanSync(text).tokens;
  } catch {
    const cur = cursorOf(first) ?? 0;
    const lc = pos.fromCodePoint(cur);
    out.errors.push({ message: errorMessage(first), at: { file, line: lc.line, col: lc.col } });
    return;
  }
  const bounds: [number, number][] = [];
  let from = 0;
  for (const t of tokens) {
    if (t.text === ';') {
      bounds.push([from, t.start]);
      from = t.end;
    }
  }
  bounds.push([from, pos.byteFromU16(text.length)]);
  // a flood of errors (thousands of junk statements) is cut to the first few and a count
  let more = 0;
  let moreAt: Evidence | undefined;
  for (const [b0, b1] of bounds) {
    const u0 = pos.u16FromByte(b0);
    const u1 = pos.u16FromByte(b1);
    const chunk = text.slice(u0, u1);
    if (!HAS_SQL.test(chunk)) continue;
    try {
      const result = lib().parseSync(chunk) as { stmts?: RawStmt[] };
      const stmts = (result.stmts ?? []).map((s) => ({
        ...s,
        // the chunk is one statement: its length runs to the chunk's end
        stmt_len: s.stmt_len ?? b1 - b0 - (s.stmt_location ?? 0),
      }));
      collect(file, pos, stmts, b0, out);
    } catch (e) {
      if (out.errors.length >= MAX_PARSE_ERRORS && moreAt) {
        more++;
        continue;
      }
      const cur = cursorOf(e);
      const at = cur === undefined ? u0 + (LEADING_TRIVIA.exec(chunk)?.[0].length ?? 0) : -1;
      const lc = at >= 0 ? pos.fromU16(at) : pos.fromCodePoint(pos.codePointFromU16(u0) + (cur as number));
      if (out.errors.length >= MAX_PARSE_ERRORS) {
        more++;
        moreAt = { file, line: lc.line, col: lc.col };
        continue;
      }
      out.errors.push({ message: errorMessage(e), at: { file, line: lc.line, col: lc.col } });
    }
  }
  if (more > 0 && moreAt)
    out.errors.push({
      message: `… and ${more} more statement${more === 1 ? '' : 's'} that do not parse (the first shown here)`,
      at: moreAt,
    });
}

/** Parse errors listed per file; the rest are counted in one more entry. */
export const MAX_PARSE_ERRORS = 20;

const CHANGES_STATE =
  /\b(alter|drop|update|delete|insert|truncate|create|execute|rename|comment|grant|revoke|merge)\b/i;

function defElem(options: PgNode[] | undefined, name: string): PgNode | undefined {
  return options?.find((o: PgNode) => o?.DefElem?.defname === name)?.DefElem?.arg;
}

/** PL/pgSQL: statements inside DO blocks and function bodies, with their own locations. */
function embedded(
  file: string,
  pos: Positions,
  stmtStart: number,
  stmtText: string,
  node: PgNode,
  out: ParsedSql,
): void {
  const isDo = 'DoStmt' in node;
  const n = isDo ? node.DoStmt : node.CreateFunctionStmt;
  const opts: PgNode[] = isDo ? n.args : n.options;
  const lang = defElem(opts, 'language')?.String?.sval ?? (isDo ? 'plpgsql' : 'sql');
  const as = defElem(opts, 'as');
  const body: string | undefined = isDo ? as?.String?.sval : as?.List?.items?.[0]?.String?.sval;
  if (typeof body !== 'string' || !CHANGES_STATE.test(body)) return;
  const fname = isDo ? undefined : (n.funcname ?? []).map((s: PgNode) => s?.String?.sval).join('.');
  const bodyIdx = stmtText.indexOf(body);
  const bodyLine = pos.fromU16(stmtStart + Math.max(0, bodyIdx)).line;
  const stmtLc = pos.fromU16(stmtStart);
  let queries: { query: string; lineno: number; dynamic: boolean }[];
  if (lang.toLowerCase() === 'plpgsql') {
    let tree: PgNode;
    try {
      tree = lib().parsePlPgSQLSync(stmtText);
    } catch (e) {
      out.errors.push({
        message: `PL/pgSQL ${isDo ? 'DO block' : `function ${fname}`} does not parse: ${errorMessage(e)}`,
        at: { file, line: stmtLc.line, col: stmtLc.col },
      });
      return;
    }
    queries = [];
    walkPl(tree, queries);
  } else if (lang.toLowerCase() === 'sql' && !isDo) {
    queries = [{ query: body, lineno: 1, dynamic: false }];
  } else return;
  const embeddedIn = { in: isDo ? ('do' as const) : ('function' as const), function: fname };
  let searchFrom = stmtStart + Math.max(0, bodyIdx);
  for (const q of queries) {
    let stmts: RawStmt[];
    try {
      stmts = (lib().parseSync(q.query) as { stmts?: RawStmt[] }).stmts ?? [];
    } catch {
      continue; // PL/pgSQL expressions with variables the SQL grammar rejects: not a schema change
    }
    const line = bodyLine + q.lineno - 1;
    const lineStart = Math.max(pos.lineStart(line), searchFrom);
    for (const s of stmts) {
      const b = Buffer.from(q.query);
      const sText = b
        .subarray(s.stmt_location ?? 0, s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : b.length)
        .toString()
        .trim();
      const head = sText.slice(0, 24);
      const found = head ? pos.text.indexOf(head, lineStart) : -1;
      const at = found >= 0 && pos.fromU16(found).line - line < 50 ? found : pos.lineStart(line);
      if (found >= 0) searchFrom = found + 1;
      const lc = pos.fromU16(at);
      const statement: SqlStatement = {
        text: sText,
        ast: s.stmt,
        at: { file, line: lc.line, col: lc.col },
        embedded: { ...embeddedIn, dynamic: q.dynamic, runsAtMigration: isDo },
      };
      if (!embeddedIn.function) delete (statement.embedded as { function?: string }).function;
      out.statements.push(statement);
    }
  }
}

/** A constant SQL string given to EXECUTE: '...' or $tag$...$tag$. */
export function constantString(expr: string): string | undefined {
  const t = expr.trim();
  const q = /^'((?:[^']|'')*)'$/s.exec(t);
  if (q) return (q[1] as string).replace(/''/g, "'");
  const d = /^\$([A-Za-z_]*)\$([\s\S]*)\$\1\$$/.exec(t);
  if (d) return d[2];
  return undefined;
}

function walkPl(node: PgNode, acc: { query: string; lineno: number; dynamic: boolean }[]): void {
  if (Array.isArray(node)) {
    for (const n of node) walkPl(n, acc);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'PLpgSQL_stmt_execsql') {
      const q = (v as PgNode)?.sqlstmt?.PLpgSQL_expr?.query;
      if (typeof q === 'string') acc.push({ query: q, lineno: (v as PgNode).lineno ?? 1, dynamic: false });
      continue;
    }
    if (k === 'PLpgSQL_stmt_dynexecute') {
      const q = (v as PgNode)?.query?.PLpgSQL_expr?.query;
      const c = typeof q === 'string' ? constantString(q) : undefined;
      if (c !== undefined) acc.push({ query: c, lineno: (v as PgNode).lineno ?? 1, dynamic: true });
      continue;
    }
    walkPl(v, acc);
  }
}

/** Function bodies run at migration time when the same file calls them (SELECT f(); CALL f()). */
function markCalledFunctions(statements: SqlStatement[]): void {
  const deferred = statements.filter((s) => s.embedded?.in === 'function');
  if (deferred.length === 0) return;
  const called = new Set<string>();
  for (const s of statements) {
    const type = Object.keys((s.ast as object) ?? {})[0];
    if (type === 'CreateFunctionStmt') continue;
    if (s.embedded && !s.embedded.runsAtMigration) continue;
    collectCalls(s.ast, called);
  }
  for (const s of deferred) {
    const name = s.embedded?.function ?? '';
    const bare = name.split('.').pop() ?? name;
    if (called.has(name) || called.has(bare))
      (s.embedded as { runsAtMigration: boolean }).runsAtMigration = true;
  }
}

function collectCalls(node: PgNode, acc: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectCalls(n, acc);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'FuncCall') {
      const parts = ((v as PgNode).funcname ?? []).map((s: PgNode) => s?.String?.sval);
      acc.add(parts.join('.'));
      acc.add(parts[parts.length - 1]);
    }
    collectCalls(v, acc);
  }
}
