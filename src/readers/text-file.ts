import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { sep } from 'node:path';
import { type ErrorCode, RollbookError } from '../errors.js';

/** Line and column (1-based, column in characters) of a character offset in a text. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** Line and column of a byte offset in a UTF-8 buffer. */
function lineColOfByte(buf: Buffer, byteOffset: number): { line: number; col: number } {
  const before = buf.subarray(0, byteOffset).toString('utf8');
  return lineColOf(before, before.length);
}

/**
 * What every reader may read, all files together, per command (discovery, migrations, check): a
 * repository past these is read up to them and the rest reported, so memory stays bounded.
 */
export const TOTAL_READ_BYTES = 64 * 1024 * 1024;
export const TOTAL_READ_FILES = 50_000;

/** What is left to read (mutated as files are read); one per command run. */
export interface ReadBudget {
  bytes: number;
  files: number;
}

export function readBudget(bytes = TOTAL_READ_BYTES, files = TOTAL_READ_FILES): ReadBudget {
  return { bytes, files };
}

/** Why a file was not read. Each reader words it for its own report (unknown, skip, error). */
export type ReadFailure =
  | { kind: 'unreadable'; code: string }
  | { kind: 'outside' }
  | { kind: 'directory' }
  | { kind: 'special'; what: string }
  | { kind: 'too-large'; bytes?: number; limit: number }
  | { kind: 'budget'; what: 'bytes' | 'files'; limit: number }
  | { kind: 'binary'; line: number; col: number }
  | { kind: 'encoding'; line: number; col: number };

export type ReadOutcome = { ok: true; text: string } | ({ ok: false } & ReadFailure);

export interface ReadOptions {
  /** Largest file accepted, in bytes (measured by reading: a size from stat is not trusted). */
  maxBytes: number;
  /** The repository root: a path whose real location (after symlinks) is outside it is not followed. */
  root?: string;
  /** Shared total caps; the file's bytes are taken from it. */
  budget?: ReadBudget;
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const CHUNK = 64 * 1024;

/**
 * The one way readers read a file: symlinks resolved and refused when they leave `root`; special
 * files (FIFOs, devices, sockets) refused before opening, and opened non-blocking so a file
 * swapped for one cannot hang the read; the size measured by reading, never more than the limit
 * plus one byte (a link to /dev/zero or a growing file stops there); NUL bytes and invalid UTF-8
 * refused with their position; a byte-order mark dropped. Never throws.
 */
export function readBoundedText(path: string, opts: ReadOptions): ReadOutcome {
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'error';
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { ok: false, kind: 'unreadable', code: code(e) };
  }
  if (opts.root !== undefined) {
    let root: string;
    try {
      root = realpathSync(opts.root);
    } catch (e) {
      return { ok: false, kind: 'unreadable', code: code(e) };
    }
    if (!isInside(real, root)) return { ok: false, kind: 'outside' };
  }
  let st: Stats;
  try {
    st = statSync(real);
  } catch (e) {
    return { ok: false, kind: 'unreadable', code: code(e) };
  }
  if (st.isDirectory()) return { ok: false, kind: 'directory' };
  if (!st.isFile()) return { ok: false, kind: 'special', what: specialKind(st) };
  const budget = opts.budget;
  if (budget && budget.files <= 0)
    return { ok: false, kind: 'budget', what: 'files', limit: TOTAL_READ_FILES };
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    return { ok: false, kind: 'unreadable', code: code(e) };
  }
  let buf: Buffer;
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { ok: false, kind: 'special', what: specialKind(fst) };
    if (fst.size > opts.maxBytes)
      return { ok: false, kind: 'too-large', bytes: fst.size, limit: opts.maxBytes };
    if (budget && fst.size > budget.bytes)
      return { ok: false, kind: 'budget', what: 'bytes', limit: TOTAL_READ_BYTES };
    const limit = Math.min(opts.maxBytes, budget ? budget.bytes : opts.maxBytes);
    // read at most limit + 1 bytes: one more than allowed proves the file is over the limit
    buf = Buffer.allocUnsafe(Math.min(limit + 1, fst.size + 1, limit + 1));
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > limit) break;
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(buf.length * 2, CHUNK)));
        buf.copy(grown, 0, 0, total);
        buf = grown;
      }
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > opts.maxBytes) return { ok: false, kind: 'too-large', limit: opts.maxBytes };
    if (budget && total > budget.bytes)
      return { ok: false, kind: 'budget', what: 'bytes', limit: TOTAL_READ_BYTES };
    buf = buf.subarray(0, total);
    if (budget) {
      budget.bytes -= total;
      budget.files -= 1;
    }
  } catch (e) {
    return { ok: false, kind: 'unreadable', code: code(e) };
  } finally {
    closeSync(fd);
  }
  const nul = buf.indexOf(0);
  if (nul !== -1) return { ok: false, kind: 'binary', ...lineColOfByte(buf, nul) };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { ok: false, kind: 'encoding', ...lineColOfByte(buf, firstInvalidUtf8(buf)) };
  }
}

/** Plain words for a failure (readers that have no wording of their own). */
export function readFailureText(f: ReadFailure): string {
  switch (f.kind) {
    case 'unreadable':
      return f.code === 'ELOOP' ? 'symlink loop; not followed' : `cannot read: ${f.code}`;
    case 'outside':
      return 'resolves outside the repository (a symlink or ..); not followed';
    case 'directory':
      return 'is a directory, expected a file';
    case 'special':
      return `${f.what}, not a regular file; not read`;
    case 'too-large':
      return f.bytes === undefined
        ? `file is larger than the limit of ${f.limit} bytes`
        : `file is ${f.bytes} bytes; the limit is ${f.limit}`;
    case 'budget':
      return f.what === 'files'
        ? `more than ${f.limit} files to read; not read`
        : `the total read limit (${f.limit} bytes over all files) is reached; not read`;
    case 'binary':
      return 'binary file (contains a NUL byte), expected UTF-8 text';
    case 'encoding':
      return 'file is not valid UTF-8; save it as UTF-8';
  }
}

export interface ReadTextOptions extends Omit<ReadOptions, 'maxBytes'> {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Name shown in messages (relative path). */
  display: string;
}

const FAILURE_CODE: Record<ReadFailure['kind'], ErrorCode> = {
  unreadable: 'NOT_FOUND',
  outside: 'NOT_FOUND',
  directory: 'NOT_A_DIRECTORY',
  special: 'NOT_FOUND',
  'too-large': 'FILE_TOO_LARGE',
  budget: 'FILE_TOO_LARGE',
  binary: 'BINARY_FILE',
  encoding: 'UNSUPPORTED_ENCODING',
};

/**
 * Read a file that must be UTF-8 text (readBoundedText); anything else is one clear RollbookError
 * with file:line:col (exit 2).
 */
export function readTextFile(path: string, opts: ReadTextOptions): string {
  const r = readBoundedText(path, opts);
  if (r.ok) return r.text;
  const at =
    r.kind === 'binary' || r.kind === 'encoding'
      ? { file: opts.display, line: r.line, col: r.col }
      : { file: opts.display, line: 1, col: 1 };
  throw new RollbookError(FAILURE_CODE[r.kind], [{ message: readFailureText(r), at }]);
}

/** Byte offset of the first invalid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return buf.length;
}
