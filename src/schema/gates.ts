/**
 * `gates --from CURRENT --to TARGET`: can the target (older) version run on the current state?
 * Both schemas are built by replaying each version's migrations (PGlite, or a scratch database on
 * --scratch-url); the old app's queries are prepared and its writes dry-run against the current
 * schema; with --database-url the live migration history is read in a READ ONLY session.
 */
import type { Outcome, Unproven } from '../model/outcome.js';
import type { Arg, Check, Gate } from '../model/plan.js';
import type { Evidence, MigrationFile, MigrationSet, SqlStatement } from '../model/service.js';
import { blockingOutcome } from '../util/outcome.js';
import { ContentHash, readCached, writeCached } from './cache.js';
import { type Catalog, cmp, readCatalog } from './catalog.js';
import { type CompatIssue, oldAppOnCurrentSchema } from './compat.js';
import { type Engine, openEngine, openReadOnly, pgliteVersion, redactUrl } from './engine.js';
import { type HistoryReport, type HistoryTables, readMigrationHistory } from './history.js';
import { checkQueries, describeQueries, type QueryCheck, type QueryShape } from './queries.js';
import { applyFile, extensionsOf, type ReplayProblem, unsupportedOnPglite } from './replay.js';
import { newerSyntax, type SyntaxRequirement } from './syntax-version.js';

export interface GatesInput {
  /** The refs as the user gave them (for messages and the re-run command). */
  from: string;
  to: string;
  /** The service directory as given on the command line (for the re-run command). */
  dir?: string;
  /** Migration sets at --from (current, deployed). */
  current: MigrationSet[];
  /** Migration sets at --to (rollback target). */
  target: MigrationSet[];
  /** The old app's queries (--queries FILE). */
  queries?: SqlStatement[];
  /** Live database, read only (--database-url). */
  liveUrl?: string;
  /** Scratch server to replay on instead of PGlite (--scratch-url). */
  scratchUrl?: string;
  /** The migration folders both sides were read from (for messages). */
  locations?: string[];
  /** The workload whose migration sets are checked, when the repository has workloads. */
  scope?: GatesScope;
}

/**
 * The workload the gates are about and what became of each migration set found: checked (bound to
 * it), not checked (bound to no workload: unknown, never pass) or another workload's.
 */
export interface GatesScope {
  /** The workload as --workload takes it. */
  workload: string;
  /** Every workload of the repository, when there are several (the choice was needed). */
  selectedFrom?: string[];
  /** The sets are declared (--migrations or state.migrations): no binding was used. */
  declared: boolean;
  checked: { path: string; tool: string; boundBy: string[] }[];
  /** Sets nothing binds to a workload, with what discovery looked at. */
  notChecked: { path: string; tool: string; checked: string[] }[];
  /** Sets bound to other workloads only. */
  others: { path: string; tool: string; workloads: string[] }[];
}

/**
 * The sets of a workload's scope bound to no workload: what `gates` and `migrations verify` report
 * as could-not-prove (blocking), with what would check them. Undefined when every set is bound.
 */
export function setsNotChecked(
  scope: GatesScope,
): { title: string; reason: string; prove: string } | undefined {
  const notChecked = scope.notChecked;
  if (notChecked.length === 0) return undefined;
  return {
    title: `Every migration set ${scope.workload} may run is checked`,
    reason: `not checked: ${notChecked
      .map(
        (m) =>
          `${m.path} (${m.tool}) is bound to no workload${m.checked.length ? ` (checked: ${m.checked.join('; ')})` : ''}`,
      )
      .join('; ')}`,
    prove: `if ${scope.workload}'s database runs ${notChecked.length === 1 ? 'it' : 'one of them'}, declare it in rollbook.yaml (state: { migrations: { path: ${notChecked[0]?.path}, tool: ${notChecked[0]?.tool} } }) or pass --migrations ${notChecked[0]?.path}; if not, name the workload that runs it (a migration Job, init container, Helm hook, compose service or CI job naming the folder)`,
  };
}

export interface MigrationRef {
  set: string;
  version: string;
  name: string;
  at: Evidence;
}

