import type { Arg, Command } from '../model/plan.js';
import { hasUnsafeChars, unsafePattern, utf8Escapes } from './display.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const VAR = /^[A-Z][A-Z0-9_]*$/;

/**
 * POSIX single-quote a value. The one quoting function every input-derived value goes through:
 * inside single quotes nothing is special except the quote itself, which is closed, escaped and
 * reopened. Safe for any byte string, including newlines, `$(...)`, backticks and `;`.
 */
export function shellQuote(value: string): string {
  if (value !== '' && SAFE.test(value)) return value;
  if (hasUnsafeChars(value)) return ansiCQuote(value);
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * bash ANSI-C quoting for a value holding control or bidirectional characters: the word carries
 * the same bytes, but the script text shows them as `\xHH` escapes (UTF-8 bytes, so the meaning
 * does not depend on the locale), so neither reading the script nor printing it drives the terminal.
 */
function ansiCQuote(value: string): string {
  const body = value.replace(/[\\']/g, (c) => `\\${c}`).replace(unsafePattern(), utf8Escapes);
  return `$'${body}'`;
}

/** Maps a runtime variable name to the shell variable that holds it (identity by default). */
export type VarRef = (name: string) => string;
const sameName: VarRef = (name) => name;

/**
 * Render one argument: literals are quoted, runtime variables become "${NAME}".
 * `varRef` lets a generated script keep runtime inputs in its own namespace (e.g. RB_IN_NAME) so an
 * input can never clobber PATH, IFS or the script's own state; its result is validated too.
 */
export function renderArg(arg: Arg, varRef: VarRef = sameName): string {
  if (typeof arg === 'string') return shellQuote(arg);
  if (!VAR.test(arg.var)) throw new Error(`invalid runtime variable name: ${JSON.stringify(arg.var)}`);
  const ref = varRef(arg.var);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref))
    throw new Error(`invalid shell variable name: ${JSON.stringify(ref)}`);
  return `"\${${ref}}"`;
}

/** Display / shell form of a command. Manual actions render as their description. */
export function renderCommand(cmd: Command, varRef: VarRef = sameName): string {
  if (cmd.argv.length === 0) return cmd.manual ?? '';
  return cmd.argv.map((a) => renderArg(a, varRef)).join(' ');
}

export function isValidVarName(name: string): boolean {
  return VAR.test(name);
}
