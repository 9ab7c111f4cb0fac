/**
 * Where the previous version's code uses a name that a change drops or renames: a read-only
 * `git grep` at the base commit (no checkout), outside the migrations and the docs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RollbookError } from '../errors.js';
import type { Confidence, PreviousVersionUse } from '../model/check.js';
import type { Evidence } from '../model/service.js';

const run = promisify(execFile);
const ENV = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
const MAX_USES = 3;

/** total_cents → [total_cents, totalCents, TotalCents]; a single word stays itself. */
export function spellings(identifier: string): string[] {
  const parts = identifier.split('_').filter(Boolean);
  if (parts.length < 2) return [identifier];
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const camel = (parts[0] ?? '') + parts.slice(1).map(cap).join('');
  return [...new Set([identifier, camel, cap(camel)])];
}

/** Test files and fixtures: the previous version's tests are not what a rollback runs. */
const TEST_PATH =
  /(^|\/)(test|tests|spec|specs|__tests__|testdata|fixtures)\/|[._-](test|spec)\.[a-z]+$|_test\.go$/i;

async function gitOut(
  root: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('git', ['-C', root, '-c', 'core.quotePath=false', ...args], {
      env: ENV,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new RollbookError('GIT', 'git is not installed (check needs it)');
    return {
      code: typeof err.code === 'number' ? err.code : 2,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

export interface SearchOptions {
  /** Directories (relative to root) left out: the migration sets. */
  exclude: string[];
  /** What the identifier is, for the note: a column or a table. */
  what: 'column' | 'table';
}

/**
 * Search the tree of `commit` under root for the identifier (whole words, case-sensitive, in each
 * spelling an ORM would use). Never writes; a failure of git grep is said in the note, never thrown.
 */
export async function searchPreviousCode(
  root: string,
  commit: string,
  identifier: string,
  opts: SearchOptions,
): Promise<PreviousVersionUse> {
  const words = spellings(identifier);
  const pathspecs = [
    '.',
    ':(exclude,glob)**/*.md',
    ':(exclude)rollbook.yaml',
    ':(exclude)rollbook.yml',
    ...opts.exclude.filter((d) => d && d !== '.').map((d) => `:(exclude)${d}`),
  ];
  const args = [
    'grep',
    '-n',
    '-I',
    '-w',
    '-F',
    '--no-color',
    ...words.flatMap((w) => ['-e', w]),
    commit,
    '--',
    ...pathspecs,
  ];
  const r = await gitOut(root, args);
  const short = commit.slice(0, 7);
  const shown = words.map((w) => `\`${w}\``).join(', ');
  if (r.code > 1)
    return {
      identifier,
      commit,
      uses: [],
      total: 0,
      confidence: 'low',
      note: `could not search the base (${short}) for ${shown}: ${r.stderr.trim() || `git grep exited ${r.code}`}.`,
    };
  const all: Evidence[] = [];
  const prefix = `${commit}:`;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    const m = /^(.*?):(\d+):(.*)$/.exec(rest);
    if (!m) continue;
    all.push({ file: m[1] as string, line: Number(m[2]), note: (m[3] as string).trim().slice(0, 160) });
  }
  const code = all.filter((u) => !TEST_PATH.test(u.file));
  const uses = code.slice(0, MAX_USES);
  const distinctive = identifier.includes('_') || identifier.length >= 8;
  if (uses.length > 0) {
    const first = uses[0] as Evidence;
    const more = code.length > 1 ? ` (and ${code.length - 1} more place${code.length === 2 ? '' : 's'})` : '';
    const confidence: Confidence = distinctive ? 'high' : 'medium';
    return {
      identifier,
      commit,
      uses,
      total: code.length,
      confidence,
      note: `\`${identifier}\` is used in ${first.file}:${first.line}${more} at the base (${short}): the previous version fails on the new schema${confidence === 'medium' ? ` (a whole-word match of a short name: check that it is this ${opts.what})` : ''}.`,
    };
  }
  const tests = all.length - code.length;
  const confidence: Confidence = distinctive ? 'medium' : 'low';
  return {
    identifier,
    commit,
    uses: [],
    total: 0,
    confidence,
    note: `nothing in the code at the base (${short}) names ${shown} outside the migrations${tests ? ` (only ${tests} test file line${tests === 1 ? '' : 's'})` : ''}: the previous version probably does not use this ${opts.what} by name, but an ORM mapping, SELECT * or a name built at run time would not show here (${confidence} confidence).`,
  };
}
