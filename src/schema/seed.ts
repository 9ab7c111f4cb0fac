/**
 * Seeding: one row of typed dummy values per table, so that a down migration's effect on data
 * can be counted. Columns with a default (serial, identity, now(), ...) and generated columns
 * keep their default; foreign keys point at the referenced table's seeded row. Each insert runs
 * under a savepoint: a table that cannot be seeded is reported, never fatal.
 */
import { cmp } from '../util/order.js';
import type { Engine, Row } from './engine.js';
import { sqlFailureOf } from './engine.js';

interface SeedColumn {
  name: string;
  type: string;
  typtype: string;
  category: string;
  typname: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
}

interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
}

export interface SeedResult {
  /** Tables that received a row. */
  seeded: string[];
  /** Tables that could not be seeded, with Postgres's reason. */
  problems: { table: string; reason: string }[];
  /** The seeded row of each seeded table, as JSON text (row_to_json), for reports. */
  rows: Map<string, string>;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** public.orders → "public"."orders" */
export function qualified(name: string): string {
  const dot = name.indexOf('.');
  return `${ident(name.slice(0, dot))}.${ident(name.slice(dot + 1))}`;
}
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

const COLUMNS_SQL = `select n.nspname || '.' || c.relname as tbl, a.attname as name,
  format_type(a.atttypid, a.atttypmod) as type,
  coalesce(bt.typtype, t.typtype)::text as typtype, coalesce(bt.typcategory, t.typcategory)::text as category,
  coalesce(bt.typname, t.typname)::text as typname,
  a.attnotnull as notnull, (a.atthasdef or a.attidentity <> '') as hasdef, (a.attgenerated <> '') as generated
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  join pg_type t on t.oid = a.atttypid left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
  where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p')
  and n.nspname not in ('pg_catalog', 'information_schema')
  order by 1, a.attnum`;

const FKS_SQL = `select n.nspname || '.' || c.relname as tbl, a.attname as col,
  rn.nspname || '.' || rc.relname as reftbl, ra.attname as refcol
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
  join pg_class rc on rc.oid = k.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
  cross join lateral unnest(k.conkey, k.confkey) as u(ck, rk)
  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.ck
  join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = u.rk
  where k.contype = 'f' order by 1, 2`;

/** A typed dummy value expression for a column, or undefined when rollbook has none. */
export function dummyValue(
  c: Pick<SeedColumn, 'type' | 'typtype' | 'category' | 'typname'>,
): string | undefined {
  const cast = `::${c.type}`;
  if (c.typtype === 'e') return `(enum_range(null${cast}))[1]`;
  if (c.category === 'A') return `'{}'${cast}`;
  switch (c.typname) {
    case 'uuid':
      return `'00000000-0000-4000-8000-000000000001'${cast}`;
    case 'json':
    case 'jsonb':
      return `'{}'${cast}`;
    case 'bytea':
      return `'\\x00'${cast}`;
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return `'2000-01-01'${cast}`;
    case 'time':
    case 'timetz':
      return `'00:00'${cast}`;
    case 'interval':
      return `'1 day'${cast}`;
    case 'inet':
    case 'cidr':
      return `'10.0.0.0/8'${cast}`;
    case 'macaddr':
      return `'08:00:2b:01:02:03'${cast}`;
    case 'macaddr8':
      return `'08:00:2b:01:02:03:04:05'${cast}`;
    case 'point':
      return `'(0,0)'${cast}`;
    case 'tsvector':
      return `'x'${cast}`;
    case 'tsquery':
      return `'x'${cast}`;
    case 'xml':
      return `'<x/>'${cast}`;
    case 'bit':
      return `0${cast}`;
    case 'varbit':
      return `B'0'${cast}`;
    case 'hstore':
      return `''${cast}`;
    case 'ltree':
    case 'citext':
      return `'x'${cast}`;
    case 'money':
      return `1${cast}`;
    default:
      break;
  }
  switch (c.category) {
    case 'B':
      return `true${cast}`;
    case 'N':
      return `1${cast}`;
    case 'S':
      // long enough for length checks, shaped like an e-mail; varchar(n)/char(n) casts truncate it
      return `'rollbook@example.com'${cast}`;
    case 'R':
      return `'empty'${cast}`;
    default:
      return undefined;
  }
}

/** Tables in dependency order (referenced tables first); cycles keep their input order. */
function order(tables: string[], fks: ForeignKey[]): string[] {
  const deps = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const fk of fks)
    if (fk.table !== fk.refTable && deps.has(fk.table) && deps.has(fk.refTable))
      deps.get(fk.table)?.add(fk.refTable);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t)) return;
    state.set(t, 'visiting');
    for (const d of [...(deps.get(t) ?? [])].sort(cmp)) visit(d);
    state.set(t, 'done');
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

