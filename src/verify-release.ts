/**
 * `rollbook migrations verify --from REF --to REF` as a library function: the data step of one
 * rollback is the downs of the migrations it crosses (added between `to` and `from`), so only those
 * downs are checked; every older up is replayed first to build the schema they run on. The data
 * owner accepts exactly the losses of those downs, never those of the whole history.
 */
import { type GatesOptions, releaseSides } from './gates.js';
import { type VerifyReport, verifyMigrations } from './schema/verify.js';

export type VerifyReleaseOptions = Pick<GatesOptions, 'dir' | 'cwd' | 'from' | 'to' | 'migrations'> & {
  /** Scratch server to replay on instead of PGlite. */
  scratchUrl?: string;
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
