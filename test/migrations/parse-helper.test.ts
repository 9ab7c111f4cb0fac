import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/rollbook.js');

/** Run the built CLI (npm test builds first) with a parse mode. */
function analyze(dir: string, workers: string) {
  return spawnSync(process.execPath, [BIN, 'migrations', 'analyze', dir, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ROLLBOOK_PARSE_WORKERS: workers },
  });
}

describe('parse helper thread (ROLLBOOK_PARSE_WORKERS=1)', () => {
  // all layouts at once: DO blocks, functions, non-ASCII text, parse errors, empty downs
  it.each([
    ['fixtures/migrations', 133],
    ['fixtures/migrations/golang-migrate-quirks', undefined],
  ])('%s: byte-identical output to the inline parse', (dir, statements) => {
    const inline = analyze(dir, '0');
    const helped = analyze(dir, '1');
    expect(helped.stderr).toBe('');
    expect(helped.status).toBe(inline.status);
    expect(helped.stdout).toBe(inline.stdout);
    if (statements !== undefined) expect(JSON.parse(helped.stdout).summary.statements).toBe(statements);
    expect(JSON.parse(helped.stdout).summary.parseErrors).toBe(JSON.parse(inline.stdout).summary.parseErrors);
  });
});
