/**
 * `migrations verify`: for each migration in order, apply the up, snapshot the catalog, seed a
 * row into every table the down touches (and the tables that reference them), apply the down
 * inside a transaction, compare the catalog with the one before the up, count the rows that
 * survived, and roll the transaction back (which leaves the database exactly as after the up, so
 * the next migration continues from there).
 */
import type { Evidence, Migration, MigrationFile, MigrationSet } from '../model/service.js';
import { cmp } from '../util/order.js';
import { bookkeepingDdl } from './bookkeeping.js';
import { ContentHash, readCached, writeCached } from './cache.js';
import { type Catalog, type CatalogDifference, diffCatalogs, readCatalog } from './catalog.js';
import {
  type Engine,
  type EngineInfo,
  openEngine,
  pgliteVersion,
  type Row,
  redactUrl,
  sqlFailureOf,
} from './engine.js';
import type { GatesScope } from './gates.js';
import {
  type ApplyResult,
  applyFile,
  extensionsOf,
  mentionedNames,
  type ReplayProblem,
  unsupportedOnPglite,
} from './replay.js';
import {
  countRows,
  loadSeedSchema,
  qualified,
  type SeedResult,
  seedRows,
  sqlLiteral,
  withReferenced,
  withReferencing,
} from './seed.js';
import { newerSyntax, type SyntaxRequirement } from './syntax-version.js';

export type VerdictStatus = 'pass' | 'fail' | 'unknown' | 'skipped';

export interface DataLoss {
  table: string;
  /** Rows present before the down (seeded plus any the migrations inserted). */
  before: number;
  /** Rows after the down; null when the table no longer exists. */
  after: number | null;
  /** Columns of the table that the down dropped (their values are gone). */
  columns: string[];
  /** The up created this table: what is lost is data written since the migration. */
  createdByUp: boolean;
}

export interface MigrationVerdict {
  version: string;
  name: string;
  up?: string;
  down?: string;
  status: VerdictStatus;
  /** One line: why. */
  reason: string;
  /** Differences between the catalog before the up and after the down (empty = restored). */
  schemaDifferences: CatalogDifference[];
  dataLoss: DataLoss[];
  seedProblems: { table: string; reason: string }[];
  problem?: ReplayProblem;
  notes: { at: Evidence; note: string }[];
  /** Syntax newer than the set's target serverVersion. */
  newerSyntax: SyntaxRequirement[];
  /** What answered this verdict: "PGlite (PostgreSQL 18.6)" or "PostgreSQL 15.18". */
  engine: string;
  /**
   * The down fails only when the tables hold rows (it passes on the same schema with empty
   * tables): a NOT NULL column re-added to a table with rows, a foreign key the rows violate.
   * The real failure a team meets during an incident; `row` is the seeded row of `table`.
   */
  dataDependent?: { at: Evidence; code: string; message: string; table?: string; row?: string };
}

export interface SetVerdict {
  path: string;
  tool: string;
  targetVersion?: number;
  migrations: MigrationVerdict[];
}

/** What a scoped verify checked: the downs of the migrations one rollback crosses, nothing earlier. */
export interface VerifyScope {
  from: string;
  to: string;
  /** Migrations added between `to` and `from`: their downs are checked. */
  crossed: number;
  /** Older migrations: their ups are replayed to build the schema, their downs are not checked. */
  replayedOnly: number;
}

export interface VerifyReport {
  /** What answered: "PGlite (PostgreSQL 18.6)" or "PostgreSQL 15.18". */
  engine: string;
  /** Set when only the migrations a rollback crosses were checked (`--from` / `--to`). */
  scope?: VerifyScope;
  /** `--workload`: the workload whose migration sets were verified, and what became of each set found. */
  workload?: GatesScope;
  sets: SetVerdict[];
  summary: Record<VerdictStatus, number>;
  /** Migrations answered from the result cache vs replayed. */
  cache: { hits: number; misses: number };
}

export interface VerifyOptions {
  /** Replay on this scratch server (a throw-away database, --scratch-url) instead of PGlite. */
  scratchUrl?: string;
  /**
   * Check only these migrations (set path → versions): every up still replays in order to build the
   * schema, but only these downs are checked and reported.
   */
  only?: Map<string, Set<string>>;
}

function fileFingerprint(f: MigrationFile | undefined): string {
  if (!f) return '-';
  return JSON.stringify([
    f.file,
    f.statements.map((s) => [s.text, s.at.line]),
    f.errors.map((e) => e.message),
  ]);
}

