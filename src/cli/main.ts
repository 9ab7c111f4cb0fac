import { isAbsolute, relative } from 'node:path';
import { formatProblem, inputErrorOf, isRollbookError, type RollbookError } from '../errors.js';
import { defaultIo, EXIT, hygienicIo, type Io } from './io.js';

export type CommandRun = (args: string[], io: Io) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: CommandRun }>;
}

/** The command table (contract in DESIGN.md). Each command lives in cli/commands/<name>.ts. */
const COMMANDS: Record<string, CommandEntry> = {
  plan: { summary: 'the complete rollback design for a service', load: () => import('./commands/plan.js') },
  check: {
    summary: 'this change vs the next rollback (CI gate)',
    load: () => import('./commands/check.js'),
  },
  decide: {
    summary: 'during an incident: flag off, roll back or fix forward (read-only)',
    load: () => import('./commands/decide.js'),
  },
  discover: {
    summary: 'what was found, where, and what is missing',
    load: () => import('./commands/discover.js'),
  },
  init: {
    summary: 'write a starting rollbook.yaml from discovery',
    load: () => import('./commands/init.js'),
  },
  'migrations analyze': {
    summary: 'rollback hazards of every migration statement',
    load: () => import('./commands/migrations-analyze.js'),
  },
  'migrations verify': {
    summary: 'up/down round-trip of every migration in real Postgres',
    load: () => import('./commands/migrations-verify.js'),
  },
  'migrations status': {
    summary: 'the live migration history, read-only: version, dirty, failed, running',
    load: () => import('./commands/migrations-status.js'),
  },
  gates: {
    summary: 'can the target version run on the current state?',
    load: () => import('./commands/gates.js'),
  },
  probe: {
    summary: "read one platform command's output (history, deploy status): PASS, FAIL or UNKNOWN",
    load: () => import('./commands/probe.js'),
  },
  target: {
    summary: 'undo one suspect change: revert it, or roll back with its collateral',
    load: () => import('./commands/target.js'),
  },
};

export const USAGE = `rollbook — design the rollback path before anyone needs it

Usage:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  rollbook ${name.padEnd(20)} ${c.summary}`)
  .join('\n')}

Run "rollbook <command> --help" for the options of a command. Add --debug to see stack traces.
rollbook never triggers a rollback: every command it prints is for a person to run.
`;

function resolve(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const two = argv.slice(0, 2).join(' ');
  if (COMMANDS[two]) return { entry: COMMANDS[two], rest: argv.slice(2) };
  const one = argv[0];
  if (one !== undefined && COMMANDS[one]) return { entry: COMMANDS[one], rest: argv.slice(1) };
  return undefined;
}

/** A path as the user gave it: relative to the working directory when inside it. */
function shownPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

export async function main(argv: string[], rawIo: Io = defaultIo): Promise<number> {
  const io = hygienicIo(rawIo);
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    io.stdout(USAGE);
    return args.length === 0 ? EXIT.error : EXIT.ok;
  }
  if (args[0] === '--version') {
    io.stdout('rollbook 0.1.0\n');
    return EXIT.ok;
  }
  const found = resolve(args);
  if (!found) {
    io.stderr(`rollbook: unknown command "${args.slice(0, 2).join(' ')}"\n\n${USAGE}`);
    return EXIT.error;
  }
  try {
    const mod = await found.entry.load();
    return await mod.run(found.rest, io);
  } catch (caught) {
    // a file-system error about the input (EACCES, ELOOP, ENAMETOOLONG…) is the input's problem
    const input = isRollbookError(caught) ? caught : inputErrorOf(caught, (p) => shownPath(p, io.cwd));
    if (input) {
      const e: RollbookError = input;
      for (const p of e.problems) io.stderr(`rollbook: ${formatProblem(p)}\n`);
      if (e.hint) io.stderr(`${e.hint}\n`);
      if (debug) io.stderr(`${(caught as Error).stack ?? e.stack}\n`);
      return EXIT.error;
    }
    const e = caught;
    io.stderr(
      `rollbook: internal error (this is a bug in rollbook, please report it):\n${(e as Error)?.stack ?? String(e)}\n`,
    );
    return EXIT.error;
  }
}
