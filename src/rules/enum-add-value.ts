import type { Finding } from '../model/finding.js';
import { createRule } from './create-rule.js';
import { base, listName, type StatementRef, statementsOf } from './support/migration-sql.js';

/** Enum types created before `ref` in its file (a value added to them is not one-way for anyone). */
function enumsCreatedBefore(ref: StatementRef): Set<string> {
  const s = new Set<string>();
  const stmts = ref.file.statements;
  for (const st of stmts.slice(0, stmts.indexOf(ref.stmt))) {
    const e = (st.ast as { CreateEnumStmt?: { typeName?: unknown[] } } | undefined)?.CreateEnumStmt;
    if (e) s.add(listName(e.typeName));
  }
  return s;
}

export const enumAddValue = createRule(
  {
    id: 'enum-add-value',
    kind: 'schema',
    severity: 'warning',
    description: 'An up migration adds a value to an enum type.',
    rationale:
      'Postgres cannot drop an enum value, so the change is one-way; after an app rollback the previous version may read rows holding a value it does not know.',
    mitigation: 'Treat it as one-way: ship readers that tolerate the value before any writer uses it.',
    scope: 'migration',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const ref of statementsOf(service, 'up', 'AlterEnumStmt')) {
      if (ref.node.oldVal || !ref.node.newVal) continue;
      const type = listName(ref.node.typeName);
      if (enumsCreatedBefore(ref).has(type)) continue;
      out.push(
        report({
          ...base(ref, `${type}.${ref.node.newVal}`),
          message: `ALTER TYPE ${type} ADD VALUE '${ref.node.newVal}' is one-way (enum values cannot be dropped), and the previous app version may meet '${ref.node.newVal}' in rows it reads.`,
          appRollbackSafe: null,
          revertLossless: false,
          mitigation: `Treat it as one-way: first release an app version that reads '${ref.node.newVal}' of ${type} without failing, then (in a later release) start writing it; a rollback must target a version that tolerates the value, and the down migration must not try to remove it.`,
        }),
      );
    }
    return out;
  },
);

export default enumAddValue;
