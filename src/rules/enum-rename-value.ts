import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, listName, statementsOf } from './support/migration-sql.js';

export const enumRenameValue = createRule(
  {
    id: 'enum-rename-value',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration renames an enum value.',
    rationale:
      'The previous app version still writes and compares the old label: after an app rollback its writes fail and its filters match nothing. Renaming back is lossless but breaks the new code.',
    mitigation: 'Add the new value, migrate rows, switch the app, and retire the old value later.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'AlterEnumStmt')) {
      if (!ref.node.oldVal) continue;
      const type = listName(ref.node.typeName);
      out.push(
        report({
          ...base(ref, `${type}.${ref.node.oldVal}`),
          message: `ALTER TYPE ${type} RENAME VALUE '${ref.node.oldVal}' TO '${ref.node.newVal}': the previous app version still writes '${ref.node.oldVal}', which no longer exists.`,
          appRollbackSafe: false,
          revertLossless: true,
          mitigation: `Expand/contract: ADD VALUE '${ref.node.newVal}' to ${type}, release an app version that reads both and writes '${ref.node.newVal}', UPDATE rows from '${ref.node.oldVal}' to '${ref.node.newVal}' in batches, and stop accepting '${ref.node.oldVal}' only after the rollback window.`,
        }),
      );
    }
    return out;
  },
);

export default enumRenameValue;
