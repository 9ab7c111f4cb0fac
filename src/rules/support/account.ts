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

/** What the file created so far: tables, and columns as `table.column`. Never mutated once shared. */
interface State {
  tables: ReadonlySet<string>;
  columns: ReadonlySet<string>;
}

const EMPTY: State = { tables: new Set(), columns: new Set() };

/** The state after `effects` (a new object when anything changed). */
function apply(state: State, effects: Effect[]): State {
  if (effects.length === 0) return state;
  const tables = new Set(state.tables);
  const columns = new Set(state.columns);
  const under = (table: string) => [...columns].filter((c) => c.startsWith(`${table}.`));
  for (const e of effects) {
    switch (e.op) {
      case 'create-table':
        tables.add(e.table);
        break;
      case 'drop-table':
        tables.delete(e.table);
        for (const c of under(e.table)) columns.delete(c);
        break;
      case 'rename-table':
        if (tables.delete(e.table)) tables.add(e.to);
        for (const c of under(e.table)) {
          columns.delete(c);
          columns.add(`${e.to}${c.slice(e.table.length)}`);
        }
        break;
      case 'add-column':
        columns.add(`${e.table}.${e.column}`);
        break;
      case 'drop-column':
        columns.delete(`${e.table}.${e.column}`);
        break;
      case 'rename-column':
        if (columns.delete(`${e.table}.${e.column}`)) columns.add(`${e.table}.${e.to}`);
        break;
      case 'retype-column':
        break;
    }
  }
  return { tables, columns };
}

/** Statements of a file that run when the migration runs (not bodies of functions called later). */
function runs(stmt: SqlStatement): boolean {
  return !stmt.embedded || stmt.embedded.runsAtMigration;
}

/** Per file: the state just before each statement, built in one pass in file order. */
const ledgers = new WeakMap<MigrationFile, Map<SqlStatement, State>>();

function ledgerOf(file: MigrationFile): Map<SqlStatement, State> {
  let l = ledgers.get(file);
  if (l) return l;
  l = new Map();
  let state = EMPTY;
  for (const stmt of file.statements) {
    l.set(stmt, state);
    if (runs(stmt)) state = apply(state, effectsOf(stmt));
  }
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
  const state = ledgerOf(file).get(stmt);
  if (!state) return false;
  return state.tables.has(table) || (column !== undefined && state.columns.has(`${table}.${column}`));
}

/** Tables and columns that exist at the end of the file because the file created them. */
export function createdByFile(file: MigrationFile | undefined): State {
  if (!file) return EMPTY;
  let state = EMPTY;
  for (const stmt of file.statements) if (runs(stmt)) state = apply(state, effectsOf(stmt));
  return state;
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
  for (const s of stmts.slice(stmts.indexOf(stmt) + 1)) {
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
  for (const s of stmts.slice(0, stmts.indexOf(stmt)).reverse()) {
    if (!runs(s)) continue;
    for (const e of effectsOf(s))
      if (e.op === 'rename-column' && e.table === table && e.to === from) return e.column === to;
  }
  return false;
}
