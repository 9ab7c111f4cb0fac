/**
 * `rollbook migrations verify` as a library function. With `--from` / `--to` (verifyRelease) the data
 * step of one rollback is the downs of the migrations it crosses (added between `to` and `from`), so
 * only those downs are checked; every older up is replayed first to build the schema they run on. The
 * data owner accepts exactly the losses of those downs, never those of the whole history. With
 * `--workload`, only the sets bound to that workload are verified (the selection `gates` makes).
 */
import { type GatesOptions, migrationScope, releaseSides } from './gates.js';
import { descriptorMigrationSpecs } from './readers/descriptor.js';
import { loadMigrationSets, type MigrationSpec } from './readers/migrations/index.js';
import { serviceRoot } from './readers/root.js';
import { type VerifyReport, verifyMigrations } from './schema/verify.js';

export type VerifyReleaseOptions = Pick<GatesOptions, 'dir' | 'cwd' | 'from' | 'to' | 'migrations'> & {
  /** Scratch server to replay on instead of PGlite. */
  scratchUrl?: string;
  /** The sets to read, instead of --migrations, rollbook.yaml and discovery. */
  specs?: MigrationSpec[];
};

export async function verifyRelease(opts: VerifyReleaseOptions): Promise<VerifyReport> {
  const sides = await releaseSides(opts, 'migrations verify');
  const only = new Map<string, Set<string>>();
  let crossed = 0;
  let replayedOnly = 0;
  for (const set of sides.current) {
    const atTarget = new Set(
      sides.target.filter((t) => t.path === set.path).flatMap((t) => t.migrations.map((m) => m.version)),
    );
    const versions = new Set(set.migrations.map((m) => m.version).filter((v) => !atTarget.has(v)));
    only.set(set.path, versions);
    crossed += versions.size;
    replayedOnly += set.migrations.length - versions.size;
  }
  const report = await verifyMigrations(sides.current, {
    only,
    ...(opts.scratchUrl ? { scratchUrl: opts.scratchUrl } : {}),
  });
  return {
    ...report,
    scope: { from: opts.from ?? sides.from.ref, to: opts.to ?? sides.to.ref, crossed, replayedOnly },
  };
}

export type VerifyOptions = Omit<VerifyReleaseOptions, 'specs' | 'migrations'> & {
  /** The workload whose migration sets are verified (kind/name, namespace/kind/name, or a path: as plan takes it). */
  workload?: string;
};

/**
 * Verify the repository's migration sets (rollbook.yaml state.migrations, else discovery), or with
 * `workload` only those bound to it: a set bound to no workload is not verified and the report's
 * `workload.notChecked` says so (verifyOutcome makes it a blocking could-not-prove). An unknown
 * workload, or several and none chosen, is the usage error `plan` and `gates` give (exit 2).
 */
export async function verify(opts: VerifyOptions): Promise<VerifyReport> {
  const root = serviceRoot(opts.dir, opts.cwd ?? process.cwd());
  const { specs, scope } = opts.workload
    ? await migrationScope(root, opts, 'migrations verify')
    : { specs: undefined, scope: undefined };
  const report =
    opts.from !== undefined || opts.to !== undefined
      ? await verifyRelease({ ...opts, ...(specs ? { specs } : {}) })
      : await verifyMigrations(
          specs
            ? specs.length
              ? await loadMigrationSets(root, specs)
              : []
            : await loadMigrationSets(root, descriptorMigrationSpecs(root)),
          opts.scratchUrl ? { scratchUrl: opts.scratchUrl } : {},
        );
  return scope ? { ...report, workload: scope } : report;
}
