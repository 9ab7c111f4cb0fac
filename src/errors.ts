import type { Evidence } from './model/service.js';

/** Error codes for expected user errors (exit code 2). */
export type ErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'NOT_A_DIRECTORY'
  | 'YAML_SYNTAX'
  | 'INVALID_CONFIG'
  | 'INVALID_NAME'
  | 'INVALID_NUMBER'
  | 'INVALID_INPUT'
  | 'FILE'
  | 'UNSUPPORTED_ENCODING'
  | 'BINARY_FILE'
  | 'FILE_TOO_LARGE'
  | 'SQL_SYNTAX'
  | 'GIT'
  | 'DATABASE'
  | 'OUTPUT';

export interface Problem {
  message: string;
  at?: Evidence;
  /** Dotted field path in the descriptor, e.g. deploy.platform. */
  path?: string;
  /** What was expected, in words. */
  expected?: string;
}

export function formatLocation(at: Evidence | undefined): string {
  if (!at) return '';
  return `${at.file}:${at.line}:${at.col ?? 1}`;
}

export function formatProblem(p: Problem): string {
  const loc = formatLocation(p.at);
  const parts = [loc ? `${loc}: ` : '', p.path ? `${p.path}: ` : '', p.message];
  if (p.expected) parts.push(` (expected ${p.expected})`);
  return parts.join('');
}

/**
 * An expected user error: bad input, bad usage, missing file. Printed as one clear message per
 * problem, with file:line:col, and exit code 2; no stack trace unless --debug.
 */
export class RollbookError extends Error {
  readonly code: ErrorCode;
  readonly problems: Problem[];
  readonly hint?: string;

  constructor(code: ErrorCode, problems: Problem[] | string, hint?: string) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(list.map(formatProblem).join('\n'));
    this.name = 'RollbookError';
    this.code = code;
    this.problems = list;
    if (hint !== undefined) this.hint = hint;
  }
}

export function isRollbookError(e: unknown): e is RollbookError {
  return e instanceof RollbookError;
}

/** What each file-system error code means, in words (the input's problem, not rollbook's). */
export const FS_ERROR_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory, not a file',
  ELOOP: 'too many symbolic links (a symlink loop)',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files (raise ulimit -n)',
  ENFILE: 'too many open files in the system',
  EBUSY: 'resource busy',
  EIO: 'input/output error',
  ENXIO: 'no such device or address (a socket or a FIFO without a writer)',
  ENODEV: 'no such device',
  EINVAL: 'invalid argument (not a readable file)',
  EFBIG: 'file too large',
  EOVERFLOW: 'file too large',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'cannot move across file systems',
  ETXTBSY: 'text file busy',
  ESPIPE: 'not a seekable file',
  EAGAIN: 'resource temporarily unavailable',
};

interface ErrnoLike {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  message?: unknown;
}

/**
 * An error the file system or Node's path checks raised about the user's input (an unreadable,
 * looping, too long or missing path; a NUL byte in a path), turned into an input error (exit 2)
 * with the path and the reason in words. Anything else: undefined (a real bug).
 */
export function inputErrorOf(
  e: unknown,
  display: (path: string) => string = (p) => p,
): RollbookError | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const err = e as ErrnoLike;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : '';
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') {
    if (/null bytes/.test(message))
      return new RollbookError('INVALID_INPUT', 'a path from the input contains a NUL character');
    return undefined;
  }
  if (code === undefined || FS_ERROR_WORDS[code] === undefined) return undefined;
  const path = typeof err.path === 'string' ? display(err.path) : undefined;
  const verb = typeof err.syscall === 'string' ? err.syscall : 'access';
  return new RollbookError('FILE', `cannot ${verb} ${path ?? 'a file'}: ${FS_ERROR_WORDS[code]} (${code})`);
}
