/**
 * The old app's queries against the current schema: PREPARE each (missing column 42703, missing
 * table 42P01, missing function/operator 42883, missing type 42704 → fail at the query's
 * file:line), then dry-run writes (INSERT/UPDATE/DELETE/MERGE) with typed dummy parameters inside
 * BEGIN … ROLLBACK: a NOT NULL column without a default only fails when a write executes.
 */
import type { Evidence, SqlStatement } from '../model/service.js';
import { type Engine, type Row, sqlFailureOf } from './engine.js';
import { locateInStatement } from './replay.js';
import { dummyValue } from './seed.js';

export interface QueryCheck {
  at: Evidence;
  /** First line of the query, for reports. */
  query: string;
  write: boolean;
  prepare: { status: 'pass' | 'fail' | 'unknown'; code?: string; message?: string };
  /** Only for writes that prepared. */
  dryRun?: { status: 'pass' | 'fail' | 'unknown'; code?: string; message?: string };
  /** Parameter or result types that differ from the target schema's (describe before and after). */
  typeChanges?: string[];
}

/** What PREPARE says about a statement: parameter types and, on PostgreSQL 16+, result types. */
export interface QueryShape {
  params: string[];
  results?: string[];
}

const SHAPE_SQL = (withResults: boolean) =>
  `select array(select format_type(u.ty::oid, null) from unnest(p.parameter_types) with ordinality as u(ty, i) order by u.i)::text[] as params,
   ${withResults ? 'array(select format_type(u.ty::oid, null) from unnest(p.result_types) with ordinality as u(ty, i) order by u.i)::text[]' : 'null::text[]'} as results
   from pg_prepared_statements p where p.name = 'rollbook_q'`;

async function hasResultTypes(engine: Engine): Promise<boolean> {
  const r = await engine.query<Row>(
    `select exists (select 1 from pg_attribute where attrelid = 'pg_catalog.pg_prepared_statements'::regclass
     and attname = 'result_types') as e`,
  );
  return r[0]?.e === true;
}

async function shapeOfPrepared(engine: Engine, withResults: boolean): Promise<QueryShape> {
  const row = (await engine.query<Row>(SHAPE_SQL(withResults)))[0] ?? {};
  const arr = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const shape: QueryShape = { params: arr(row.params) };
  if (withResults && row.results !== null) shape.results = arr(row.results);
  return shape;
}

/** Describe each query against a schema (the target's): undefined where it does not prepare. */
export async function describeQueries(
  engine: Engine,
  queries: SqlStatement[],
): Promise<(QueryShape | undefined)[]> {
  const withResults = await hasResultTypes(engine);
  const out: (QueryShape | undefined)[] = [];
  for (const q of queries) {
    try {
      await engine.exec(`prepare rollbook_q as ${q.text}`);
    } catch (e) {
      if (!sqlFailureOf(e)) throw e;
      out.push(undefined);
      continue;
    }
    try {
      out.push(await shapeOfPrepared(engine, withResults));
    } finally {
      await engine.exec('deallocate rollbook_q');
    }
  }
  return out;
}

function compareShapes(before: QueryShape, after: QueryShape): string[] {
  const out: string[] = [];
  const n = Math.max(before.params.length, after.params.length);
  for (let i = 0; i < n; i++)
    if (before.params[i] !== after.params[i])
      out.push(`$${i + 1} ${before.params[i] ?? '(none)'} → ${after.params[i] ?? '(none)'}`);
  if (before.results && after.results) {
    const m = Math.max(before.results.length, after.results.length);
    for (let i = 0; i < m; i++)
      if (before.results[i] !== after.results[i])
        out.push(`result column ${i + 1} ${before.results[i] ?? '(none)'} → ${after.results[i] ?? '(none)'}`);
  }
  return out;
}

const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** Codes that mean the old query no longer fits the schema. */
const INCOMPATIBLE = new Set([
  '42703',
  '42P01',
  '42883',
  '42704',
  '42804',
  '42P10',
  '42702',
  '42846',
  '42809',
]);

function kindOf(ast: unknown): string {
  return ast && typeof ast === 'object' ? (Object.keys(ast)[0] ?? '') : '';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

export async function checkQueries(
  engine: Engine,
  queries: SqlStatement[],
  targetShapes: (QueryShape | undefined)[] = [],
): Promise<QueryCheck[]> {
  const out: QueryCheck[] = [];
  const withResults = targetShapes.length > 0 && (await hasResultTypes(engine));
  for (const [index, q] of queries.entries()) {
    const write = WRITES.has(kindOf(q.ast));
    const check: QueryCheck = { at: q.at, query: firstLine(q.text), write, prepare: { status: 'pass' } };
    out.push(check);
    const prefix = 'prepare rollbook_q as ';
    try {
      await engine.exec(`${prefix}${q.text}`);
    } catch (e) {
      const f = sqlFailureOf(e);
      if (!f) throw e;
      const pos = f.position ? f.position - prefix.length : undefined;
      check.at = locateInStatement(q.at, q.text, pos);
      check.prepare = {
        status: INCOMPATIBLE.has(f.code) ? 'fail' : 'unknown',
        code: f.code,
        message: f.message,
      };
      continue;
    }
    try {
      const before = targetShapes[index];
      if (before) {
        const changes = compareShapes(before, await shapeOfPrepared(engine, withResults));
        if (changes.length > 0) check.typeChanges = changes;
      }
      if (!write) continue;
      const types = await engine.query<Row>(
        `select format_type(t.oid, null) as type, t.typtype::text as typtype, t.typcategory::text as category,
         t.typname::text as typname
         from pg_prepared_statements p cross join lateral unnest(p.parameter_types) with ordinality as u(ty, i)
         join pg_type t on t.oid = u.ty::oid where p.name = 'rollbook_q' order by u.i`,
      );
      const values: string[] = [];
      let missing: string | undefined;
      for (const t of types) {
        const v = dummyValue({
          type: String(t.type),
          typtype: String(t.typtype),
          category: String(t.category),
          typname: String(t.typname),
        });
        if (v === undefined) missing ??= String(t.type);
        values.push(v ?? 'null');
      }
      if (missing) {
        check.dryRun = { status: 'unknown', message: `no dummy value for a parameter of type ${missing}` };
        continue;
      }
      await engine.exec('begin');
      try {
        await engine.exec(values.length ? `execute rollbook_q(${values.join(', ')})` : 'execute rollbook_q');
        check.dryRun = { status: 'pass' };
      } catch (e) {
        const f = sqlFailureOf(e);
        if (!f) throw e;
        if (f.code === '23502' || INCOMPATIBLE.has(f.code))
          check.dryRun = { status: 'fail', code: f.code, message: f.message };
        else
          check.dryRun = {
            status: 'pass',
            code: f.code,
            message: `dummy values rejected (${f.message}); not a schema incompatibility`,
          };
      } finally {
        await engine.exec('rollback');
      }
    } finally {
      await engine.exec('deallocate rollbook_q');
    }
  }
  return out;
}
