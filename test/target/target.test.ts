/**
 * `rollbook target --suspect REF` on a real git history built here: after the releases of
 * releaseRepo (v3 = rollbook.yaml, migrations 1–4, flags), four commits:
 *   code     src/app.js added (code only)
 *   migrate  migration 000005 (ADD COLUMN, down DROP COLUMN)
 *   flag     flag fast-refunds added (default on) with src/refunds.js
 *   edit     src/app.js edited again: reverting `code` alone now conflicts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCode } from '../../src/cli/io.js';
import type { TargetReport } from '../../src/model/target.js';
import { TARGET_RENDERERS, targetToJson } from '../../src/renderers/target/index.js';
import { targetJsonSchema } from '../../src/renderers/target/schema.js';
import { target, targetOutcome } from '../../src/target/index.js';
import { cli, tempDir } from '../helpers/cli.js';
import { commit, gitIn, releaseRepo, write } from '../helpers/git-repo.js';
import { shellcheck, shellcheckAvailable } from '../renderers/sh-harness.js';

let repo: { root: string; cleanup: () => void };
const sha: Record<string, string> = {};

beforeAll(() => {
  repo = releaseRepo();
  const { root } = repo;
  const step = (name: string, files: Record<string, string>) => {
    write(root, files);
    commit(root, name);
    sha[name] = gitIn(root, 'rev-parse', 'HEAD').trim();
  };
  step('code', { 'src/app.js': 'export const total = (a, b) => a + b;\n' });
  step('migrate', {
    'db/migrations/000005_add_discount.up.sql': 'ALTER TABLE orders ADD COLUMN discount_cents bigint;\n',
    'db/migrations/000005_add_discount.down.sql': 'ALTER TABLE orders DROP COLUMN discount_cents;\n',
  });
  const flags = JSON.parse(readFileSync(join(root, 'flags/flags.json'), 'utf8'));
  flags.flags['fast-refunds'] = {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'on',
  };
  step('flag', {
    'flags/flags.json': `${JSON.stringify(flags, null, 2)}\n`,
    'src/refunds.js': 'export const refund = () => true;\n',
  });
  step('edit', { 'src/app.js': 'export const total = (a, b) => Math.round(a + b);\n' });
});
afterAll(() => repo.cleanup());

const reports = new Map<string, Promise<TargetReport>>();

/** The report (library call, cached per arguments) and its JSON document, checked against the schema. */
async function report(suspect: string, from?: string) {
  const key = `${suspect} ${from ?? ''}`;
  if (!reports.has(key)) reports.set(key, target(repo.root, { suspect, ...(from ? { from } : {}) }));
  const r = (await reports.get(key)) as TargetReport;
  const doc = JSON.parse(JSON.stringify(targetToJson(r)));
  const parsed = targetJsonSchema.safeParse(doc);
  expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
  return { code: exitCode(targetOutcome(r).outcome), doc, report: r };
}

const ids = (plan: { runbook: { id: string }[] }) => plan.runbook.map((s) => s.id);

