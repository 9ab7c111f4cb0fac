import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, flat, ident, preexistingColumnChanges } from './support/migration-sql.js';

export const dropColumn = createRule(
  {
    id: 'drop-column',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration drops a column.',
    rationale:
      'The previous app version still reads and writes the column: an app-only rollback fails on every query that names it, and the values are gone, so no down migration can restore them.',
    mitigation:
      'Contract later: stop using the column in the app, release, wait out the rollback window, then drop it in a later migration.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const { ref, table, cmd, col } of preexistingColumnChanges(service, 'AT_DropColumn')) {
      out.push(
        report({
          ...base(ref, col),
          message: `DROP COLUMN ${col}: the previous app version still uses it, and its values are gone for good.`,
          appRollbackSafe: false,
          revertLossless: false,
          mitigation: `Contract later: stop reading and writing ${col} in the app, release, wait out the rollback window, then drop it in a later migration. If a revert must bring the values back, copy them first (CREATE TABLE ${flat(table, cmd.name, 'archive')} AS SELECT <primary key>, ${ident(cmd.name)} FROM ${table}).`,
        }),
      );
    }
    return out;
  },
);

export default dropColumn;
