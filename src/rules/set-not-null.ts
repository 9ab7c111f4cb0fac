import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, flat, ident, preexistingColumnChanges } from './support/migration-sql.js';

export const setNotNull = createRule(
  {
    id: 'set-not-null',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration sets a column NOT NULL.',
    rationale:
      'The previous app version may still write NULL there; after a rollback those writes fail. SET NOT NULL also scans the table under an ACCESS EXCLUSIVE lock. Reverting (DROP NOT NULL) is lossless.',
    mitigation: 'Add a NOT VALID check, VALIDATE it separately, then SET NOT NULL.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const { ref, table, cmd, col } of preexistingColumnChanges(service, 'AT_SetNotNull')) {
      out.push(
        report({
          ...base(ref, col),
          message: `SET NOT NULL on ${col}: writes of NULL from the previous app version fail after a rollback, and the check scans ${table} under an exclusive lock.`,
          appRollbackSafe: null,
          revertLossless: true,
          mitigation: `Confirm the previous app version never writes NULL to ${col}; then ALTER TABLE ${table} ADD CONSTRAINT ${flat(cmd.name, 'not_null')} CHECK (${ident(cmd.name)} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT ${flat(cmd.name, 'not_null')} in a later migration, and only then SET NOT NULL (Postgres 12+ skips the scan).`,
        }),
      );
    }
    return out;
  },
);

export default setNotNull;
