import { fileURLToPath } from 'node:url';
import { RollbookError } from '../../errors.js';
import type { TargetPath } from '../../model/target.js';
import { unprovenText } from '../../outcomes.js';
import { serviceRoot } from '../../readers/root.js';
import { TARGET_FORMATS, TARGET_RENDERERS } from '../../renderers/target/index.js';
import { target, targetOutcome } from '../../target/index.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook target --suspect REF [dir] [--from REF] [--format md|json|html|sh] [--out FILE]
                       [--path revert|rollback] [--workload NAME]

The targeted rollback of one suspect change: a commit, or a range A..B (the commits after A up to
and including B), in the history of --from (the version running now; default: HEAD). Read from git
only, read-only: what the suspect contains (code, config, manifests, migrations, flags); whether
reverting only the suspect applies on top of --from (tested without touching the working tree, the
index or refs), with the conflicting files when it does not; the collateral (every other commit a
platform rollback to before the suspect would also undo, with its migrations and flag changes); and
both paths as runbooks with gates, durations and abort paths: revert + redeploy, and the platform
rollback. md and json show both paths; html and sh the recommended one, or --path.
rollbook never reverts, deploys or rolls back: every command it prints is for a person to run.
Exit 0: planned, the suspect can be reverted alone and nothing blocks; 1: the revert conflicts, or a
blocking hazard, a failing gate or one nothing can check on the recommended path; 2: bad usage or input (unknown ref, a
suspect outside --from's history).`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      suspect: { type: 'string', short: 's' },
      from: { type: 'string' },
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      path: { type: 'string' },
      workload: { type: 'string', short: 'w' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const suspect = values.suspect as string | undefined;
  if (suspect === undefined) throw new RollbookError('USAGE', '--suspect REF is required', USAGE);
  const format = oneOf(values.format as string | undefined, TARGET_FORMATS(), '--format', 'md');
  const path = values.path as string | undefined;
  const chosen =
    path === undefined ? undefined : oneOf<TargetPath>(path, ['revert', 'rollback'], '--path', 'revert');
  const from = values.from as string | undefined;
  const workload = values.workload as string | undefined;
  const report = await target(serviceRoot(positionals[0] ?? '.', io.cwd), {
    suspect,
    ...(from !== undefined ? { from } : {}),
    ...(workload !== undefined ? { workload } : {}),
  });
  const render = TARGET_RENDERERS[format] as (typeof TARGET_RENDERERS)[string];
  const rollbookBin = fileURLToPath(new URL('../../../bin/rollbook.js', import.meta.url));
  emit(
    io,
    render(report, { rollbookBin, ...(chosen ? { path: chosen } : {}) }),
    values.out as string | undefined,
  );
  const outcome = targetOutcome(report);
  io.stderr(unprovenText(outcome.couldNotProve));
  return exitCode(outcome.outcome);
}
