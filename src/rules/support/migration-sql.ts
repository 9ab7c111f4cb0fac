/**
 * Shared helpers for the migration rules: walk the statements of every migration set in the
 * model once (indexed by statement type, cached per service), name tables/columns from
 * libpg-query nodes, and word tool-specific advice. Model in, plain values out: no I/O.
 */
import type { Finding } from '../../model/finding.js';
import type {
  Evidence,
  Migration,
  MigrationFile,
  MigrationSet,
  MigrationTool,
  Service,
  SqlStatement,
} from '../../model/service.js';
import { type Effect, effectsOf, isNewAt } from './account.js';

// biome-ignore lint/suspicious/noExplicitAny: libpg-query JSON nodes
export type PgNode = any;

export interface StatementRef {
  set: MigrationSet;
  migration: Migration;
  file: MigrationFile;
  stmt: SqlStatement;
  /** The statement node type, e.g. AlterTableStmt. */
  type: string;
  /** The node under the type key. */
  node: PgNode;
}

type Index = Map<string, StatementRef[]>;
const cache = new WeakMap<Service, { up: Index; down: Index }>();

function build(service: Service): { up: Index; down: Index } {
  const up: Index = new Map();
  const down: Index = new Map();
  for (const set of service.migrations) {
    for (const migration of set.migrations) {
      for (const file of [migration.up, migration.down]) {
        if (!file) continue;
        const idx = file.direction === 'up' ? up : down;
        for (const stmt of file.statements) {
          // bodies of functions nobody calls during the migration run later, in the app
          if (stmt.embedded && !stmt.embedded.runsAtMigration) continue;
          const ast = stmt.ast as Record<string, PgNode> | undefined;
          if (!ast) continue;
          const type = Object.keys(ast)[0];
          if (!type) continue;
          let list = idx.get(type);
          if (!list) {
            list = [];
            idx.set(type, list);
          }
          list.push({ set, migration, file, stmt, type, node: ast[type] });
        }
      }
    }
  }
  return { up, down };
}

/** Statements of the given types, in model order (set, migration, file, statement). */
export function statementsOf(service: Service, direction: 'up' | 'down', ...types: string[]): StatementRef[] {
  let c = cache.get(service);
  if (!c) {
    c = build(service);
    cache.set(service, c);
  }
  const idx = c[direction];
  if (types.length === 1) return idx.get(types[0] as string) ?? [];
  return types.flatMap((t) => idx.get(t) ?? []);
}

/**
 * A template placeholder the reader replaced by an identifier of the same length
 * (`{{ .Namespace }}` → `tpl_namespace___`, see readers/migrations/preprocess.ts): always at least
 * one `_` of padding, since the braces are longer than the prefix.
 */
const PLACEHOLDER = /^tpl_[a-z0-9_]*_$/;
const PLACEHOLDER_IN_TEXT = /(?<![A-Za-z0-9_$])"?tpl_([a-z0-9_]*)"?(?![A-Za-z0-9_$])/g;

/** `<name>` for a placeholder's word (its padding `_` dropped, scanned once, no backtracking). */
function placeholder(word: string): string {
  let end = word.length;
  while (end > 0 && word.charCodeAt(end - 1) === 95) end--;
  return `<${word.slice(0, end) || 'placeholder'}>`;
}

/** Template placeholders in statement text shown as `<namespace>`, never as the reader's stand-in. */
export function showPlaceholders(text: string): string {
  return text.includes('tpl_')
    ? text.replace(PLACEHOLDER_IN_TEXT, (m, w: string) => (w.endsWith('_') ? placeholder(w) : m))
    : text;
}

/**
 * An identifier as it must be written in SQL: quoted when it is not a plain lower-case name; a
 * template placeholder as `<name>` (the service renders it before the SQL runs).
 */
