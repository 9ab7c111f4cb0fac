/**
 * Replaying migration files statement by statement into an engine, with every failure located
 * at file:line:col of the statement (and of the position Postgres pointed at).
 */
import { loadModule, scanSync } from 'libpg-query';
import type { Evidence, MigrationFile, MigrationSet } from '../model/service.js';
import { cmp } from '../util/order.js';
import { type Engine, PGLITE_EXTENSIONS, PGLITE_UNSUPPORTED_EXTENSIONS, sqlFailureOf } from './engine.js';

export interface ReplayProblem {
  /** fail: the statement is wrong for this schema; unsupported: the engine cannot answer (→ unknown). */
  kind: 'fail' | 'unsupported';
  at: Evidence;
  /** SQLSTATE, or "PARSE" for a file the parser rejected. */
  code: string;
  message: string;
}

export interface ApplyResult {
  problem?: ReplayProblem;
  /** Statements skipped or rewritten, with the reason (roles missing in the scratch database, ...). */
  notes: { at: Evidence; note: string }[];
}

type Node = Record<string, unknown>;

function stmtType(ast: unknown): [string, Node] | undefined {
  if (!ast || typeof ast !== 'object') return undefined;
  const entry = Object.entries(ast as Node)[0];
  if (!entry) return undefined;
  return [entry[0], (entry[1] ?? {}) as Node];
}

/** 1-based character position inside a statement → file location. */
export function locateInStatement(at: Evidence, text: string, position: number | undefined): Evidence {
  if (!position || position < 1) return { file: at.file, line: at.line, col: at.col ?? 1 };
  const before = [...text].slice(0, position - 1).join('');
  const lines = before.split('\n');
  if (lines.length === 1) return { file: at.file, line: at.line, col: (at.col ?? 1) + before.length };
  return { file: at.file, line: at.line + lines.length - 1, col: (lines.at(-1)?.length ?? 0) + 1 };
}

let scannerReady: Promise<void> | undefined;
export function ensureParser(): Promise<void> {
  scannerReady ??= loadModule();
  return scannerReady;
}

/** Remove the CONCURRENTLY keyword (a keyword token, never an identifier) so the statement can run in a transaction. */
function withoutConcurrently(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const tokens = scanSync(text).tokens;
  const tok = tokens.find((t) => t.keywordKind !== 0 && t.text.toLowerCase() === 'concurrently');
  if (!tok) return text;
  return Buffer.concat([bytes.subarray(0, tok.start), bytes.subarray(tok.end)]).toString('utf8');
}

/** Statement types that cannot run inside a transaction block and change no schema. */
const NO_SCHEMA_EFFECT = new Set(['VacuumStmt', 'CheckPointStmt', 'AlterSystemStmt', 'LoadStmt']);

function isConcurrent(type: string, n: Node): boolean {
  if (type === 'IndexStmt' || type === 'DropStmt') return n.concurrent === true;
  if (type === 'ReindexStmt') return JSON.stringify(n.params ?? []).includes('"concurrently"');
  if (type === 'AlterTableStmt')
    return (
      JSON.stringify(n.cmds ?? []).includes('"concurrent":true') && JSON.stringify(n).includes('Partition')
    );
  return false;
}

/**
 * Apply a migration file. `inTransaction`: the caller holds an open transaction (down checks):
 * transaction control statements are skipped, CONCURRENTLY is dropped (same resulting schema),
 * VACUUM and friends are skipped.
 */
export async function applyFile(
  engine: Engine,
  file: MigrationFile,
  options: { inTransaction?: boolean } = {},
): Promise<ApplyResult> {
  const notes: ApplyResult['notes'] = [];
  const parseError = file.errors[0];
  if (parseError)
    return {
      notes,
      problem: {
        kind: 'unsupported',
        at: parseError.at,
        code: 'PARSE',
        message: `cannot replay a file the parser rejected: ${parseError.message}`,
      },
    };
  await ensureParser();
  for (const s of file.statements) {
    // statements the reader found inside PL/pgSQL (DO blocks, function bodies) run as part of
    // their enclosing statement, never on their own
    if (s.embedded) continue;
    let text = s.text;
    const st = stmtType(s.ast);
    if (options.inTransaction && st) {
      const [type, n] = st;
      if (type === 'TransactionStmt') continue;
      if (NO_SCHEMA_EFFECT.has(type)) {
        notes.push({
          at: s.at,
          note: `skipped ${type.replace(/Stmt$/, '')}: it cannot run in a transaction`,
        });
        continue;
      }
      if (isConcurrent(type, n)) text = withoutConcurrently(text);
    }
    try {
      await engine.exec(text);
    } catch (e) {
      const f = sqlFailureOf(e);
      if (!f) throw e;
      const at = locateInStatement(s.at, text, f.position);
      if (f.code === '42704' && /^role ".*" does not exist$/.test(f.message)) {
        notes.push({ at, note: `skipped: ${f.message} in the scratch database` });
        continue;
      }
      // 0A000: an extension or feature the engine lacks; 25001: cannot run inside the check's transaction
      const unsupported =
        (f.code === '0A000' && /extension ".*" is not available|not supported/.test(f.message)) ||
        (options.inTransaction === true && f.code === '25001');
      // the reader rewrote this file to parse it (template placeholders, psql meta-commands):
      // a failure may come from the rewrite, not from the migration
      const rewritten = file.notes?.find((n) => n.at.line === at.line) ?? file.notes?.[0];
      if (rewritten)
        return {
          notes,
          problem: {
            kind: 'unsupported',
            at,
            code: f.code,
            message: `${f.message}; the file was rewritten to be parsed (${rewritten.message} at ${rewritten.at.file}:${rewritten.at.line}), so its replay is not conclusive`,
          },
        };
      return {
        notes,
        problem: { kind: unsupported ? 'unsupported' : 'fail', at, code: f.code, message: f.message },
      };
    }
  }
  return { notes };
}

/** Extensions the sets create (CREATE EXTENSION names), sorted. */
export function extensionsOf(sets: MigrationSet[]): string[] {
  const names = new Set<string>();
  for (const set of sets)
    for (const m of set.migrations)
      for (const f of [m.up, m.down])
        for (const s of f?.statements ?? []) {
          const st = stmtType(s.ast);
          if (st?.[0] === 'CreateExtensionStmt' && typeof st[1].extname === 'string')
            names.add(st[1].extname);
        }
  return [...names].sort(cmp);
}

/** Extensions the embedded engine cannot load (replay them with --scratch-url). */
export function unsupportedOnPglite(extensions: string[]): string[] {
  return extensions.filter(
    (e) => e !== 'plpgsql' && (PGLITE_UNSUPPORTED_EXTENSIONS.includes(e) || !PGLITE_EXTENSIONS[e]),
  );
}

/** Table names (unqualified and qualified) a file's statements mention: RangeVars and DROP/RENAME objects. */
export function mentionedNames(file: MigrationFile): Set<string> | undefined {
  const names = new Set<string>();
  for (const s of file.statements) {
    if (!s.ast) return undefined;
    collectNames(s.ast, names);
  }
  return names;
}

function collectNames(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) collectNames(x, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Node;
  if (typeof n.relname === 'string') {
    out.add(n.relname);
    if (typeof n.schemaname === 'string') out.add(`${n.schemaname}.${n.relname}`);
  }
  if (n.String && typeof (n.String as Node).sval === 'string') out.add((n.String as Node).sval as string);
  for (const v of Object.values(n)) if (v && typeof v === 'object') collectNames(v, out);
}
