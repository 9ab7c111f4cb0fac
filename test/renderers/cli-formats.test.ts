import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';

describe('rollbook plan --format sh|html|comms', () => {
  it('lists the formats and writes an executable runbook with --out', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'rollback.sh');
      const r = await cli(['plan', 'examples/orders-worker', '--format', 'sh', '--out', out]);
      expect(r.stderr).toBe('');
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toBe('');
      expect(statSync(out).mode & 0o777).toBe(0o755);
      expect(readFileSync(out, 'utf8')).toMatch(/^#!\/usr\/bin\/env bash\n/);
    } finally {
      cleanup();
    }
  });

  it('prints html and comms to stdout', async () => {
    const html = await cli(['plan', 'examples/catalog-web', '--format', 'html']);
    expect(html.stdout.startsWith('<!doctype html>\n')).toBe(true);
    const comms = await cli(['plan', 'examples/catalog-web', '--format', 'comms']);
    expect(comms.stdout).toContain('=== IDENTIFIED (send when the rollback is called) ===');
    const bad = await cli(['plan', 'examples/catalog-web', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('comms, html, json, md, sh');
  });
});
