import type { Finding } from '../model/finding.js';
import type { PlatformId, Service, Workload } from '../model/service.js';
import { platformFor } from '../platforms/index.js';
import type { Platform, PlatformContext } from '../platforms/types.js';
import { cmp, sortFindings } from '../util/order.js';

/** Everything the planner's parts share, computed once. */
export interface PlanContext {
  service: Service;
  workload?: Workload;
  platformId?: PlatformId;
  platform?: Platform;
  pctx: PlatformContext;
  /** Rule findings plus the platform's built-in hazards. */
  hazards: Finding[];
  /** The data rule applies: some step touches data or migrations. */
  touchesData: boolean;
  /** Why the data rule applies (for the trigger and the unknowns). */
  dataReasons: string[];
  /**
   * Migration sets the release crosses that nothing binds to a workload: whether this rollback
   * touches their database is unknown (one line each). The data rule applies all the same.
   */
  dataPathUnknown: string[];
  /** Old app cannot run on the new schema: the schema step must come before the app rollback. */
  schemaFirst: boolean;
}

/** The workload being rolled back: the one deploy.workload names, else the only one. */
export function selectWorkload(service: Service): Workload | undefined {
  const wanted = service.deploy.workload;
  if (wanted) {
    const [kind, name] = wanted.includes('/') ? wanted.split('/', 2) : [undefined, wanted];
    // only an unambiguous match: two overlays' deployment/api are not one workload
    const matches = service.workloads.filter(
      (w) =>
        w.name === name &&
        (kind === undefined || w.kind.toLowerCase().startsWith(kind.toLowerCase().slice(0, 3))),
    );
    if (matches.length === 1) return matches[0];
    const byName = service.workloads.filter((w) => w.name === name);
    return byName.length === 1 ? byName[0] : undefined;
  }
  return service.workloads.length === 1 ? service.workloads[0] : undefined;
}

export function buildContext(service: Service, findings: Finding[], scoped = true): PlanContext {
  const workload = selectWorkload(service);
  const platformId = service.deploy.platform ?? workload?.platform;
  const platform = platformId ? platformFor(platformId) : undefined;
  const pctx: PlatformContext = workload ? { service, workload } : { service };
  // without a release window, migration findings come from the whole history: say so on each
  const marked = scoped ? findings : findings.map((f) => (f.migration ? { ...f, unscoped: true } : f));
  // One finding per problem: a platform hazard that a rule already reported (same id) is dropped.
  const ruleIds = new Set(findings.map((f) => f.rule));
  const builtIn = (platform ? platform.hazards(pctx) : []).filter((h) => !ruleIds.has(h.rule));
  const hazards = sortFindings([...marked, ...builtIn]);

  const dataReasons: string[] = [];
  const unbound = service.migrations.filter((m) => m.selection === 'unbound');
  const dataPathUnknown = unbound.map(
    (m) =>
      `${m.path || '.'} (${m.tool}): ${m.migrations.length} migration${m.migrations.length === 1 ? '' : 's'} ${scoped ? 'crossed' : 'in the whole history (unscoped)'}, a set bound to no workload`,
  );
  for (const r of service.migrationsNotFound ?? [])
    dataPathUnknown.push(
      r.tool
        ? `${r.detail} (${r.at.file}:${r.at.line}): ${r.tool}, set not bound (rollbook read no ${r.tool} migration set it runs)`
        : `${r.detail} (${r.at.file}:${r.at.line}) runs migrations with a tool rollbook does not recognise, and no migration set is bound to this workload`,
    );
  if (dataPathUnknown.length) dataReasons.push(`data path unknown: ${dataPathUnknown.join('; ')}`);
  const own = service.migrations.filter((m) => m.selection !== 'unbound');
  const migrationCount = own.reduce((n, m) => n + m.migrations.length, 0);
  if (migrationCount > 0) {
    const sets = own.filter((m) => m.migrations.length > 0);
    dataReasons.push(
      `${migrationCount} schema migration${migrationCount === 1 ? '' : 's'} ${scoped ? 'crossed' : 'in the whole history (unscoped)'} in ${sets.map((m) => m.path || '.').join(', ')}`,
    );
  }
  const unread = service.migrations.reduce((n, m) => n + m.skipped.length, 0);
  if (unread > 0)
    dataReasons.push(
      `${unread} file${unread === 1 ? '' : 's'} under migration folders that rollbook could not read as migrations (see unknowns)`,
    );
  const dataHazards = hazards.filter((h) => h.touchesData);
  if (dataHazards.length > 0) {
    const ids = [...new Set(dataHazards.map((h) => h.rule))].sort(cmp);
    dataReasons.push(`hazards that touch data: ${ids.join(', ')}`);
  }
  const schemaFirst = hazards.some(
    (h) => (h.kind === 'schema' || h.kind === 'data') && h.touchesData && h.appRollbackSafe === false,
  );
  const base: PlanContext = {
    service,
    pctx,
    hazards,
    touchesData: dataReasons.length > 0,
    dataReasons,
    dataPathUnknown,
    schemaFirst,
  };
  if (workload) base.workload = workload;
  if (platformId) base.platformId = platformId;
  if (platform) base.platform = platform;
  return base;
}

/** A human name for the workload being rolled back. */
export function workloadLabel(ctx: PlanContext): string {
  if (ctx.workload) return `${ctx.workload.kind.toLowerCase()}/${ctx.workload.name}`;
  return ctx.service.deploy.workload ?? ctx.service.name;
}
