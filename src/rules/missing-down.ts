import type { Finding } from '../model/finding.js';
import type { Migration, MigrationTool } from '../model/service.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { downFileName, ident, listName, rangeVarName } from './support/migration-sql.js';

/** Tools whose migrations are expected to carry a down/undo/revert. */
export const TOOLS_WITH_DOWNS: ReadonlySet<MigrationTool> = new Set([
  'golang-migrate',
  'dbmate',
  'goose',
  'diesel',
  'flyway',
  'sqitch',
  'liquibase',
]);

/** What a down for this up would have to do, newest change first. */
export function suggestedDown(m: Migration): string[] {
  const steps: string[] = [];
  for (const st of m.up?.statements ?? []) {
    if (st.embedded) continue;
    const ast = st.ast as Record<string, PgNode> | undefined;
    if (!ast) continue;
    if (ast.CreateStmt) steps.push(`DROP TABLE ${rangeVarName(ast.CreateStmt.relation)}`);
    else if (ast.IndexStmt?.idxname) steps.push(`DROP INDEX CONCURRENTLY ${ast.IndexStmt.idxname}`);
    else if (ast.CreateEnumStmt) steps.push(`DROP TYPE ${listName(ast.CreateEnumStmt.typeName)}`);
    else if (ast.ViewStmt && !ast.ViewStmt.replace)
      steps.push(`DROP VIEW ${rangeVarName(ast.ViewStmt.view)}`);
    else if (ast.CreateFunctionStmt && !ast.CreateFunctionStmt.replace)
      steps.push(`DROP FUNCTION ${listName(ast.CreateFunctionStmt.funcname)}`);
    else if (ast.AlterTableStmt) {
      const t = rangeVarName(ast.AlterTableStmt.relation);
      for (const c of ast.AlterTableStmt.cmds ?? []) {
        const cmd = c?.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddColumn')
          steps.push(`ALTER TABLE ${t} DROP COLUMN ${ident(cmd.def?.ColumnDef?.colname ?? '?')}`);
        else if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.conname)
          steps.push(`ALTER TABLE ${t} DROP CONSTRAINT ${cmd.def.Constraint.conname}`);
        else if (cmd?.subtype === 'AT_SetNotNull')
          steps.push(`ALTER TABLE ${t} ALTER COLUMN ${ident(cmd.name)} DROP NOT NULL`);
      }
    } else if (ast.RenameStmt?.renameType === 'OBJECT_TABLE') {
      const schema = ast.RenameStmt.relation?.schemaname;
      const renamed =
        schema && schema !== 'public'
          ? `${ident(schema)}.${ident(ast.RenameStmt.newname)}`
          : ident(ast.RenameStmt.newname);
      steps.push(`ALTER TABLE ${renamed} RENAME TO ${ident(ast.RenameStmt.relation?.relname ?? '?')}`);
    } else if (ast.RenameStmt?.renameType === 'OBJECT_COLUMN')
      steps.push(
        `ALTER TABLE ${rangeVarName(ast.RenameStmt.relation)} RENAME COLUMN ${ident(ast.RenameStmt.newname)} TO ${ident(ast.RenameStmt.subname)}`,
      );
  }
  return steps.reverse();
}

export const missingDown = createRule(
  {
    id: 'missing-down',
    kind: 'schema',
    severity: 'warning',
    description: 'A migration of a tool that supports downs has no down (or an empty one).',
    rationale:
      'Without a down, reverting the schema means writing SQL by hand during the incident; an empty down marks the migration irreversible, so the rollback plan must not count on reverting it.',
    mitigation:
      'Write the down now and test it, or declare the migration irreversible and plan a forward fix.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const set of service.migrations) {
      if (!TOOLS_WITH_DOWNS.has(set.tool)) continue;
      for (const m of set.migrations) {
        if (set.tool === 'flyway' && m.version.startsWith('R__')) continue; // repeatables have no undo
        if (!m.up || m.up.empty) continue;
        if (m.down && !m.down.empty) continue;
        const steps = suggestedDown(m);
        const where = downFileName(set, m);
        const empty = m.down?.empty === true;
        out.push(
          report({
            subject: set.tool === 'liquibase' ? `${m.up.file}#${m.version}` : m.up.file,
            evidence: [
              empty && m.down && m.down.file !== m.up.file
                ? { file: m.down.file, line: 1, col: 1, note: 'empty down' }
                : { ...m.at, col: m.at.col ?? 1 },
            ],
            migration: m.version,
            touchesData: true,
            message: empty
              ? `Migration ${m.version} (${m.name}) has an empty down: it is marked irreversible, so a revert must go forward instead.`
              : `Migration ${m.version} (${m.name}) has no down: reverting it means hand-written SQL during the incident.`,
            appRollbackSafe: null,
            revertLossless: false,
            mitigation: steps.length
              ? `Write ${where} that undoes the up: ${steps.slice(0, 6).join('; ')}${steps.length > 6 ? '; …' : ''}; test it with rollbook migrations verify.`
              : `Write ${where} that undoes the up and test it with rollbook migrations verify, or record in the runbook that ${m.version} is irreversible and needs a forward fix.`,
          }),
        );
      }
    }
    return out;
  },
);

export default missingDown;
