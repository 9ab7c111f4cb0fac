import type { Finding } from '../model/finding.js';
import type { Migration, MigrationSet } from '../model/service.js';
import { createRule } from './create-rule.js';
import {
  alterCommands,
  base,
  ident,
  listName,
  migrationIndex,
  type PgNode,
  rangeVarName,
  type StatementRef,
  statementsOf,
} from './support/migration-sql.js';

/** An expand step: a column added to a table, or a table filled from another one. */
interface Expand {
  set: MigrationSet;
  migration: Migration;
  /** The table the expand step replaces part of (the contract's table). */
  table: string;
  /** What it adds, as written in messages: orders.total_cents, orders_v2. */
  what: string;
  /** The column(s) the expand step copies from, when it is a backfill. */
  from: Set<string>;
  statement: string;
  at: string;
}

/** Walk a libpg-query node: call `visit` on every object. */
function walk(node: PgNode, visit: (key: string, value: PgNode) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    visit(k, v);
    walk(v, visit);
  }
}

/** Column names a node reads (last field of each ColumnRef). */
function columnsRead(node: PgNode): Set<string> {
  const out = new Set<string>();
  walk(node, (k, v) => {
    if (k !== 'ColumnRef') return;
    const last = (v?.fields ?? []).at(-1)?.String?.sval;
    if (typeof last === 'string') out.add(last);
  });
  return out;
}

/** Tables a node reads from (every RangeVar). */
function tablesRead(node: PgNode): Set<string> {
  const out = new Set<string>();
  walk(node, (k, v) => {
    if (k === 'RangeVar') out.add(rangeVarName(v));
  });
  return out;
}

const where = (ref: StatementRef) => `${ref.stmt.at.file}:${ref.stmt.at.line}`;

/** Every expand step of the migrations in the model (the release or change under review). */
function expandSteps(service: Parameters<typeof statementsOf>[0]): Expand[] {
  const out: Expand[] = [];
  for (const ref of statementsOf(service, 'up', 'AlterTableStmt')) {
    for (const { table, cmd } of alterCommands(ref)) {
      const col = cmd?.def?.ColumnDef?.colname;
      if (cmd?.subtype !== 'AT_AddColumn' || !col) continue;
      out.push({
        set: ref.set,
        migration: ref.migration,
        table,
        what: `${table}.${ident(col)}`,
        from: new Set(),
        statement: `ADD COLUMN ${table}.${ident(col)}`,
        at: where(ref),
      });
    }
  }
  for (const ref of statementsOf(service, 'up', 'UpdateStmt')) {
    const table = rangeVarName(ref.node.relation);
    const targets = (ref.node.targetList ?? []).map((t: PgNode) => t?.ResTarget?.name).filter(Boolean);
    const reads = columnsRead(ref.node.targetList);
    out.push({
      set: ref.set,
      migration: ref.migration,
      table,
      what: targets.map((t: string) => `${table}.${ident(t)}`).join(', ') || table,
      from: reads,
      statement: `UPDATE ${table} SET ${targets.join(', ')}`,
      at: where(ref),
    });
  }
  for (const ref of statementsOf(service, 'up', 'CreateTableAsStmt', 'InsertStmt')) {
    const target = ref.type === 'InsertStmt' ? ref.node.relation : ref.node.into?.rel;
    const query = ref.type === 'InsertStmt' ? ref.node.selectStmt : ref.node.query;
    if (!query) continue;
    const into = rangeVarName(target);
    for (const table of tablesRead(query)) {
      if (table === into) continue;
      out.push({
        set: ref.set,
        migration: ref.migration,
        table,
        what: into,
        from: columnsRead(query),
        statement:
          ref.type === 'InsertStmt'
            ? `INSERT INTO ${into} … FROM ${table}`
            : `CREATE TABLE ${into} AS … FROM ${table}`,
        at: where(ref),
      });
    }
  }
  return out;
}

/** A contract step: a column or table dropped or renamed. */
interface Contract {
  ref: StatementRef;
  table: string;
  /** The column, or undefined for the whole table. */
  column?: string;
  /** Loses data (a drop) rather than only a name (a rename). */
  lossy: boolean;
  /** As written in messages: DROP COLUMN orders.total, RENAME TABLE orders TO orders_old. */
  text: string;
}

