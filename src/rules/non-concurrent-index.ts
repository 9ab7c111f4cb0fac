import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { base, isNew, noTransactionHint, rangeVarName, statementsOf } from './support/migration-sql.js';

export const nonConcurrentIndex = createRule(
  {
    id: 'non-concurrent-index',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration builds an index on an existing table without CONCURRENTLY.',
    rationale:
      'CREATE INDEX blocks every write to the table until the build ends; on a large table the deploy (and any rollback waiting behind it) stalls. The index itself is harmless to the previous app version and can be dropped without loss.',
    mitigation: 'CREATE INDEX CONCURRENTLY, alone and outside a transaction.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'IndexStmt')) {
      if (ref.node.concurrent) continue;
      const table = rangeVarName(ref.node.relation);
      if (isNew(ref, table)) continue;
      const cols = (ref.node.indexParams ?? []).map((p: PgNode) => p?.IndexElem?.name ?? 'expr');
      const name = ref.node.idxname ?? `${table}(${cols.join(', ')})`;
      const unique = ref.node.unique ? 'UNIQUE ' : '';
      out.push(
        report({
          ...base(ref, name),
          message: `CREATE ${unique}INDEX ${name} on ${table} without CONCURRENTLY blocks writes to ${table} for the whole build.`,
          appRollbackSafe: true,
          revertLossless: true,
          mitigation: `Use CREATE ${unique}INDEX CONCURRENTLY ${ref.node.idxname ?? ''}${ref.node.idxname ? ' ' : ''}ON ${table} (${cols.join(', ')}) and ${noTransactionHint(ref.set.tool)}; if it fails, DROP INDEX CONCURRENTLY the invalid index and retry.`,
        }),
      );
    }
    return out;
  },
);

export default nonConcurrentIndex;
