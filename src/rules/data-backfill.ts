import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, flat, isNew, isSystemCatalog, rangeVarName, statementsOf } from './support/migration-sql.js';

export const dataBackfill = createRule(
  {
    id: 'data-backfill',
    kind: 'data',
    severity: 'warning',
    description: 'An up migration changes rows: UPDATE, DELETE, INSERT … SELECT or MERGE.',
    rationale:
      'The previous app version usually runs fine on the changed rows, but the old values are gone: no down migration can restore them unless they were kept.',
    mitigation: 'Snapshot the rows first, run in batches, and let the down restore from the snapshot.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'MergeStmt')) {
      const table = rangeVarName(ref.node.relation);
      if (isNew(ref, table) || isSystemCatalog(ref.node.relation)) continue; // catalogs: catalog-manipulation
      const snap = `${flat(table, 'before', ref.migration.version)}`;
      const where = ref.node.whereClause ? 'WHERE <the same condition>' : '';
      if (ref.type === 'InsertStmt') {
        const sel = ref.node.selectStmt?.SelectStmt;
        if (!sel || sel.valuesLists || !sel.fromClause) continue; // INSERT … VALUES: seed rows, not a backfill
        out.push(
          report({
            ...base(ref, table),
            message: `INSERT INTO ${table} … SELECT copies rows into an existing table; a revert must tell them apart from rows the app writes.`,
            appRollbackSafe: true,
            revertLossless: null,
            mitigation: `Mark the copied rows (a batch id column or a list of keys saved in ${snap}) so the down can DELETE exactly them; run the copy in batches of a few thousand rows.`,
          }),
        );
        continue;
      }
      const verb =
        ref.type === 'UpdateStmt' ? 'UPDATE' : ref.type === 'DeleteStmt' ? 'DELETE FROM' : 'MERGE INTO';
      const scope = ref.node.whereClause || ref.type === 'MergeStmt' ? 'matching rows' : 'every row';
      out.push(
        report({
          ...base(ref, table),
          message: `${verb} ${table} changes ${scope}; the old values are gone, so no down migration can restore them.`,
          appRollbackSafe: true,
          revertLossless: false,
          mitigation:
            `Keep the old values: CREATE TABLE ${snap} AS SELECT * FROM ${table} ${where}`.trimEnd() +
            `; run the ${verb.split(' ')[0]} in batches (a few thousand rows per transaction); the down restores from ${snap}; drop ${snap} after the rollback window.`,
        }),
      );
    }
    return out;
  },
);

export default dataBackfill;
