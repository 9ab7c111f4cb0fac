import { resolve } from 'node:path';
import { discoverRepository } from '../../discover.js';
import { discoverJson, discoverText } from '../../renderers/discover.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook discover [dir] [--format text|json] [--workload NAME] [--out FILE]

What rollbook finds in the repository (workloads, migrations, flags, pipelines, signals), where,
every deploy file with what became of it, the config findings, and what it could not read.
It reads with rollbook.yaml's deploy.namespace and deploy.valuesFiles, as plan does.
--workload (kind/name, namespace/kind/name, or a manifest, overlay or chart path) narrows it to one
workload: then the unknowns are the ones that concern it.`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    { format: { type: 'string' }, workload: { type: 'string' }, out: { type: 'string' } },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const format = oneOf(values.format as string | undefined, ['text', 'json'] as const, '--format', 'text');
  const workload = values.workload as string | undefined;
  const report = await discoverRepository({
    cwd: io.cwd,
    ...(positionals[0] ? { dir: positionals[0] } : {}),
    ...(workload ? { workload } : {}),
  });
  const out = values.out as string | undefined;
  emit(
    io,
    format === 'json' ? discoverJson(report) : discoverText(report),
    out ? resolve(io.cwd, out) : undefined,
  );
  return exitCode(report.outcome);
}