function engineKey(options: VerifyOptions): string {
  if (!options.scratchUrl) return `pglite@${pgliteVersion()}`;
  try {
    const u = new URL(options.scratchUrl);
    return `postgres@${u.hostname}:${u.port || '5432'}`;
  } catch {
    return `postgres@${redactUrl(options.scratchUrl)}`;
  }
}

function verdictBase(m: Migration, engine: string): MigrationVerdict {
  const v: MigrationVerdict = {
    engine,
    version: m.version,
    name: m.name,
    status: 'pass',
    reason: '',
    schemaDifferences: [],
    dataLoss: [],
    seedProblems: [],
    notes: [],
    newerSyntax: [],
  };
  if (m.up) v.up = m.up.file;
  if (m.down) v.down = m.down.file;
  return v;
}

const loc = (at: Evidence) => `${at.file}:${at.line}:${at.col ?? 1}`;

/** Where every column of a table lives: the table's oid and each column's attribute number. */
interface Identity {
  /** qualified table name → oid */
  oid: Map<string, string>;
  /** oid → attnum → column name */
  columns: Map<string, Map<number, string>>;
}

const IDENTITY_SQL = `select c.oid::int8::text as oid, n.nspname || '.' || c.relname as tbl, a.attnum as num, a.attname as col
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')`;

async function readIdentity(engine: Engine): Promise<Identity> {
  const out: Identity = { oid: new Map(), columns: new Map() };
  for (const r of await engine.query<Row>(IDENTITY_SQL)) {
    const oid = String(r.oid);
    out.oid.set(String(r.tbl), oid);
    let cols = out.columns.get(oid);
    if (!cols) {
      cols = new Map();
      out.columns.set(oid, cols);
    }
    cols.set(Number(r.num), String(r.col));
  }
  return out;
}

/**
 * Where a table of `after` went: the table with the same oid (renamed or not), by name when the
 * down re-created it. Column identity is (table oid, attribute number): a rename or a type change
 * keeps it; a drop, even followed by an add of the same name and type, does not.
 */
function follow(after: Identity, restored: Identity, table: string): { target: string; lost: string[] } {
  const oid = after.oid.get(table);
  const sameOid = oid ? [...restored.oid.entries()].find(([, o]) => o === oid)?.[0] : undefined;
  const target = sameOid ?? table;
  const before = oid ? after.columns.get(oid) : undefined;
  if (!before) return { target, lost: [] };
  if (sameOid === undefined) {
    // re-created by the down (a new table): its columns are matched by name (values were copied, or the rows are gone)
    const now = new Set(restored.columns.get(restored.oid.get(table) ?? '')?.values() ?? []);
    return { target, lost: [...before.values()].filter((c) => !now.has(c)).sort(cmp) };
  }
  const now = restored.columns.get(oid as string) ?? new Map<number, string>();
  return {
    target,
    lost: [...before.entries()]
      .filter(([num]) => !now.has(num))
      .map(([, c]) => c)
      .sort(cmp),
  };
}

/** Tables a down can reach: the ones it names, and every table of a schema it drops with CASCADE or by DROP OWNED. */
function tablesReached(catalog: Catalog, down: MigrationFile): string[] {
  const names = mentionedNames(down);
  if (!names) return catalog.tables.map((t) => t.name);
  const schemas = new Set<string>();
  for (const s of down.statements) {
    const ast = s.ast as
      | Record<string, { removeType?: string; behavior?: string; objects?: unknown[] }>
      | undefined;
    if (!ast) continue;
    if (ast.DropOwnedStmt) return catalog.tables.map((t) => t.name);
    const drop = ast.DropStmt;
    if (!drop) continue;
    if (drop.removeType === 'OBJECT_SCHEMA')
      for (const o of drop.objects ?? []) {
        const name = (o as { String?: { sval?: string } })?.String?.sval;
        if (name) schemas.add(name);
      }
    // DROP TYPE / EXTENSION / FUNCTION … CASCADE can take columns of any table with it
    else if (drop.behavior === 'DROP_CASCADE' && drop.removeType !== 'OBJECT_TABLE')
      return catalog.tables.map((t) => t.name);
  }
  return catalog.tables
    .filter(
      (t) =>
        names.has(t.name) ||
        names.has(t.name.slice(t.name.indexOf('.') + 1)) ||
        schemas.has(t.name.slice(0, t.name.indexOf('.'))),
    )
    .map((t) => t.name);
}

/** The table a failure names (relation "x" / table "x"), when it is one of `tables`. */
function tableInFailure(message: string, tables: string[]): string | undefined {
  for (const m of message.matchAll(/(?:relation|table) "([^"]+)"/g)) {
    const name = m[1] as string;
    const hit = tables.find((t) => t === name || t.endsWith(`.${name}`));
    if (hit) return hit;
  }
  return undefined;
}

