import { statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { RollbookError } from '../../errors.js';
import type { Evidence, MigrationSet, MigrationTool } from '../../model/service.js';
import { type DirEntry, MAX_SQL_BYTES } from './files.js';
import { isLiquibaseFormatted, LAYOUTS, LayoutContext, parseDirectionalName } from './layouts.js';

export { loadParser } from './parse.js';
export { MAX_SQL_BYTES };

/** What rollbook.yaml says about migrations (`state.migrations`), with where it said it. */
export interface MigrationSpec {
  tool?: string;
  path?: string;
  database?: string;
  version?: number;
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
  const sql = entries.filter((e) => !e.dir && /\.sql$/i.test(e.name));
  // Content markers are definitive (a dbmate file may well be named 0003_no_down.sql).
  for (const e of sql) {
    const r = ctx.read(join2(dir, e.name));
    if ('skip' in r) continue;
    if (r.text.includes('migrate:up') && /^--\s*migrate:up\b/im.test(r.text)) return 'dbmate';
    if (r.text.includes('+goose') && /^--\s*\+goose\s+up\b/im.test(r.text)) return 'goose';
    if (isLiquibaseFormatted(r.text)) return 'liquibase';
  }
  if (sql.some((e) => parseDirectionalName(e.name))) return 'golang-migrate';
  if (sql.some((e) => /^[VUR](\d+(?:[._]\d+)*)?__.+\.sql$/.test(e.name))) return 'flyway';
  if (sql.length === 0 && entries.some((e) => /^\d+_.+\.go$/.test(e.name))) return 'goose';
  const numbered = sql.filter((e) => /^\d+/.test(e.name)).length;
  const base = dir === '.' ? '' : posix.basename(dir);
  if (numbered > 0 && (MIGRATION_DIR_NAMES.has(base) || numbered >= 2)) return 'plain';
  return undefined;
}

/** Find migration directories in the repository (bounded walk, vendored/build dirs skipped). */
export function detectMigrationDirs(
  ctx: LayoutContext,
): { tool: Exclude<MigrationTool, 'unknown'>; dir: string }[] {
  const found: { tool: Exclude<MigrationTool, 'unknown'>; dir: string }[] = [];
  const walk = (dir: string, depth: number): void => {
    const entries = ctx.list(dir);
    const tool = classifyDir(ctx, dir, entries);
    if (tool && tool !== 'unknown') found.push({ tool, dir });
    if (tool === 'prisma' || tool === 'diesel' || tool === 'flyway' || tool === 'liquibase') return;
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) {
      if (!e.dir || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      if (tool === 'sqitch' && (e.name === 'deploy' || e.name === 'revert' || e.name === 'verify')) continue;
      walk(dir === '.' ? e.name : posix.join(dir, e.name), depth + 1);
    }
  };
  walk('.', 0);
  return found;
}

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

/**
 * Load every migration set: those `state.migrations` names (tool and/or path), or, with no spec,
 * every layout detected in the repository. Never throws on file contents (unreadable, binary,
 * unparseable files become `skipped` entries or located errors); throws RollbookError (exit 2)
 * when a spec names a missing path or an unknown tool.
 */
export async function loadMigrationSets(root: string, specs: MigrationSpec[] = []): Promise<MigrationSet[]> {
  const ctx = new LayoutContext(root);
  const targets: {
    tool: Exclude<MigrationTool, 'unknown'> | undefined;
    dir: string;
    spec?: MigrationSpec;
  }[] = [];
  if (specs.length === 0) {
    for (const d of detectMigrationDirs(ctx)) targets.push({ ...d });
  } else {
    for (const spec of specs) {
      const tool = normaliseTool(spec);
      if (spec.path !== undefined) {
        const dir = specDir(root, spec);
        targets.push({ tool: tool ?? (classifyDir(ctx, dir, ctx.list(dir)) as typeof tool), dir, spec });
      } else {
        const found = detectMigrationDirs(ctx).filter((d) => !tool || d.tool === tool);
        if (found.length === 0) targets.push({ tool, dir: '.', spec });
        for (const d of found) targets.push({ ...d, spec });
      }
    }
  }
  const sets: MigrationSet[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.tool}\u0000${t.dir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const database =
      t.spec?.database ?? (t.tool === 'prisma' ? prismaProvider(ctx, t.dir) : undefined) ?? 'postgres';
    const set: MigrationSet = {
      tool: t.tool ?? 'unknown',
      path: t.dir,
      database,
      migrations: [],
      skipped: [],
    };
    if (t.spec?.version !== undefined) set.serverVersion = t.spec.version;
    if (t.spec?.at) set.at = t.spec.at;
    if (!t.tool) {
      set.skipped.push({ file: t.dir, reason: 'no migration layout recognised here' });
    } else if (!POSTGRES_NAMES.test(database)) {
      set.skipped.push({
        file: t.dir,
        reason: `database "${database}": rollbook analyses PostgreSQL migrations only`,
      });
    } else {
      const built = LAYOUTS[t.tool](ctx, t.dir);
      set.migrations = built.migrations;
      set.skipped = built.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    }
    sets.push(set);
  }
  await ctx.flush();
  return sets.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.tool < b.tool ? -1 : 1));
}

function prismaProvider(ctx: LayoutContext, dir: string): string | undefined {
  const r = ctx.read(dir === '.' ? 'migration_lock.toml' : posix.join(dir, 'migration_lock.toml'));
  if ('skip' in r) return undefined;
  const m = /provider\s*=\s*"([^"]+)"/.exec(r.text);
  return m?.[1];
}
