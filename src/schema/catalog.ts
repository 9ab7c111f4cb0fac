/**
 * The catalog after a migration: the user-visible schema, read from pg_catalog, normalised so
 * that PostgreSQL 15 and 18 (PGlite) compare equal, sorted and deterministic; and a diff that
 * returns typed differences.
 */

import { cmp } from '../util/order.js';
import type { Row } from './engine.js';

export interface CatalogColumn {
  name: string;
  /** format_type() output, e.g. "character varying(20)", "timestamp with time zone". */
  type: string;
  notNull: boolean;
  default?: string;
  identity?: 'always' | 'by default';
  generated?: 'stored' | 'virtual';
}

export type ConstraintType = 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion' | 'trigger';

export interface CatalogConstraint {
  name: string;
  type: ConstraintType;
  definition: string;
}

export interface CatalogNamed {
  name: string;
  definition: string;
}

export interface CatalogTable {
  /** schema-qualified: public.orders */
  name: string;
  partitioned: boolean;
  columns: CatalogColumn[];
  /** NOT NULL is a column property here (PostgreSQL 18 also stores it as a constraint: dropped). */
  constraints: CatalogConstraint[];
  indexes: CatalogNamed[];
  triggers: CatalogNamed[];
}

export interface CatalogEnum {
  name: string;
  /** In sort order. */
  values: string[];
}

export interface CatalogDomain {
  name: string;
  baseType: string;
  notNull: boolean;
  default?: string;
  checks: string[];
}

export interface CatalogView {
  name: string;
  materialized: boolean;
  definition: string;
}

export interface CatalogFunction {
  /** name(identity arguments), schema-qualified. */
  signature: string;
  kind: 'function' | 'procedure' | 'aggregate' | 'window';
  result: string;
  language: string;
  /** md5 of the full definition (pg_get_functiondef) or of the source for aggregates. */
  bodyHash: string;
}

export interface Catalog {
  schemas: string[];
  extensions: string[];
  tables: CatalogTable[];
  views: CatalogView[];
  sequences: string[];
  enums: CatalogEnum[];
  domains: CatalogDomain[];
  functions: CatalogFunction[];
}

export type Query = (sql: string) => Promise<Row[]>;

const USER_NS = `n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;

const NOT_EXTENSION = (classid: string, oid: string) =>
  `not exists (select 1 from pg_depend d where d.classid = '${classid}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

const RELS = `select c.oid, n.nspname as schema, c.relname as name, c.relkind::text as kind
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S') and ${USER_NS} and ${NOT_EXTENSION('pg_class', 'c.oid')}`;

const SQL = {
  schemas: `select n.nspname as name from pg_namespace n where ${USER_NS}
    and ${NOT_EXTENSION('pg_namespace', 'n.oid')}`,
  extensions: `select extname as name from pg_extension where extname <> 'plpgsql'`,
  rels: `select r.oid::int8::text as oid, r.schema, r.name, r.kind,
    case when r.kind in ('v', 'm') then pg_get_viewdef(r.oid, true) end as def from rels r`,
  columns: `select a.attrelid::int8::text as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
    a.attnotnull as notnull, pg_get_expr(d.adbin, d.adrelid) as def,
    a.attidentity::text as identity, a.attgenerated::text as generated
    from pg_attribute a join rels r on r.oid = a.attrelid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped and r.kind in ('r', 'p')`,
  constraints: `select c.conrelid::int8::text as rel, c.conname as name, c.contype::text as type,
    pg_get_constraintdef(c.oid, true) as def
    from pg_constraint c join rels r on r.oid = c.conrelid where c.contype <> 'n'`,
  indexes: `select i.indrelid::int8::text as rel, ic.relname as name, pg_get_indexdef(i.indexrelid) as def
    from pg_index i join pg_class ic on ic.oid = i.indexrelid join rels r on r.oid = i.indrelid`,
  triggers: `select t.tgrelid::int8::text as rel, t.tgname as name, pg_get_triggerdef(t.oid, true) as def
    from pg_trigger t join rels r on r.oid = t.tgrelid where not t.tgisinternal`,
  enums: `select n.nspname as schema, t.typname as name, e.enumlabel as value, e.enumsortorder::float8 as ord
    from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
    where ${USER_NS} and ${NOT_EXTENSION('pg_type', 't.oid')}`,
  domains: `select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as base,
    t.typnotnull as notnull, t.typdefault as def,
    (select string_agg(pg_get_constraintdef(c.oid, true), ' | ' order by pg_get_constraintdef(c.oid, true))
       from pg_constraint c where c.contypid = t.oid and c.contype = 'c') as checks
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'd' and ${USER_NS} and ${NOT_EXTENSION('pg_type', 't.oid')}`,
  functions: `select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
    coalesce(pg_get_function_result(p.oid), '') as result, p.prokind::text as kind, l.lanname as lang,
    case when p.prokind in ('f', 'p') then md5(pg_get_functiondef(p.oid)) else md5(coalesce(p.prosrc, '')) end as hash
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
    where ${USER_NS} and ${NOT_EXTENSION('pg_proc', 'p.oid')}`,
};

const CONSTRAINT_TYPES: Record<string, ConstraintType> = {
  p: 'primary key',
  u: 'unique',
  c: 'check',
  f: 'foreign key',
  x: 'exclusion',
  t: 'trigger',
};

const FUNCTION_KINDS: Record<string, CatalogFunction['kind']> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window',
};

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const bool = (v: unknown): boolean => v === true || v === 't' || v === 'true';
const byName = <T extends { name: string }>(a: T, b: T) => cmp(a.name, b.name);

