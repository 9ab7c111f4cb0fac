import type { Finding } from '../model/finding.js';
import type { Evidence, Migration, MigrationSet } from '../model/service.js';
import { createRule } from './create-rule.js';
import type { PgNode } from './support/migration-sql.js';
import { base, listName, migrationIndex, rangeVarName, statementsOf } from './support/migration-sql.js';

function defined(
  ast: PgNode,
): { kind: 'function' | 'view' | 'trigger'; name: string; replace: boolean } | undefined {
  if (ast?.CreateFunctionStmt)
    return {
      kind: 'function',
      name: listName(ast.CreateFunctionStmt.funcname),
      replace: !!ast.CreateFunctionStmt.replace,
    };
  if (ast?.ViewStmt)
    return { kind: 'view', name: rangeVarName(ast.ViewStmt.view), replace: !!ast.ViewStmt.replace };
  if (ast?.CreateTrigStmt)
    return {
      kind: 'trigger',
      name: `${ast.CreateTrigStmt.trigname} on ${rangeVarName(ast.CreateTrigStmt.relation)}`,
      replace: !!ast.CreateTrigStmt.replace,
    };
  return undefined;
}

const definitions = new WeakMap<MigrationSet, Map<string, [number, Evidence, string][]>>();

/** A definition's text for comparison: whitespace and case of keywords do not matter. */
const norm = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/** Where an earlier migration of the set defined the same object (one indexed pass per set). */
function earlier(
  set: MigrationSet,
  migration: Migration,
  kind: string,
  name: string,
): { at: Evidence; text: string } | undefined {
  let defs = definitions.get(set);
  if (!defs) {
    const d = new Map<string, [number, Evidence, string][]>();
    set.migrations.forEach((m, i) => {
      for (const st of m.up?.statements ?? []) {
        if (st.embedded) continue;
        const x = defined(st.ast);
        if (!x) continue;
        const key = `${x.kind}\u0000${x.name}`;
        const list = d.get(key) ?? [];
        list.push([
          i,
          { file: st.at.file, line: st.at.line, col: st.at.col ?? 1, note: 'previous definition' },
          norm(st.text),
        ]);
        d.set(key, list);
      }
    });
    definitions.set(set, d);
    defs = d;
  }
  const at = migrationIndex(set, migration);
  let found: { at: Evidence; text: string } | undefined;
  for (const [i, ev, text] of defs.get(`${kind}\u0000${name}`) ?? []) {
    if (i >= at) break;
    found = { at: ev, text };
  }
  return found;
}

export const replaceFunctionOrView = createRule(
  {
    id: 'replace-function-or-view',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration replaces an existing function, view or trigger (CREATE OR REPLACE).',
    rationale:
      'The previous app version gets the new definition, which may change results or signatures it relies on; reverting needs the previous definition, which the database no longer has.',
    mitigation: 'Version the name (f_v2) or put the previous definition in the down migration.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'CreateFunctionStmt', 'ViewStmt', 'CreateTrigStmt')) {
      if (ref.stmt.embedded) continue;
      const d = defined({ [ref.type]: ref.node });
      if (!d?.replace) continue;
      const repeatable = ref.set.tool === 'flyway' && ref.migration.version.startsWith('R__');
      const previous = earlier(ref.set, ref.migration, d.kind, d.name);
      if (!previous && !repeatable) continue; // first definition: nothing is replaced
      if (previous && previous.text === norm(ref.stmt.text)) continue; // the same definition again: nothing changes
      const prev = previous?.at;
      const restored = (ref.migration.down?.statements ?? []).some((s) => {
        const x = defined(s.ast);
        return x && x.kind === d.kind && x.name === d.name;
      });
      const finding = report({
        ...base(ref, d.name),
        message: repeatable
          ? `Repeatable migration replaces ${d.kind} ${d.name} whenever its file changes; the previous definition lives only in version control.`
          : `CREATE OR REPLACE ${d.kind.toUpperCase()} ${d.name} changes what the previous app version gets${restored ? '' : ', and no down migration restores the previous definition'}.`,
        appRollbackSafe: null,
        revertLossless: restored,
        mitigation:
          d.kind === 'trigger'
            ? `Create the new trigger under a new name and drop ${d.name} after the rollback window, or restore the previous definition in the down migration.`
            : `Version the name: create ${d.name}_v2 beside ${d.name}, switch the app to ${d.name}_v2, and drop ${d.name} after the rollback window; or copy the previous definition${prev ? ` (${prev.file}:${prev.line})` : ''} into the down migration.`,
      });
      if (prev) finding.evidence.push(prev);
      out.push(finding);
    }
    return out;
  },
);

export default replaceFunctionOrView;
