/**
 * The ordered account of a migration file: what each statement does to each table and column
 * (created, dropped, renamed, column added / dropped / renamed / retyped), summarised once per
 * statement, then replayed in file order so that a rule can ask "at this statement, is this table
 * (or column) one the same file created earlier?". Created earlier, then dropped: harmless.
 * Dropped, then created again: the drop destroyed rows that existed before the migration.
 * Model in, plain values out: no I/O.
 */
import type { MigrationFile, SqlStatement } from '../../model/service.js';
import { ident, listName, type PgNode, rangeVarName, typeName } from './migration-sql.js';

/** What one statement does to one table or column, in the statement's own order. */
export type Effect =
  | { op: 'create-table'; table: string; columns: { name: string; type: string }[] }
  | { op: 'drop-table'; table: string }
  | { op: 'rename-table'; table: string; to: string }
  | { op: 'add-column'; table: string; column: string; type: string }
  | { op: 'drop-column'; table: string; column: string }
  | { op: 'rename-column'; table: string; column: string; to: string }
  | { op: 'retype-column'; table: string; column: string; type: string };

const effectsCache = new WeakMap<SqlStatement, Effect[]>();

/** The compact summary of a statement (computed once per statement). Columns are ident()-ed. */
export function effectsOf(stmt: SqlStatement): Effect[] {
  let out = effectsCache.get(stmt);
  if (out) return out;
  out = [];
  const ast = stmt.ast as Record<string, PgNode> | undefined;
  const type = ast ? Object.keys(ast)[0] : undefined;
  const node = type ? ast?.[type] : undefined;
  switch (type) {
    case 'CreateStmt': {
      const columns = (node.tableElts ?? [])
        .map((e: PgNode) => e?.ColumnDef)
        .filter(Boolean)
        .map((c: PgNode) => ({ name: ident(c.colname), type: typeName(c.typeName) }));
      out.push({ op: 'create-table', table: rangeVarName(node.relation), columns });
      break;
    }
    case 'CreateTableAsStmt':
      out.push({ op: 'create-table', table: rangeVarName(node.into?.rel), columns: [] });
      break;
    case 'DropStmt':
      if (node.removeType === 'OBJECT_TABLE')
        for (const o of node.objects ?? []) out.push({ op: 'drop-table', table: listName(o?.List?.items) });
      break;
    case 'RenameStmt': {
      const table = rangeVarName(node.relation);
      if (node.renameType === 'OBJECT_TABLE') {
        const schema = table.includes('.') ? `${table.slice(0, table.lastIndexOf('.'))}.` : '';
        out.push({ op: 'rename-table', table, to: `${schema}${ident(node.newname)}` });
      } else if (node.renameType === 'OBJECT_COLUMN')
        out.push({ op: 'rename-column', table, column: ident(node.subname), to: ident(node.newname) });
      break;
    }
    case 'AlterTableStmt': {
      if (node.objtype && node.objtype !== 'OBJECT_TABLE') break;
      const table = rangeVarName(node.relation);
      for (const c of node.cmds ?? []) {
        const cmd = c?.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef?.colname)
          out.push({
            op: 'add-column',
            table,
            column: ident(cmd.def.ColumnDef.colname),
            type: typeName(cmd.def.ColumnDef.typeName),
          });
        else if (cmd?.subtype === 'AT_DropColumn' && cmd.name)
          out.push({ op: 'drop-column', table, column: ident(cmd.name) });
        else if (cmd?.subtype === 'AT_AlterColumnType' && cmd.name)
          out.push({
            op: 'retype-column',
            table,
            column: ident(cmd.name),
            type: typeName(cmd.def?.ColumnDef?.typeName),
          });
      }
      break;
    }
    default:
      break;
  }
  effectsCache.set(stmt, out);
  return out;
}

/** What the file created: tables, and columns as `table.column`. */
interface State {
  tables: ReadonlySet<string>;
  columns: ReadonlySet<string>;
}

/** Statements of a file that run when the migration runs (not bodies of functions called later). */
function runs(stmt: SqlStatement): boolean {
  return !stmt.embedded || stmt.embedded.runsAtMigration;
}

/**
 * When each name existed because the file created it: [start, end) ranges of statement indexes
 * ("just before statement k" for start ≤ k < end), in file order. One pass, linear in the effects:
 * a copy of the whole state per statement took 700 MB for 6,000 statements.
 */
type Spans = Map<string, [number, number][]>;

interface Ledger {
  position: Map<SqlStatement, number>;
  tables: Spans;
  /** `table.column` → its spans. */
  columns: Spans;
  /** At the end of the file. */
  final: State;
}

function open(spans: Spans, name: string, k: number): void {
  let list = spans.get(name);
  if (!list) {
    list = [];
    spans.set(name, list);
  }
  list.push([k, Number.POSITIVE_INFINITY]);
}

function close(spans: Spans, name: string, k: number): void {
  const last = spans.get(name)?.at(-1);
  if (last) last[1] = k;
}

/** Is k inside one of the spans (binary search for the last span starting at or before k)? */
function within(list: [number, number][] | undefined, k: number): boolean {
  if (!list) return false;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as [number, number])[0] <= k) lo = mid + 1;
    else hi = mid;
  }
  const span = list[lo - 1];
  return span !== undefined && k < span[1];
}

