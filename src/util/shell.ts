import type { Arg, Command } from '../model/plan.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const VAR = /^[A-Z][A-Z0-9_]*$/;

/**
 * POSIX single-quote a value. The one quoting function every input-derived value goes through:
 * inside single quotes nothing is special except the quote itself, which is closed, escaped and
 * reopened. Safe for any byte string, including newlines, `$(...)`, backticks and `;`.
 */
export function shellQuote(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Render one argument: literals are quoted, runtime variables become "${NAME}". */
export function renderArg(arg: Arg): string {
  if (typeof arg === 'string') return shellQuote(arg);
  if (!VAR.test(arg.var)) throw new Error(`invalid runtime variable name: ${arg.var}`);
  return `"\${${arg.var}}"`;
}

/** Display / shell form of a command. Manual actions render as their description. */
export function renderCommand(cmd: Command): string {
  if (cmd.argv.length === 0) return cmd.manual ?? '';
  return cmd.argv.map(renderArg).join(' ');
}

export function isValidVarName(name: string): boolean {
  return VAR.test(name);
}
