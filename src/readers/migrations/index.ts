import { statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { RollbookError } from '../../errors.js';
import type { Evidence, ExcludedMigrationSet, MigrationSet, MigrationTool } from '../../model/service.js';
import { type DirEntry, MAX_SQL_BYTES } from './files.js';
import {
  directionalRunner,
  isLiquibaseFormatted,
  LAYOUTS,
  LayoutContext,
  parseDirectionalName,
  SCRIPT_NAME,
  scriptRunner,
} from './layouts.js';
import { engineOfDir, exclusionReason, isTestDir, nonMigrationReason, targetEngine } from './sets.js';

export { loadParser } from './parse.js';
export { MAX_SQL_BYTES };

/** What rollbook.yaml says about migrations (`state.migrations`), with where it said it. */
export interface MigrationSpec {
  tool?: string;
  path?: string;
  database?: string;
  version?: number;
  /** The tool's history table, when not the default. */
  table?: string;
  at?: Evidence;
}

import { MIGRATION_TOOLS } from '../../model/service.js';

export { MIGRATION_TOOLS };

const TOOL_ALIASES: Record<string, Exclude<MigrationTool, 'unknown'>> = {
  migrate: 'golang-migrate',
  'golang-migrate': 'golang-migrate',
  golang_migrate: 'golang-migrate',
  'go-migrate': 'golang-migrate',
  sqlx: 'golang-migrate',
  dbmate: 'dbmate',
  goose: 'goose',
  flyway: 'flyway',
  sqitch: 'sqitch',
  prisma: 'prisma',
  diesel: 'diesel',
  liquibase: 'liquibase',
  plain: 'plain',
  sql: 'plain',
  // the script tools discovery reports (a set read at another ref is re-read with its own tool)
  'db-migrate': 'db-migrate',
  db_migrate: 'db-migrate',
  knex: 'knex',
  custom: 'custom',
};

const SKIP_DIRS = new Set([
  'node_modules',
  'vendor',
  'dist',
  'build',
  'target',
  'out',
  'coverage',
  'venv',
  '__pycache__',
  'bower_components',
]);
const MIGRATION_DIR_NAMES = new Set([
  'migrations',
  'migration',
  'migrate',
  'sql',
  'db',
  'schema',
  'database',
]);
const MAX_DEPTH = 7;

/** Which layout a directory holds, from its names and (for dbmate/goose/Liquibase) its contents. */
export function classifyDir(ctx: LayoutContext, dir: string, entries: DirEntry[]): MigrationTool | undefined {
  const join2 = (a: string, b: string) => (a === '.' ? b : posix.join(a, b));
  if (entries.some((e) => !e.dir && e.name === 'sqitch.plan')) return 'sqitch';
  const subdirs = entries.filter((e) => e.dir);
  if (subdirs.some((d) => ctx.exists(join2(join2(dir, d.name), 'migration.sql')))) return 'prisma';
  if (subdirs.some((d) => /^\d/.test(d.name) && ctx.exists(join2(join2(dir, d.name), 'up.sql'))))
    return 'diesel';
  if (
    subdirs.some(
      (d) =>
        ctx.exists(join2(join2(dir, d.name), 'manifest.json')) &&
        ctx.list(join2(dir, d.name)).some((e) => !e.dir && /\.sql$/i.test(e.name)),
    )
  )
    return 'custom';
  const sql = entries.filter((e) => !e.dir && /\.sql$/i.test(e.name));
  // Content markers are definitive (a dbmate file may well be named 0003_no_down.sql).
  for (const e of sql) {
    const r = ctx.read(join2(dir, e.name));
    if ('skip' in r) continue;
    if (r.text.includes('migrate:up') && /^--\s*migrate:up\b/im.test(r.text)) return 'dbmate';
    if (r.text.includes('+goose') && /^--\s*\+goose\s+up\b/im.test(r.text)) return 'goose';
    if (isLiquibaseFormatted(r.text)) return 'liquibase';
  }
  if (sql.some((e) => parseDirectionalName(e.name))) return directionalRunner(sql.map((e) => e.name));
  if (sql.some((e) => /^[VUR](\d+(?:[._]\d+)*)?__.+\.sql$/.test(e.name))) return 'flyway';
  if (sql.length === 0 && entries.some((e) => /^\d+_.+\.go$/.test(e.name))) return 'goose';
  const scripts = entries.filter(
    (e) => !e.dir && SCRIPT_NAME.test(e.name) && !/\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]s$/i.test(e.name),
  );
  if (scripts.length > 0) {
    const texts = scripts.slice(0, 20).flatMap((e) => {
      const r = ctx.read(join2(dir, e.name));
      return 'skip' in r ? [] : [r.text];
    });
    const runner = scriptRunner(texts);
    if (runner) return runner;
  }
  const numbered = sql.filter((e) => /^\d+/.test(e.name)).length;
  const base = dir === '.' ? '' : posix.basename(dir);
  if (numbered > 0 && (MIGRATION_DIR_NAMES.has(base) || numbered >= 2)) return 'plain';
  return undefined;
}