export interface SchemaBuild {
  /** Which engine answered (or "cache" + the engine that first answered). */
  engine: string;
  catalog?: Catalog;
  problem?: ReplayProblem & { migration: string };
  /** Extensions PGlite cannot load. */
  unsupported: string[];
}

export interface GatesReport {
  from: string;
  to: string;
  engine: string;
  migrations: { onlyInCurrent: MigrationRef[]; onlyInTarget: MigrationRef[] };
  compatibility: CompatIssue[];
  queries: QueryCheck[];
  history?: HistoryReport;
  live?: string;
  /** The workload the gates are about and which migration sets were checked. */
  scope?: GatesScope;
  /** Syntax in the current version's migrations newer than the set's target serverVersion. */
  newerSyntax: SyntaxRequirement[];
  gates: Gate[];
  /** pass: every blocking gate passed; fail: one failed; unknown: one could not be proven. */
  outcome: Outcome;
  /** The blocking gates that could not be proven, and what would prove them. */
  couldNotProve: Unproven[];
}

/** The version a migration history table names, comparable with a migration version id. */
function comparableVersion(v: string): string {
  return v
    .replace(/^[VvUu]/, '')
    .split(/[._]/)
    .map((p) => (/^\d+$/.test(p) ? String(Number(p)) : p))
    .join('.');
}

function refsOf(sets: MigrationSet[]): Map<string, MigrationRef> {
  const out = new Map<string, MigrationRef>();
  for (const s of sets)
    for (const m of s.migrations)
      out.set(`${s.path}\u0000${m.version}`, { set: s.path, version: m.version, name: m.name, at: m.at });
  return out;
}

/** Migrations present at one ref and absent at the other, by set path and version. */
export function migrationDifference(
  current: MigrationSet[],
  target: MigrationSet[],
): GatesReport['migrations'] {
  const c = refsOf(current);
  const t = refsOf(target);
  const order = (a: MigrationRef, b: MigrationRef) =>
    cmp(a.set, b.set) || a.version.localeCompare(b.version, 'en', { numeric: true });
  return {
    onlyInCurrent: [...c.entries()]
      .filter(([k]) => !t.has(k))
      .map(([, v]) => v)
      .sort(order),
    onlyInTarget: [...t.entries()]
      .filter(([k]) => !c.has(k))
      .map(([, v]) => v)
      .sort(order),
  };
}

function upsFingerprint(sets: MigrationSet[]): string[] {
  const parts: string[] = [];
  for (const s of [...sets].sort((a, b) => cmp(a.path, b.path)))
    for (const m of s.migrations)
      parts.push(
        JSON.stringify([
          s.path,
          m.version,
          m.up?.file,
          m.up?.statements.map((x) => x.text),
          m.up?.errors.map((e) => e.message),
        ]),
      );
  return parts;
}

function schemaKey(scratchUrl: string | undefined, fingerprint: string[]): string {
  return new ContentHash(
    'schema',
    scratchUrl ? `postgres@${redactUrl(scratchUrl)}` : `pglite@${pgliteVersion()}`,
    ...fingerprint,
  ).peek();
}

interface Ups {
  migration: string;
  file: MigrationFile;
}

function upsOf(sets: MigrationSet[]): Ups[] {
  const out: Ups[] = [];
  for (const s of [...sets].sort((a, b) => cmp(a.path, b.path)))
    for (const m of s.migrations) if (m.up) out.push({ migration: m.version, file: m.up });
  return out;
}

/**
 * Build the target and the current schema by replaying every up. When the target's migrations are
 * a prefix of the current's (the usual case), one engine replays both: the target catalog is read
 * half-way. Catalogs are cached by content hash of the replayed files. With `keepOpen`, the
 * engine holding the current schema is returned open (the caller closes it).
 */
