import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/readers/discovery/yaml.js';
import { readBoundedText, readBudget } from '../../src/readers/text-file.js';
import { tempRepo } from '../discovery/helpers.js';
import { cli } from '../helpers/cli.js';

/**
 * Files that must not be read as they are: special files, links out of the repository, files
 * whose size stat does not tell, totals over the caps, and error floods (issue 15, items 4 and 7).
 */
const DESCRIPTOR = 'version: 1\nservice: hostile\n';

describe('the shared file reader', () => {
  it('refuses special files before opening them: a link to /dev/zero, a FIFO', () => {
    const dir = tempRepo({ 'a.txt': 'x' });
    symlinkSync('/dev/zero', join(dir, 'zero'));
    expect(readBoundedText(join(dir, 'zero'), { maxBytes: 1024 })).toMatchObject({
      ok: false,
      kind: 'special',
      what: 'a character device',
    });
    if (spawnSync('mkfifo', [join(dir, 'fifo')]).status === 0)
      expect(readBoundedText(join(dir, 'fifo'), { maxBytes: 1024 })).toMatchObject({
        ok: false,
        kind: 'special',
      });
  });

  it('measures the size by reading, not by stat (a /proc file says 0 bytes)', () => {
    expect(readBoundedText('/proc/self/status', { maxBytes: 16 })).toMatchObject({
      ok: false,
      kind: 'too-large',
    });
  });

  it('does not follow a link that leaves the repository', () => {
    const dir = tempRepo({ 'in.txt': 'inside' });
    symlinkSync('/etc/passwd', join(dir, 'out.txt'));
    symlinkSync(join(dir, 'in.txt'), join(dir, 'alias.txt'));
    expect(readBoundedText(join(dir, 'out.txt'), { maxBytes: 1024, root: dir })).toMatchObject({
      kind: 'outside',
    });
    expect(readBoundedText(join(dir, 'alias.txt'), { maxBytes: 1024, root: dir })).toEqual({
      ok: true,
      text: 'inside',
    });
  });

  it('takes every file from one total budget of bytes and files', () => {
    const dir = tempRepo({ 'a.sql': 'a'.repeat(600), 'b.sql': 'b'.repeat(600), 'c.sql': 'c' });
    const budget = readBudget(1000, 2);
    expect(readBoundedText(join(dir, 'a.sql'), { maxBytes: 800, budget }).ok).toBe(true);
    expect(readBoundedText(join(dir, 'b.sql'), { maxBytes: 800, budget })).toMatchObject({
      kind: 'budget',
      what: 'bytes',
    });
    expect(readBoundedText(join(dir, 'c.sql'), { maxBytes: 800, budget }).ok).toBe(true);
    expect(readBoundedText(join(dir, 'c.sql'), { maxBytes: 800, budget })).toMatchObject({
      kind: 'budget',
      what: 'files',
    });
  });
});

describe('commands on hostile files', () => {
  it('rollbook.yaml linked to /dev/zero, or a FIFO: exit 2 at once, no hang', async () => {
    const zero = tempRepo({});
    symlinkSync('/dev/zero', join(zero, 'rollbook.yaml'));
    const r = await cli(['plan', zero]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'rollbook.yaml:1:1: resolves outside the repository (a symlink or ..); not followed',
    );
    const fifo = tempRepo({});
    if (spawnSync('mkfifo', [join(fifo, 'rollbook.yaml')]).status === 0) {
      const f = await cli(['plan', fifo]);
      expect(f.code).toBe(2);
      expect(f.stderr).toContain('a FIFO (named pipe)');
    }
  });

  it('a migration linked outside the repository is not read, and is reported', async () => {
    const dir = tempRepo({
      'rollbook.yaml': `${DESCRIPTOR}state:\n  migrations: { tool: golang-migrate, path: db }\n`,
      'db/1_a.down.sql': 'SELECT 1;\n',
    });
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}-secret.sql`), 'SECRETWORD and more;\n');
    symlinkSync(join(dir, '..', `${dir.split('/').pop()}-secret.sql`), join(dir, 'db/1_a.up.sql'));
    const r = await cli(['migrations', 'analyze', dir, '--format', 'json']);
    expect(r.stdout + r.stderr).not.toContain('SECRETWORD');
    expect(r.stdout).toContain('resolves outside the repository (a symlink or ..); not followed');
  });

  it('a flood of errors in rollbook.yaml prints a handful of lines', async () => {
    const dir = tempRepo({ 'rollbook.yaml': `${DESCRIPTOR}${'a: 1\n'.repeat(50_000)}` });
    const r = await cli(['plan', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').length).toBeLessThan(16);
    expect(r.stderr).toMatch(/… and \d+ more problems/);
  });

  it('2 MiB of `]` is one unknown, parsed no further than the error limit', () => {
    const t0 = performance.now();
    const r = parseYaml('b.yaml', ']'.repeat(2 * 1024 * 1024));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.unknowns).toHaveLength(1);
    expect(r.unknowns[0]?.reason).toMatch(
      /^invalid YAML at b\.yaml:1:1: .*\(and more than 20 errors\); skipped$/,
    );
  });
});
