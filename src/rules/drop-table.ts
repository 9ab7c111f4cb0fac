import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, flat, isNew, listName, statementsOf } from './support/migration-sql.js';

export const dropTable = createRule(
  {
    id: 'drop-table',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration drops a table.',
    rationale:
      'The previous app version still queries the table: an app-only rollback fails, and the rows are gone, so no down migration can restore them.',
    mitigation:
      'Contract later: stop using the table in the app, release, wait out the rollback window, then drop it in a later migration.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'DropStmt')) {
      if (ref.node.removeType !== 'OBJECT_TABLE') continue;
      for (const obj of ref.node.objects ?? []) {
        const table = listName(obj?.List?.items);
        if (isNew(ref, table)) continue;
        out.push(
          report({
            ...base(ref, table),
            message: `DROP TABLE ${table}: the previous app version still queries it, and its rows are gone for good.`,
            appRollbackSafe: false,
            revertLossless: false,
            mitigation: `Contract later: remove every use of ${table} from the app, release, wait out the rollback window, then drop it in a later migration. Until then a revert needs a backup: take one (pg_dump -t ${table}) and verify it before this migration runs, or rename it to ${flat(table, 'retired')} instead of dropping.`,
          }),
        );
      }
    }
    return out;
  },
);

export default dropTable;
