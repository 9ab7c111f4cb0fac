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

export async function checkQueries(engine: Engine, queries: SqlStatement[]): Promise<QueryCheck[]> {
  const out: QueryCheck[] = [];
  for (const q of queries) {
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
