/**
 * What must be reconciled around the app rollback: only what a finding says the previous version
 * cannot read (or may not read) of what the new one wrote, each item with its evidence and the check
 * that tells it is done. No finding, no item, no step. Pure: (plan context) → items.
 *
 * - dual-write: the second store stops receiving writes once the previous version runs: reconcile it
 *   from the source of truth after the rollback, from the watermark recorded at the backup step.
 * - enum-add-value, drop-not-null, alter-column-type (narrowing or unknown): rows the new version wrote
 *   with a value, a NULL or a type the previous version may not handle.
 * - stateful-data of a database image or subchart whose version the release changed: a new major (or,
 *   for stores that upgrade their files on start, any new version) may have rewritten the data on disk
 *   in a format the previous version cannot open. A Postgres minor update never changes the on-disk
 *   format (PostgreSQL versioning policy): no item. Without a release window it is unknown, and said so.
 * - compose-migration-service, helm-hook-migration when rollbook read no migration files, and every
 *   migration run of the workload that runs no set rollbook read (a CI migrate job, a Procfile release
 *   phase, a migrator of a tool it cannot tell): the new version's migrations ran and what they changed
 *   is unknown, and said so.
 * - crds-in-templates: after the rollback, the CRD and its objects must still exist (restore them from
 *   the backup file otherwise).
 */
import type { Finding } from '../model/finding.js';
import type { ValueChange } from '../model/release.js';
import type { Evidence, WorkloadState } from '../model/service.js';
import type { PlanContext } from './context.js';
import { selectWorkload } from './context.js';

export interface ReconcileItem {
  rule: string;
  subject: string;
  evidence: Evidence[];
  /** What the new version wrote that the previous one may not read, and what to do about it. */
  action: string;
  /** How to tell it is done. */
  check: string;
  /** Before the app rollback (the previous version must not meet it), or after (a reconcile job, a restore). */
  when: 'before' | 'after';
  /** rollbook cannot tell whether there is anything to reconcile: the item says what would tell. */
  unknown?: boolean;
}

const at = (e: Evidence[]) => e.map((x) => `${x.file}:${x.line}`).join(', ');

/** Stores that rewrite their files on start when the version changes, within a major too. */
const UPGRADE_ON_START: Record<string, string> = {
  mysql:
    'MySQL upgrades its data dictionary and system tables in place when a newer server starts, and an older server may refuse them (MySQL supports no downgrade within 8.0 before 8.0.35, nor across LTS series)',
  mariadb:
    'MariaDB upgrades its system tables when a newer server starts (mariadb-upgrade), and an older server is not guaranteed to read them',
  mongodb:
    'MongoDB raises featureCompatibilityVersion when told to, and an older binary refuses data files once it is raised',
  elasticsearch: 'Elasticsearch/OpenSearch indices written by a newer version cannot be read by an older one',
  redis: 'a newer Redis may write an RDB/AOF version an older one refuses to load',
  kafka:
    'Kafka brokers may write log and metadata formats an older broker cannot read once the new version is finalised',
  rabbitmq: 'RabbitMQ enables feature flags on upgrade that an older node refuses to start with',
};

/** What a data store's version change means for the previous version, or undefined when nothing. */
function formatChange(engine: string | undefined, before: string, after: string): string | undefined {
  const major = (v: string) => /^v?(\d+)(?:[.-]|$)/.exec(v)?.[1];
  const [a, b] = [major(before), major(after)];
  if (engine === 'postgres' && a !== undefined && a === b) return undefined;
  if (engine === 'postgres')
    return `a new PostgreSQL major (${before} → ${after}) cannot use the older data directory until pg_upgrade runs, and the older server cannot open an upgraded one: whether the data directory was upgraded (or the new version started on another volume) is unknown`;
  return `${UPGRADE_ON_START[engine ?? ''] ?? `a new ${engine ?? 'store'} version may rewrite its files in a format the older one cannot read`}: whether it did is unknown`;
}

/** The value change of a data store's version in the release: the image tag line, or the subchart's version line. */
function versionChange(changes: ValueChange[], s: WorkloadState): ValueChange | undefined {
  const a = s.at;
  if (!a) return undefined;
  if (s.kind === 'data-image')
    return changes.find(
      (c) => c.file === a.file && c.line === a.line && ['image', 'tag', 'newTag', 'version'].includes(c.key),
    );
  // a Chart.yaml dependency: its version line follows the name line within the same list item
  return changes.find(
    (c) => c.file === a.file && c.key === 'version' && c.line > a.line && c.line <= a.line + 4,
  );
}

