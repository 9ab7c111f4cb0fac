/**
 * The guided command a design prints carries its release window, so the runbook it writes at
 * incident time is for the same release, however HEAD and the tags moved since. Run as printed, by
 * bash, from the repository root of a real git repository with tags (test/helpers/git-repo.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';
import { commit, gitIn, releaseRepo, write } from '../helpers/git-repo.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

/** A PATH directory whose `rollbook` is this checkout's built CLI. */
let shimDir = '';
beforeAll(() => {
  shimDir = mkdtempSync(join(tmpdir(), 'rollbook-shim-'));
  cleanups.push(() => rmSync(shimDir, { recursive: true, force: true }));
  const shim = join(shimDir, 'rollbook');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin/rollbook.js')}' "$@"\n`, {
    mode: 0o755,
  });
});

interface Design {
  window: { from: { ref: string; commit: string }; to?: { ref: string; commit: string } };
  trigger: { command: string; why: string; oneCommand: boolean };
}

async function design(root: string, ...args: string[]): Promise<Design> {
  const r = await cli(['plan', '.', ...args, '--format', 'json'], root);
  expect(r.code, r.stderr).toBeLessThan(2);
  return JSON.parse(r.stdout) as Design;
}

/** The guided command as the design prints it. */
function guidedOf(d: Design): string {
  const m = /rollbook plan \..*? --format sh --out rollback\.sh && bash rollback\.sh/.exec(
    `${d.trigger.command} ${d.trigger.why}`,
  );
  if (!m) throw new Error(`no guided command in: ${d.trigger.command} / ${d.trigger.why}`);
  return m[0];
}

/** Run the printed command with bash, up to the `bash rollback.sh` it would start (that one runs the rollback). */
function runPrinted(root: string, guided: string) {
  const writeIt = guided.replace(/ && bash rollback\.sh$/, '');
  const r = spawnSync('bash', ['-c', writeIt], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}` },
    input: '',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBeLessThan(2);
  const script = join(root, 'rollback.sh');
  expect(existsSync(script)).toBe(true);
  expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  const dry = spawnSync('bash', [script, '--dry-run'], { cwd: root, encoding: 'utf8', input: '' });
  return { text: readFileSync(script, 'utf8'), dryRun: dry.stdout };
}

describe('the guided command is pinned to the release of the design', () => {
  it('window from the tags: HEAD becomes its commit, the target tag stays; a later HEAD and tag change nothing', async () => {
    const repo = releaseRepo();
    cleanups.push(repo.cleanup);
    const { root } = repo;
    write(root, { 'README.md': '# orders\n\nafter v3\n' });
    commit(root, 'after v3, not released');
    const head = gitIn(root, 'rev-parse', 'HEAD').trim();

    const d = await design(root);
    expect(d.window.to?.ref).toBe('v3');
    const guided = guidedOf(d);
    expect(guided).toBe(
      `rollbook plan . --from ${head.slice(0, 12)} --to v3 --format sh --out rollback.sh && bash rollback.sh`,
    );

    // incident time: HEAD and the newest tag have moved on
    write(root, { 'README.md': '# orders\n\nv4\n' });
    commit(root, 'v4', 'v4');
    write(root, { 'README.md': '# orders\n\nafter v4\n' });
    commit(root, 'after v4');
    expect(
      (await design(root)).window.to?.ref,
      'unpinned, the same command would design another release',
    ).toBe('v4');

    const { text, dryRun } = runPrinted(root, guided);
    expect(text).toContain(`Rolling back ${head.slice(0, 7)} (${head.slice(0, 12)}) → v3 (`);
    expect(text).not.toContain('→ v4');
    expect(dryRun).toContain(`release: rolls back ${head.slice(0, 12)} to v3 (commit `);
    expect(dryRun).toContain('if production runs another version, stop');
  });

  it('a branch given as --from or --to is pinned: its release tag, else its commit; main moving later changes nothing', async () => {
    const repo = releaseRepo();
    cleanups.push(repo.cleanup);
    const { root } = repo;
    const branch = gitIn(root, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
    gitIn(root, 'branch', 'stable', 'v2');

    // the branch's commit is tagged v3: the tag names it; stable (at v2) becomes v2
    expect(guidedOf(await design(root, '--from', branch, '--to', 'stable'))).toBe(
      'rollbook plan . --from v3 --to v2 --format sh --out rollback.sh && bash rollback.sh',
    );

    write(root, { 'README.md': '# orders\n\nafter v3\n' });
    commit(root, 'after v3, not released');
    const head = gitIn(root, 'rev-parse', 'HEAD').trim();
    const d = await design(root, '--from', branch, '--to', 'v2');
    expect(d.window.from).toMatchObject({ ref: branch, commit: head });
    const guided = guidedOf(d);
    expect(guided).toBe(
      `rollbook plan . --from ${head.slice(0, 12)} --to v2 --format sh --out rollback.sh && bash rollback.sh`,
    );

    // incident time: the branch has moved on
    write(root, { 'README.md': '# orders\n\nnext\n' });
    commit(root, 'next');
    const { dryRun } = runPrinted(root, guided);
    expect(dryRun).toContain(`release: rolls back ${head.slice(0, 12)} to v2 (commit `);
  });

  it('--from and --to given explicitly are carried as given, quoted: a hostile tag name stays one word', async () => {
    const repo = releaseRepo();
    cleanups.push(repo.cleanup);
    const { root } = repo;
    // quoted naively ('…'), the quote would end the word and $(…) and `…` would run touch
    const tag = "rel'$({touch,pwned})`{touch,pwned2}`;x";
    gitIn(root, 'tag', tag, 'v2');
    const v2 = gitIn(root, 'rev-parse', 'v2^{commit}').trim();

    const d = await design(root, '--from', 'v3', '--to', tag);
    expect(d.window.to).toMatchObject({ ref: tag, commit: v2 });
    const guided = guidedOf(d);
    expect(guided).toBe(
      `rollbook plan . --from v3 --to 'rel'\\''$({touch,pwned})\`{touch,pwned2}\`;x' --format sh --out rollback.sh && bash rollback.sh`,
    );

    const { text, dryRun } = runPrinted(root, guided);
    expect(existsSync(join(root, 'pwned')) || existsSync(join(root, 'pwned2'))).toBe(false);
    expect(text).toContain(`→ ${tag.replaceAll("'", "'\\''")} (${v2.slice(0, 7)})`);
    const v3 = gitIn(root, 'rev-parse', 'v3^{commit}').trim();
    expect(dryRun).toContain(
      `release: rolls back v3 (commit ${v3.slice(0, 12)}) to ${tag} (commit ${v2.slice(0, 12)})`,
    );
  });
});
