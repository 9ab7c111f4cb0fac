import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, ident, preexistingColumnChanges } from './support/migration-sql.js';

export const dropNotNull = createRule(
  {
    id: 'drop-not-null',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration drops NOT NULL from a column.',
    rationale:
      'The new version may write NULLs that the previous app version does not expect; re-adding NOT NULL on revert fails once such rows exist.',
    mitigation:
      'Plan the backfill that makes the revert possible, and make the previous version tolerate NULL.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const { ref, table, cmd, col } of preexistingColumnChanges(service, 'AT_DropNotNull')) {
      out.push(
        report({
          ...base(ref, col),
          message: `DROP NOT NULL on ${col}: the previous app version may not handle the NULLs the new one writes, and SET NOT NULL on revert fails once they exist.`,
          appRollbackSafe: null,
          revertLossless: false,
          mitigation: `Before rolling back, count them (SELECT count(*) FROM ${table} WHERE ${ident(cmd.name)} IS NULL) and backfill (UPDATE ${table} SET ${ident(cmd.name)} = <value> WHERE ${ident(cmd.name)} IS NULL) in the down migration before SET NOT NULL; make sure the previous app version reads a NULL ${col} without failing.`,
        }),
      );
    }
    return out;
  },
);

export default dropNotNull;