function describeLoss(d: DataLoss): string {
  return d.after === null
    ? `${d.table} (table dropped, ${d.before} row(s))`
    : d.after < d.before
      ? `${d.table} (${d.before - d.after} of ${d.before} row(s))`
      : `${d.table} (column(s) ${d.columns.join(', ')})`;
}

/**
 * Seed, then run the down as the tool would: the seeded rows are committed in a transaction of
 * their own (never inside the down's), the down runs in its own transaction, is measured, and is
 * rolled back; the seeded rows are then removed and the sequences put back, so the next migration
 * continues from the state right after this up. A down that fails only because the tables hold
 * rows is run again on the empty tables to tell the two apart.
 */
async function checkDown(
  engine: Engine,
  down: MigrationFile,
  before: Catalog,
  after: Catalog,
  v: MigrationVerdict,
): Promise<void> {
  const named = tablesReached(after, down);
  const schema = named.length > 0 ? await loadSeedSchema(engine) : undefined;
  const touched = schema ? withReferencing(schema, named) : [];
  const existing = await countRows(engine, schema ? withReferenced(schema, touched) : []);
  // tables that already hold rows (the migrations inserted them) are data as they are
  const empty = [...existing.entries()].filter(([, n]) => n === 0).map(([t]) => t);
  const sequences = empty.length > 0 ? await readSequences(engine) : new Map<string, string | null>();
  let seeded: SeedResult = { seeded: [], problems: [], rows: new Map() };
  if (schema && empty.length > 0) {
    await engine.exec('begin');
    try {
      seeded = await seedRows(engine, empty, schema);
      await engine.exec('commit');
    } catch (e) {
      await engine.exec('rollback');
      const f = sqlFailureOf(e);
      if (!f) throw e;
      seeded = {
        seeded: [],
        problems: empty.map((t) => ({ table: t, reason: `${f.message} (SQLSTATE ${f.code})` })),
        rows: new Map(),
      };
    }
    v.seedProblems = seeded.problems;
  }
  try {
    const identity = await readIdentity(engine);
    const counts0 = await countRows(engine, touched);
    const first = await runDown(engine, down, async () =>
      measure(engine, before, identity, touched, counts0, v),
    );
    v.notes.push(...first.notes);
    if (!first.problem) return;
    const problem = first.problem;
    const failure = `down fails at ${loc(problem.at)}: ${problem.message} (${problem.code})`;
    if (seeded.seeded.length > 0) {
      // the same down on the same schema without the seeded rows
      await removeSeeded(engine, seeded.seeded, sequences);
      seeded = { ...seeded, seeded: [] };
      const clean = await runDown(engine, down, async () =>
        measure(engine, before, identity, touched, new Map(), v),
      );
      if (!clean.problem) {
        const table = tableInFailure(problem.message, [...seeded.rows.keys()]) ?? [...seeded.rows.keys()][0];
        const row = table ? seeded.rows.get(table) : undefined;
        v.dataDependent = { at: problem.at, code: problem.code, message: problem.message };
        if (table) v.dataDependent.table = table;
        if (row) v.dataDependent.row = row;
        const onEmpty = v.status === 'fail' ? `; on empty tables: ${v.reason}` : '';
        v.problem = problem;
        v.status = 'fail';
        v.reason = `down fails on tables that hold rows (it passes on empty ones) at ${loc(problem.at)}: ${problem.message} (${problem.code})${table ? `; the row that trips it: ${table} ${row ?? ''}`.trimEnd() : ''}${onEmpty}`;
        return;
      }
    }
    v.problem = problem;
    v.status = problem.kind === 'fail' ? 'fail' : 'unknown';
    v.reason = failure;
    v.schemaDifferences = [];
    v.dataLoss = [];
  } finally {
    if (seeded.seeded.length > 0) await removeSeeded(engine, seeded.seeded, sequences);
  }
}

/** Run the down in a transaction, measure on success, and roll back whatever happened. */
async function runDown(
  engine: Engine,
  down: MigrationFile,
  onSuccess: () => Promise<void>,
): Promise<ApplyResult> {
  await engine.exec('begin');
  try {
    const result = await applyFile(engine, down, { inTransaction: true });
    if (!result.problem) await onSuccess();
    return result;
  } finally {
    await engine.exec('rollback');
  }
}

