import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { base, isSystemCatalog, rangeVarName, statementsOf } from './support/migration-sql.js';

const VERB: Record<string, string> = {
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE FROM',
  InsertStmt: 'INSERT INTO',
  MergeStmt: 'MERGE INTO',
};

/** `indisready = false, indisvalid = false` from an UPDATE's SET list (constants shown, expressions as …). */
function assignments(node: PgNode): string {
  return (node.targetList ?? [])
    .map((t: PgNode) => {
      const rt = t?.ResTarget;
      const v = rt?.val?.A_Const;
      const value =
        v === undefined
          ? '…'
          : 'boolval' in v
            ? String(v.boolval?.boolval === true)
            : (v.ival?.ival ?? v.sval?.sval ?? v.fval?.fval ?? '…');
      return `${rt?.name ?? '?'} = ${value}`;
    })
    .join(', ');
}

export const catalogManipulation = createRule(
  {
    id: 'catalog-manipulation',
    kind: 'schema',
    severity: 'info',
    description: 'A migration writes to the system catalogs (UPDATE pg_index, DELETE FROM pg_enum, …).',
    rationale:
      'Writing to pg_catalog bypasses every check Postgres makes: it is not a data backfill, a down migration rarely puts the catalog back as it was, and a mistake can leave the schema inconsistent in ways a rollback cannot see.',
    mitigation:
      'Prefer the supported DDL (ALTER INDEX, DROP INDEX CONCURRENTLY, ALTER TYPE); if the catalog write is needed, make the down undo it explicitly.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const direction of ['up', 'down'] as const)
      for (const ref of statementsOf(
        service,
        direction,
        'UpdateStmt',
        'DeleteStmt',
        'InsertStmt',
        'MergeStmt',
      )) {
        if (!isSystemCatalog(ref.node.relation)) continue;
        const catalog = rangeVarName(ref.node.relation);
        const verb = VERB[ref.type] ?? ref.type;
        const what =
          ref.type === 'UpdateStmt'
            ? `sets ${assignments(ref.node)}${ref.node.whereClause ? ' on matching rows' : ' on every row'}`
            : ref.type === 'DeleteStmt'
              ? 'deletes catalog rows'
              : 'adds catalog rows';
        out.push(
          report({
            ...base(ref, catalog),
            message: `${verb} ${catalog} writes to the system catalog directly (${direction}: ${what}); it is not a data change, and Postgres checks none of it.`,
            appRollbackSafe: null,
            revertLossless: null,
            mitigation: `Use the supported DDL instead where one exists (ALTER INDEX, REINDEX, DROP INDEX CONCURRENTLY, ALTER TYPE); otherwise keep the catalog write and its exact inverse in the ${direction === 'up' ? 'down' : 'up'} migration together, and check the result with a query on ${catalog} after it runs.`,
          }),
        );
      }
    return out;
  },
);

export default catalogManipulation;
