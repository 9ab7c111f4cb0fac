import { fileURLToPath } from 'node:url';
import { RollbookError } from '../../errors.js';
import { analyze, loadService, plan, render, selectWorkload } from '../../index.js';
import { FORMATS } from '../../renderers/index.js';
import { EXIT, emit, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook plan [dir] [--format md|json|...] [--out FILE] [--workload NAME]

Writes the rollback design of the service in dir (default: .): trigger, state hazards, runbook,
gates, verification and comms, estimate and unknowns. Markdown by default.
Exit 0: designed, nothing blocking; 1: designed, with blocking hazards (severity error) or a failing
gate; 2: bad usage or input.`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      workload: { type: 'string', short: 'w' },
    },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const format = oneOf(values.format as string | undefined, FORMATS(), '--format', 'md');
  const dir = positionals[0] ?? '.';
  const workload = values.workload as string | undefined;
  const service = await loadService(dir, workload ? { workload } : {});
  if (service.workloads.length > 1 && !selectWorkload(service)) {
    const refs = service.workloads.map((w) =>
      [w.namespace, `${w.kind.toLowerCase()}/${w.name}`].filter(Boolean).join('/'),
    );
    throw new RollbookError(
      'USAGE',
      `${dir} holds ${refs.length} workloads: ${refs.join(', ')}; a rollback design is for one of them`,
      `Pick one: rollbook plan ${dir} --workload ${refs[0]} (or set deploy.workload in rollbook.yaml).`,
    );
  }
  const design = plan(service, analyze(service));
  // The runbook calls rollbook back: first by this installation's own path.
  const rollbookBin = fileURLToPath(new URL('../../../bin/rollbook.js', import.meta.url));
  emit(io, render(design, format, { rollbookBin }), values.out as string | undefined);
  const blocking =
    design.hazards.some((h) => h.severity === 'error') ||
    design.gates.some((g) => g.blocking && g.status === 'fail');
  return blocking ? EXIT.blocking : EXIT.ok;
}