export async function buildSchemas(
  target: MigrationSet[],
  current: MigrationSet[],
  options: {
    scratchUrl?: string;
    keepOpen?: boolean;
    /** Called with the engine holding the target schema (bypasses the target's cache). */
    atTarget?: (engine: Engine) => Promise<void>;
  } = {},
): Promise<{ old: SchemaBuild; current: SchemaBuild; engine?: Engine }> {
  const tf = upsFingerprint(target);
  const cf = upsFingerprint(current);
  const tKey = schemaKey(options.scratchUrl, tf);
  const cKey = schemaKey(options.scratchUrl, cf);
  const cachedOld = options.atTarget ? undefined : readCached<SchemaBuild>('schema', tKey);
  const cachedCurrent = options.keepOpen ? undefined : readCached<SchemaBuild>('schema', cKey);
  if (cachedOld && cachedCurrent) return { old: cachedOld, current: cachedCurrent };
  const isPrefix = tf.length <= cf.length && tf.every((x, i) => x === cf[i]);
  const replayOpts = options.scratchUrl ? { scratchUrl: options.scratchUrl } : {};

  const replay = async (sets: MigrationSet[], stopAfter?: number, readAt?: number) => {
    const extensions = extensionsOf(sets);
    const engine = await openEngine({ extensions, ...replayOpts });
    const unsupported = options.scratchUrl ? [] : unsupportedOnPglite(extensions);
    const mid: SchemaBuild = { engine: engine.info.label, unsupported };
    const end: SchemaBuild = { engine: engine.info.label, unsupported };
    const ups = upsOf(sets).slice(0, stopAfter);
    let failed: SchemaBuild['problem'];
    try {
      for (const [i, u] of ups.entries()) {
        if (readAt === i) {
          mid.catalog = await readCatalog((sql) => engine.query(sql));
          await options.atTarget?.(engine);
        }
        const r = await applyFile(engine, u.file);
        if (r.problem) {
          failed = { ...r.problem, migration: u.migration };
          break;
        }
      }
      if (failed) {
        end.problem = failed;
        if (readAt !== undefined && !mid.catalog) mid.problem = failed;
      } else {
        end.catalog = await readCatalog((sql) => engine.query(sql));
        if (readAt !== undefined && readAt >= ups.length) {
          mid.catalog = end.catalog;
          await options.atTarget?.(engine);
        }
      }
    } catch (e) {
      await engine.close();
      throw e;
    }
    return { engine, mid, end };
  };

  let old: SchemaBuild;
  let cur: SchemaBuild;
  let engine: Engine | undefined;
  if (isPrefix && !cachedOld) {
    const r = await replay(current, undefined, tf.length);
    old = r.mid;
    cur = r.end;
    engine = r.engine;
  } else {
    if (cachedOld) old = cachedOld;
    else {
      const r = await replay(target);
      try {
        if (r.end.catalog) await options.atTarget?.(r.engine);
      } finally {
        await r.engine.close();
      }
      old = r.end;
    }
    if (cachedCurrent) cur = cachedCurrent;
    else {
      const r = await replay(current);
      cur = r.end;
      engine = r.engine;
    }
  }
  writeCached('schema', tKey, old);
  writeCached('schema', cKey, cur);
  if (engine && options.keepOpen && cur.catalog) return { old, current: cur, engine };
  await engine?.close();
  return { old, current: cur };
}

function check(input: GatesInput, expect: string, extra: Arg[] = []): Check {
  const argv: Arg[] = [
    'rollbook',
    'gates',
    ...(input.dir ? [input.dir] : []),
    '--from',
    input.from,
    '--to',
    input.to,
    ...(input.scope?.selectedFrom ? ['--workload', input.scope.workload] : []),
  ];
  return {
    command: { argv: [...argv, ...extra], readOnly: true },
    expect,
    timeoutSeconds: 300,
    retries: 0,
  };
}

const loc = (at: Evidence) => `${at.file}:${at.line}:${at.col ?? 1}`;

function buildProblemReason(label: string, b: SchemaBuild): string {
  const p = b.problem;
  if (!p) return '';
  let r = `the ${label} schema could not be built: migration ${p.migration} fails at ${loc(p.at)}: ${p.message} (${p.code})`;
  if (b.unsupported.length > 0)
    r += `; not bundled with PGlite: ${b.unsupported.join(', ')} (use --scratch-url)`;
  return r;
}