const tagOf = (v: string) => (v.includes(':') ? (v.split(':').pop() ?? v) : v);

function statefulItems(ctx: PlanContext, h: Finding): ReconcileItem[] {
  const w = selectWorkload(ctx.service);
  if (!w || !h.subject.endsWith(`${w.kind.toLowerCase()}/${w.name}`)) return [];
  const release = ctx.service.release;
  const out: ReconcileItem[] = [];
  for (const s of w.state ?? []) {
    if (s.kind !== 'data-image' && s.kind !== 'data-subchart') continue;
    const where = s.at ? [s.at] : h.evidence.slice(0, 1);
    const what = s.kind === 'data-image' ? `${s.engine} image ${s.name}` : `${s.engine} subchart ${s.name}`;
    const verify =
      s.engine === 'postgres'
        ? 'the major version in the data directory (cat "$PGDATA/PG_VERSION" in the database pod) equals the major of the image the rollback returns to'
        : `the ${s.engine} server of the target version starts on the current data and its logs show no upgrade or incompatibility error`;
    if (!release?.scoped) {
      out.push({
        rule: h.rule,
        subject: what,
        evidence: where,
        action: `${what} (${at(where)}): no release window, so rollbook cannot tell whether the new version changed its version. Compare the version running now with the target's: the same version (PostgreSQL: the same major) leaves nothing to reconcile; another one may have rewritten the data on disk, and then do not roll the store's image back: restore the backup into the target version instead.`,
        check: verify,
        when: 'before',
        unknown: true,
      });
      continue;
    }
    const change = versionChange(release.valueChanges ?? [], s);
    if (!change) continue;
    const before = s.kind === 'data-image' ? tagOf(change.before) : change.before;
    const after = s.kind === 'data-image' ? tagOf(change.after) : change.after;
    const why = formatChange(s.engine, before, after);
    if (!why) continue;
    const ev: Evidence = { file: change.file, line: change.line };
    out.push({
      rule: h.rule,
      subject: what,
      evidence: [ev],
      action: `${what} goes back from ${after} to ${before} (${at([ev])}): ${why}. Before rolling back, check it; if the data was upgraded, do not roll the store's image back: keep it, or restore the backup into the target version.`,
      check: verify,
      when: 'before',
      unknown: true,
    });
  }
  return out;
}

function migratorItem(ctx: PlanContext, h: Finding): ReconcileItem | undefined {
  // with migration files read, the schema step covers what the release crosses
  if (ctx.service.migrations.some((m) => m.tool !== 'unknown')) return undefined;
  return {
    rule: h.rule,
    subject: h.subject,
    evidence: h.evidence,
    action: `${h.subject} (${at(h.evidence)}) ran the new version's migrations, and rollbook read no migration files: whether they changed the schema or wrote data the previous version cannot read is unknown. Read the database's migration history table for migrations applied since the deploy began; none: nothing to reconcile; some: revert them with the data owner (after the backup), or keep the schema and fix forward.`,
    check:
      'the migration history lists no migration applied since the deploy began, or the data owner decided how each one is handled',
    when: 'before',
    unknown: true,
  };
}

function itemOf(ctx: PlanContext, h: Finding): ReconcileItem[] {
  const ev = at(h.evidence);
  switch (h.rule) {
    case 'dual-write':
      return [
        {
          rule: h.rule,
          subject: h.subject,
          evidence: h.evidence,
          action: `${h.subject} (${ev}) stops receiving the writes the new version dual-wrote once the previous version runs: run the reconcile job from the source of truth into ${h.subject} for everything after the watermark recorded at the backup step.`,
          check: `row counts and per-day checksums of ${h.subject} match the source of truth for everything written after the watermark`,
          when: 'after',
        },
      ];
    case 'enum-add-value':
      return [
        {
          rule: h.rule,
          subject: h.subject,
          evidence: h.evidence,
          action: `Rows the new version wrote with enum value ${h.subject} (${ev}): the previous version may not handle a value it does not know. Count them in the columns of that type; map them to a value the previous version knows, or confirm it reads them without failing.`,
          check: `no row holds ${h.subject}, or the data owner confirmed the previous version reads it`,
          when: 'before',
        },
      ];
    case 'drop-not-null':
      return [
        {
          rule: h.rule,
          subject: h.subject,
          evidence: h.evidence,
          action: `NULLs the new version wrote in ${h.subject} (${ev}): the previous version expects a value. ${h.mitigation}`,
          check: `no NULL remains in ${h.subject}, or the previous version reads NULL without failing`,
          when: 'before',
        },
      ];
    case 'alter-column-type':
      return h.appRollbackSafe === true
        ? []
        : [
            {
              rule: h.rule,
              subject: h.subject,
              evidence: h.evidence,
              action: `Values the new version wrote in the new type of ${h.subject} (${ev}): the previous version may not read them, and converting back loses what the old type cannot hold. Find them and convert or repair them before switching back.`,
              check: `every value of ${h.subject} converts to the old type (a dry run of the cast in a transaction rolled back succeeds)`,
              when: 'before',
            },
          ];
    case 'stateful-data':
      return statefulItems(ctx, h);
    case 'compose-migration-service':
    case 'helm-hook-migration': {
      const item = migratorItem(ctx, h);
      return item ? [item] : [];
    }
    case 'crds-in-templates':
      return [
        {
          rule: h.rule,
          subject: h.subject,
          evidence: h.evidence,
          action: `${h.subject} (${ev}) is versioned with the release: if the rollback deleted or downgraded it, re-apply the CRD and restore its objects from the backup file taken at the backup step (kubectl apply -f).`,
          check: `the CRD still exists and lists as many objects as the backup file holds`,
          when: 'after',
        },
      ];
    default:
      return [];
  }
}

