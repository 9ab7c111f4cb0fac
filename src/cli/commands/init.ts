import { existsSync } from 'node:fs';
import { RollbookError } from '../../errors.js';
import { initDescriptor } from '../../index.js';
import { workloadLabel } from '../../readers/discover.js';
import { EXIT, type Io, parseCommand } from '../io.js';
import { writeOutput } from '../write-out.js';

const USAGE = `Usage: rollbook init [dir] [--force] [--workload NAME]

Write a starting rollbook.yaml in dir from what discovery finds, with TODOs for what only people
know (signals, roles, comms, past rollbacks). Refuses to overwrite an existing file without --force.
--workload: kind/name, namespace/kind/name, or a manifest, overlay or chart path.`;

/** Write without ever clobbering (link fails when the target exists) unless force (rename). */
function writeAtomic(target: string, text: string, force: boolean): void {
  writeOutput(target, text, { mode: 0o644, noClobber: !force });
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, { force: { type: 'boolean' }, workload: { type: 'string' } }, USAGE, io);
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const force = values.force === true;
  const workload = values.workload as string | undefined;
  const r = await initDescriptor({
    cwd: io.cwd,
    ...(positionals[0] ? { dir: positionals[0] } : {}),
    ...(workload ? { workload } : {}),
  });
  if (existsSync(r.target) && !force)
    throw new RollbookError('USAGE', 'rollbook.yaml already exists', 'Use --force to overwrite it.');
  writeAtomic(r.target, r.text, force);
  io.stdout(
    `wrote rollbook.yaml: ${r.chosen ? `workload ${workloadLabel(r.chosen)}` : `${r.workloads} workloads found, none chosen (see the TODO)`}; ${r.signals} signals, ${r.flagFiles} flag files, ${r.migrationSets} migration set(s), ${r.excludedMigrationSets} excluded. Fill the TODOs (signals, roles, comms, history).\n`,
  );
  return EXIT.ok;
}
