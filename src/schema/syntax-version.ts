/**
 * Which PostgreSQL major a statement's syntax needs. PGlite answers as PostgreSQL 18, so a
 * migration written for 18 replays fine there and fails on the team's 15 server: rollbook walks
 * each statement's parse tree (libpg-query, the PostgreSQL 18 parser) and reports features newer
 * than the target `serverVersion`. The table covers common DDL/DML features, not every one.
 */
import type { Evidence, MigrationFile } from '../model/service.js';

export interface SyntaxRequirement {
  feature: string;
  /** First major version that accepts it. */
  major: number;
  at: Evidence;
}

type Node = Record<string, unknown>;

/** Functions added to core PostgreSQL, by first major. */
const FUNCTIONS: Record<string, number> = {
  gen_random_uuid: 13,
  trim_array: 14,
  string_to_table: 14,
  date_bin: 14,
  any_value: 16,
  random_normal: 16,
  array_shuffle: 16,
  array_sample: 16,
  json_scalar: 16,
  json_serialize: 17,
  to_bin: 17,
  to_oct: 17,
  uuidv4: 18,
  uuidv7: 18,
  casefold: 18,
  array_sort: 18,
  array_reverse: 18,
};

/** Node-level rules: (node type, node) → feature name and major, or undefined. */
function checkNode(type: string, n: Node, hasPgcrypto: boolean): [string, number] | undefined {
  switch (type) {
    case 'MergeStmt':
      if (n.returningClause || n.returningList) return ['MERGE ... RETURNING', 17];
      return ['MERGE', 15];
    case 'MergeWhenClause':
      if (n.matchKind === 'MERGE_WHEN_NOT_MATCHED_BY_SOURCE') return ['MERGE WHEN NOT MATCHED BY SOURCE', 17];
      return undefined;
    case 'JsonTable':
      return ['JSON_TABLE', 17];
    case 'JsonFuncExpr':
      return ['SQL/JSON query functions (JSON_QUERY, JSON_VALUE, JSON_EXISTS)', 17];
    case 'JsonIsPredicate':
      return ['IS JSON predicate', 16];
    case 'JsonObjectConstructor':
    case 'JsonArrayConstructor':
    case 'JsonArrayQueryConstructor':
    case 'JsonObjectAgg':
    case 'JsonArrayAgg':
      return ['SQL/JSON constructors (JSON_OBJECT, JSON_ARRAY)', 16];
    case 'CreateTrigStmt':
      if (n.replace === true) return ['CREATE OR REPLACE TRIGGER', 14];
      return undefined;
    case 'CreateFunctionStmt':
      if (n.sql_body) return ['SQL-standard function body (BEGIN ATOMIC / RETURN)', 14];
      return undefined;
    case 'Constraint': {
      if (n.contype === 'CONSTR_GENERATED') {
        if (n.generated_kind === 'v') return ['virtual generated column (or GENERATED without STORED)', 18];
        return ['generated column', 12];
      }
      // the JSON omits false: CHECK and FOREIGN KEY carry is_enforced: true unless NOT ENFORCED
      if (
        n.contype === 'CONSTR_ATTR_NOT_ENFORCED' ||
        ((n.contype === 'CONSTR_CHECK' || n.contype === 'CONSTR_FOREIGN') && n.is_enforced !== true)
      )
        return ['NOT ENFORCED constraint', 18];
      if (n.without_overlaps === true) return ['WITHOUT OVERLAPS (temporal key)', 18];
      if (n.fk_with_period === true || n.pk_with_period === true) return ['PERIOD foreign key', 18];
      if (n.contype === 'CONSTR_NOTNULL' && n.skip_validation === true) return ['NOT NULL ... NOT VALID', 18];
      if (n.contype === 'CONSTR_NOTNULL' && n.conname && Array.isArray(n.keys))
        return ['named NOT NULL table constraint', 18];
      if (n.nulls_not_distinct === true) return ['UNIQUE NULLS NOT DISTINCT', 15];
      if (Array.isArray(n.fk_del_set_cols) && n.fk_del_set_cols.length > 0)
        return ['ON DELETE SET NULL/DEFAULT (column list)', 15];
      return undefined;
    }
    case 'IndexStmt':
      if (n.nulls_not_distinct === true) return ['UNIQUE NULLS NOT DISTINCT index', 15];
      if (Array.isArray(n.indexIncludingParams) && n.indexIncludingParams.length > 0)
        return ['INCLUDE columns in an index', 11];
      return undefined;
    case 'AlterTableCmd':
      switch (n.subtype) {
        case 'AT_SetExpression':
          return ['ALTER COLUMN ... SET EXPRESSION', 17];
        case 'AT_DropExpression':
          return ['ALTER COLUMN ... DROP EXPRESSION', 13];
        case 'AT_SetAccessMethod':
          return ['SET ACCESS METHOD', 15];
        case 'AT_DetachPartition': {
          const cmd = n.def as Node | undefined;
          const pc = cmd?.PartitionCmd as Node | undefined;
          if (pc?.concurrent === true) return ['DETACH PARTITION CONCURRENTLY', 14];
          return undefined;
        }
        case 'AT_AlterConstraint': {
          const def = (n.def as Node | undefined)?.ATAlterConstraint as Node | undefined;
          if (def && (def.alterEnforceability === true || def.alterInheritability === true))
            return ['ALTER CONSTRAINT ... [NOT] ENFORCED / [NO] INHERIT', 18];
          return undefined;
        }
        default:
          return undefined;
      }
    case 'ColumnDef':
      if (typeof n.compression === 'string' && n.compression) return ['column COMPRESSION', 14];
      return undefined;
    case 'ReturningOption':
      return ['RETURNING OLD/NEW', 18];
    case 'DefElem':
      if (n.defname === 'security_invoker') return ['security_invoker view option', 15];
      if (n.defname === 'on_error' || n.defname === 'log_verbosity') return ['COPY ON_ERROR', 17];
      return undefined;
    case 'FuncCall': {
      const names = (n.funcname as Node[] | undefined)?.map((x) => (x.String as Node | undefined)?.sval);
      const fname = names?.at(-1);
      if (typeof fname !== 'string') return undefined;
      if (names && names.length > 1 && names[0] !== 'pg_catalog') return undefined;
      const major = FUNCTIONS[fname];
      if (major === undefined) return undefined;
      if (fname === 'gen_random_uuid' && hasPgcrypto) return undefined;
      return [`${fname}()`, major];
    }
    case 'GrantRoleStmt': {
      const opts = (n.opt as Node[] | undefined) ?? [];
      for (const o of opts) {
        const d = o.DefElem as Node | undefined;
        if (d && (d.defname === 'inherit' || d.defname === 'set')) return ['GRANT ... WITH INHERIT/SET', 16];
      }
      return undefined;
    }
    case 'TypeName': {
      const names = (n.names as Node[] | undefined)?.map((x) => (x.String as Node | undefined)?.sval);
      const t = names?.at(-1);
      if (typeof t === 'string' && /^(int4|int8|num|ts|tstz|date)multirange$/.test(t))
        return ['multirange type', 14];
      return undefined;
    }
    default:
      return undefined;
  }
}

function walk(node: unknown, visit: (type: string, n: Node) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Node)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (/^[A-Z]/.test(k)) visit(k, v as Node);
      else if (k === 'typeName') visit('TypeName', v as Node);
    }
    walk(v, visit);
  }
}

/** Everything in the file whose syntax needs a major newer than `target`, one entry per statement and feature. */
export function newerSyntax(
  file: MigrationFile,
  target: number,
  options: { hasPgcrypto?: boolean } = {},
): SyntaxRequirement[] {
  const out: SyntaxRequirement[] = [];
  for (const s of file.statements) {
    const seen = new Set<string>();
    walk({ root: s.ast }, (type, n) => {
      const hit = checkNode(type, n, options.hasPgcrypto ?? false);
      if (!hit || hit[1] <= target || seen.has(hit[0])) return;
      seen.add(hit[0]);
      out.push({ feature: hit[0], major: hit[1], at: s.at });
    });
  }
  return out;
}
