import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/rollbook.js');
const FIX = 'fixtures/migrations';

/** Run the built CLI (npm test builds first). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rollbook migrations analyze (built CLI)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('JSON: one entry per statement that matters, per-migration hasDown/downLossy, parse errors as entries', () => {
    const r = cli('migrations', 'analyze', `${FIX}/golang-migrate-quirks`, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(
      report.entries.map(
        (e: { file: string; line: number; rule: string }) => `${e.rule}@${e.file}:${e.line}`,
      ),
    ).toEqual([
      'lossy-down@migrations/0001_init_down.sql:2',
      'lossy-down@migrations/0002_state_column.down.sql:1',
      'missing-down@migrations/0003_suspend.postgres.down.sql:1',
      'enum-add-value@migrations/0003_suspend.postgres.up.sql:1',
      'non-concurrent-index@migrations/0004_tenant.up.sql:3',
      'parse-error@migrations/0005_legacy_sync.down.sql:1',
      'parse-error@migrations/0005_legacy_sync.down.sql:2',
      'drop-column@migrations/0005_legacy_sync.up.sql:3',
      'data-backfill@migrations/0005_legacy_sync.up.sql:4',
      'truncate@migrations/0005_legacy_sync.up.sql:5',
    ]);
    const first = report.entries.find((e: { rule: string }) => e.rule === 'drop-column');
    expect(Object.keys(first).sort()).toEqual(
      [
        'appRollbackSafe',
        'col',
        'file',
        'kind',
        'line',
        'message',
        'migration',
        'mitigation',
        'revertLossless',
        'rule',
        'set',
        'severity',
        'subject',
        'type',
      ].sort(),
    );
    expect(
      report.sets[0].migrations.map(
        (m: { version: string; hasDown: boolean; downLossy: boolean }) =>
          `${m.version} ${m.hasDown} ${m.downLossy}`,
      ),
    ).toEqual(['0001 true true', '0002 true true', '0003 false false', '0004 true false', '0005 true false']);
    expect(report).toMatchSnapshot();
  });

  it('text: grouped by migration, file:line:col first, the fix spelled out', () => {
    const r = cli('migrations', 'analyze', `${FIX}/golang-migrate`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatchSnapshot();
  });

  it('exit 0 when nothing is error-severity', () => {
    const r = cli('migrations', 'analyze', `${FIX}/goose`, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({
      sets: 1,
      migrations: 2,
      statements: 8,
      errors: 0,
      warnings: 2,
      infos: 0,
      parseErrors: 0,
      skippedFiles: 1,
      ignoredFiles: 0,
      excludedFiles: 0,
    });
  });

  it('is deterministic, and --out writes the same bytes', () => {
    const a = cli('migrations', 'analyze', FIX, '--format', 'json');
    const b = cli('migrations', 'analyze', FIX, '--format', 'json');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toContain(ROOT);
    const out = join(tmp, 'report.json');
    const c = cli('migrations', 'analyze', FIX, '--format', 'json', '--out', out);
    expect(c.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(a.stdout);
    // every layout fixture is found from the top
    expect(
      JSON.parse(a.stdout).sets.map((s: { tool: string; path: string }) => `${s.tool} ${s.path}`),
    ).toEqual([
      'db-migrate db-migrate/migrations',
      'dbmate dbmate/db/migrations',
      'golang-migrate dialect-monorepo/internal/store/migrations/postgres',
      'diesel diesel/migrations',
      'custom flyway-dotted/db/migrations',
      'flyway flyway/src/main/resources/db/migration',
      'golang-migrate golang-migrate-quirks/migrations',
      'golang-migrate golang-migrate/db/migrations',
      'goose goose/sql',
      'knex knex/src/db/migrations',
      'liquibase liquibase/src/main/resources/db/changelog',
      'custom manifest/schema',
      'plain plain/migrations',
      'custom prisma-data/prisma/data-migrations',
      'prisma prisma-data/prisma/migrations',
      'prisma prisma/prisma/migrations',
      'custom shared-prefix/migrations',
      'sqitch sqitch',
      'golang-migrate tool-testdata/db/migrations',
      'unknown unrecognised/alembic/versions',
      'unknown unrecognised/db/migrate',
    ]);
  });

  it('follows rollbook.yaml state.migrations', () => {
    const root = join(tmp, 'svc');
    cpSync(join(ROOT, FIX, 'golang-migrate-quirks'), root, { recursive: true });
    writeFileSync(
      join(root, 'rollbook.yaml'),
      'version: 1\nservice: svc\nstate:\n  migrations: { tool: plain, path: migrations }\n',
    );
    const r = cli('migrations', 'analyze', root, '--format', 'json');
    expect(JSON.parse(r.stdout).sets.map((s: { tool: string }) => s.tool)).toEqual(['plain']);
    writeFileSync(
      join(root, 'rollbook.yaml'),
      'version: 1\nservice: svc\nstate:\n  migrations: { path: missing }\n',
    );
    const bad = cli('migrations', 'analyze', root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'rollbook: rollbook.yaml:4:15: state.migrations.path: migrations path "missing" does not exist\n',
    );
  });

  it('bad input exits 2 with one clear message', () => {
    const missing = cli('migrations', 'analyze', 'no/such/dir');
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'rollbook: directory not found: no/such/dir\nPass the path of the service repository, e.g. rollbook plan examples/checkout-api\n',
    ]);
    const fmt = cli('migrations', 'analyze', FIX, '--format', 'xml');
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain('--format must be one of text, json; got "xml"');
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const none = cli('migrations', 'analyze', empty);
    expect([none.code, none.stdout]).toEqual([
      0,
      'No migrations found. Point rollbook.yaml state.migrations.path at them if they exist.\n',
    ]);
  });
});

describe('parse pool (ROLLBOOK_PARSE_WORKERS)', () => {
  it('gives byte-identical output to the inline parse', () => {
    const inline = spawnSync(process.execPath, [BIN, 'migrations', 'analyze', FIX, '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ROLLBOOK_PARSE_WORKERS: '0' },
    });
    const pooled = spawnSync(process.execPath, [BIN, 'migrations', 'analyze', FIX, '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ROLLBOOK_PARSE_WORKERS: '3' },
    });
    expect(pooled.status).toBe(inline.status);
    expect(pooled.stderr).toBe('');
    expect(pooled.stdout).toBe(inline.stdout);
    expect(JSON.parse(pooled.stdout).summary.statements).toBe(133);
  });
});
