import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import {
  alterCommands,
  base,
  excerpt,
  flat,
  isNew,
  noTransactionHint,
  rangeVarName,
  statementsOf,
} from './support/migration-sql.js';

const KINDS: Record<string, string> = {
  CONSTR_CHECK: 'CHECK',
  CONSTR_FOREIGN: 'FOREIGN KEY',
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

const names = (l: PgNode[] | undefined): string[] => (l ?? []).map((s: PgNode) => s?.String?.sval ?? '?');

export const addConstraint = createRule(
  {
    id: 'add-constraint',
    kind: 'schema',
    severity: 'warning',
    description:
      'An up migration adds a CHECK, FOREIGN KEY, UNIQUE or PRIMARY KEY constraint that is validated at once, or a unique index (partial or not) to an existing table.',
    rationale:
      'Writes from the previous app version that violate the new constraint fail after a rollback, and validation scans the table under a lock that blocks writes. Dropping the constraint is lossless.',
    mitigation:
      'NOT VALID then VALIDATE CONSTRAINT; UNIQUE through CREATE UNIQUE INDEX CONCURRENTLY and USING INDEX.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'AlterTableStmt')) {
      for (const { table, cmd } of alterCommands(ref)) {
        if (cmd.subtype !== 'AT_AddConstraint' || isNew(ref, table)) continue;
        const c = cmd.def?.Constraint;
        const kind = KINDS[c?.contype];
        if (!kind) continue;
        if ((c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') && c.skip_validation) continue;
        if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && c.indexname) continue;
        const cols = names(c.contype === 'CONSTR_FOREIGN' ? c.fk_attrs : c.keys);
        const name =
          c.conname ??
          flat(
            table,
            ...cols,
            c.contype === 'CONSTR_CHECK' ? 'check' : c.contype === 'CONSTR_FOREIGN' ? 'fkey' : 'key',
          );
        const subject = `${table}.${name}`;
        let mitigation: string;
        if (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_FOREIGN') {
          mitigation = `Add it as ALTER TABLE ${table} ADD CONSTRAINT ${name} ${kind} ... NOT VALID, then ALTER TABLE ${table} VALIDATE CONSTRAINT ${name} in a later migration; before that, confirm the previous app version never writes rows that violate it.`;
        } else if (c.contype === 'CONSTR_EXCLUSION') {
          mitigation = `Check that existing rows and the previous app version's writes satisfy ${name} before adding it; add it in its own migration at a quiet time, with a lock_timeout.`;
        } else {
          const idx = flat(table, ...cols, c.contype === 'CONSTR_PRIMARY' ? 'pkey' : 'key');
          mitigation = `Build the index first without blocking writes: CREATE UNIQUE INDEX CONCURRENTLY ${idx} ON ${table} (${cols.join(', ')}); then ALTER TABLE ${table} ADD CONSTRAINT ${name} ${kind} USING INDEX ${idx}; confirm the previous app version never writes duplicates.`;
        }
        out.push(
          report({
            ...base(ref, subject),
            message: `ADD CONSTRAINT ${name} ${kind}${cols.length ? ` (${cols.join(', ')})` : ''} on ${table} is validated at once: it locks ${table} while scanning, and the previous app version's writes that violate it fail after a rollback.`,
            appRollbackSafe: null,
            revertLossless: true,
            mitigation,
          }),
        );
      }
    }
    // a unique index is a unique constraint for the writes it rejects (a partial one for the rows it covers)
    for (const ref of statementsOf(service, 'up', 'IndexStmt')) {
      if (!ref.node.unique) continue;
      const table = rangeVarName(ref.node.relation);
      if (isNew(ref, table)) continue;
      const cols: string[] = (ref.node.indexParams ?? []).map((p: PgNode) => p?.IndexElem?.name ?? 'expr');
      const name: string = ref.node.idxname ?? flat(table, ...cols, 'idx');
      const where = ref.node.whereClause ? ` WHERE ${wherePart(ref.stmt.text)}` : '';
      const concurrent = !!ref.node.concurrent;
      out.push(
        report({
          ...base(ref, `${table}.${name}`),
          severity: concurrent ? 'info' : 'warning',
          message: `CREATE UNIQUE INDEX ${name} on ${table} (${cols.join(', ')})${where} makes duplicates an error: the previous app version's writes that repeat ${cols.length === 1 ? 'a value' : 'a combination'}${where ? ' in the rows it covers' : ''} fail after a rollback.`,
          appRollbackSafe: null,
          revertLossless: true,
          mitigation: `Confirm the previous app version never writes duplicates of (${cols.join(', ')})${where ? ` where${where.slice(6)}` : ''} on ${table} (an upsert or a lookup before insert), or keep the index out of the release until the rollback window of every version that can write duplicates has passed.${concurrent ? '' : ` Build it with CREATE UNIQUE INDEX CONCURRENTLY and ${noTransactionHint(ref.set.tool)}.`}`,
        }),
      );
    }
    return out;
  },
);

/** The WHERE clause of a CREATE INDEX, as written (one line, shortened). */
function wherePart(text: string): string {
  const i = text.search(/\bwhere\b/i);
  return i < 0 ? '…' : excerpt(text.slice(i + 5), 60);
}

export default addConstraint;
