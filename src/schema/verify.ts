/**
 * `migrations verify`: for each migration in order, apply the up, snapshot the catalog, seed a
 * row into every table the down touches (and the tables that reference them), apply the down
 * inside a transaction, compare the catalog with the one before the up, count the rows that
 * survived, and roll the transaction back (which leaves the database exactly as after the up, so
 * the next migration continues from there).
 */
import type { Evidence, Migration, MigrationFile, MigrationSet } from '../model/service.js';
import { ContentHash, readCached, writeCached } from './cache.js';
import {
  type Catalog,
  type CatalogDifference,
  type CatalogTable,
  diffCatalogs,
  readCatalog,
} from './catalog.js';
import { type Engine, type EngineInfo, openEngine, pgliteVersion, redactUrl } from './engine.js';
import {
  type ApplyResult,
  applyFile,
  extensionsOf,
  mentionedNames,
  type ReplayProblem,
  unsupportedOnPglite,
} from './replay.js';
import { countRows, loadSeedSchema, seedRows, withReferenced, withReferencing } from './seed.js';
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
}

export interface SetVerdict {
  path: string;
  tool: string;
  targetVersion?: number;
  migrations: MigrationVerdict[];
}

export interface VerifyReport {
  /** What answered: "PGlite (PostgreSQL 18.6)" or "PostgreSQL 15.18". */
  engine: string;
  sets: SetVerdict[];
  summary: Record<VerdictStatus, number>;
  /** Migrations answered from the result cache vs replayed. */
  cache: { hits: number; misses: number };
}

export interface VerifyOptions {
  /** Replay on this server (scratch database) instead of PGlite. */
  databaseUrl?: string;
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
  if (!options.databaseUrl) return `pglite@${pgliteVersion()}`;
  try {
    const u = new URL(options.databaseUrl);
    return `postgres@${u.hostname}:${u.port || '5432'}`;
  } catch {
    return `postgres@${redactUrl(options.databaseUrl)}`;
  }
}

