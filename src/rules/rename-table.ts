import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, isNew, rangeVarName, statementsOf } from './support/migration-sql.js';

export const renameTable = createRule(
  {
    id: 'rename-table',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration renames a table.',
    rationale:
      'The previous app version still queries the old name: an app-only rollback fails. Renaming back is lossless, but then the new code breaks.',
    mitigation: 'Keep the old name working with a view until the rollback window has passed.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'RenameStmt')) {
      if (ref.node.renameType !== 'OBJECT_TABLE') continue;
      const table = rangeVarName(ref.node.relation);
      if (isNew(ref, table)) continue;
      const schema =
        ref.node.relation?.schemaname && ref.node.relation.schemaname !== 'public'
          ? `${ref.node.relation.schemaname}.`
          : '';
      const to = `${schema}${ref.node.newname}`;
      out.push(
        report({
          ...base(ref, table),
          message: `RENAME TABLE ${table} TO ${ref.node.newname}: the previous app version still queries ${table}.`,
          appRollbackSafe: false,
          revertLossless: true,
          mitigation: `Keep ${table} working for the previous app version: in the same migration run CREATE VIEW ${table} AS SELECT * FROM ${to} (a simple view accepts INSERT, UPDATE and DELETE), and drop the view in a later migration after the rollback window.`,
        }),
      );
    }
    return out;
  },
);

export default renameTable;