/** Find migration directories in the repository (bounded walk, vendored/build dirs skipped). */
export function detectMigrationDirs(ctx: LayoutContext): { tool: MigrationTool; dir: string }[] {
  const found: { tool: MigrationTool; dir: string }[] = [];
  /** Folders named like migrations whose files match no layout: unknowns, never silently dropped. */
  const unrecognised: { tool: MigrationTool; dir: string }[] = [];
  const walk = (dir: string, depth: number): void => {
    const entries = ctx.list(dir);
    const tool = classifyDir(ctx, dir, entries);
    if (tool && tool !== 'unknown') found.push({ tool, dir });
    if (
      tool === 'prisma' ||
      tool === 'diesel' ||
      tool === 'flyway' ||
      tool === 'liquibase' ||
      tool === 'custom'
    )
      return;
    if (!tool && LOOKS_LIKE_MIGRATIONS.test(dir === '.' ? '' : posix.basename(dir))) {
      const files = entries.filter((e) => !e.dir && !e.name.startsWith('.') && !nonMigrationReason(e.name));
      if (files.length > 0) unrecognised.push({ tool: 'unknown', dir });
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) {
      if (!e.dir || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      if (tool === 'sqitch' && (e.name === 'deploy' || e.name === 'revert' || e.name === 'verify')) continue;
      if (tool === 'db-migrate' && e.name === 'sqls') continue;
      walk(dir === '.' ? e.name : posix.join(dir, e.name), depth + 1);
    }
  };
  walk('.', 0);
  return [...found, ...unrecognised];
}

/** Folder names that hold migrations in every ecosystem (Rails db/migrate, Alembic versions, Django, Knex…). */
const LOOKS_LIKE_MIGRATIONS =
  /^(migrations?|migrate|db_migrations|data[-_]migrations|versions|changelogs?)$/i;

function normaliseTool(spec: MigrationSpec): Exclude<MigrationTool, 'unknown'> | undefined {
  if (spec.tool === undefined) return undefined;
  const t = TOOL_ALIASES[spec.tool.toLowerCase()];
  if (!t)
    throw new RollbookError('INVALID_CONFIG', [
      {
        message: `unknown migration tool "${spec.tool}"`,
        path: 'state.migrations.tool',
        expected: `one of ${MIGRATION_TOOLS.join(', ')}`,
        ...(spec.at ? { at: spec.at } : {}),
      },
    ]);
  return t;
}

function specDir(root: string, spec: MigrationSpec): string {
  const p = spec.path as string;
  const abs = isAbsolute(p) ? p : join(root, p);
  const relPath = relative(root, abs).split(sep).join('/') || '.';
  if (relPath.startsWith('..'))
    throw new RollbookError('INVALID_CONFIG', [
      {
        message: `migrations path "${p}" is outside the service root`,
        path: 'state.migrations.path',
        ...(spec.at ? { at: spec.at } : {}),
      },
    ]);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new RollbookError('NOT_FOUND', [
      {
        message: `migrations path "${p}" does not exist`,
        path: 'state.migrations.path',
        ...(spec.at ? { at: spec.at } : {}),
      },
    ]);
  }
  if (!isDir)
    throw new RollbookError('NOT_A_DIRECTORY', [
      {
        message: `migrations path "${p}" is not a directory`,
        path: 'state.migrations.path',
        ...(spec.at ? { at: spec.at } : {}),
      },
    ]);
  return relPath;
}

const POSTGRES_NAMES =
  /^(postgres|postgresql|pg|pgsql|timescale(db)?|supabase|neon|aurora-postgresql|cockroach(db)?)$/i;

type Tool = Exclude<MigrationTool, 'unknown'>;

/** A migration folder found (not parsed yet): a production candidate or an excluded set. */
export interface FoundSet {
  tool: MigrationTool;
  path: string;
  database: string;
  selection: NonNullable<MigrationSet['selection']>;
  spec?: MigrationSpec;
}

export interface FoundSets {
  sets: FoundSet[];
  excluded: ExcludedMigrationSet[];
}

