// npm run fuzz [-- --runs N --seed S --jobs J --timeout CPU-SECONDS --wall SECONDS --memory MIB --out DIR --minimise N
//               --shellcheck-every N --dist DIR (a copy of dist/ to test, unchanged by rebuilds)
//               --history include|skip|only (check, gates, migrations verify: the cases over git history)
//               --kinds mutated,generated,pathological,malformed,binary,huge,hostile-names]
// Drives every reader, renderer and the generated shell with generated and mutated inputs
// (scripts/fuzz/), each under a time and memory limit, prints the counts per class and writes
// minimised reproducers to DIR (default fuzz-out/, gitignored). Exit 1 when anything crashed, hung,
// went over the memory limit or broke an output contract. Never part of npm test (a seeded sample
// is: test/fuzz/sample.test.ts).

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FAILURES, formatReport, fuzz, ROOT } from './fuzz/harness.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    jobs: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10' },
    wall: { type: 'string', default: '120' },
    memory: { type: 'string', default: '1024' },
    out: { type: 'string', default: resolve(ROOT, 'fuzz-out') },
    minimise: { type: 'string', default: '60' },
    'shellcheck-every': { type: 'string', default: '10' },
    quiet: { type: 'boolean', default: false },
    dist: { type: 'string' },
    history: { type: 'string', default: 'include' },
    kinds: { type: 'string' },
  },
});
// The build under test: the worker reads RBFUZZ_DIST (a copy of dist/ that rebuilds do not change).
if (values.dist) process.env.RBFUZZ_DIST = resolve(values.dist);
const options = {
  runs: Number(values.runs),
  seed: Number(values.seed),
  jobs: Number(values.jobs),
  timeoutMs: Number(values.timeout) * 1000,
  wallMs: Number(values.wall) * 1000,
  memoryBytes: Number(values.memory) * 2 ** 20,
  outDir: values.out,
  minimise: Number(values.minimise),
  shellcheckEvery: Number(values['shellcheck-every']),
  history: values.history,
  ...(values.kinds ? { kinds: values.kinds.split(',') } : {}),
  log: values.quiet ? () => {} : (line) => process.stderr.write(`fuzz: ${line}\n`),
};
process.stderr.write(
  `fuzz: seed ${options.seed}, ${options.runs} inputs (repeat with --seed ${options.seed})\n`,
);
// Ctrl-C (or SIGTERM) stops the campaign early: the cases run so far are reported.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
const report = await fuzz({ ...options, signal: stop.signal });
process.stdout.write(formatReport(report, options));
process.exitCode = FAILURES.some((k) => report.counts[k] > 0) ? 1 : 0;
