import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Unknown } from '../../model/service.js';
import type { RepoFile } from './walk.js';

/** Files larger than this are not parsed (manifests, flag files and workflows are far smaller). */
export const MAX_BYTES = 2 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

export type TextResult = { ok: true; text: string } | { ok: false; unknown: Unknown };

/** Read a file as UTF-8 text, or say why not (too large, binary, not UTF-8, unreadable). Never throws. */
export async function readText(f: RepoFile, maxBytes = MAX_BYTES): Promise<TextResult> {
  const skip = (reason: string): TextResult => ({
    ok: false,
    unknown: { subject: f.rel, reason, at: { file: f.rel, line: 1 } },
  });
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'error';
  let fd: number;
  try {
    fd = openSync(f.abs, 'r');
  } catch (e) {
    // Same answer as stat-then-read: a file too large is reported as such even when it cannot be opened.
    let size: number;
    try {
      size = f.size ?? statSync(f.abs).size;
    } catch (e2) {
      return skip(`file not readable (${code(e2)}); skipped`);
    }
    if (size > maxBytes) return skip(`file too large to read (${size} bytes > ${maxBytes}); skipped`);
    return skip(`file not readable (${code(e)}); skipped`);
  }
  let buf: Buffer;
  try {
    let size: number;
    try {
      size = f.size ?? fstatSync(fd).size;
    } catch (e) {
      return skip(`file not readable (${code(e)}); skipped`);
    }
    if (size > maxBytes) return skip(`file too large to read (${size} bytes > ${maxBytes}); skipped`);
    try {
      // Synchronous on purpose: thousands of small files read faster without the thread-pool round trip.
      // One open per file (the descriptor is stat'ed and read), not a stat by path and a read by path.
      buf = readFileSync(fd);
    } catch (e) {
      return skip(`file not readable (${code(e)}); skipped`);
    }
  } finally {
    closeSync(fd);
  }
  const head = buf.subarray(0, 8192);
  if (head.includes(0)) return skip('binary file (NUL bytes); skipped');
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    return skip('not valid UTF-8 text; skipped');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

/** The first bytes of a file as text (for sniffing SQL headers); '' when unreadable. */
export async function readHead(f: RepoFile, bytes = 1024): Promise<string> {
  try {
    const fh = await open(f.abs, 'r');
    try {
      const buf = Buffer.alloc(Math.min(bytes, f.size ?? (await fh.stat()).size));
      await fh.read(buf, 0, buf.length, 0);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** 1-based line of the first match of `re` in `text`, or undefined. */
export function lineOfMatch(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m ? lineAt(text, m.index) : undefined;
}
