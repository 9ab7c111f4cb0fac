import { readFileSync, statSync } from 'node:fs';
import { RollbookError } from '../errors.js';

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

export interface ReadTextOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Name shown in messages (relative path). */
  display: string;
}

/**
 * Read a file that must be UTF-8 text. Missing files, directories, binary files, files that are not
 * UTF-8 and files over the size limit each become one clear RollbookError with file:line:col.
 */
export function readTextFile(path: string, opts: ReadTextOptions): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new RollbookError('NOT_A_DIRECTORY', [
        { message: 'is a directory, expected a file', at: { file: opts.display, line: 1, col: 1 } },
      ]);
    size = st.size;
  } catch (e) {
    if (e instanceof RollbookError) throw e;
    throw new RollbookError('NOT_FOUND', [
      {
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
        at: { file: opts.display, line: 1, col: 1 },
      },
    ]);
  }
  if (size > opts.maxBytes) {
    throw new RollbookError('FILE_TOO_LARGE', [
      {
        message: `file is ${size} bytes; the limit is ${opts.maxBytes}`,
        at: { file: opts.display, line: 1, col: 1 },
      },
    ]);
  }
  const buf = readFileSync(path);
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    throw new RollbookError('BINARY_FILE', [
      {
        message: 'binary file (contains a NUL byte), expected UTF-8 text',
        at: { file: opts.display, ...lineColOfByte(buf, nul) },
      },
    ]);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const bad = firstInvalidUtf8(buf);
    throw new RollbookError('UNSUPPORTED_ENCODING', [
      {
        message: 'file is not valid UTF-8; save it as UTF-8',
        at: { file: opts.display, ...lineColOfByte(buf, bad) },
      },
    ]);
  }
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