export async function evaluateGates(input: GatesInput): Promise<GatesReport> {
  const migrations = migrationDifference(input.current, input.target);
  const replay = input.scratchUrl ? { scratchUrl: input.scratchUrl } : {};
  let targetShapes: (QueryShape | undefined)[] | undefined;
  const queries = input.queries;
  const built = await buildSchemas(input.target, input.current, {
    ...replay,
    keepOpen: Boolean(queries?.length),
    ...(queries?.length
      ? {
          atTarget: async (engine: Engine) => {
            targetShapes = await describeQueries(engine, queries);
          },
        }
      : {}),
  });
  const { old, current } = built;
  const report: GatesReport = {
    from: input.from,
    to: input.to,
    engine: current.engine,
    migrations,
    compatibility: [],
    queries: [],
    newerSyntax: [],
    gates: [],
    outcome: 'unknown',
    couldNotProve: [],
    ...(input.scope ? { scope: input.scope } : {}),
  };
  const prove = new Map<string, string>();
  const count = (sets: MigrationSet[]) =>
    sets.reduce((n, s) => n + s.migrations.filter((m) => m.up).length, 0);
  const folders = input.locations ?? [...new Set([...input.current, ...input.target].map((s) => s.path))];
  const where = folders.length > 0 ? folders.join(', ') : undefined;
  for (const set of input.current) {
    if (set.serverVersion === undefined) continue;
    const hasPgcrypto = extensionsOf([set]).includes('pgcrypto');
    for (const m of set.migrations)
      for (const f of [m.up, m.down])
        if (f) report.newerSyntax.push(...newerSyntax(f, set.serverVersion, { hasPgcrypto }));
  }
  try {
    if (built.engine && input.queries)
      report.queries = await checkQueries(built.engine, input.queries, targetShapes ?? []);
  } finally {
    await built.engine?.close();
  }

  // 0. every migration set the workload may run is checked: one bound to no workload is not
  const unbound = input.scope ? setsNotChecked(input.scope) : undefined;
  if (unbound) {
    const bound: Gate = {
      id: 'migration-sets-bound',
      title: unbound.title,
      kind: 'migration',
      check: check(input, 'gate migration-sets-bound: pass'),
      blocking: true,
      status: 'unknown',
      reason: unbound.reason,
    };
    prove.set(bound.id, unbound.prove);
    report.gates.push(bound);
  }

  // 1. schema compatibility
  const compat: Gate = {
    id: 'current-target-compatible',
    title: `The target version (${input.to}) can run on the current schema (${input.from})`,
    kind: 'compatibility',
    check: check(input, 'gate current-target-compatible: pass'),
    blocking: true,
  };
  const scope = input.scope;
  const emptySide = !where
    ? scope && !scope.declared
      ? `no migration set is bound to ${scope.workload}${scope.others.length ? ` (${scope.others.map((m) => `${m.path} runs with ${m.workloads.join(', ')}`).join('; ')})` : ''}${scope.notChecked.length ? '' : '; if it has no database, this gate does not apply'}, so neither schema was built`
      : 'no migration folder was recognised in the working tree, so neither schema was built'
    : count(input.target) === 0
      ? `no migration found at ${input.to} in ${where}, so the target schema was not built`
      : count(input.current) === 0
        ? `no migration found at ${input.from} in ${where}, so the current schema was not built`
        : undefined;
  if (emptySide) {
    compat.status = 'unknown';
    compat.reason = emptySide;
    prove.set(
      compat.id,
      !where
        ? 'name the migration folder: --migrations PATH (repeatable) or state.migrations.path in rollbook.yaml'
        : `point --migrations at the folder that held the migrations at both refs; if ${count(input.target) === 0 ? input.to : input.from} had no database at all, this gate does not apply and the rollback is app-only`,
    );
  } else if (old.catalog && current.catalog) {
    report.compatibility = oldAppOnCurrentSchema(old.catalog, current.catalog);
    const breaks = report.compatibility.filter((i) => i.severity === 'break');
    const risks = report.compatibility.filter((i) => i.severity === 'risk');
    compat.status = breaks.length > 0 ? 'fail' : 'pass';
    compat.reason =
      breaks.length > 0
        ? `${breaks.length} incompatibilit${breaks.length === 1 ? 'y' : 'ies'}: ${breaks.map((b) => b.message).join('; ')}`
        : migrations.onlyInCurrent.length === 0
          ? 'no migration ran since the target: the schemas are the same'
          : `every table, column, type and enum value of the target schema is still there${risks.length ? `; ${risks.length} risk(s): ${risks.map((r) => r.message).join('; ')}` : ''}`;
  } else {
    compat.status = 'unknown';
    compat.reason = [buildProblemReason('target', old), buildProblemReason('current', current)]
      .filter(Boolean)
      .join('; ');
    prove.set(
      compat.id,
      old.unsupported.length + current.unsupported.length > 0
        ? 'replay on a server that has the extensions: --scratch-url URL (a scratch Postgres)'
        : 'fix the failing migration (the file:line above) or replay on the production major version with --scratch-url URL',
    );
  }
  report.gates.push(compat);

  // 2. and 3. the old app's queries
  const prepare: Gate = {
    id: 'old-queries-prepare',
    title: "The target version's queries prepare against the current schema",
    kind: 'compatibility',
    check: check(input, 'gate old-queries-prepare: pass', ['--queries', { var: 'QUERIES_FILE' }]),
    blocking: true,
  };
  const writes: Gate = {
    id: 'old-writes-dry-run',
    title: "The target version's writes succeed on the current schema (dry run, rolled back)",
    kind: 'compatibility',
    check: check(input, 'gate old-writes-dry-run: pass', ['--queries', { var: 'QUERIES_FILE' }]),
    blocking: true,
  };
  if (!input.queries) {
    // not asked for: reported, not blocking (the exit code is about what was asked)
    prepare.status = writes.status = 'unknown';
    prepare.blocking = writes.blocking = false;
    prepare.reason = writes.reason =
      'not checked: no --queries FILE; export the old version’s statements (e.g. from pg_stat_statements) to check them';
  } else if (!current.catalog) {
    prepare.status = writes.status = 'unknown';
    prepare.reason = writes.reason = buildProblemReason('current', current) || (emptySide ?? '');
    for (const g of [prepare, writes]) prove.set(g.id, prove.get(compat.id) ?? 'build the current schema');
  } else {
    const failed = report.queries.filter((q) => q.prepare.status === 'fail');
    const unknown = report.queries.filter((q) => q.prepare.status === 'unknown');
    prepare.status = failed.length > 0 ? 'fail' : unknown.length > 0 ? 'unknown' : 'pass';
    prepare.reason =
      failed.length > 0
        ? failed.map((q) => `${loc(q.at)}: ${q.prepare.message} (${q.prepare.code})`).join('; ')
        : unknown.length > 0
          ? unknown.map((q) => `${loc(q.at)}: ${q.prepare.message} (${q.prepare.code})`).join('; ')
          : `${report.queries.length} quer${report.queries.length === 1 ? 'y' : 'ies'} prepared`;
    const changed = report.queries.filter((q) => q.typeChanges);
    if (changed.length > 0)
      prepare.reason += `; ${changed.length} quer${changed.length === 1 ? 'y' : 'ies'} changed types since the target: ${changed.map((q) => `${loc(q.at)}: ${q.typeChanges?.join(', ')}`).join('; ')}`;
    if (failed.length > 0) prepare.evidence = failed.map((q) => q.at);
    const dry = report.queries.filter((q) => q.dryRun);
    const dryFailed = dry.filter((q) => q.dryRun?.status === 'fail');
    const dryUnknown = dry.filter((q) => q.dryRun?.status === 'unknown');
    writes.status =
      dryFailed.length > 0 ? 'fail' : dryUnknown.length > 0 || dry.length === 0 ? 'unknown' : 'pass';
    writes.reason =
      dryFailed.length > 0
        ? dryFailed.map((q) => `${loc(q.at)}: ${q.dryRun?.message} (${q.dryRun?.code})`).join('; ')
        : dry.length === 0
          ? 'no write prepared, nothing to dry-run'
          : dryUnknown.length > 0
            ? dryUnknown.map((q) => `${loc(q.at)}: ${q.dryRun?.message}`).join('; ')
            : `${dry.length} write(s) executed and rolled back`;
    if (dryFailed.length > 0) writes.evidence = dryFailed.map((q) => q.at);
  }
  report.gates.push(prepare, writes);

  // 4. live migration history
  const live: Gate = {
    id: 'no-in-flight-migration',
    title: 'No in-flight, failed or dirty migration on the live database',
    kind: 'migration',
    check: check(input, 'gate no-in-flight-migration: pass', ['--database-url', { var: 'DATABASE_URL' }]),
    blocking: true,
  };
  const version: Gate = {
    id: 'live-version-is-current',
    title: `The live database is at the schema version of ${input.from}`,
    kind: 'migration',
    check: check(input, 'gate live-version-is-current: pass', ['--database-url', { var: 'DATABASE_URL' }]),
    blocking: true,
  };
  if (!input.liveUrl) {
    live.status = version.status = 'unknown';
    live.blocking = version.blocking = false;
    live.reason = 'not checked: no --database-url; the live migration history was not read';
    version.reason = 'not checked: no --database-url';
  } else {
    const session = await openReadOnly(input.liveUrl);
    try {
      report.live = session.info.label;
      const custom: HistoryTables = {};
      for (const set of input.current)
        if (
          set.historyTable &&
          (set.tool === 'golang-migrate' || set.tool === 'flyway' || set.tool === 'goose')
        )
          custom[set.tool] = set.historyTable.value;
      report.history = await readMigrationHistory((sql, params) => session.query(sql, params), custom);
    } finally {
      await session.close();
    }
    const f = report.history.findings;
    live.status = f.length > 0 ? 'fail' : 'pass';
    live.reason =
      f.length > 0
        ? f.map((x) => `${x.table}: ${x.detail}`).join('; ')
        : report.history.tables.length === 0
          ? 'no known migration history table found; no DDL running'
          : `clean: ${report.history.tables.map((t) => `${t.table}${t.latest ? ` at ${t.latest}` : ''}`).join(', ')}`;
  }
  if (input.liveUrl && report.history) {
    const newest = input.current
      .flatMap((s) => s.migrations.slice(-1).map((m) => ({ set: s.path, version: m.version })))
      .filter((x) => x.version);
    const latest = report.history.tables
      .filter((t) => t.latest)
      .map((t) => ({ ...t, latest: t.latest as string }));
    if (newest.length === 0 || latest.length === 0) {
      version.status = 'unknown';
      version.reason =
        newest.length === 0
          ? `no migration at ${input.from} to compare with`
          : 'no migration history table with a version was found on the live database';
      prove.set(
        version.id,
        newest.length === 0
          ? 'name the migration folder with --migrations PATH'
          : 'check the history table the service uses (custom table names are not read yet) and compare its version by hand',
      );
    } else {
      const expected = new Set(newest.map((n) => comparableVersion(n.version)));
      const off = latest.filter((t) => !expected.has(comparableVersion(t.latest)));
      version.status = off.length > 0 ? 'fail' : 'pass';
      version.reason =
        off.length > 0
          ? `the database is not at the version you think: ${off.map((t) => `${t.table} is at ${t.latest}`).join(', ')}, ${input.from}'s newest migration is ${newest.map((n) => `${n.version} (${n.set})`).join(', ')}`
          : `${latest.map((t) => `${t.table} at ${t.latest}`).join(', ')} = ${input.from}'s newest migration`;
    }
  }
  report.gates.push(live, version);

  // 5. what a schema rollback would have to undo (informational)
  const since: Gate = {
    id: 'migrations-since-target',
    title: 'Migrations applied since the target version',
    kind: 'migration',
    check: check(input, 'no migration listed, or each one has a verified, lossless down'),
    blocking: false,
  };
  const n = migrations.onlyInCurrent.length;
  since.status = n === 0 ? 'pass' : 'fail';
  since.reason =
    n === 0
      ? `no migration between ${input.to} and ${input.from}`
      : `${n} migration(s) ran since ${input.to}: ${migrations.onlyInCurrent.map((m) => `${m.version} (${m.at.file})`).join(', ')}; leave them in place (app-only rollback) unless the target cannot run on them`;
  if (n > 0) since.evidence = migrations.onlyInCurrent.map((m) => m.at);
  report.gates.push(since);
  report.outcome = blockingOutcome(report.gates);
  report.couldNotProve = report.gates
    .filter((g) => g.blocking && (g.status ?? 'unknown') === 'unknown')
    .map((g) => ({
      id: g.id,
      reason: g.reason ?? 'not evaluated',
      prove: prove.get(g.id) ?? 'run the gate with the inputs it names',
    }));
  return report;
}