async function measure(
  engine: Engine,
  before: Catalog,
  identity: Identity,
  touched: string[],
  counts0: Map<string, number | null>,
  v: MigrationVerdict,
): Promise<void> {
  const restored = await readCatalog((sql) => engine.query(sql));
  v.schemaDifferences = diffCatalogs(before, restored);
  const now = await readIdentity(engine);
  const moved = new Map(touched.map((t) => [t, follow(identity, now, t)]));
  const counts1 = await countRows(
    engine,
    [...new Set([...touched, ...[...moved.values()].map((m) => m.target)])].sort(cmp),
  );
  const beforeTables = new Set(before.tables.map((t) => t.name));
  v.dataLoss = [];
  for (const t of touched) {
    const n0 = counts0.get(t) ?? null;
    if (!n0) continue;
    const { target, lost } = moved.get(t) ?? { target: t, lost: [] };
    const n1 = counts1.get(target) ?? null;
    const columns = n1 === null ? [] : lost;
    if (n1 === null || n1 < n0 || columns.length > 0)
      v.dataLoss.push({ table: t, before: n0, after: n1, columns, createdByUp: !beforeTables.has(t) });
  }
  const parts: string[] = [];
  if (v.schemaDifferences.length > 0)
    parts.push(`down does not restore the schema (${v.schemaDifferences.length} difference(s))`);
  if (v.dataLoss.length > 0) parts.push(`down loses data in ${v.dataLoss.map(describeLoss).join(', ')}`);
  v.status = parts.length > 0 ? 'fail' : 'pass';
  v.reason = parts.length > 0 ? parts.join('; ') : 'down restores the schema and keeps the seeded rows';
}

/** Sequence name → last_value (null: never called), for putting back what seeding consumed. */
async function readSequences(engine: Engine): Promise<Map<string, string | null>> {
  const rows = await engine.query<Row>(
    `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name, last_value::text as last
     from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')`,
  );
  return new Map(rows.map((r) => [String(r.name), r.last === null ? null : String(r.last)]));
}

/**
 * Delete the seeded rows (the tables were empty before seeding) and put back the sequences seeding
 * advanced, in one committed transaction. Without triggers and foreign-key actions where the role
 * may (session_replication_role), else children first.
 */
async function removeSeeded(
  engine: Engine,
  tables: string[],
  sequences: Map<string, string | null>,
): Promise<void> {
  await engine.exec('begin');
  try {
    try {
      await engine.exec('savepoint rollbook_replica');
      await engine.exec('set local session_replication_role = replica');
      await engine.exec('release savepoint rollbook_replica');
    } catch (e) {
      if (!sqlFailureOf(e)) throw e;
      await engine.exec('rollback to savepoint rollbook_replica');
    }
    for (const t of [...tables].reverse()) await engine.exec(`delete from ${qualified(t)}`);
    const now = await readSequences(engine);
    const reset: string[] = [];
    for (const [name, last] of now) {
      if (!sequences.has(name) || sequences.get(name) === last) continue;
      const before = sequences.get(name);
      const seq = sqlLiteral(name);
      reset.push(
        before === null || before === undefined
          ? `setval(${seq}, (select start_value from pg_sequences where quote_ident(schemaname) || '.' || quote_ident(sequencename) = ${seq}), false)`
          : `setval(${seq}, ${sqlLiteral(before)}::bigint, true)`,
      );
    }
    if (reset.length > 0) await engine.query(`select ${reset.join(', ')}`);
    await engine.exec('commit');
  } catch (e) {
    await engine.exec('rollback');
    throw e;
  }
}