/** Files under migration folders rollbook could not read: what they do is unknown, and said so. */
function unreadItem(ctx: PlanContext): ReconcileItem | undefined {
  const skipped = ctx.service.migrations.flatMap((m) => m.skipped);
  if (skipped.length === 0) return undefined;
  const files = skipped.slice(0, 5).map((f) => f.file);
  return {
    rule: 'unread-migration-files',
    subject: `${skipped.length} unread file${skipped.length === 1 ? '' : 's'} under migration folders`,
    evidence: files.map((file) => ({ file, line: 1 })),
    action: `rollbook could not read ${files.join(', ')}${skipped.length > files.length ? ` and ${skipped.length - files.length} more` : ''} as migrations (see unknowns): whether the new version changed the schema or data through them is unknown. Read the database's migration history for entries applied since the deploy began and decide each one with the data owner.`,
    check:
      'the migration history lists no migration applied since the deploy began that the previous version cannot run with, or the data owner decided how each one is handled',
    when: 'before',
    unknown: true,
  };
}

/**
 * Migration runs of the workload that run no set rollbook read (a CI migrate job, a release phase, a
 * compose migrator or Helm hook of an unknown tool): what they changed is unknown, and said so. A run
 * a finding's item already names (same file:line) is not repeated.
 */
function runItems(ctx: PlanContext, items: ReconcileItem[]): ReconcileItem[] {
  const named = new Set(items.flatMap((i) => i.evidence.map((e) => `${e.file}:${e.line}`)));
  return (ctx.service.migrationsNotFound ?? [])
    .filter((r) => !named.has(`${r.at.file}:${r.at.line}`))
    .map((r) => ({
      rule: 'migration-run-without-set',
      subject: r.detail,
      evidence: [r.at],
      action: `${r.detail} (${at([r.at])}) ran the new version's migrations${r.tool ? ` (${r.tool})` : ''}, and rollbook read no migration set it runs: whether they changed the schema or wrote data the previous version cannot read is unknown. Read the database's migration history table for migrations applied since the deploy began; none: nothing to reconcile; some: revert them with the data owner (after the backup), or keep the schema and fix forward.`,
      check:
        'the migration history lists no migration applied since the deploy began, or the data owner decided how each one is handled',
      when: 'before' as const,
      unknown: true,
    }));
}

/** The reconcile items of the rollback, in hazard order. */
export function reconcileItems(ctx: PlanContext): ReconcileItem[] {
  const items = ctx.hazards.filter((h) => h.touchesData).flatMap((h) => itemOf(ctx, h));
  const unread = unreadItem(ctx);
  const all = unread ? [...items, unread] : items;
  return [...all, ...runItems(ctx, all)];
}

/** The migration sets the schema step reverts: with a release window, only those the rollback crosses. */
export function schemaSets(ctx: PlanContext) {
  return ctx.service.release?.scoped
    ? ctx.service.migrations.filter((s) => s.migrations.length > 0)
    : ctx.service.migrations;
}

/** The runbook has a step that changes data or schema (a schema step or a reconcile step). */
export function hasDataStep(ctx: PlanContext): boolean {
  return (
    ctx.touchesData &&
    (schemaSets(ctx).some((m) => m.migrations.length > 0) || reconcileItems(ctx).length > 0)
  );
}