function verdictBase(m: Migration): MigrationVerdict {
  const v: MigrationVerdict = {
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

function tableNamesMatching(catalog: Catalog, names: Set<string> | undefined): string[] {
  if (!names) return catalog.tables.map((t) => t.name);
  return catalog.tables
    .filter((t) => names.has(t.name) || names.has(t.name.slice(t.name.indexOf('.') + 1)))
    .map((t) => t.name);
}

function columnKey(t: CatalogTable): string {
  return t.columns
    .map((c) => `${c.name}:${c.type}`)
    .sort()
    .join(',');
}

/** Pairs (vanished → appeared) that look like renames: same table shape, or one column of the same type. */
function renamedTables(after: Catalog, restored: Catalog): Map<string, string> {
  const afterNames = new Set(after.tables.map((t) => t.name));
  const restoredNames = new Set(restored.tables.map((t) => t.name));
  const appeared = restored.tables.filter((t) => !afterNames.has(t.name));
  const out = new Map<string, string>();
  for (const t of after.tables) {
    if (restoredNames.has(t.name)) continue;
    const match = appeared.find((a) => columnKey(a) === columnKey(t) && ![...out.values()].includes(a.name));
    if (match) out.set(t.name, match.name);
  }
  return out;
}

function lostColumns(before: CatalogTable, after: CatalogTable): string[] {
  const afterCols = new Map(after.columns.map((c) => [c.name, c]));
  const vanished = before.columns.filter((c) => !afterCols.has(c.name));
  const beforeNames = new Set(before.columns.map((c) => c.name));
  const appeared = after.columns.filter((c) => !beforeNames.has(c.name));
  // a single vanished + single appeared column of the same type is a rename, not a loss
  if (vanished.length === 1 && appeared.length === 1 && vanished[0]?.type === appeared[0]?.type) return [];
  return vanished.map((c) => c.name);
}

async function checkDown(
  engine: Engine,
  down: MigrationFile,
  before: Catalog,
  after: Catalog,
  v: MigrationVerdict,
): Promise<void> {
  await engine.exec('begin');
  try {
    const named = tableNamesMatching(after, mentionedNames(down));
    const schema = named.length > 0 ? await loadSeedSchema(engine) : undefined;
    const touched = schema ? withReferencing(schema, named) : [];
    if (schema) v.seedProblems = (await seedRows(engine, withReferenced(schema, touched), schema)).problems;
    const counts0 = await countRows(engine, touched);
    const result: ApplyResult = await applyFile(engine, down, { inTransaction: true });
    v.notes.push(...result.notes);
    if (result.problem) {
      v.problem = result.problem;
      v.status = result.problem.kind === 'fail' ? 'fail' : 'unknown';
      v.reason = `down fails at ${loc(result.problem.at)}: ${result.problem.message} (${result.problem.code})`;
      return;
    }
    const restored = await readCatalog((sql) => engine.query(sql));
    v.schemaDifferences = diffCatalogs(before, restored);
    const renames = renamedTables(after, restored);
    const counts1 = await countRows(engine, [...new Set([...touched, ...renames.values()])].sort());
    const beforeTables = new Set(before.tables.map((t) => t.name));
    const restoredByName = new Map(restored.tables.map((t) => [t.name, t]));
    for (const t of touched) {
      const n0 = counts0.get(t) ?? null;
      if (!n0) continue;
      const target = renames.get(t) ?? t;
      const n1 = counts1.get(target) ?? null;
      const afterTable = after.tables.find((x) => x.name === t);
      const restoredTable = restoredByName.get(target);
      const columns = afterTable && restoredTable ? lostColumns(afterTable, restoredTable) : [];
      if (n1 === null || n1 < n0 || columns.length > 0)
        v.dataLoss.push({ table: t, before: n0, after: n1, columns, createdByUp: !beforeTables.has(t) });
    }
    const parts: string[] = [];
    if (v.schemaDifferences.length > 0)
      parts.push(`down does not restore the schema (${v.schemaDifferences.length} difference(s))`);
    if (v.dataLoss.length > 0)
      parts.push(
        `down loses data in ${v.dataLoss
          .map((d) =>
            d.after === null
              ? `${d.table} (table dropped, ${d.before} row(s))`
              : d.after < d.before
                ? `${d.table} (${d.before - d.after} of ${d.before} row(s))`
                : `${d.table} (column(s) ${d.columns.join(', ')})`,
          )
          .join(', ')}`,
      );
    v.status = parts.length > 0 ? 'fail' : 'pass';
    v.reason = parts.length > 0 ? parts.join('; ') : 'down restores the schema and keeps the seeded rows';
  } finally {
    await engine.exec('rollback');
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
  const cached = keys.map((k) => readCached<{ engine: string; verdict: MigrationVerdict }>('verify', k));
  const firstMiss = cached.indexOf(undefined);
  const out: SetVerdict = { path: set.path, tool: set.tool, migrations: [] };
  if (set.serverVersion !== undefined) out.targetVersion = set.serverVersion;
  if (firstMiss === -1) {
    for (const c of cached) if (c) out.migrations.push(c.verdict);
    info.hits += cached.length;
    info.label ??= cached[0]?.engine;
    return out;
  }
  const extensions = extensionsOf([set]);
  const hasPgcrypto = extensions.includes('pgcrypto');
  const engine = await openEngine({ ...options, extensions });
  info.engine = engine.info;
  info.label = engine.info.label;
  try {
    const missing = options.databaseUrl ? [] : unsupportedOnPglite(extensions);
    let before = await readCatalog((sql) => engine.query(sql));
    let stopped: string | undefined;
    for (const [i, m] of set.migrations.entries()) {
      const key = keys[i] as string;
      const hit = cached[i];
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
      const v = verdictBase(m);
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
            v.reason += `; not bundled with PGlite: ${missing.join(', ')} (replay with --database-url)`;
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
  for (const set of [...sets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
    out.push(await verifySet(set, options, info));
  const summary: Record<VerdictStatus, number> = { pass: 0, fail: 0, unknown: 0, skipped: 0 };
  for (const s of out) for (const m of s.migrations) summary[m.status]++;
  return {
    engine: info.label ?? (options.databaseUrl ? 'PostgreSQL' : `PGlite ${pgliteVersion()}`),
    sets: out,
    summary,
    cache: { hits: info.hits, misses: info.misses },
  };
}