function contractSteps(service: Parameters<typeof statementsOf>[0]): Contract[] {
  const out: Contract[] = [];
  for (const ref of statementsOf(service, 'up', 'AlterTableStmt'))
    for (const { table, cmd } of alterCommands(ref))
      if (cmd?.subtype === 'AT_DropColumn' && cmd.name)
        out.push({
          ref,
          table,
          column: cmd.name,
          lossy: true,
          text: `DROP COLUMN ${table}.${ident(cmd.name)}`,
        });
  for (const ref of statementsOf(service, 'up', 'RenameStmt')) {
    const table = rangeVarName(ref.node.relation);
    const to = ident(ref.node.newname ?? '?');
    if (ref.node.renameType === 'OBJECT_COLUMN')
      out.push({
        ref,
        table,
        column: ref.node.subname,
        lossy: false,
        text: `RENAME COLUMN ${table}.${ident(ref.node.subname ?? '?')} TO ${to}`,
      });
    else if (ref.node.renameType === 'OBJECT_TABLE')
      out.push({ ref, table, lossy: false, text: `RENAME TABLE ${table} TO ${to}` });
  }
  for (const ref of statementsOf(service, 'up', 'DropStmt')) {
    if (ref.node.removeType !== 'OBJECT_TABLE') continue;
    for (const obj of ref.node.objects ?? []) {
      const table = listName(obj?.List?.items);
      out.push({ ref, table, lossy: true, text: `DROP TABLE ${table}` });
    }
  }
  return out;
}

/** A new column that looks like the replacement of `old`: total → total_cents, name → display_name. */
function replaces(added: string, old: string): boolean {
  const name = (added.split('.').at(-1) ?? '').replace(/"/g, '');
  const stem = (s: string) => s.split('_')[0] ?? s;
  return name.includes(old) || old.includes(name) || stem(name) === stem(old);
}

const label = (m: Migration) => `${m.version}${m.name ? ` ${m.name}` : ''}`;

export const contractInSameRelease = createRule(
  {
    id: 'contract-in-same-release',
    kind: 'schema',
    severity: 'error',
    description:
      'A contract step (drop or rename of a column or table) ships in the same release as the expand step that replaces it.',
    rationale:
      'Expand/contract is only safe across two releases: the version rolled back to must already run on the expanded schema without the old column or table. Shipped together, the rollback target is the version before the expand, which still reads what the contract removed.',
    mitigation:
      'Split into two releases: ship the expand step (new column or table, dual writes, backfill) first; ship the drop or rename only once that release is the rollback target.',
    scope: 'migration',
  },
  (service, report) => {
    // Only about a release or a change: over the whole history every table ever replaced would match.
    if (!service.release?.scoped) return [];
    const out: Finding[] = [];
    // expand steps of migrations this release adds (an edited released migration shipped before)
    const added = new Set(
      (service.release?.changes ?? [])
        .filter((c) => c.kind === 'migration' && c.migration)
        .map((c) => `${c.migration?.set}\u0000${c.migration?.version}`),
    );
    const expands = expandSteps(service).filter(
      (e) => !service.release?.changes || added.has(`${e.set.path}\u0000${e.migration.version}`),
    );
    for (const c of contractSteps(service)) {
      const order = migrationIndex(c.ref.set, c.ref.migration);
      const related = expands.filter(
        (e) =>
          e.set === c.ref.set &&
          e.table === c.table &&
          migrationIndex(e.set, e.migration) <= order &&
          (c.column === undefined ? e.what !== c.table : e.what !== `${c.table}.${ident(c.column)}`) &&
          (c.column === undefined
            ? e.statement.startsWith('INSERT') || e.statement.startsWith('CREATE')
            : true),
      );
      // a backfill that reads the dropped column is the clearest sign; otherwise any expand on the table
      const backfill = related.find((e) => c.column !== undefined && e.from.has(c.column));
      const expand =
        (backfill &&
          related.find(
            (e) => e.statement.startsWith('ADD COLUMN') && backfill.what.split(', ').includes(e.what),
          )) ??
        backfill ??
        related.find((e) =>
          c.column === undefined ? true : e.statement.startsWith('ADD COLUMN') && replaces(e.what, c.column),
        );
      if (!expand) continue;
      const subject = c.column ? `${c.table}.${ident(c.column)}` : c.table;
      const same = expand.migration === c.ref.migration;
      const contractWhat = c.text;
      out.push(
        report({
          ...base(c.ref, subject),
          message: `${contractWhat} ships in the same release as its expand step ${expand.statement} (${expand.at}): the version a rollback returns to predates ${expand.what} and still uses ${subject}.`,
          appRollbackSafe: false,
          revertLossless: !c.lossy,
          mitigation: same
            ? `Split into two releases: keep ${expand.statement} in migration ${label(expand.migration)} (release 1, with the app writing both and reading ${expand.what}); move ${contractWhat} into a new migration shipped in release 2, once release 1 is the rollback target.`
            : `Split into two releases: release 1 ships migration ${label(expand.migration)} (${expand.statement}) with the app writing both and reading ${expand.what}; release 2 ships migration ${label(c.ref.migration)} (${contractWhat}) only once release 1 is the rollback target.`,
        }),
      );
    }
    return out;
  },
);

export default contractInSameRelease;
