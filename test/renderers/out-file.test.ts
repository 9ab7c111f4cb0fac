import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutput } from '../../src/cli/write-out.js';
import { ROOT, tempDir } from '../helpers/cli.js';

/** --out never replaces what is not a regular file, and leaves no temp file behind (issue 15, item 7). */
const { dir, cleanup } = tempDir('rollbook-out-');
afterAll(cleanup);

describe('--out', () => {
  it('writes through a symlink to a device, keeping the link (never replaced by a file)', () => {
    const link = join(dir, 'null-link');
    symlinkSync('/dev/null', link);
    writeOutput(link, 'plan\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('replaces the target of a symlink to a regular file atomically, keeping the link', () => {
    writeFileSync(join(dir, 'real.md'), 'old');
    symlinkSync(join(dir, 'real.md'), join(dir, 'plan.md'));
    writeOutput(join(dir, 'plan.md'), 'new');
    expect(lstatSync(join(dir, 'plan.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.md'), 'utf8')).toBe('new');
  });

  it('refuses a FIFO nobody reads and a directory, without waiting or replacing them', () => {
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      expect(() => writeOutput(fifo, 'x')).toThrow(/a FIFO that nobody reads/);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
    }
    mkdirSync(join(dir, 'd'));
    expect(() => writeOutput(join(dir, 'd'), 'x')).toThrow(/it is a directory; not replaced/);
  });

  it('removes its temp file when SIGTERM arrives mid-write, then dies of the signal', () => {
    const sub = join(dir, 'sig');
    mkdirSync(sub);
    const mod = pathToFileURL(join(ROOT, 'dist/cli/write-out.js')).href;
    const script = `import { writeOutput } from ${JSON.stringify(mod)};
writeOutput(${JSON.stringify(join(sub, 'plan.sh'))}, 'x'.repeat(1e6), { beforeRename: () => process.kill(process.pid, 'SIGTERM') });
setTimeout(() => {}, 2000);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGTERM');
    expect(readdirSync(sub).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
