import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { discover, loadService, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { loadMigrations, loadParser } from '../../src/readers/migrations/index.js';
import { renderCommand } from '../../src/util/shell.js';
import { cli, tempDir } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../../fixtures/migrations');

/** Every command the runbook prints (manual steps as their text). */
function commands(p: Plan): string[] {
  return p.runbook.flatMap((s) => s.commands.map((c) => (c.manual ? `# ${c.manual}` : renderCommand(c))));
}

beforeAll(async () => {
  await loadParser();
});

describe('one production set per service and dialect', () => {
  it('a monorepo with postgres/, mysql/ and sqlite/ sets: postgres is the set, the others are excluded with why', async () => {
    const root = join(FIX, 'dialect-monorepo');
    const { sets, excluded } = await loadMigrations(root);
    expect(sets.map((s) => `${s.tool} ${s.path} ${s.database} ${s.selection}`)).toEqual([
      'golang-migrate internal/store/migrations/postgres postgres only',
    ]);
    expect(sets[0]?.migrations.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(excluded.map((e) => `${e.path}: ${e.reason} [${e.files.length}]`)).toEqual([
      'internal/store/migrations/mysql: folder mysql/ is named for mysql, another engine than the production postgres database (never replayed, never given a runbook command) [4]',
      'internal/store/migrations/sqlite: folder sqlite/ is named for sqlite, another engine than the production postgres database (never replayed, never given a runbook command) [4]',
    ]);

    const service = await loadService(root);
    const cmds = commands(plan(service));
    expect(cmds.some((c) => c.includes('internal/store/migrations/postgres'))).toBe(true);
    expect(cmds.filter((c) => /mysql|sqlite/.test(c))).toEqual([]);
    expect(service.excludedMigrations?.map((e) => e.path)).toEqual([
      'internal/store/migrations/mysql',
      'internal/store/migrations/sqlite',
    ]);

    // discover finds the same sets as plan
    const d = await discover(root);
    expect(d.migrationDirs.map((m) => m.path)).toEqual(sets.map((s) => s.path));
    expect(d.excludedMigrationDirs.map((m) => m.path)).toEqual(excluded.map((e) => e.path));
  });

  it('the dialect comes from state.migrations.database: a mysql service keeps mysql/ and excludes postgres/', async () => {
    const { sets, excluded } = await loadMigrations(join(FIX, 'dialect-monorepo'), [
      { tool: 'golang-migrate', database: 'mysql' },
    ]);
    expect(sets.map((s) => `${s.path} ${s.database}`)).toEqual(['internal/store/migrations/mysql mysql']);
    expect(sets[0]?.skipped).toEqual([
      {
        file: 'internal/store/migrations/mysql',
        reason: 'database "mysql": rollbook analyses PostgreSQL migrations only',
      },
    ]);
    expect(excluded.map((e) => e.path)).toEqual([
      'internal/store/migrations/postgres',
      'internal/store/migrations/sqlite',
    ]);
  });

  it('a tool folder with testdata/ and an examples/ set: neither replayed nor given a command; every file accounted for', async () => {
    const root = join(FIX, 'tool-testdata');
    const { sets, excluded } = await loadMigrations(root);
    expect(sets.map((s) => `${s.tool} ${s.path} ${s.selection}`)).toEqual([
      'golang-migrate db/migrations only',
    ]);
    expect(sets[0]?.skipped).toEqual([
      {
        file: 'db/migrations/seed_local.sql',
        reason: 'name does not follow <version>_<name>.up.sql / .down.sql',
      },
    ]);
    expect(sets[0]?.ignored).toEqual([{ file: 'db/migrations/NOTES.txt', reason: 'documentation' }]);
    expect(excluded.map((e) => `${e.path} [${e.files.join(', ')}]: ${e.reason.split(':')[0]}`)).toEqual([
      'examples/quickstart/migrations [examples/quickstart/migrations/1_todo.down.sql, examples/quickstart/migrations/1_todo.up.sql]: under examples/',
      'tools/migrator/testdata/dirty [tools/migrator/testdata/dirty/1_t.down.sql, tools/migrator/testdata/dirty/1_t.up.sql, tools/migrator/testdata/dirty/2_broken.up.sql]: under testdata/',
      'tools/migrator/testdata/out_of_order [tools/migrator/testdata/out_of_order/1_b.down.sql, tools/migrator/testdata/out_of_order/1_b.up.sql, tools/migrator/testdata/out_of_order/3_a.down.sql, tools/migrator/testdata/out_of_order/3_a.up.sql]: under testdata/',
    ]);
    const p = plan(await loadService(root));
    const cmds = commands(p);
    expect(cmds.filter((c) => /testdata|examples/.test(c))).toEqual([]);
    expect(cmds).toContain(
      [
        'migrate -path db/migrations -database ',
        '"$',
        '{DATABASE_URL}" goto "$',
        '{TARGET_SCHEMA_VERSION}"',
      ].join(''),
    );
    // an unread migration-looking file: never silent, and the risk is not low
    expect(p.unknowns.some((u) => u.subject === 'migration file db/migrations/seed_local.sql')).toBe(true);
    expect(p.risk).toBe('high');
  });

  it('several production sets and no rollbook.yaml: none gets a command, an unknown says which to name', async () => {
    const t = tempDir();
    try {
      cpSync(join(FIX, 'golang-migrate/db'), join(t.dir, 'billing/db'), { recursive: true });
      cpSync(join(FIX, 'dbmate/db'), join(t.dir, 'ledger/db'), { recursive: true });
      const service = await loadService(t.dir);
      expect(service.migrations.map((m) => `${m.path} ${m.selection}`)).toEqual([
        'billing/db/migrations one-of-several',
        'ledger/db/migrations one-of-several',
      ]);
      const cmds = commands(plan(service));
      expect(cmds.filter((c) => !c.startsWith('#') && /db\/migrations/.test(c))).toEqual([]);
      expect(service.unknowns.find((u) => u.subject === 'migration sets')?.reason).toMatch(
        /^2 migration sets found \(billing\/db\/migrations \(golang-migrate\), ledger\/db\/migrations \(dbmate\)\)/,
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('init writes state.migrations when exactly one production set is found', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  it('the dialect monorepo: the postgres set, and a comment naming the excluded ones', async () => {
    cpSync(join(FIX, 'dialect-monorepo'), t.dir, { recursive: true });
    const r = await cli(['init', t.dir]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(t.dir, 'rollbook.yaml'), 'utf8');
    expect(parseYaml(text).state.migrations).toEqual({
      tool: 'golang-migrate',
      path: 'internal/store/migrations/postgres',
      database: 'postgres',
    });
    expect(text).toContain(
      '# Not production sets (never replayed): internal/store/migrations/mysql (folder mysql/ is named for mysql, another engine than the production postgres database)',
    );
    // with the descriptor, plan reads the same set
    const service = await loadService(t.dir);
    expect(service.migrations.map((m) => `${m.path} ${m.selection}`)).toEqual([
      'internal/store/migrations/postgres descriptor',
    ]);
  });
});