/** Tools the runbook gives commands (the others get manual steps only). */
const COMMANDED: ReadonlySet<MigrationTool> = new Set(
  MIGRATION_TOOLS.filter((t) => t !== 'plain' && t !== 'custom'),
);

/** Layouts whose files sit in subfolders of the set's folder (the others read one flat folder). */
const NESTED: ReadonlySet<MigrationTool> = new Set(['flyway', 'liquibase', 'prisma', 'diesel', 'sqitch']);

/** The files under a set's folder that belong to it (not to a nested set), for the accounting. */
function filesOf(ctx: LayoutContext, set: { tool: MigrationTool; path: string }, others: string[]): string[] {
  const inOther = (f: string) =>
    others.some((o) => o !== set.path && (o === '.' ? false : f.startsWith(`${o}/`)));
  const flat = ctx
    .list(set.path)
    .filter((e) => !e.dir)
    .map((e) => (set.path === '.' ? e.name : posix.join(set.path, e.name)));
  if (!NESTED.has(set.tool)) return flat;
  if (set.path === '.' && (set.tool === 'flyway' || set.tool === 'liquibase')) return flat;
  const depth = set.tool === 'flyway' || set.tool === 'liquibase' ? 8 : 1;
  const out: string[] = [];
  const walk = (dir: string, d: number) => {
    for (const e of ctx.list(dir)) {
      const p = dir === '.' ? e.name : posix.join(dir, e.name);
      if (!e.dir) out.push(p);
      else if (
        d < depth &&
        !e.name.startsWith('.') &&
        !SKIP_DIRS.has(e.name) &&
        (set.tool !== 'sqitch' || ['deploy', 'revert', 'verify'].includes(e.name))
      )
        walk(p, d + 1);
    }
  };
  walk(set.path, 0);
  return out.filter((f) => !inOther(f));
}

/**
 * The migration folders of a repository and which of them are production sets: those
 * `state.migrations` names, or with no spec every detected layout that is not a test, fixture,
 * example or foreign-engine folder. Reads names and a few file heads; parses nothing. Throws
 * RollbookError (exit 2) when a spec names a missing path or an unknown tool.
 */
