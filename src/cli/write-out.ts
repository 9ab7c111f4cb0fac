import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RollbookError } from '../errors.js';

/** Temp files being written: removed if SIGINT/SIGTERM arrives before they are renamed. */
const temps = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const t of temps) {
    try {
      unlinkSync(t);
    } catch {
      /* already renamed or gone */
    }
  }
  temps.clear();
  // then die of the signal as the user asked (the listener is what delayed it)
  for (const s of SIGNALS) process.off(s, onSignal);
  listening = false;
  process.kill(process.pid, signal);
}

/**
 * Run a write with a temp file that SIGINT/SIGTERM must not leave behind. Once installed, the
 * listener stays: a signal that arrives during the synchronous write waits for it to finish (or fail
 * and clean up) and is then handled; removing the listener afterwards could drop it unhandled.
 */
let listening = false;
function withTemp<T>(tmp: string, fn: () => T): T {
  if (!listening) for (const s of SIGNALS) process.on(s, onSignal);
  listening = true;
  temps.add(tmp);
  try {
    return fn();
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed into place */
    }
    temps.delete(tmp);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'a special file';
}

function fail(out: string, why: string): never {
  throw new RollbookError('OUTPUT', `cannot write ${out}: ${why}`);
}

export interface WriteOptions {
  mode?: number;
  /** Refuse to replace an existing file (init without --force). */
  noClobber?: boolean;
  /** Test seam: runs between the temp file's write and its rename. */
  beforeRename?: () => void;
}

/**
 * Write `text` to `out` without ever replacing what is not a regular file: a regular file (or a
 * new one) gets a temp file in the same directory and a rename, so a reader sees the old or the
 * new content, never half; a symlink is followed (its target is written, the link kept); a
 * device or a FIFO with a reader is written directly; a directory, a socket, a FIFO nobody reads
 * and a dangling link are refused.
 */
export function writeOutput(out: string, text: string, opts: WriteOptions = {}): void {
  let target = out;
  let link: Stats | undefined;
  try {
    link = lstatSync(out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') fail(out, code ?? 'error');
  }
  if (link) {
    let st: Stats;
    try {
      st = statSync(out); // follows links, /dev/stdout's /proc ones included
    } catch (e) {
      fail(out, `symlink that leads nowhere (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (opts.noClobber)
      throw new RollbookError('USAGE', `${basename(out)} already exists`, 'Use --force to overwrite it.');
    if (!st.isFile()) {
      if (!(st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO()))
        fail(out, `it is ${kindOf(st)}; not replaced`);
      writeDirect(out, text, st);
      return;
    }
    if (link.isSymbolicLink()) target = realpathSync(out); // replace the file, keep the link
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  withTemp(tmp, () => {
    try {
      writeFileSync(tmp, text, { mode: opts.mode ?? 0o644, flag: 'wx' });
      opts.beforeRename?.();
      if (opts.noClobber)
        linkSync(tmp, target); // fails when the target appeared meanwhile
      else renameSync(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (opts.noClobber && code === 'EEXIST')
        throw new RollbookError('USAGE', `${basename(out)} already exists`, 'Use --force to overwrite it.');
      fail(out, code ?? (e as Error).message);
    }
  });
}

/** A device or FIFO: written in place, never replaced (a FIFO without a reader is refused, not waited on). */
function writeDirect(out: string, text: string, st: Stats): void {
  let fd: number;
  try {
    fd = openSync(
      out,
      constants.O_WRONLY | (constants.O_NOCTTY ?? 0) | (st.isFIFO() ? constants.O_NONBLOCK : 0),
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(out, code === 'ENXIO' ? `${kindOf(st)} that nobody reads` : (code ?? 'error'));
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  try {
    const buf = Buffer.from(text);
    for (let off = 0; off < buf.length; ) {
      try {
        off += writeSync(fd, buf, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 5); // a full pipe: wait for the reader
      }
    }
  } catch (e) {
    fail(out, (e as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    closeSync(fd);
  }
}
