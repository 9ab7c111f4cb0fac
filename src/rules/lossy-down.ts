import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { createdByFile } from './support/account.js';
import {
  alterCommands,
  base,
  flat,
  ident,
  isNew,
  isSystemCatalog,
  listName,
  rangeVarName,
  type StatementRef,
  statementsOf,
} from './support/migration-sql.js';

function insertedBy(ref: StatementRef): Set<string> {
  const s = new Set<string>();
  for (const st of ref.migration.up?.statements ?? []) {
    const ins = (st.ast as { InsertStmt?: { relation?: unknown } } | undefined)?.InsertStmt;
    if (ins) s.add(rangeVarName(ins.relation));
  }
  return s;
}

export const lossyDown = createRule(
  {
    id: 'lossy-down',
    kind: 'data',
    severity: 'error',
    description:
      'A down migration destroys data: it drops or empties something the up did not create, or something the up added and the app has written to since.',
    rationale:
      'Running the down during a rollback deletes data: either data that existed before the migration, or everything written to the new column or table since the deploy.',
    mitigation: 'Make the down undo only what the up did, and keep (or copy) data written since the deploy.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    const refs = statementsOf(service, 'down', 'AlterTableStmt', 'DropStmt', 'TruncateStmt', 'DeleteStmt');
    for (const ref of refs) {
      // what the up created (and still exists at its end): dropping it loses only what was written since
      const byUp = createdByFile(ref.migration.up);
      const createdTables = byUp.tables;
      const targets: { subject: string; what: 'column' | 'table' | 'rows'; added: boolean; verb: string }[] =
        [];
      if (ref.type === 'AlterTableStmt') {
        for (const { table, cmd } of alterCommands(ref)) {
          if (cmd.subtype !== 'AT_DropColumn' || isNew(ref, table, ident(cmd.name))) continue;
          const col = `${table}.${ident(cmd.name)}`;
          targets.push({
            subject: col,
            what: 'column',
            added: byUp.columns.has(col) || createdTables.has(table),
            verb: 'DROP COLUMN',
          });
        }
      } else if (ref.type === 'DropStmt') {
        if (ref.node.removeType !== 'OBJECT_TABLE') continue;
        for (const obj of ref.node.objects ?? []) {
          const t = listName(obj?.List?.items);
          if (isNew(ref, t)) continue; // created earlier in this down
          targets.push({ subject: t, what: 'table', added: createdTables.has(t), verb: 'DROP TABLE' });
        }
      } else if (ref.type === 'TruncateStmt') {
        for (const r of ref.node.relations ?? []) {
          const t = rangeVarName(r?.RangeVar);
          targets.push({ subject: t, what: 'rows', added: createdTables.has(t), verb: 'TRUNCATE' });
        }
      } else {
        const t = rangeVarName(ref.node.relation);
        if (isSystemCatalog(ref.node.relation)) continue; // catalog-manipulation
        if (insertedBy(ref).has(t) || createdTables.has(t)) continue; // removes the rows its up inserted
        targets.push({ subject: t, what: 'rows', added: false, verb: 'DELETE FROM' });
      }
      for (const t of targets) {
        const copy = flat(t.subject, 'before_revert');
        out.push(
          report({
            ...base(ref, t.subject),
            severity: t.added ? 'warning' : 'error',
            message: t.added
              ? `The down runs ${t.verb} ${t.subject}, which the up added: everything written to it since the deploy is lost on revert.`
              : `The down runs ${t.verb} ${t.subject}, which the up did not create: data that existed before the migration is destroyed on revert.`,
            appRollbackSafe: null,
            revertLossless: false,
            mitigation: t.added
              ? `During an incident prefer an app-only rollback and leave ${t.subject} in place (the previous version ignores it); if the down must run, copy it first (CREATE TABLE ${copy} AS ${t.what === 'column' ? `SELECT <primary key>, ${t.subject.split('.').pop()} FROM ${t.subject.split('.').slice(0, -1).join('.')}` : `TABLE ${t.subject}`}) and keep the copy until the incident is closed.`
              : `Fix the down so it only undoes what the up did; ${t.verb} ${t.subject} belongs in a reviewed contract migration with a verified backup, not in a revert.`,
          }),
        );
      }
    }
    return out;
  },
);

export default lossyDown;