export interface SeedPlanInput {
  /** Qualified table names to seed (public.orders). */
  tables: string[];
}

/** What seeding needs to know about the schema: columns with their types, and foreign keys. */
export interface SeedSchema {
  columns: Map<string, SeedColumn[]>;
  fks: ForeignKey[];
  /** CHECK constraint definitions per table. */
  checks: Map<string, string[]>;
}

const CHECKS_SQL = `select n.nspname || '.' || c.relname as tbl, pg_get_constraintdef(k.oid) as def
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
  where k.contype = 'c' order by 1, 2`;

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A literal a CHECK constraint admits for a column, when the constraint lists them:
 * `CHECK ((status = ANY (ARRAY['new'::text, ...])))` or `CHECK ((kind = 'only'::text))`.
 */
export function allowedLiteral(checks: string[], column: string): string | undefined {
  const name = /^[a-z_][a-z0-9_$]*$/.test(column) ? column : `"${column.replace(/"/g, '""')}"`;
  const col = `(?<![A-Za-z0-9_$"])\\(?${reEscape(name)}\\)?(?:::[a-z ]+)?`;
  const patterns = [
    new RegExp(`${col} = ANY \\(\\(?ARRAY\\['((?:[^']|'')*)'`),
    new RegExp(`${col} = '((?:[^']|'')*)'`),
  ];
  for (const def of checks)
    for (const re of patterns) {
      const m = re.exec(def);
      if (m?.[1] !== undefined) return m[1].replace(/''/g, "'");
    }
  return undefined;
}

export async function loadSeedSchema(engine: Engine): Promise<SeedSchema> {
  const colRows = await engine.query<Row>(COLUMNS_SQL);
  const fks = (await engine.query<Row>(FKS_SQL)).map(toFk);
  const checks = new Map<string, string[]>();
  for (const r of await engine.query<Row>(CHECKS_SQL)) {
    const list = checks.get(String(r.tbl)) ?? [];
    list.push(String(r.def));
    checks.set(String(r.tbl), list);
  }
  const columns = new Map<string, SeedColumn[]>();
  for (const r of colRows) {
    const list = columns.get(String(r.tbl)) ?? [];
    list.push({
      name: String(r.name),
      type: String(r.type),
      typtype: String(r.typtype),
      category: String(r.category),
      typname: String(r.typname),
      notNull: r.notnull === true,
      hasDefault: r.hasdef === true,
      generated: r.generated === true,
    });
    columns.set(String(r.tbl), list);
  }
  return { columns, fks, checks };
}

function closure(fks: ForeignKey[], tables: string[], from: 'table' | 'refTable'): string[] {
  const to = from === 'table' ? 'refTable' : 'table';
  const set = new Set(tables);
  let grew = true;
  while (grew) {
    grew = false;
    for (const fk of fks)
      if (set.has(fk[from]) && !set.has(fk[to])) {
        set.add(fk[to]);
        grew = true;
      }
  }
  return [...set].sort(cmp);
}

/** Tables that reference any of `tables` through a foreign key, transitively (TRUNCATE/DROP CASCADE reach them). */
export function withReferencing(schema: SeedSchema, tables: string[]): string[] {
  return closure(schema.fks, tables, 'refTable');
}

