import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, flat, isNew, rangeVarName, statementsOf } from './support/migration-sql.js';

export const truncate = createRule(
  {
    id: 'truncate',
    kind: 'data',
    severity: 'error',
    description: 'An up migration truncates a table.',
    rationale:
      'TRUNCATE deletes every row: the previous app version finds its data gone, and no down migration can bring the rows back.',
    mitigation: 'Copy the rows to a snapshot table first, or delete in batches with a restore path.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'TruncateStmt')) {
      for (const rel of ref.node.relations ?? []) {
        const table = rangeVarName(rel?.RangeVar);
        if (isNew(ref, table)) continue;
        out.push(
          report({
            ...base(ref, table),
            message: `TRUNCATE ${table} deletes every row; neither an app rollback nor a down migration brings them back.`,
            appRollbackSafe: false,
            revertLossless: false,
            mitigation: `Snapshot first: CREATE TABLE ${flat(table, 'before', ref.migration.version)} AS TABLE ${table}; give the down migration an INSERT INTO ${table} SELECT * FROM that snapshot, and drop the snapshot after the rollback window.`,
          }),
        );
      }
    }
    return out;
  },
);

export default truncate;