/** The one string order (code point; util/order.ts), re-exported for the schema modules. */
export { cmp };

/** Read the catalog through any engine's query function. Runs a fixed set of read-only queries. */
export async function readCatalog(query: Query): Promise<Catalog> {
  // one round trip: the relations are computed once, every part comes back as JSON
  const parts = Object.keys(SQL) as (keyof typeof SQL)[];
  const sql = `with rels as materialized (${RELS}) select ${parts
    .map((k) => `(select coalesce(json_agg(x), '[]') from (${SQL[k]}) x)::text as "${k}"`)
    .join(', ')}`;
  const row = (await query(sql))[0] ?? {};
  const part = (k: keyof typeof SQL): Row[] => JSON.parse(String(row[k] ?? '[]')) as Row[];
  const schemas = part('schemas');
  const extensions = part('extensions');
  const rels = part('rels');
  const columns = part('columns');
  const constraints = part('constraints');
  const indexes = part('indexes');
  const triggers = part('triggers');
  const enums = part('enums');
  const domains = part('domains');
  const functions = part('functions');
  const tables = new Map<string, CatalogTable>();
  const views: CatalogView[] = [];
  const sequences: string[] = [];
  for (const r of rels) {
    const name = `${str(r.schema)}.${str(r.name)}`;
    const kind = str(r.kind);
    if (kind === 'r' || kind === 'p')
      tables.set(str(r.oid), {
        name,
        partitioned: kind === 'p',
        columns: [],
        constraints: [],
        indexes: [],
        triggers: [],
      });
    else if (kind === 'v' || kind === 'm')
      views.push({ name, materialized: kind === 'm', definition: normaliseSpace(str(r.def)) });
    else if (kind === 'S') sequences.push(name);
  }
  for (const c of columns) {
    const t = tables.get(str(c.rel));
    if (!t) continue;
    const col: CatalogColumn = { name: str(c.name), type: str(c.type), notNull: bool(c.notnull) };
    if (c.def !== null && c.def !== undefined) col.default = str(c.def);
    const identity = str(c.identity);
    if (identity === 'a') col.identity = 'always';
    else if (identity === 'd') col.identity = 'by default';
    const generated = str(c.generated);
    if (generated === 's') col.generated = 'stored';
    else if (generated === 'v') col.generated = 'virtual';
    t.columns.push(col);
  }
  for (const c of constraints) {
    const t = tables.get(str(c.rel));
    const type = CONSTRAINT_TYPES[str(c.type)];
    if (!t || !type) continue;
    t.constraints.push({ name: str(c.name), type, definition: str(c.def) });
  }
  for (const i of indexes)
    tables.get(str(i.rel))?.indexes.push({ name: str(i.name), definition: str(i.def) });
  for (const i of triggers)
    tables.get(str(i.rel))?.triggers.push({ name: str(i.name), definition: str(i.def) });

  const enumMap = new Map<string, { value: string; ord: number }[]>();
  for (const e of enums) {
    const name = `${str(e.schema)}.${str(e.name)}`;
    const list = enumMap.get(name) ?? [];
    list.push({ value: str(e.value), ord: Number(e.ord) });
    enumMap.set(name, list);
  }
  const catalog: Catalog = {
    schemas: schemas.map((s) => str(s.name)).sort(cmp),
    extensions: extensions.map((s) => str(s.name)).sort(cmp),
    tables: [...tables.values()].sort(byName),
    views: views.sort(byName),
    sequences: sequences.sort(cmp),
    enums: [...enumMap.entries()]
      .map(([name, vals]) => ({ name, values: vals.sort((a, b) => a.ord - b.ord).map((v) => v.value) }))
      .sort(byName),
    domains: domains
      .map((d) => {
        const dom: CatalogDomain = {
          name: `${str(d.schema)}.${str(d.name)}`,
          baseType: str(d.base),
          notNull: bool(d.notnull),
          checks: d.checks ? str(d.checks).split(' | ') : [],
        };
        if (d.def !== null && d.def !== undefined) dom.default = str(d.def);
        return dom;
      })
      .sort(byName),
    functions: functions
      .map((f) => ({
        signature: `${str(f.schema)}.${str(f.name)}(${str(f.args)})`,
        kind: FUNCTION_KINDS[str(f.kind)] ?? 'function',
        result: str(f.result),
        language: str(f.lang),
        bodyHash: str(f.hash),
      }))
      .sort((a, b) => cmp(a.signature, b.signature)),
  };
  for (const t of catalog.tables) {
    t.columns.sort(byName);
    t.constraints.sort(byName);
    t.indexes.sort(byName);
    t.triggers.sort(byName);
  }
  return catalog;
}

function normaliseSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function emptyCatalog(): Catalog {
  return {
    schemas: [],
    extensions: [],
    tables: [],
    views: [],
    sequences: [],
    enums: [],
    domains: [],
    functions: [],
  };
}

// ---------------------------------------------------------------- diff

export type CatalogObjectKind =
  | 'schema'
  | 'extension'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'trigger'
  | 'view'
  | 'sequence'
  | 'enum'
  | 'enum value'
  | 'domain'
  | 'function';

/** One difference between two catalogs: `removed` was in `before` only, `added` in `after` only. */
export interface CatalogDifference {
  change: 'added' | 'removed' | 'changed';
  object: CatalogObjectKind;
  /** Qualified name: public.orders, public.orders.total, public.orders.orders_pkey, public.mood.happy */
  name: string;
  /** For `changed`: which property (type, notNull, default, definition, values order, ...). */
  field?: string;
  before?: string;
  after?: string;
}

function keyed<T>(list: T[], key: (t: T) => string): Map<string, T> {
  return new Map(list.map((t) => [key(t), t]));
}

function diffSets(
  out: CatalogDifference[],
  object: CatalogObjectKind,
  before: string[],
  after: string[],
  prefix = '',
): void {
  const b = new Set(before);
  const a = new Set(after);
  for (const n of before) if (!a.has(n)) out.push({ change: 'removed', object, name: prefix + n });
  for (const n of after) if (!b.has(n)) out.push({ change: 'added', object, name: prefix + n });
}

function diffKeyed<T>(
  out: CatalogDifference[],
  object: CatalogObjectKind,
  before: T[],
  after: T[],
  key: (t: T) => string,
  fields: (keyof T & string)[],
  prefix = '',
  nested?: (b: T, a: T, name: string) => void,
): void {
  const bm = keyed(before, key);
  const am = keyed(after, key);
  for (const [k, bv] of bm) {
    const av = am.get(k);
    const name = prefix + k;
    if (!av) {
      out.push({ change: 'removed', object, name });
      continue;
    }
    for (const f of fields) {
      const x = fmt(bv[f]);
      const y = fmt(av[f]);
      if (x !== y) out.push({ change: 'changed', object, name, field: f, before: x, after: y });
    }
    nested?.(bv, av, name);
  }
  for (const k of am.keys()) if (!bm.has(k)) out.push({ change: 'added', object, name: prefix + k });
}

function fmt(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** Typed differences from `before` to `after`, in a stable order. */
export function diffCatalogs(before: Catalog, after: Catalog): CatalogDifference[] {
  const out: CatalogDifference[] = [];
  diffSets(out, 'schema', before.schemas, after.schemas);
  diffSets(out, 'extension', before.extensions, after.extensions);
  diffKeyed(
    out,
    'table',
    before.tables,
    after.tables,
    (t) => t.name,
    ['partitioned'],
    '',
    (b, a, name) => {
      diffKeyed(
        out,
        'column',
        b.columns,
        a.columns,
        (c) => c.name,
        ['type', 'notNull', 'default', 'identity', 'generated'],
        `${name}.`,
      );
      diffKeyed(
        out,
        'constraint',
        b.constraints,
        a.constraints,
        (c) => c.name,
        ['type', 'definition'],
        `${name}.`,
      );
      diffKeyed(out, 'index', b.indexes, a.indexes, (c) => c.name, ['definition'], `${name}.`);
      diffKeyed(out, 'trigger', b.triggers, a.triggers, (c) => c.name, ['definition'], `${name}.`);
    },
  );
  diffKeyed(out, 'view', before.views, after.views, (v) => v.name, ['materialized', 'definition']);
  diffSets(out, 'sequence', before.sequences, after.sequences);
  diffKeyed(
    out,
    'enum',
    before.enums,
    after.enums,
    (e) => e.name,
    [],
    '',
    (b, a, name) => {
      diffSets(out, 'enum value', b.values, a.values, `${name}.`);
      const common = b.values.filter((v) => a.values.includes(v));
      const commonAfter = a.values.filter((v) => b.values.includes(v));
      if (common.join('\u0000') !== commonAfter.join('\u0000'))
        out.push({
          change: 'changed',
          object: 'enum',
          name,
          field: 'values order',
          before: b.values.join(', '),
          after: a.values.join(', '),
        });
    },
  );
  diffKeyed(out, 'domain', before.domains, after.domains, (d) => d.name, [
    'baseType',
    'notNull',
    'default',
    'checks',
  ]);
  diffKeyed(out, 'function', before.functions, after.functions, (f) => f.signature, [
    'kind',
    'result',
    'language',
    'bodyHash',
  ]);
  return out;
}

/** One line per difference, e.g. "removed column public.orders.total" or "changed column public.t.a type: integer → bigint". */
export function describeDifference(d: CatalogDifference): string {
  if (d.change !== 'changed') return `${d.change} ${d.object} ${d.name}`;
  return `changed ${d.object} ${d.name} ${d.field}: ${d.before} → ${d.after}`;
}
