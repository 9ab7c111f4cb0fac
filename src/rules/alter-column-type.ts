import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import {
  base,
  columnTypeBefore,
  flat,
  ident,
  isWidening,
  preexistingColumnChanges,
  typeName,
} from './support/migration-sql.js';

/** No USING, or USING that only reads (or casts) the column itself: the values stay as they are. */
function keepsValues(using: PgNode, column: string): boolean {
  let e = using;
  while (e?.TypeCast) e = e.TypeCast.arg;
  if (!using) return true;
  const fields = e?.ColumnRef?.fields ?? [];
  return fields.length > 0 && fields[fields.length - 1]?.String?.sval === column;
}

export const alterColumnType = createRule(
  {
    id: 'alter-column-type',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration changes the type of a column.',
    rationale:
      'Whether the previous app version can read the new type depends on the direction of the change, and converting back is lossy once values exist that the old type cannot hold. Most type changes also rewrite the table under an ACCESS EXCLUSIVE lock.',
    mitigation: 'New column of the new type, kept in sync by a trigger, backfilled, then switched to.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const { ref, table, cmd, col } of preexistingColumnChanges(service, 'AT_AlterColumnType')) {
      {
        const to = typeName(cmd.def?.ColumnDef?.typeName);
        const from = columnTypeBefore(ref, table, ident(cmd.name));
        // already that type (known from the earlier migrations and statements): nothing changes
        if (from === to && keepsValues(cmd.def?.ColumnDef?.raw_default, cmd.name)) continue;
        const widening = from !== undefined && isWidening(from, to);
        const change = from ? `from ${from} to ${to}` : `to ${to}`;
        const tmp = flat(cmd.name, to);
        out.push(
          report({
            ...base(ref, col),
            message: widening
              ? `ALTER COLUMN ${col} TYPE ${change} widens the column: the previous app version can still read it, but converting back fails or truncates once wider values exist.`
              : `ALTER COLUMN ${col} TYPE ${change}: the previous app version may not read or write the new type, and converting back loses values the old type cannot hold.`,
            appRollbackSafe: widening ? true : null,
            revertLossless: false,
            mitigation: `Expand/contract: add ${table}.${tmp} ${to}, keep it in sync from ${col} with a trigger, backfill it in batches, switch the app to ${table}.${tmp} and release; drop ${col} after the rollback window.`,
          }),
        );
      }
    }
    return out;
  },
);

export default alterColumnType;