export function ident(name: string): string {
  if (PLACEHOLDER.test(name)) return placeholder(name.slice(4));
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** schema.name as written (quoted where needed), public. dropped. */
export function rangeVarName(rv: PgNode): string {
  if (!rv) return '?';
  const schema = rv.schemaname && rv.schemaname !== 'public' ? `${ident(rv.schemaname)}.` : '';
  return `${schema}${ident(rv.relname ?? '?')}`;
}

/**
 * A relation of the system catalogs: schema pg_catalog or information_schema, or an unqualified
 * pg_* name (pg_catalog is searched first, whatever the search_path says).
 */
export function isSystemCatalog(rv: PgNode): boolean {
  const schema: string | undefined = rv?.schemaname;
  if (schema === 'pg_catalog' || schema === 'information_schema') return true;
  return !schema && typeof rv?.relname === 'string' && rv.relname.startsWith('pg_');
}

/** Dotted name from a list of String nodes (DROP objects, type names, function names). */
export function listName(items: PgNode[] | undefined): string {
  const parts = (items ?? []).map((i: PgNode) => i?.String?.sval ?? '?');
  if (parts.length > 1 && parts[0] === 'public') parts.shift();
  return parts.map(ident).join('.');
}

/** A name usable inside a new identifier: orders_before_20240101 from "Orders" and bob:3. */
export function flat(...parts: string[]): string {
  return parts
    .join('_')
    .replace(/["<>]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}

const TYPE_ALIASES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'varchar',
  bpchar: 'char',
  timestamptz: 'timestamptz',
  numeric: 'numeric',
};

export function typeName(tn: PgNode): string {
  const names = (tn?.names ?? []).map((n: PgNode) => n?.String?.sval ?? '?');
  const base = names.length > 1 && names[0] === 'pg_catalog' ? (names[1] as string) : names.join('.');
  const mods = (tn?.typmods ?? [])
    .map((m: PgNode) => m?.A_Const?.ival?.ival ?? m?.A_Const?.ival ?? '')
    .filter((x: unknown) => typeof x === 'number');
  const arr = tn?.arrayBounds ? '[]' : '';
  return `${TYPE_ALIASES[base] ?? base}${mods.length ? `(${mods.join(',')})` : ''}${arr}`;
}

/**
 * At this statement, is `table` (or `table.column`) one the same file created earlier? Then changing
 * or dropping it cannot break the previous app version nor destroy data that existed before the
 * migration (see support/account.ts: statement order decides, so "dropped, then re-created" is a loss).
 */
export function isNew(ref: StatementRef, table: string, column?: string): boolean {
  return isNewAt(ref.file, ref.stmt, table, column);
}

const commands = new WeakMap<StatementRef, { table: string; cmd: PgNode }[]>();

/** ALTER TABLE commands of a statement, with their table (computed once per statement). */
export function alterCommands(ref: StatementRef): { table: string; cmd: PgNode }[] {
  const cached = commands.get(ref);
  if (cached) return cached;
  let cmds: { table: string; cmd: PgNode }[] = [];
  if (!ref.node?.objtype || ref.node.objtype === 'OBJECT_TABLE') {
    const table = rangeVarName(ref.node.relation);
    cmds = (ref.node.cmds ?? []).map((c: PgNode) => ({ table, cmd: c?.AlterTableCmd ?? {} }));
  }
  commands.set(ref, cmds);
  return cmds;
}

/** Evidence for a statement: file:line:col and a one-line excerpt. */
export function evidenceOf(ref: StatementRef): Evidence {
  const e: Evidence = { ...ref.stmt.at, note: excerpt(ref.stmt.text) };
  if (ref.stmt.embedded)
    e.note = `${ref.stmt.embedded.in === 'do' ? 'in a DO block' : `in function ${ref.stmt.embedded.function}`}: ${e.note}`;
  return e;
}

export function excerpt(text: string, max = 100): string {
  const one = showPlaceholders(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The common fields of a migration finding. */
export function base(
  ref: StatementRef,
  subject: string,
): Pick<Finding, 'subject' | 'evidence' | 'migration' | 'touchesData'> {
  return { subject, evidence: [evidenceOf(ref)], migration: ref.migration.version, touchesData: true };
}

/** How to run a statement outside a transaction with this tool. */
export function noTransactionHint(tool: MigrationTool): string {
  switch (tool) {
    case 'golang-migrate':
      return 'put it alone in its own migration file (golang-migrate runs a multi-statement file as one transaction on some drivers)';
    case 'dbmate':
      return 'put it in its own migration with "-- migrate:up transaction:false"';
    case 'goose':
      return 'put it in its own migration with "-- +goose NO TRANSACTION"';
    case 'flyway':
      return 'put it in its own migration with executeInTransaction=false (a <script>.sql.conf file)';
    case 'sqitch':
      return 'put it in its own change without BEGIN/COMMIT around it';
    case 'prisma':
      return 'put it in its own migration.sql (Prisma runs a file without a transaction only when it holds a single CONCURRENTLY statement)';
    case 'diesel':
      return 'put it in its own migration with a metadata.toml "run_in_transaction = false"';
    case 'liquibase':
      return 'put it in its own changeset with runInTransaction:false';
    default:
      return 'run it outside a transaction, alone in its migration';
  }
}

/** The name a down file would take for this migration, for messages. */
export function downFileName(set: MigrationSet, migration: Migration): string {
  const up = migration.up?.file ?? migration.at.file;
  switch (set.tool) {
    case 'golang-migrate':
      return up.replace(/([._])up\.sql$/i, '$1down.sql');
    case 'dbmate':
      return `a "-- migrate:down" section in ${up}`;
    case 'goose':
      return `a "-- +goose Down" section in ${up}`;
    case 'flyway':
      return up.replace(/(^|\/)V([^/]*)$/, '$1U$2');
    case 'sqitch':
      return up.replace(/(^|\/)deploy\//, '$1revert/');
    case 'diesel':
    case 'prisma':
      return up.replace(/(up|migration)\.sql$/, 'down.sql');
    case 'liquibase':
      return `--rollback lines in changeset ${migration.version} of ${up}`;
    default:
      return 'a down migration';
  }
}

/** A table's columns (name → type) at one point of the set, and whether that list is complete. */
interface TableState {
  types: Map<string, string>;
  known: boolean;
}

/** One change to a table: [migration index, statement index in its up file, statement, effect]. */
type TableChange = [number, number, SqlStatement, Effect];

interface SetIndex {
  order: Map<Migration, number>;
  /** Statement → its index in its up file. */
  position: Map<SqlStatement, number>;
  /** table → its create/alter/drop effects in order of application. */
  tableChanges: Map<string, TableChange[]>;
  /** table → its state after every CHECKPOINT-th change (built on demand). */
  checkpoints: Map<string, TableState[]>;
}
const setIndexes = new WeakMap<MigrationSet, SetIndex>();
/** columnBefore replays at most this many changes of a table (the rest comes from a checkpoint). */
const CHECKPOINT = 64;

/** One cheap pass over a set's ups: which statements change which table (for point lookups). */
function setIndex(set: MigrationSet): SetIndex {
  let idx = setIndexes.get(set);
  if (idx) return idx;
  const order = new Map<Migration, number>();
  const position = new Map<SqlStatement, number>();
  const tableChanges = new Map<string, TableChange[]>();
  set.migrations.forEach((m, i) => {
    order.set(m, i);
    (m.up?.statements ?? []).forEach((st, j) => {
      position.set(st, j);
      if (st.embedded && !st.embedded.runsAtMigration) return;
      for (const e of effectsOf(st)) {
        let list = tableChanges.get(e.table);
        if (!list) {
          list = [];
          tableChanges.set(e.table, list);
        }
        list.push([i, j, st, e]);
      }
    });
  });
  idx = { order, position, tableChanges, checkpoints: new Map() };
  setIndexes.set(set, idx);
  return idx;
}

function apply(state: TableState, e: Effect): void {
  if (e.op === 'create-table') {
    state.types.clear();
    for (const c of e.columns) state.types.set(c.name, c.type);
    state.known = e.columns.length > 0;
  } else if (e.op === 'drop-table' || e.op === 'rename-table') {
    state.types.clear();
    state.known = false;
  } else if (e.op === 'add-column' || e.op === 'retype-column') state.types.set(e.column, e.type);
  else if (e.op === 'drop-column') state.types.delete(e.column);
  else if (e.op === 'rename-column') {
    const t = state.types.get(e.column);
    state.types.delete(e.column);
    if (t !== undefined) state.types.set(e.to, t);
  }
}

/**
 * The table's state after its first `n` changes: from the last checkpoint at or before n plus at
 * most CHECKPOINT - 1 changes, so a set of thousands of ALTERs on one table stays linear.
 */
function tableStateAfter(idx: SetIndex, table: string, changes: TableChange[], n: number): TableState {
  let cps = idx.checkpoints.get(table);
  if (!cps) {
    cps = [{ types: new Map(), known: false }];
    idx.checkpoints.set(table, cps);
  }
  const k = Math.floor(n / CHECKPOINT);
  while (cps.length <= k) {
    const last = cps[cps.length - 1] as TableState;
    const next: TableState = { types: new Map(last.types), known: last.known };
    const from = (cps.length - 1) * CHECKPOINT;
    for (let c = from; c < from + CHECKPOINT; c++) apply(next, (changes[c] as TableChange)[3]);
    cps.push(next);
  }
  const cp = cps[k] as TableState;
  const state: TableState = { types: new Map(cp.types), known: cp.known };
  for (let c = k * CHECKPOINT; c < n; c++) apply(state, (changes[c] as TableChange)[3]);
  return state;
}

/** Position of a migration in its set (order of application). */
export function migrationIndex(set: MigrationSet, migration: Migration): number {
  return setIndex(set).order.get(migration) ?? -1;
}

/**
 * The type a column had just before `ref` ran, from the earlier migrations of the same set and the
 * earlier statements of the same file (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE, DROP), or
 * undefined when the set does not say. `column` as ident() writes it.
 */
export function columnTypeBefore(ref: StatementRef, table: string, column: string): string | undefined {
  const c = columnBefore(ref, table, column);
  return c.state === 'present' ? c.type : undefined;
}

/**
 * What the set says about a column just before `ref` ran: present (with its type, when known),
 * absent (the set created the table and the column is not there now), or unknown (the table
 * predates the set, or was renamed into this name).
 */
export function columnBefore(
  ref: StatementRef,
  table: string,
  column: string,
): { state: 'present'; type?: string } | { state: 'absent' | 'unknown' } {
  const idx = setIndex(ref.set);
  const at = idx.order.get(ref.migration) ?? -1;
  const up = ref.file.direction === 'up';
  const here = up ? (idx.position.get(ref.stmt) ?? ref.file.statements.indexOf(ref.stmt)) : 0;
  const changes = idx.tableChanges.get(table) ?? [];
  // the changes that ran before ref: earlier migrations, and earlier statements of the same up
  // file (changes are in order of application: binary search for the first one that did not)
  const before = ([i, j]: TableChange) => i < at || (i === at && up && j < here);
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(changes[mid] as TableChange)) lo = mid + 1;
    else hi = mid;
  }
  // the whole table is known from a CREATE TABLE of the set (not CREATE TABLE AS: its columns are not listed)
  const { types, known } = tableStateAfter(idx, table, changes, lo);
  const type = types.get(column);
  if (type !== undefined) return { state: 'present', type };
  return { state: known ? 'absent' : 'unknown' };
}

const RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3, real: 1, 'double precision': 2 };

/** True when `to` holds every value of `from` (a widening the old app can still read). */
export function isWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const rf = RANK[from];
  const rt = RANK[to];
  if (rf !== undefined && rt !== undefined) {
    const int = (t: string) => t.endsWith('int') || t === 'integer';
    return int(from) === int(to) ? rt > rf : false;
  }
  const len = (t: string) => /^(varchar|char)\((\d+)\)$/.exec(t);
  const lf = len(from);
  if ((to === 'text' || to === 'varchar') && (lf || from === 'varchar' || from === 'char')) return true;
  const lt = len(to);
  if (lf && lt && lf[1] === lt[1]) return Number(lt[2]) >= Number(lf[2]);
  if (lf && lt && lf[1] === 'char' && lt[1] === 'varchar') return Number(lt[2]) >= Number(lf[2]);
  if (/^numeric\(/.test(from) && to === 'numeric') return true;
  const nf = /^numeric\((\d+),(\d+)\)$/.exec(from);
  const nt = /^numeric\((\d+),(\d+)\)$/.exec(to);
  if (nf && nt)
    return Number(nt[2]) >= Number(nf[2]) && Number(nt[1]) - Number(nt[2]) >= Number(nf[1]) - Number(nf[2]);
  return false;
}

/**
 * ALTER TABLE … <subtype> commands of up migrations on columns that existed before the migration
 * (tables created and columns added by the same migration are new: changing them is harmless).
 * `col` is `table.column`.
 */
export function preexistingColumnChanges(
  service: Service,
  subtype: string,
): { ref: StatementRef; table: string; cmd: PgNode; col: string }[] {
  const out: { ref: StatementRef; table: string; cmd: PgNode; col: string }[] = [];
  for (const ref of statementsOf(service, 'up', 'AlterTableStmt')) {
    for (const { table, cmd } of alterCommands(ref)) {
      if (cmd.subtype !== subtype) continue;
      const column = ident(cmd.name);
      if (isNew(ref, table, column)) continue;
      // DROP COLUMN IF EXISTS of a column the set already dropped: nothing happens
      if (cmd.missing_ok && columnBefore(ref, table, column).state === 'absent') continue;
      out.push({ ref, table, cmd, col: `${table}.${column}` });
    }
  }
  return out;
}
