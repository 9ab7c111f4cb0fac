import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLES = ['catalog-web', 'checkout-api', 'ledger-api', 'orders-worker', 'storefront'] as const;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process (fast): same code path as the binary, captured output. */
export async function cli(args: string[], cwd = ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/** Run the built binary as a user would (needs `npm run build`; `npm test` builds first). */
export function bin(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/rollbook.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input: '',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'rollbook-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A throw-away copy of a fixture directory; `cleanups` collects its removal (run it in afterAll). */
export function fixtureCopy(source: string, cleanups: (() => void)[], prefix = 'rollbook-fixture-'): string {
  const t = tempDir(prefix);
  cleanups.push(t.cleanup);
  cpSync(source, t.dir, { recursive: true });
  return t.dir;
}

const exampleRepos = new Map<string, string>();

/**
 * A bundled example with a git history (scripts/example-history.js: v1.0.0 without the newest
 * migration, v1.1.0 = HEAD with everything), built once per test file in a temp dir.
 */
export async function exampleRepo(name: string): Promise<string> {
  const known = exampleRepos.get(name);
  if (known) return known;
  // @ts-expect-error: a plain JS script without types
  const { buildExampleHistory } = await import('../../scripts/example-history.js');
  const dir = join(mkdtempSync(join(tmpdir(), 'rollbook-example-')), name);
  buildExampleHistory(join(ROOT, 'examples', name), dir);
  exampleRepos.set(name, dir);
  return dir;
}

export function cleanupExampleRepos(): void {
  for (const dir of exampleRepos.values()) rmSync(dirname(dir), { recursive: true, force: true });
  exampleRepos.clear();
}
