/**
 * `rollbook gates` as a library function: resolve the release (from, to), read each side's
 * migrations from git at the locations the working tree names (rollbook.yaml state.migrations and
 * discovery, or --migrations PATH), never from each ref's own descriptor, then evaluate the gates.
 */
import { relative, resolve, sep } from 'node:path';
import { RollbookError } from './errors.js';
import type { ReleaseRef } from './model/release.js';
import type { MigrationSet, SqlStatement } from './model/service.js';
import { descriptorMigrationSpecs, findDescriptor, readDescriptor } from './readers/descriptor.js';
import { loadMigrationSets, MAX_SQL_BYTES, type MigrationSpec } from './readers/migrations/index.js';
import { migrationSetsAt, resolveWindow } from './readers/release.js';
import { serviceRoot } from './readers/root.js';
import { readBoundedText, readFailureText } from './readers/text-file.js';
import { evaluateGates, type GatesReport } from './schema/gates.js';
import { splitSql } from './schema/sql-split.js';
import { cmp } from './util/order.js';

export interface GatesOptions {
  /** The service directory as the user gave it (default "."), resolved against `cwd`. */
  dir?: string;
  cwd?: string;
  /** The version running now (default HEAD). */
  from?: string;
  /** The target (default: the newest release tag reachable from `from`). */
  to?: string;
  /** Migration folders to read at both refs, relative to the service root (overrides rollbook.yaml and discovery). */
  migrations?: string[];
  /** SQL the target version runs (--queries FILE), resolved against `cwd`. */
  queries?: string;
  /** Live database, read only. */
  databaseUrl?: string;
  /** Scratch server to replay on instead of PGlite. */
  scratchUrl?: string;
}

/** The gates report with the release it is about. */
export interface ReleaseGatesReport extends GatesReport {
  release: { from: ReleaseRef; to: ReleaseRef };
  /** The migration folders read at both refs (from the working tree). */
  locations: string[];
}

async function readQueries(root: string, cwd: string, file: string): Promise<SqlStatement[]> {
  const abs = resolve(cwd, file);
  // the shared reader: a FIFO or a device is refused, the size is capped by reading
  const r = readBoundedText(abs, { maxBytes: MAX_SQL_BYTES });
  if (!r.ok)
    throw new RollbookError(
      'NOT_FOUND',
      `--queries ${file}: ${r.kind === 'unreadable' ? r.code : readFailureText(r)}`,
    );
  const text = r.text;
  // evidence paths are relative to the service root (even when the file lives outside it)
  return splitSql(relative(root, abs).split(sep).join('/'), text);
}

/** Where the migrations live, from the working tree: --migrations, else rollbook.yaml, else discovery. */
function locations(root: string, paths: string[] | undefined): Promise<MigrationSet[]> {
  const specs: MigrationSpec[] =
    paths && paths.length > 0 ? paths.map((p) => ({ path: p })) : descriptorMigrationSpecs(root);
  return loadMigrationSets(root, specs);
}

function releaseTags(root: string): string | undefined {
  const file = findDescriptor(root);
  return file ? readDescriptor(root, file).descriptor.release?.tags : undefined;
}

/** The two sides of a release: its refs and each side's migration sets, read from git. */
export interface ReleaseSides {
  root: string;
  from: ReleaseRef;
  to: ReleaseRef;
  /** The migration folders read at both refs (from the working tree). */
  locations: string[];
  current: MigrationSet[];
  target: MigrationSet[];
}

/**
 * Resolve `from` and `to` and read each side's migrations from git. Refs that do not exist, `from`
 * older than `to`, and no target at all are RollbookError (exit 2).
 */
export async function releaseSides(
  opts: Pick<GatesOptions, 'dir' | 'cwd' | 'from' | 'to' | 'migrations'>,
  command: string,
): Promise<ReleaseSides> {
  const cwd = opts.cwd ?? process.cwd();
  const root = serviceRoot(opts.dir, cwd);
  const window = await resolveWindow(root, {
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
    ...(opts.to === undefined ? { tags: releaseTags(root) } : {}),
  });
  if (!window.git)
    throw new RollbookError('GIT', `${opts.dir ?? '.'}: ${window.unscopedReason ?? 'not a git repository'}`);
  if (!window.to)
    throw new RollbookError(
      'USAGE',
      `${command} needs a target version: ${window.unscopedReason ?? 'no release tag found'}`,
      `Usage: rollbook ${command} [dir] [--from REF] --to REF`,
    );
  const where = await locations(root, opts.migrations);
  const paths = [...new Set(where.filter((s) => s.tool !== 'unknown').map((s) => s.path))].sort(cmp);
  const [current, target] = [
    await migrationSetsAt(root, window.from.commit, where),
    await migrationSetsAt(root, window.to.commit, where),
  ];
  return { root, from: window.from, to: window.to, locations: paths, current, target };
}

/**
 * Evaluate the gates between two versions. Refs that do not exist, `from` older than `to`, and no
 * target at all are RollbookError (exit 2). An empty or unbuildable side makes the compatibility
 * gate UNKNOWN (never PASS), and the report's outcome says so.
 */
export async function gates(opts: GatesOptions = {}): Promise<ReleaseGatesReport> {
  const cwd = opts.cwd ?? process.cwd();
  const sides = await releaseSides(opts, 'gates');
  const queries = opts.queries ? await readQueries(sides.root, cwd, opts.queries) : undefined;
  const report = await evaluateGates({
    from: opts.from ?? sides.from.ref,
    to: opts.to ?? sides.to.ref,
    ...(opts.dir ? { dir: opts.dir } : {}),
    current: sides.current,
    target: sides.target,
    locations: sides.locations,
    ...(queries ? { queries } : {}),
    ...(opts.databaseUrl ? { liveUrl: opts.databaseUrl } : {}),
    ...(opts.scratchUrl ? { scratchUrl: opts.scratchUrl } : {}),
  });
  return { ...report, release: { from: sides.from, to: sides.to }, locations: sides.locations };
}
