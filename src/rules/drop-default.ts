import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, ident, preexistingColumnChanges } from './support/migration-sql.js';

export const dropDefault = createRule(
  {
    id: 'drop-default',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration drops a column default.',
    rationale:
      'The previous app version may rely on the default: its INSERTs that omit the column now store NULL (or fail on a NOT NULL column). Rows written without the default keep their NULLs after a revert.',
    mitigation: 'Keep the default until no deployed or rollback-target version relies on it.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const { ref, table, cmd, col } of preexistingColumnChanges(service, 'AT_ColumnDefault')) {
      if (cmd.def) continue;
      out.push(
        report({
          ...base(ref, col),
          message: `DROP DEFAULT on ${col}: INSERTs from the previous app version that omit ${ident(cmd.name)} store NULL (or fail if it is NOT NULL), and restoring the default does not fix those rows.`,
          appRollbackSafe: null,
          revertLossless: false,
          mitigation: `Keep the default on ${col} until the rollback window of every version that omits ${ident(cmd.name)} has passed; if the down restores it, backfill first: UPDATE ${table} SET ${ident(cmd.name)} = <old default> WHERE ${ident(cmd.name)} IS NULL.`,
        }),
      );
    }
    return out;
  },
);

export default dropDefault;