async function verifySet(
  set: MigrationSet,
  options: VerifyOptions,
  info: { engine?: EngineInfo; label?: string; hits: number; misses: number },
): Promise<SetVerdict> {
  const hash = new ContentHash(engineKey(options), set.path, String(set.serverVersion ?? ''));
  const keys: string[] = [];
  for (const m of set.migrations) {
    hash.add(m.version).add(fileFingerprint(m.up)).add(fileFingerprint(m.down));
    keys.push(hash.peek());
  }
  const only = options.only?.get(set.path);
  const checked = (i: number) => !only || only.has((set.migrations[i] as Migration).version);
  const cached = keys.map((k, i) =>
    checked(i) ? readCached<{ engine: string; verdict: MigrationVerdict }>('verify', k) : undefined,
  );
  const firstMiss = cached.findIndex((c, i) => c === undefined && checked(i));
  const out: SetVerdict = { path: set.path, tool: set.tool, migrations: [] };
  if (set.serverVersion !== undefined) out.targetVersion = set.serverVersion;
  if (firstMiss === -1) {
    for (const c of cached) if (c) out.migrations.push(c.verdict);
    info.hits += out.migrations.length;
    info.label ??= cached.find((c) => c)?.engine;
    return out;
  }
  const lastChecked = set.migrations.findLastIndex((_, i) => checked(i));
  const extensions = extensionsOf([set]);
  const hasPgcrypto = extensions.includes('pgcrypto');
  const engine = await openEngine({ ...options, extensions });
  info.engine = engine.info;
  info.label = engine.info.label;
  try {
    const missing = options.scratchUrl ? [] : unsupportedOnPglite(extensions);
    // the tool creates its bookkeeping table before it runs the first up
    for (const ddl of bookkeepingDdl(set.tool, set.historyTable?.value)) await engine.exec(ddl);
    let before = await readCatalog((sql) => engine.query(sql));
    let stopped: string | undefined;
    let stale = false;
    for (const [i, m] of set.migrations.entries()) {
      if (i > lastChecked) break;
      const key = keys[i] as string;
      const hit = cached[i];
      if (!checked(i)) {
        // not crossed by this rollback: its up builds the schema, its down is not checked
        if (stopped || !m.up) continue;
        const r = await applyFile(engine, m.up);
        if (r.problem) stopped = m.version;
        stale = true;
        continue;
      }
      if (stale && !stopped) before = await readCatalog((sql) => engine.query(sql));
      stale = false;
      if (hit && i < firstMiss) {
        // replay only, the verdict is known
        out.migrations.push(hit.verdict);
        info.hits++;
        if (stopped || !m.up) continue;
        const r = await applyFile(engine, m.up);
        if (r.problem) stopped = m.version;
        else if (i === firstMiss - 1) before = await readCatalog((sql) => engine.query(sql));
        continue;
      }
      info.misses++;
      const v = verdictBase(m, engine.info.label);
      if (set.serverVersion !== undefined)
        for (const f of [m.up, m.down])
          if (f) v.newerSyntax.push(...newerSyntax(f, set.serverVersion, { hasPgcrypto }));
      if (stopped) {
        v.status = 'unknown';
        v.reason = `not replayed: migration ${stopped} could not be applied`;
      } else if (!m.up) {
        v.status = 'skipped';
        v.reason = 'no up migration';
      } else {
        const r = await applyFile(engine, m.up);
        v.notes.push(...r.notes);
        if (r.problem) {
          stopped = m.version;
          v.problem = r.problem;
          const unsupported =
            r.problem.kind === 'unsupported' ||
            (missing.length > 0 && /extension|type ".*" does not exist/.test(r.problem.message));
          v.status = unsupported ? 'unknown' : 'fail';
          v.reason = `up fails at ${loc(r.problem.at)}: ${r.problem.message} (${r.problem.code})`;
          if (missing.length > 0)
            v.reason += `; not bundled with PGlite: ${missing.join(', ')} (replay with --scratch-url)`;
        } else {
          const after = await readCatalog((sql) => engine.query(sql));
          if (!m.down) {
            v.status = 'skipped';
            v.reason = 'no down migration';
          } else if (m.down.empty) {
            v.status = 'skipped';
            v.reason = 'down is empty (marked irreversible)';
          } else {
            await checkDown(engine, m.down, before, after, v);
          }
          before = after;
        }
      }
      if (v.newerSyntax.length > 0) {
        const first = v.newerSyntax[0] as SyntaxRequirement;
        const note = `needs PostgreSQL ${first.major}+ (${first.feature} at ${loc(first.at)}), target is ${set.serverVersion}`;
        if (v.status === 'pass' || v.status === 'skipped') v.status = 'fail';
        v.reason = v.reason ? `${v.reason}; ${note}` : note;
      }
      out.migrations.push(v);
      writeCached('verify', key, { engine: engine.info.label, verdict: v });
    }
  } finally {
    await engine.close();
  }
  return out;
}

export async function verifyMigrations(
  sets: MigrationSet[],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const info: { engine?: EngineInfo; label?: string; hits: number; misses: number } = { hits: 0, misses: 0 };
  const out: SetVerdict[] = [];
  for (const set of [...sets].sort((a, b) => cmp(a.path, b.path)))
    out.push(await verifySet(set, options, info));
  const summary: Record<VerdictStatus, number> = { pass: 0, fail: 0, unknown: 0, skipped: 0 };
  for (const s of out) for (const m of s.migrations) summary[m.status]++;
  return {
    engine: info.label ?? (options.scratchUrl ? 'PostgreSQL' : `PGlite ${pgliteVersion()}`),
    sets: out,
    summary,
    cache: { hits: info.hits, misses: info.misses },
  };
}