/** `tables` plus the tables they reference, transitively (their rows satisfy foreign keys). */
export function withReferenced(schema: SeedSchema, tables: string[]): string[] {
  return closure(schema.fks, tables, 'table');
}

function toFk(r: Row): ForeignKey {
  return {
    table: String(r.tbl),
    column: String(r.col),
    refTable: String(r.reftbl),
    refColumn: String(r.refcol),
  };
}

/**
 * Insert one row into each table (dependencies first). Must run inside an open transaction
 * (savepoints are used per table).
 */
export async function seedRows(engine: Engine, tables: string[], schema?: SeedSchema): Promise<SeedResult> {
  const { columns, fks, checks } = schema ?? (await loadSeedSchema(engine));
  const result: SeedResult = { seeded: [], problems: [], rows: new Map() };
  const wanted = tables.filter((t) => columns.has(t));
  for (const table of order(wanted, fks)) {
    const cols = columns.get(table) ?? [];
    const attempt = async (withNullable: boolean): Promise<string | undefined> => {
      const names: string[] = [];
      const values: string[] = [];
      for (const c of cols) {
        if (c.generated || c.hasDefault) continue;
        const fk = fks.find((f) => f.table === table && f.column === c.name);
        let value: string | undefined;
        if (fk) {
          value =
            fk.refTable === table
              ? undefined
              : `(select ${ident(fk.refColumn)} from ${qualified(fk.refTable)} limit 1)`;
        } else if (c.notNull || withNullable) {
          const allowed = allowedLiteral(checks.get(table) ?? [], c.name);
          value = allowed !== undefined ? `${lit(allowed)}::${c.type}` : dummyValue(c);
        }
        if (value === undefined) {
          if (c.notNull) return `no dummy value for column ${c.name} of type ${c.type}`;
          continue;
        }
        names.push(ident(c.name));
        values.push(value);
      }
      const sql =
        names.length === 0
          ? `insert into ${qualified(table)} as rollbook_seeded default values`
          : `insert into ${qualified(table)} as rollbook_seeded (${names.join(', ')}) values (${values.join(', ')})`;
      await engine.exec('savepoint rollbook_seed');
      try {
        const [row] = await engine.query<Row>(`${sql} returning row_to_json(rollbook_seeded.*)::text as r`);
        if (row) result.rows.set(table, String(row.r));
        await engine.exec('release savepoint rollbook_seed');
        return undefined;
      } catch (e) {
        const f = sqlFailureOf(e);
        if (!f) throw e;
        await engine.exec('rollback to savepoint rollbook_seed');
        await engine.exec('release savepoint rollbook_seed');
        return `${f.message} (SQLSTATE ${f.code})`;
      }
    };
    const first = await attempt(true);
    const problem = first === undefined ? undefined : await attempt(false);
    if (problem === undefined) result.seeded.push(table);
    else result.problems.push({ table, reason: problem });
  }
  result.seeded.sort(cmp);
  result.problems.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return result;
}

/** Row counts per table (null when the table does not exist): two queries whatever the number of tables. */
export async function countRows(engine: Engine, tables: string[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  if (tables.length === 0) return out;
  const exists = await engine.query<Row>(
    `select t, to_regclass(t) is not null as e from unnest($1::text[]) as u(t)`,
    [tables.map(qualified)],
  );
  const found = new Set(exists.filter((r) => r.e === true).map((r) => String(r.t)));
  const present = tables.filter((t) => found.has(qualified(t)));
  for (const t of tables) out.set(t, null);
  if (present.length === 0) return out;
  const rows = await engine.query<Row>(
    present.map((t, i) => `select ${i} as i, count(*)::int as n from ${qualified(t)}`).join(' union all '),
  );
  for (const r of rows) out.set(present[Number(r.i)] as string, Number(r.n));
  return out;
}

export { lit as sqlLiteral };
