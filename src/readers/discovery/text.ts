import { open } from 'node:fs/promises';
import type { Unknown } from '../../model/service.js';
import { type ReadFailure, readBoundedText, readFailureText } from '../text-file.js';
import type { RepoFile } from './walk.js';

/** Files larger than this are not parsed (manifests, flag files and workflows are far smaller). */
export const MAX_BYTES = 2 * 1024 * 1024;

export type TextResult = { ok: true; text: string } | { ok: false; unknown: Unknown };

/** Discovery's wording of why a file was skipped. */
function skipReason(f: ReadFailure): string {
  switch (f.kind) {
    case 'unreadable':
      return f.code === 'ELOOP' ? 'symlink loop; not followed' : `file not readable (${f.code}); skipped`;
    case 'too-large':
      return f.bytes === undefined
        ? `file too large to read (more than ${f.limit} bytes); skipped`
        : `file too large to read (${f.bytes} bytes > ${f.limit}); skipped`;
    case 'binary':
      return 'binary file (NUL bytes); skipped';
    case 'encoding':
      return 'not valid UTF-8 text; skipped';
    default:
      return readFailureText(f);
  }
}

/**
 * Read a file as UTF-8 text (the shared reader, readBoundedText: bounded by reading, special files
 * and links out of the repository refused, the walk's total budget), or say why not. Never throws.
 */
export async function readText(f: RepoFile, maxBytes = MAX_BYTES): Promise<TextResult> {
  // Synchronous on purpose: thousands of small files read faster without the thread-pool round trip.
  const r = readBoundedText(f.abs, {
    maxBytes,
    ...(f.root ? { root: f.root } : {}),
    ...(f.budget ? { budget: f.budget } : {}),
  });
  if (r.ok) return { ok: true, text: r.text };
  return { ok: false, unknown: { subject: f.rel, reason: skipReason(r), at: { file: f.rel, line: 1 } } };
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
