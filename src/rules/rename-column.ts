import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { renamedBackLater, renamedHereEarlier } from './support/account.js';
import { base, ident, isNew, rangeVarName, statementsOf } from './support/migration-sql.js';

export const renameColumn = createRule(
  {
    id: 'rename-column',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration renames a column (with or without the COLUMN keyword).',
    rationale:
      'The previous app version still uses the old name: an app-only rollback fails on every query that names it. Renaming back is lossless, but then the new code breaks.',
    mitigation:
      'Expand/contract: add the new column, dual-write, backfill, switch reads, and drop the old column after the rollback window.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'RenameStmt')) {
      if (ref.node.renameType !== 'OBJECT_COLUMN') continue;
      const table = rangeVarName(ref.node.relation);
      const [a, b] = [ident(ref.node.subname), ident(ref.node.newname)];
      if (isNew(ref, table, a)) continue;
      // renamed, then renamed back in the same file (or the way back of such a pair): no change
      if (
        renamedBackLater(ref.file, ref.stmt, table, a, b) ||
        renamedHereEarlier(ref.file, ref.stmt, table, a, b)
      )
        continue;
      const from = `${table}.${ident(ref.node.subname)}`;
      const to = `${table}.${ref.node.newname}`;
      out.push(
        report({
          ...base(ref, from),
          message: `RENAME COLUMN ${from} TO ${ref.node.newname}: the previous app version still queries ${from}.`,
          appRollbackSafe: false,
          revertLossless: true,
          mitigation: `Expand/contract instead: add ${to}, make the app write both ${from} and ${to} (or sync them with a trigger), backfill ${to} from ${from}, switch reads to ${to} and release; drop ${from} in a later migration, after the rollback window.`,
        }),
      );
    }
    return out;
  },
);

export default renameColumn;
