import type { PlanWindow } from '../model/plan.js';
import type { Service } from '../model/service.js';

/** The release window of the design, from service.release (pure). */
export function planWindow(service: Service): PlanWindow {
  const r = service.release;
  if (!r) {
    const reason =
      'the release was not read from git: the design covers the whole migration history, not what one rollback crosses';
    return {
      scoped: false,
      summary: `Rolling back the working tree → unknown target: ${reason}`,
      from: { ref: 'working tree', commit: '', how: 'the files on disk' },
      reason,
      crossedMigrations: [],
      targetSchema: [],
      changes: [],
      uncommitted: [],
    };
  }
  return {
    scoped: r.scoped,
    summary: r.summary,
    from: { ref: r.from.ref, commit: r.from.commit, how: r.from.how },
    ...(r.to ? { to: { ref: r.to.ref, commit: r.to.commit, how: r.to.how } } : {}),
    ...(r.unscopedReason ? { reason: r.unscopedReason } : {}),
    ...(r.commits !== undefined ? { commits: r.commits } : {}),
    crossedMigrations: r.scoped
      ? service.migrations.flatMap((s) =>
          s.migrations.map((m) => ({ set: s.path, version: m.version, name: m.name, at: m.at })),
        )
      : [],
    targetSchema: r.targetSchema,
    changes: r.changes,
    uncommitted: r.uncommitted,
  };
}

/**
 * The git ref a command printed now names at rollback time: a tag or a commit id as given; HEAD
 * becomes its commit id; a branch given as --from/--to (the next commit or fetch moves it) the
 * release tag at its commit, else the commit id.
 */
export function stableRef(ref: { ref: string; commit: string; tag?: string; moving?: boolean }): string {
  if (ref.moving) return ref.tag ?? ref.commit.slice(0, 12);
  return ref.ref === 'HEAD' || ref.ref.startsWith('HEAD') ? ref.commit.slice(0, 12) : ref.ref;
}