export function findMigrationSets(
  root: string,
  specs: MigrationSpec[] = [],
  ctx = new LayoutContext(root),
): FoundSets {
  const targets: {
    tool: MigrationTool | undefined;
    dir: string;
    spec?: MigrationSpec;
    selection: FoundSet['selection'];
  }[] = [];
  /** Only sets rollbook would give a command compete for DATABASE_URL. */
  const selection = (
    d: { tool: MigrationTool },
    all: { tool: MigrationTool }[],
    one: FoundSet['selection'],
  ) =>
    !COMMANDED.has(d.tool) || all.filter((x) => COMMANDED.has(x.tool)).length <= 1 ? one : 'one-of-several';
  const excluded: ExcludedMigrationSet[] = [];
  const detected = () => {
    const all = detectMigrationDirs(ctx);
    const declared = specs.find((s) => s.database)?.database;
    const named = all.filter((d) => !isTestDir(d.dir)).map((d) => engineOfDir(d.dir));
    const engines = new Set(named.map((e) => e ?? 'postgres'));
    const target = targetEngine(declared ?? (engines.size === 1 ? [...engines][0] : undefined));
    const keep: typeof all = [];
    for (const d of all) {
      const why = exclusionReason(d.dir, target);
      if (why) excluded.push({ tool: d.tool, path: d.dir, reason: why, files: [] });
      else keep.push(d);
    }
    return keep;
  };
  if (specs.length === 0) {
    const keep = detected();
    for (const d of keep) targets.push({ ...d, selection: selection(d, keep, 'only') });
  } else {
    let found: ReturnType<typeof detected> | undefined;
    for (const spec of specs) {
      const tool = normaliseTool(spec);
      if (spec.path !== undefined) {
        const dir = specDir(root, spec);
        targets.push({
          tool: tool ?? (classifyDir(ctx, dir, ctx.list(dir)) as Tool | undefined),
          dir,
          spec,
          selection: 'descriptor',
        });
      } else {
        found ??= detected();
        const mine = found.filter((d) => !tool || d.tool === tool);
        if (mine.length === 0) targets.push({ tool, dir: '.', spec, selection: 'descriptor' });
        for (const d of mine) targets.push({ ...d, spec, selection: selection(d, mine, 'descriptor') });
      }
    }
  }
  const sets: FoundSet[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.tool}\u0000${t.dir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const database =
      t.spec?.database ??
      (t.tool === 'prisma' ? prismaProvider(ctx, t.dir) : undefined) ??
      engineOfDir(t.dir) ??
      'postgres';
    sets.push({
      tool: t.tool ?? 'unknown',
      path: t.dir,
      database,
      selection: t.selection,
      ...(t.spec ? { spec: t.spec } : {}),
    });
  }
  const dirs = [...sets.map((s) => s.path), ...excluded.map((e) => e.path)];
  for (const e of excluded) e.files = filesOf(ctx, e, dirs);
  const byPath = (a: { path: string; tool: MigrationTool }, b: { path: string; tool: MigrationTool }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0;
  return { sets: sets.sort(byPath), excluded: excluded.sort(byPath) };
}

export interface LoadedMigrations {
  /** Production sets, parsed. */
  sets: MigrationSet[];
  /** Folders that are not production sets, with why. */
  excluded: ExcludedMigrationSet[];
}

/**
 * Load the production migration sets (see findMigrationSets) and account for every file under
 * their folders: a migration, a known non-migration file (`ignored`) or an unknown (`skipped`).
 * Never throws on file contents (unreadable, binary, unparseable files become `skipped` entries or
 * located errors).
 */
export async function loadMigrations(
  root: string,
  specs: MigrationSpec[] = [],
  opts: { parse?: (file: string) => boolean } = {},
): Promise<LoadedMigrations> {
  const ctx = new LayoutContext(root, opts.parse);
  const found = findMigrationSets(root, specs, ctx);
  const dirs = [...found.sets.map((s) => s.path), ...found.excluded.map((e) => e.path)];
  const sets: MigrationSet[] = [];
  for (const t of found.sets) {
    const set: MigrationSet = {
      tool: t.tool,
      path: t.path,
      database: t.database,
      migrations: [],
      skipped: [],
      selection: t.selection,
    };
    if (t.spec?.version !== undefined) set.serverVersion = t.spec.version;
    if (t.spec?.at) set.at = t.spec.at;
    if (t.spec?.table) set.historyTable = { value: t.spec.table, ...(t.spec.at ? { at: t.spec.at } : {}) };
    if (t.tool === 'unknown') {
      const files = filesOf(ctx, set, dirs);
      if (files.length === 0)
        set.skipped.push({ file: t.path, reason: 'no migration layout recognised here' });
      account(set, files, []);
      for (const s of set.skipped)
        if (s.reason.startsWith('under the unknown folder'))
          s.reason = `looks like a migration (under ${t.path}/) but matches no layout rollbook reads: its rollback hazards are unknown; review it by hand`;
    } else if (!POSTGRES_NAMES.test(t.database)) {
      set.skipped.push({
        file: t.path,
        reason: `database "${t.database}": rollbook analyses PostgreSQL migrations only`,
      });
    } else {
      const built = LAYOUTS[t.tool](ctx, t.path);
      set.migrations = built.migrations;
      set.skipped = built.skipped;
      if (built.forwardOnly || t.tool === 'prisma') set.forwardOnly = true;
      account(set, filesOf(ctx, set, dirs), built.claimed ?? []);
    }
    set.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    sets.push(set);
  }
  await ctx.flush();
  return { sets, excluded: found.excluded };
}

/** Every file under the set's folder: a migration, a known non-migration (`ignored`), or an unknown (`skipped`). */
function account(set: MigrationSet, files: string[], claimed: string[]): void {
  const seen = new Set<string>(claimed);
  for (const m of set.migrations) for (const f of [m.up, m.down]) if (f) seen.add(f.file);
  for (const m of set.migrations) seen.add(m.at.file);
  for (const s of set.skipped) seen.add(s.file);
  const ignored: { file: string; reason: string }[] = [];
  for (const f of files) {
    if (seen.has(f)) continue;
    const why = nonMigrationReason(f);
    if (why) ignored.push({ file: f, reason: why });
    else
      set.skipped.push({
        file: f,
        reason: `under the ${set.tool} folder ${set.path} but matches no layout rollbook reads: an unknown, review it by hand`,
      });
  }
  if (ignored.length > 0)
    set.ignored = ignored.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The production migration sets (parsed); see loadMigrations for the excluded folders too. */
export async function loadMigrationSets(root: string, specs: MigrationSpec[] = []): Promise<MigrationSet[]> {
  return (await loadMigrations(root, specs)).sets;
}

function prismaProvider(ctx: LayoutContext, dir: string): string | undefined {
  const r = ctx.read(dir === '.' ? 'migration_lock.toml' : posix.join(dir, 'migration_lock.toml'));
  if ('skip' in r) return undefined;
  const m = /provider\s*=\s*"([^"]+)"/.exec(r.text);
  return m?.[1];
}
