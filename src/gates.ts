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
import { applyDiscovery, discover, migrationSetsFor, uniqueRef } from './readers/discover.js';
import { workloadRef } from './readers/discovery/migration-binding.js';
import { readServiceInputs } from './readers/load-service.js';
import { loadMigrationSets, MAX_SQL_BYTES, type MigrationSpec } from './readers/migrations/index.js';
import { migrationSetsAt, resolveWindow } from './readers/release.js';
import { serviceRoot } from './readers/root.js';
import { readBoundedText, readFailureText } from './readers/text-file.js';
import { evaluateGates, type GatesReport, type GatesScope } from './schema/gates.js';
import { splitSql } from './schema/sql-split.js';
import { cmp } from './util/order.js';
import { requireOneWorkload } from './workload-choice.js';

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
  /**
   * The workload whose migration sets are checked (kind/name, namespace/kind/name, a manifest,
   * overlay or chart path: what `plan --workload` takes). Default: deploy.workload, else the only one.
   */
  workload?: string;
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

/**
 * Which migration sets the gates read. Declared sets (--migrations, then rollbook.yaml's
 * state.migrations) win; otherwise, in a repository with workloads, the sets discovery binds to the
 * chosen workload, and those it binds to none are not checked (the report says what would check
 * them). Several workloads and none chosen is the usage error `plan` gives.
 */
export async function migrationScope(
  root: string,
  opts: Pick<GatesOptions, 'dir' | 'from' | 'to' | 'migrations' | 'workload'>,
  command = 'gates',
): Promise<{ specs?: MigrationSpec[]; scope?: GatesScope }> {
  const explicit = opts.migrations?.length ? opts.migrations.map((p) => ({ path: p })) : undefined;
  const inputs = readServiceInputs(root, opts.workload ? { workload: opts.workload } : {});
  const declared = explicit ?? (inputs.specs.length ? inputs.specs : undefined);
  if (declared && !opts.workload) return { specs: declared };
  const found = await discover(root, inputs.discover);
  const service = applyDiscovery(inputs.service, found);
  const given = [
    ...(opts.from !== undefined ? ['--from', opts.from] : []),
    ...(opts.to !== undefined ? ['--to', opts.to] : []),
  ];
  requireOneWorkload(service, opts.dir ?? '.', command, given);
  const chosen = service.workloads.length === 1 ? service.workloads[0] : undefined;
  // no workload found: the repository's sets are the service's (as before binding existed)
  if (!chosen) return declared ? { specs: declared } : {};
  const workload = service.deploy.selectedBy ?? workloadRef(chosen);
  if (declared)
    return { specs: declared, scope: { workload, declared: true, checked: [], notChecked: [], others: [] } };
  const sets = migrationSetsFor(found, service);
  return {
    specs: sets.bound.map((m) => ({ path: m.path, tool: m.tool })),
    scope: {
      workload,
      ...(found.workloads.length > 1
        ? { selectedFrom: found.workloads.map((w) => uniqueRef(w, found.workloads)) }
        : {}),
      declared: false,
      checked: sets.bound.map((m) => ({
        path: m.path,
        tool: m.tool,
        boundBy: m.binding.evidence.map((e) => `${e.detail}${e.at ? ` (${e.at.file}:${e.at.line})` : ''}`),
      })),
      notChecked: sets.unbound.map((m) => ({ path: m.path, tool: m.tool, checked: m.binding.checked })),
      others: sets.others.map((m) => ({ path: m.path, tool: m.tool, workloads: m.binding.workloads })),
    },
  };
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
  opts: Pick<GatesOptions, 'dir' | 'cwd' | 'from' | 'to' | 'migrations'> & {
    /** The sets to read (none: nothing is read), instead of --migrations, rollbook.yaml and discovery. */
    specs?: MigrationSpec[];
  },
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
  const where = opts.specs
    ? opts.specs.length
      ? await loadMigrationSets(root, opts.specs)
      : []
    : await locations(root, opts.migrations);
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
  const { specs, scope } = await migrationScope(serviceRoot(opts.dir, cwd), opts);
  const sides = await releaseSides({ ...opts, ...(specs ? { specs } : {}) }, 'gates');
  const queries = opts.queries ? await readQueries(sides.root, cwd, opts.queries) : undefined;
  const report = await evaluateGates({
    from: opts.from ?? sides.from.ref,
    to: opts.to ?? sides.to.ref,
    ...(opts.dir ? { dir: opts.dir } : {}),
    current: sides.current,
    target: sides.target,
    locations: sides.locations,
    ...(scope ? { scope } : {}),
    ...(queries ? { queries } : {}),
    ...(opts.databaseUrl ? { liveUrl: opts.databaseUrl } : {}),
    ...(opts.scratchUrl ? { scratchUrl: opts.scratchUrl } : {}),
  });
  return { ...report, release: { from: sides.from, to: sides.to }, locations: sides.locations };
}
