import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { RollbookError } from '../errors.js';
import type { Outcome } from '../model/outcome.js';
import { safeText } from '../util/display.js';
import { writeOutput } from './write-out.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export const defaultIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** Exit codes (contract): 0 done, 1 blocking findings / failed gate, 2 usage or input error. */
export const EXIT = { ok: 0, blocking: 1, error: 2 } as const;

/**
 * The exit code of a report: the one mapping every command uses. pass → 0; fail and unknown → 1
 * (a blocking check that could not be proven is never reported as fine). Usage and input errors
 * are RollbookError, exit 2, in main.
 */
export function exitCode(outcome: Outcome): number {
  return outcome === 'pass' ? EXIT.ok : EXIT.blocking;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with usage errors turned into RollbookError (exit 2). */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export function parse(args: string[], options: Options, usage: string): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new RollbookError('USAGE', (e as Error).message, usage);
  }
}

/**
 * Parse a command's arguments: `--help` prints the usage (the caller then returns EXIT.ok, seeing
 * undefined), and more than one directory argument is a usage error.
 */
export function parseCommand(
  args: string[],
  options: Options,
  usage: string,
  io: Io,
): ParsedArgs | undefined {
  const parsed = parse(args, { ...options, help: { type: 'boolean', short: 'h' } }, usage);
  if (parsed.values.help) {
    io.stdout(`${usage}\n`);
    return undefined;
  }
  if (parsed.positionals.length > 1) {
    throw new RollbookError(
      'USAGE',
      `expected at most one directory; got ${parsed.positionals.length} arguments`,
      usage,
    );
  }
  return parsed;
}

/**
 * `--database-url` is only ever the read-only live database: a command that replays on a scratch
 * server (and writes there) refuses it and names the flag it takes instead.
 */
export function refuseLiveUrl(value: unknown, usage: string): void {
  if (value === undefined) return;
  throw new RollbookError(
    'USAGE',
    '--database-url is the read-only live database; the scratch server to replay on is --scratch-url URL',
    usage,
  );
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new RollbookError('USAGE', `${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

/**
/**
 * Every byte the CLI writes passes through here: control and bidirectional characters taken from
 * the input are shown escaped (`\x1b`, `\u202e`), never sent to the terminal (src/util/display.ts).
 * JSON stays the same data (its escapes are JSON's own). main() wraps its Io with this.
 */
export function hygienicIo(io: Io): Io {
  return { ...io, stdout: (t) => io.stdout(safeText(t)), stderr: (t) => io.stderr(safeText(t)) };
}

/**
 * Write the output to --out (a regular file atomically, temp file + rename; a device or FIFO
 * directly, never replaced: see writeOutput), or to stdout. Unsafe characters escaped either way.
 */
export function emit(io: Io, rendered: string, out: string | undefined): void {
  const text = safeText(rendered);
  if (!out) {
    io.stdout(text);
    return;
  }
  writeOutput(resolve(io.cwd, out), text, { mode: text.startsWith('#!') ? 0o755 : 0o644 });
}
