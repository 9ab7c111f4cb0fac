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
