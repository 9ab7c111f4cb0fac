import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { alterCommands, base, ident, isNew, statementsOf, typeName } from './support/migration-sql.js';

const SERIAL = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

export const addRequiredColumn = createRule(
  {
    id: 'add-required-column',
    kind: 'schema',
    severity: 'error',
    description: 'An up migration adds a NOT NULL column without a default.',
    rationale:
      'The previous app version does not know the column, so its INSERTs omit it and fail with a NOT NULL violation. Dropping the column to revert loses what the new version wrote.',
    mitigation: 'Add the column nullable or with a database DEFAULT; tighten it in a later migration.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'AlterTableStmt')) {
      for (const { table, cmd } of alterCommands(ref)) {
        if (cmd.subtype !== 'AT_AddColumn' || isNew(ref, table)) continue;
        const def = cmd.def?.ColumnDef;
        if (!def) continue;
        const kinds = new Set((def.constraints ?? []).map((c: PgNode) => c?.Constraint?.contype));
        const required = kinds.has('CONSTR_NOTNULL') || kinds.has('CONSTR_PRIMARY');
        const filled =
          kinds.has('CONSTR_DEFAULT') ||
          kinds.has('CONSTR_IDENTITY') ||
          kinds.has('CONSTR_GENERATED') ||
          SERIAL.has(typeName(def.typeName));
        if (!required || filled) continue;
        const col = `${table}.${ident(def.colname)}`;
        out.push(
          report({
            ...base(ref, col),
            message: `ADD COLUMN ${col} ${typeName(def.typeName)} NOT NULL without a default: INSERTs from the previous app version omit it and fail.`,
            appRollbackSafe: false,
            revertLossless: false,
            mitigation: `Add ${col} nullable (or with a database DEFAULT), ship the app version that writes it, backfill existing rows, then in a later migration add CHECK (${ident(def.colname)} IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL.`,
          }),
        );
      }
    }
    return out;
  },
);

export default addRequiredColumn;