describe('rollbook target --suspect', () => {
  it('a suspect that only changes code: revertable, no collateral, no data step', async () => {
    const { code, doc } = await report(sha.code as string, sha.code as string);
    expect(code).toBe(0);
    expect(doc.readOnly).toBe(true);
    expect(doc.suspect.commits.map((c: { subject: string }) => c.subject)).toEqual(['code']);
    expect(doc.suspect.contains.code).toEqual(['src/app.js']);
    expect(doc.suspect.contains.migrations).toEqual([]);
    expect(doc.revertable).toBe(true);
    expect(doc.conflicts).toEqual([]);
    expect(doc.collateral).toEqual([]);
    expect(doc.recommendation.path).toBe('rollback');
    for (const path of ['revert', 'rollback']) {
      expect(doc.paths[path].risk).toBe('low');
      expect(doc.paths[path].runbook.some((s: { touchesData: boolean }) => s.touchesData)).toBe(false);
    }
    expect(ids(doc.paths.revert)).toEqual(
      expect.arrayContaining(['declare-and-freeze', 'revert-suspect', 'deploy-revert', 'verify-recovery']),
    );
    const revert = doc.paths.revert.runbook.find((s: { id: string }) => s.id === 'revert-suspect');
    expect(revert.commands[0].argv).toEqual(['git', 'revert', '--no-edit', sha.code]);
    // the revert is a new build: no gate about the old artifact, no input for it
    expect(doc.paths.revert.gates.map((g: { id: string }) => g.id)).not.toContain('target-revision-exists');
    expect(doc.paths.revert.inputs.map((i: { name: string }) => i.name)).not.toContain('TARGET_REVISION');
    expect(doc.paths.rollback.window.to.commit).toBe(doc.suspect.base.commit);
  });

  it('a suspect adding a migration, followed by later commits: data step and collateral', async () => {
    const { doc } = await report(sha.migrate as string);
    expect(doc.suspect.contains.migrations).toEqual([
      { set: 'db/migrations', version: '000005', file: 'db/migrations/000005_add_discount.up.sql' },
    ]);
    expect(doc.collateral.map((c: { subject: string }) => c.subject)).toEqual(['flag', 'edit']);
    expect(doc.collateral[0].flags.added).toEqual(['fast-refunds']);
    expect(doc.revertable).toBe(true);
    expect(doc.recommendation.path).toBe('revert');
    expect(doc.recommendation.reasons.join(' ')).toMatch(/would also undo 2 other commits, 1 flag change/);
    // lossy or not, from the hazards of the suspect's own migration
    const lossy = doc.paths.revert.hazards.some(
      (h: { migration?: string; revertLossless: boolean | null }) =>
        h.migration === '000005' && h.revertLossless === false,
    );
    expect(lossy).toBe(true);
    expect(doc.recommendation.reasons.join(' ')).toMatch(/1 migration \(000005\).*loses data/);
    for (const path of ['revert', 'rollback']) {
      const plan = doc.paths[path];
      expect(plan.risk).toBe('high');
      const data = plan.runbook.find((s: { touchesData: boolean }) => s.touchesData);
      expect(data.requiresGates).toEqual(
        expect.arrayContaining(['backup-taken-and-verified', 'data-step-verified']),
      );
    }
    const steps = ids(doc.paths.revert);
    expect(steps.indexOf('take-backup')).toBeLessThan(steps.indexOf('revert-suspect'));
    // the revert path crosses only the suspect's migration
    expect(doc.paths.revert.window.crossedMigrations.map((m: { version: string }) => m.version)).toEqual([
      '000005',
    ]);
  });

  it('a suspect behind a flag: turning the flag off comes first on both paths', async () => {
    const { doc, report: r } = await report(sha.flag as string, sha.flag as string);
    expect(doc.suspect.contains.flags.added).toEqual(['fast-refunds']);
    expect(doc.recommendation.flagFirst).toEqual(['fast-refunds']);
    for (const path of ['revert', 'rollback']) {
      const plan = doc.paths[path];
      expect(ids(plan).slice(0, 2)).toEqual(['declare-and-freeze', 'try-kill-switch']);
      const ks = plan.runbook[1];
      expect(ks.commands[0].manual).toMatch(/fast-refunds/);
      expect(ks.stopWhenCheckPasses).toBeTruthy();
    }
    const md = (TARGET_RENDERERS.md as (r: TargetReport) => string)(r);
    expect(md).toMatch(/\*\*recommended:\*\* turn off fast-refunds first, then rollback/);
  });

  it('a revert that conflicts: conflicts listed, revertable false, only the rollback path', async () => {
    const { code, doc } = await report(sha.code as string);
    expect(code).toBe(1);
    expect(doc.revertable).toBe(false);
    expect(doc.conflicts).toEqual(['src/app.js']);
    expect(doc.revertTest.method).toMatch(/^(merge-tree|temporary-index)$/);
    expect(doc.paths.revert).toBeUndefined();
    expect(doc.recommendation.path).toBe('rollback');
    expect(doc.collateral.map((c: { subject: string }) => c.subject)).toEqual(['migrate', 'flag', 'edit']);
    expect(doc.collateral[0].migrations.map((m: { version: string }) => m.version)).toEqual(['000005']);
    // a range is one suspect: code..edit reverts cleanly (its own later edit is inside it)
    const range = await report(`${sha.migrate}..${sha.edit}`);
    expect(range.doc.suspect.commits.map((c: { subject: string }) => c.subject)).toEqual(['flag', 'edit']);
    expect(range.doc.revertable).toBe(true);
    expect(range.doc.collateral).toEqual([]);
  });
});

describe('rollbook target (CLI)', () => {
  it('writes a runbook script that passes bash -n and ShellCheck, and never touches git state', async (ctx) => {
    const before = gitIn(repo.root, 'status', '--porcelain=v1', '--untracked-files=all');
    const refs = gitIn(repo.root, 'show-ref');
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'target.sh');
      const r = await cli([
        'target',
        repo.root,
        '--suspect',
        sha.migrate as string,
        '--format',
        'sh',
        '--path',
        'revert',
        '--out',
        out,
      ]);
      expect(r.stderr).toBe('');
      const script = readFileSync(out, 'utf8');
      expect(script).toMatch(/^#!\/usr\/bin\/env bash\n/);
      expect(script).toContain("rb_head 'Targeted rollback: ");
      expect(script).toContain(`git revert --no-edit ${sha.migrate}`);
      const { report: r2 } = await report(sha.migrate as string);
      expect((TARGET_RENDERERS.html as (r: TargetReport) => string)(r2)).toContain('<section id="context">');
      expect(gitIn(repo.root, 'status', '--porcelain=v1', '--untracked-files=all')).toBe(before);
      expect(gitIn(repo.root, 'show-ref')).toBe(refs);
      if (!shellcheckAvailable()) return ctx.skip();
      writeFileSync(join(dir, 'check.sh'), script);
      expect(shellcheck(join(dir, 'check.sh')).output).toBe('');
    } finally {
      cleanup();
    }
  });

  it('bad input is exit 2 with one clear message', async () => {
    const unknown = await cli(['target', repo.root, '--suspect', 'no-such-ref']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--suspect: unknown git ref "no-such-ref"/);
    const later = await cli([
      'target',
      repo.root,
      '--suspect',
      sha.edit as string,
      '--from',
      sha.code as string,
    ]);
    expect(later.code).toBe(2);
    expect(later.stderr).toMatch(/is not an ancestor of --from/);
    const missing = await cli(['target', repo.root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--suspect REF is required/);
    const { report: conflicting } = await report(sha.code as string);
    expect(() => TARGET_RENDERERS.sh?.(conflicting, { path: 'revert' })).toThrow(/no revert path/);
  });
});