const ledgers = new WeakMap<MigrationFile, Ledger>();

function ledgerOf(file: MigrationFile): Ledger {
  let l = ledgers.get(file);
  if (l) return l;
  const position = new Map<SqlStatement, number>();
  const T: Spans = new Map();
  const C: Spans = new Map();
  const tables = new Set<string>();
  /** table → its columns created by the file (present now). */
  const cols = new Map<string, Set<string>>();
  const addColumn = (table: string, column: string, k: number) => {
    let set = cols.get(table);
    if (!set) {
      set = new Set();
      cols.set(table, set);
    }
    if (set.has(column)) return;
    set.add(column);
    open(C, `${table}.${column}`, k);
  };
  const dropColumn = (table: string, column: string, k: number): boolean => {
    if (!cols.get(table)?.delete(column)) return false;
    close(C, `${table}.${column}`, k);
    return true;
  };
  file.statements.forEach((stmt, i) => {
    position.set(stmt, i);
    if (!runs(stmt)) return;
    // the statement's effects hold from just before the next statement on
    const k = i + 1;
    for (const e of effectsOf(stmt)) {
      switch (e.op) {
        case 'create-table':
          if (!tables.has(e.table)) {
            tables.add(e.table);
            open(T, e.table, k);
          }
          break;
        case 'drop-table':
          if (tables.delete(e.table)) close(T, e.table, k);
          for (const c of cols.get(e.table) ?? []) close(C, `${e.table}.${c}`, k);
          cols.delete(e.table);
          break;
        case 'rename-table': {
          if (tables.delete(e.table)) {
            close(T, e.table, k);
            if (!tables.has(e.to)) {
              tables.add(e.to);
              open(T, e.to, k);
            }
          }
          const moved = [...(cols.get(e.table) ?? [])];
          for (const c of moved) dropColumn(e.table, c, k);
          for (const c of moved) addColumn(e.to, c, k);
          break;
        }
        case 'add-column':
          addColumn(e.table, e.column, k);
          break;
        case 'drop-column':
          dropColumn(e.table, e.column, k);
          break;
        case 'rename-column':
          if (dropColumn(e.table, e.column, k)) addColumn(e.table, e.to, k);
          break;
        case 'retype-column':
          break;
      }
    }
  });
  const columns = new Set<string>();
  for (const [t, set] of cols) for (const c of set) columns.add(`${t}.${c}`);
  l = { position, tables: T, columns: C, final: { tables, columns } };
  ledgers.set(file, l);
  return l;
}

/**
 * True when, just before `stmt` ran, `table` (or `table.column`) existed only because the same
 * file created (added) it earlier — so changing or dropping it cannot break the previous app
 * version nor lose data that existed before the migration. A name created only later in the file
 * is not new here: dropping it first destroys the rows the old table held.
 */
export function isNewAt(file: MigrationFile, stmt: SqlStatement, table: string, column?: string): boolean {
  const l = ledgerOf(file);
  const k = l.position.get(stmt);
  if (k === undefined) return false;
  return (
    within(l.tables.get(table), k) || (column !== undefined && within(l.columns.get(`${table}.${column}`), k))
  );
}

const EMPTY: State = { tables: new Set(), columns: new Set() };

/** Tables and columns that exist at the end of the file because the file created them. */
export function createdByFile(file: MigrationFile | undefined): State {
  return file ? ledgerOf(file).final : EMPTY;
}

/** Index of a statement in its file (from the ledger: no scan). */
function indexOf(file: MigrationFile, stmt: SqlStatement): number {
  return ledgerOf(file).position.get(stmt) ?? -1;
}

/**
 * True when a later statement of the same file renames `table.to` back to `column`: the pair
 * changes nothing (a name swap that ends where it started).
 */
export function renamedBackLater(
  file: MigrationFile,
  stmt: SqlStatement,
  table: string,
  column: string,
  to: string,
): boolean {
  const stmts = file.statements;
  for (let i = indexOf(file, stmt) + 1; i < stmts.length; i++) {
    const s = stmts[i] as SqlStatement;
    if (!runs(s)) continue;
    for (const e of effectsOf(s)) {
      if (e.op === 'rename-column' && e.table === table && e.column === to) return e.to === column;
      if ((e.op === 'drop-column' || e.op === 'add-column') && e.table === table && e.column === to)
        return false;
      if ((e.op === 'drop-table' || e.op === 'rename-table') && e.table === table) return false;
    }
  }
  return false;
}

/** True when an earlier statement of the same file renamed `table.column` to `from` (the second half of a swap back). */
export function renamedHereEarlier(
  file: MigrationFile,
  stmt: SqlStatement,
  table: string,
  from: string,
  to: string,
): boolean {
  const stmts = file.statements;
  for (let i = indexOf(file, stmt) - 1; i >= 0; i--) {
    const s = stmts[i] as SqlStatement;
    if (!runs(s)) continue;
    for (const e of effectsOf(s))
      if (e.op === 'rename-column' && e.table === table && e.to === from) return e.column === to;
  }
  return false;
}
