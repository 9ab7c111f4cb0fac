import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { base, listName, noTransactionHint, statementsOf } from './support/migration-sql.js';

export const dropIndex = createRule(
  {
    id: 'drop-index',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration drops an index.',
    rationale:
      'Without CONCURRENTLY the drop blocks reads and writes of the table; the previous app version may depend on the index for its query plans, and a revert must rebuild it, which takes time on a large table.',
    mitigation: 'DROP INDEX CONCURRENTLY, after confirming no deployed or rollback-target version needs it.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'DropStmt')) {
      if (ref.node.removeType !== 'OBJECT_INDEX') continue;
      // built earlier in this file: dropping it again is harmless (a drop before a re-create is not)
      const stmts = ref.file.statements;
      const createdHere = new Set(
        stmts
          .slice(0, stmts.indexOf(ref.stmt))
          .map((s) => (s.ast as { IndexStmt?: PgNode } | undefined)?.IndexStmt?.idxname)
          .filter(Boolean),
      );
      for (const obj of ref.node.objects ?? []) {
        const name = listName(obj?.List?.items);
        if (createdHere.has(name.split('.').pop())) continue;
        const concurrent = !!ref.node.concurrent;
        out.push(
          report({
            ...base(ref, name),
            severity: concurrent ? 'info' : 'warning',
            message: concurrent
              ? `DROP INDEX CONCURRENTLY ${name}: the previous app version may rely on it for its query plans, and a revert must rebuild it.`
              : `DROP INDEX ${name} without CONCURRENTLY locks its table against reads and writes, and a revert must rebuild the index.`,
            appRollbackSafe: true,
            revertLossless: true,
            mitigation: `${concurrent ? '' : `Use DROP INDEX CONCURRENTLY ${name} and ${noTransactionHint(ref.set.tool)}. `}Check with pg_stat_user_indexes (idx_scan) that no version in the rollback window uses ${name}; give the down migration CREATE INDEX CONCURRENTLY with the original definition.`,
          }),
        );
      }
    }
    return out;
  },
);

export default dropIndex;
