import { fileURLToPath } from 'node:url';
import { render } from '../../index.js';
import { planOutcome, unprovenText } from '../../outcomes.js';
import { FORMATS } from '../../renderers/index.js';
import { DESIGN_ARGS, designOptions, loadDesign } from '../design.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook plan [dir] [--from REF] [--to REF] [--format md|json|...] [--out FILE]
                     [--workload NAME] [--context KUBE_CONTEXT]

Writes the rollback design of the service in dir (default: .): trigger, state hazards, runbook,
gates, verification and comms, estimate and unknowns. Markdown by default.

The design is about one release, read from git (read only): --from is the version rolled back
(default: HEAD), --to the target (default: the newest release tag reachable from --from other than
itself; release.tags in rollbook.yaml, default: version-like tags ordered as versions). Its data
step, target schema version, data-loss statement and estimate come from the migrations added in
between. Without tags or --to the design says so and marks migration hazards as unscoped.
Exit 0: designed, nothing blocking; 1: designed, with blocking hazards (severity error), a failing
gate, or a blocking gate nothing can check (no deploy mechanism found or declared: "could not
prove" on stderr says what would check it); 2: bad usage or input.

--workload NAME   kind/name, namespace/kind/name, or a manifest, overlay or chart path.
--context NAME    the kube context the cluster commands target (default: deploy.context in
                  rollbook.yaml; without either, an unknown says the commands use kubectl's current one).`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(args, DESIGN_ARGS, USAGE, io);
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const format = oneOf(values.format as string | undefined, FORMATS(), '--format', 'md');
  const { design } = await loadDesign(positionals[0] ?? '.', io, designOptions(values), 'plan');
  // The runbook calls rollbook back: first by this installation's own path.
  const rollbookBin = fileURLToPath(new URL('../../../bin/rollbook.js', import.meta.url));
  emit(io, render(design, format, { rollbookBin }), values.out as string | undefined);
  const outcome = planOutcome(design);
  // what no gate of the design can check, said on stderr so stdout stays the design
  io.stderr(unprovenText(outcome.couldNotProve));
  return exitCode(outcome.outcome);
}
