import { createInterface } from 'node:readline/promises';
import { decide, FACT_SPECS, parseFacts } from '../../decide/index.js';
import { isRollbookError } from '../../errors.js';
import type { FactName, FactSource } from '../../model/decide.js';
import { DECISION_FORMATS, DECISION_RENDERERS } from '../../renderers/decide/index.js';
import { DESIGN_ARGS, designOptions, loadDesign } from '../design.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook decide [dir] [--from REF] [--to REF] [facts…] [--format md|json|text] [--out FILE]
                       [--workload NAME]

During an incident: turn a flag off, roll back (app only or with the data step), fix forward or
shift traffic back — a recommendation with each option's time to mitigation, what it loses and
risks, and the reasons in the order they weighed (the table in docs/decide.md).

Facts (asked when stdin and stdout are a terminal; otherwise missing facts are listed as assumptions):
${FACT_SPECS.map((s) => `  --${`${s.flag} ${s.form}`.padEnd(27)} ${s.question}`).join('\n')}

The design is the one rollbook plan makes for the release --from (default HEAD) → --to (default:
the previous release tag). Read-only: rollbook decide runs nothing that changes anything.
Exit 0: decided; 1: decided, but the design's release window or platform is unknown; 2: bad usage
or input (a fact out of range, an unknown ref).`;

/** Ask for the missing facts at a terminal; an empty answer leaves the fact unknown. */
async function ask(missing: typeof FACT_SPECS, raw: Partial<Record<FactName, string>>) {
  const asked: Partial<Record<FactName, FactSource>> = {};
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C stops rollbook (nothing was written); Ctrl-D leaves the remaining facts unknown.
  rl.on('SIGINT', () => {
    process.stderr.write('\n');
    process.exit(130);
  });
  let closed = false;
  rl.on('close', () => {
    closed = true;
  });
  try {
    for (const spec of missing) {
      for (;;) {
        if (closed) return asked;
        const answer = (await rl.question(`${spec.question} `).catch(() => '')).trim();
        if (answer === '') break;
        try {
          spec.parse(answer);
          raw[spec.name] = answer;
          asked[spec.name] = 'asked';
          break;
        } catch (e) {
          if (!isRollbookError(e)) throw e;
          process.stderr.write(`${e.message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return asked;
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    { ...DESIGN_ARGS, ...Object.fromEntries(FACT_SPECS.map((s) => [s.flag, { type: 'string' as const }])) },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const format = oneOf(values.format as string | undefined, DECISION_FORMATS, '--format', 'md');
  const raw: Partial<Record<FactName, string>> = {};
  for (const s of FACT_SPECS) if (typeof values[s.flag] === 'string') raw[s.name] = values[s.flag] as string;
  parseFacts(raw); // bad values are usage errors before anything is read
  const missing = FACT_SPECS.filter((s) => raw[s.name] === undefined);
  const sources =
    missing.length > 0 && process.stdin.isTTY && process.stdout.isTTY ? await ask(missing, raw) : {};
  const { service, design } = await loadDesign(positionals[0] ?? '.', io, designOptions(values), 'decide');
  const report = decide({ design, service, facts: parseFacts(raw), sources });
  emit(
    io,
    (DECISION_RENDERERS[format] as (r: typeof report) => string)(report),
    values.out as string | undefined,
  );
  return exitCode(report.outcome);
}
