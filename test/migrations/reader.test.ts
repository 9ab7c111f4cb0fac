import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RollbookError } from '../../src/errors.js';
import type { MigrationSet } from '../../src/model/service.js';
import { descriptorMigrationSpecs as readMigrationSpecs } from '../../src/readers/descriptor.js';
import { loadMigrationSets, MAX_SQL_BYTES, MIGRATION_TOOLS } from '../../src/readers/migrations/index.js';
import { parseDirectionalName } from '../../src/readers/migrations/layouts.js';

const FIX = join(import.meta.dirname, '../../fixtures/migrations');

/** A compact, assertable view of a set. */
function shape(sets: MigrationSet[]) {
  return sets.map((s) => ({
    tool: s.tool,
    path: s.path,
    migrations: s.migrations.map(
      (m) =>
        `${m.version} ${m.name} up=${m.up?.file ?? '-'}(${m.up?.statements.length ?? 0}) down=${m.down ? `${m.down.file}(${m.down.empty ? 'empty' : m.down.statements.length})` : '-'}${m.up?.errors.length || m.down?.errors.length ? ` errors=${(m.up?.errors.length ?? 0) + (m.down?.errors.length ?? 0)}` : ''}`,
    ),
    skipped: s.skipped.map((k) => `${k.file}: ${k.reason}`),
  }));
}

describe('loadMigrationSets: detected layouts', () => {
  it('golang-migrate', async () => {
    expect(shape(await loadMigrationSets(join(FIX, 'golang-migrate')))).toEqual([
      {
        tool: 'golang-migrate',
        path: 'db/migrations',
        migrations: [
          '0001 create_orders up=db/migrations/0001_create_orders.up.sql(2) down=db/migrations/0001_create_orders.down.sql(1)',
          '0002 add_status up=db/migrations/0002_add_status.up.sql(2) down=db/migrations/0002_add_status.down.sql(2)',
          '0003 contract_legacy up=db/migrations/0003_contract_legacy.up.sql(4) down=db/migrations/0003_contract_legacy.down.sql(4)',
          '0004 rename up=db/migrations/0004_rename.up.sql(2) down=db/migrations/0004_rename.down.sql(empty)',
        ],
        skipped: [],
      },
    ]);
  });

  it('golang-migrate quirks: _up/_down names, differing names, dialects, empty down, psql, templates, binary, latin-1', async () => {
    const sets = await loadMigrationSets(join(FIX, 'golang-migrate-quirks'));
    expect(shape(sets)).toEqual([
      {
        tool: 'golang-migrate',
        path: 'migrations',
        migrations: [
          '0001 init up=migrations/0001_init_up.sql(2) down=migrations/0001_init_down.sql(2)',
          '0002 add_state up=migrations/0002_add_state.up.sql(1) down=migrations/0002_state_column.down.sql(1)',
          '0003 suspend up=migrations/0003_suspend.postgres.up.sql(1) down=migrations/0003_suspend.postgres.down.sql(empty)',
          '0004 tenant up=migrations/0004_tenant.up.sql(2) down=migrations/0004_tenant.down.sql(1)',
          '0005 legacy_sync up=migrations/0005_legacy_sync.up.sql(4) down=migrations/0005_legacy_sync.down.sql(0) errors=2',
        ],
        skipped: [
          'migrations/0003_suspend.mysql.up.sql: mysql dialect variant: ignored for PostgreSQL',
          'migrations/0003_suspend.up.sql: shadowed by the PostgreSQL variant migrations/0003_suspend.postgres.up.sql',
          'migrations/0006_blob.up.sql: binary file (contains NUL bytes)',
          'migrations/0007_latin1.up.sql: not valid UTF-8 text',
          'migrations/README.sql: name does not follow <version>_<name>.up.sql / .down.sql',
        ],
      },
    ]);
    const m = sets[0]?.migrations;
    expect(m?.[1]?.down?.notes?.[0]?.message).toBe(
      'down name "state_column" differs from the up name "add_state": paired by version 0002',
    );
    expect(m?.[3]?.up?.notes?.map((n) => `${n.at.line}:${n.at.col}`)).toEqual([
      '1:1',
      '2:1',
      '3:36',
      '4:103',
      '5:1',
    ]);
    expect(m?.[4]?.down?.errors).toEqual([
      {
        message: 'syntax error at or near "AFTER"',
        at: { file: 'migrations/0005_legacy_sync.down.sql', line: 1, col: 52 },
      },
      {
        message: 'syntax error at or near "MODIFY"',
        at: { file: 'migrations/0005_legacy_sync.down.sql', line: 2, col: 22 },
      },
    ]);
  });

  it('dbmate: sections, empty down, no down', async () => {
    expect(shape(await loadMigrationSets(join(FIX, 'dbmate')))).toEqual([
      {
        tool: 'dbmate',
        path: 'db/migrations',
        migrations: [
          '20240101120000 create_invoices up=db/migrations/20240101120000_create_invoices.sql(1) down=db/migrations/20240101120000_create_invoices.sql(1)',
          '20240201120000 invoice_amounts up=db/migrations/20240201120000_invoice_amounts.sql(3) down=db/migrations/20240201120000_invoice_amounts.sql(empty)',
          '20240301120000 no_down up=db/migrations/20240301120000_no_down.sql(2) down=-',
        ],
        skipped: [],
      },
    ]);
    const [set] = await loadMigrationSets(join(FIX, 'dbmate'));
    expect(set?.migrations[0]?.down?.statements[0]?.at).toEqual({
      file: 'db/migrations/20240101120000_create_invoices.sql',
      line: 5,
      col: 1,
    });
  });

  it('goose: sections, ENVSUB, trigger body, Go migrations skipped', async () => {
    expect(shape(await loadMigrationSets(join(FIX, 'goose')))).toEqual([
      {
        tool: 'goose',
        path: 'sql',
        migrations: [
          '00001 create_events up=sql/00001_create_events.sql(3) down=sql/00001_create_events.sql(2)',
          '00002 event_kinds up=sql/00002_event_kinds.sql(2) down=sql/00002_event_kinds.sql(1)',
        ],
        skipped: ['sql/00003_backfill.go: Go migration: only SQL migrations are analysed'],
      },
    ]);
  });

  it('flyway: V/U/R, nested folders, dotted versions', async () => {
    expect(shape(await loadMigrationSets(join(FIX, 'flyway')))).toEqual([
      {
        tool: 'flyway',
        path: 'src/main/resources/db/migration',
        migrations: [
          '1 create customers up=src/main/resources/db/migration/V1__create_customers.sql(2) down=src/main/resources/db/migration/U1__create_customers.sql(2)',
          '1.1 customer email up=src/main/resources/db/migration/v2/V1_1__customer_email.sql(2) down=-',
          'R__customer_report customer report up=src/main/resources/db/migration/R__customer_report.sql(1) down=-',
        ],
        skipped: [],
      },
    ]);
  });

  it('sqitch: plan order, reworked change with @tag scripts, missing revert', async () => {
    const sets = await loadMigrationSets(join(FIX, 'sqitch'));
    expect(shape(sets)).toEqual([
      {
        tool: 'sqitch',
        path: '.',
        migrations: [
          'widgets Widgets table up=deploy/widgets.sql(3) down=revert/widgets.sql(3)',
          'widget_color@v1.0 Colour column up=deploy/widget_color@v1.0.sql(3) down=revert/widget_color@v1.0.sql(3)',
          'widget_color Rework colour up=deploy/widget_color.sql(4) down=revert/widget_color.sql(4)',
          'purge_widgets Purge old widgets up=deploy/purge_widgets.sql(3) down=-',
        ],
        skipped: [],
      },
    ]);
    expect(sets[0]?.migrations[3]?.at).toEqual({ file: 'sqitch.plan', line: 8 });
  });

  it('prisma (database from migration_lock.toml) and diesel', async () => {
    const prisma = await loadMigrationSets(join(FIX, 'prisma'));
    expect(prisma[0]?.database).toBe('postgresql');
    expect(shape(prisma)[0]?.migrations).toEqual([
      '20240101000000 init up=prisma/migrations/20240101000000_init/migration.sql(2) down=-',
      '20240202000000 drop_nickname up=prisma/migrations/20240202000000_drop_nickname/migration.sql(1) down=-',
    ]);
    expect(shape(await loadMigrationSets(join(FIX, 'diesel')))[0]?.migrations).toEqual([
      '20240101000000 create_users up=migrations/2024-01-01-000000_create_users/up.sql(1) down=migrations/2024-01-01-000000_create_users/down.sql(1)',
      '20240201000000 tighten up=migrations/2024-02-01-000000_tighten/up.sql(3) down=-',
    ]);
  });

  it('liquibase formatted SQL: changesets, --rollback lines, rollback block, "not required"', async () => {
    const sets = await loadMigrationSets(join(FIX, 'liquibase'));
    expect(shape(sets)).toEqual([
      {
        tool: 'liquibase',
        path: 'src/main/resources/db/changelog',
        migrations: [
          'alice:1 1 up=src/main/resources/db/changelog/changes.sql(1) down=src/main/resources/db/changelog/changes.sql(1)',
          'alice:2 2 up=src/main/resources/db/changelog/changes.sql(1) down=src/main/resources/db/changelog/changes.sql(1)',
          'bob:3 3 up=src/main/resources/db/changelog/changes.sql(2) down=src/main/resources/db/changelog/changes.sql(2)',
          'bob:4 4 up=src/main/resources/db/changelog/changes.sql(1) down=src/main/resources/db/changelog/changes.sql(empty)',
        ],
        skipped: [
          'src/main/resources/db/changelog/db.changelog-master.xml: Liquibase XML/YAML/JSON changelog: only formatted SQL is analysed',
        ],
      },
    ]);
    const down = sets[0]?.migrations[0]?.down?.statements[0];
    expect([down?.text, down?.at]).toEqual([
      'DROP TABLE products',
      { file: 'src/main/resources/db/changelog/changes.sql', line: 5, col: 12 },
    ]);
  });

  it('plain ordered folder', async () => {
    expect(shape(await loadMigrationSets(join(FIX, 'plain')))[0]?.migrations).toEqual([
      '001 schema up=migrations/001_schema.sql(1) down=-',
      '002 cleanup up=migrations/002_cleanup.sql(2) down=-',
    ]);
  });
});

describe('loadMigrationSets: specs and bad input', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rollbook-mig-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('uses the tool and path a spec names, with its server version', async () => {
    const sets = await loadMigrationSets(join(FIX, 'golang-migrate-quirks'), [
      { tool: 'plain', path: 'migrations', version: 15, at: { file: 'rollbook.yaml', line: 3, col: 3 } },
    ]);
    expect(sets.map((s) => [s.tool, s.path, s.serverVersion, s.at?.line])).toEqual([
      ['plain', 'migrations', 15, 3],
    ]);
  });

  it('a missing path is a located RollbookError', async () => {
    const err = await loadMigrationSets(FIX, [
      { path: 'nope', at: { file: 'rollbook.yaml', line: 7, col: 9 } },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(RollbookError);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe(
      'rollbook.yaml:7:9: state.migrations.path: migrations path "nope" does not exist',
    );
  });

  it('an unknown tool is a located RollbookError', async () => {
    const err = await loadMigrationSets(FIX, [
      { tool: 'alembic', at: { file: 'rollbook.yaml', line: 2, col: 1 } },
    ]).catch((e) => e);
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(
      /^rollbook\.yaml:2:1: state\.migrations\.tool: unknown migration tool "alembic"/,
    );
  });

  it('a non-Postgres database is reported, not parsed', async () => {
    const sets = await loadMigrationSets(join(FIX, 'golang-migrate'), [
      { path: 'db/migrations', database: 'mysql' },
    ]);
    expect(sets[0]?.migrations).toEqual([]);
    expect(sets[0]?.skipped).toEqual([
      { file: 'db/migrations', reason: 'database "mysql": rollbook analyses PostgreSQL migrations only' },
    ]);
  });

  it('a huge file is skipped with its size', async () => {
    const dir = join(tmp, 'huge', 'migrations');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '0001_big.up.sql'), `-- ${'x'.repeat(MAX_SQL_BYTES)}\n`);
    writeFileSync(join(dir, '0002_ok.up.sql'), 'SELECT 1;\n');
    const [set] = await loadMigrationSets(join(tmp, 'huge'));
    expect(set?.migrations.map((m) => m.version)).toEqual(['0002']);
    expect(set?.skipped[0]?.reason).toMatch(/^too large to be a migration \(\d+ bytes > 4194304\)$/);
  });

  it('reads state.migrations from rollbook.yaml, located; YAML errors are located too', () => {
    const root = join(tmp, 'desc');
    mkdirSync(root, { recursive: true });
    writeFileSync(
      join(root, 'rollbook.yaml'),
      'version: 1\nservice: x\nstate:\n  migrations: { tool: golang-migrate, path: db/migrations, version: 15 }\n',
    );
    expect(readMigrationSpecs(root)).toEqual([
      {
        tool: 'golang-migrate',
        path: 'db/migrations',
        version: 15,
        at: { file: 'rollbook.yaml', line: 4, col: 15 },
      },
    ]);
    writeFileSync(join(root, 'rollbook.yaml'), 'state:\n  migrations: [\n');
    expect(() => readMigrationSpecs(root)).toThrow(RollbookError);
    writeFileSync(
      join(root, 'rollbook.yaml'),
      'version: 1\nservice: x\nstate:\n  migrations:\n    version: fifteen\n',
    );
    expect(() => readMigrationSpecs(root)).toThrow(
      /rollbook\.yaml:5:14: state\.migrations\.version: expected number/,
    );
  });
});

describe('parseDirectionalName', () => {
  it.each([
    ['0001_init.up.sql', { version: '0001', name: 'init', direction: 'up' }],
    ['0001_init_down.sql', { version: '0001', name: 'init', direction: 'down' }],
    ['12_x.postgres.down.sql', { version: '12', name: 'x', direction: 'down', dialect: 'postgres' }],
    ['12_x.sqlite3.up.sql', { version: '12', name: 'x', direction: 'up', dialect: 'sqlite3' }],
    ['20240101_add.UP.sql', { version: '20240101', name: 'add', direction: 'up' }],
  ])('%s', (name, expected) => {
    expect(parseDirectionalName(name)).toEqual(expected);
  });
  it.each(['init.up.sql', '0001_init.sql', 'V1__x.sql'])('%s is not directional', (name) => {
    expect(parseDirectionalName(name)).toBeUndefined();
  });
});

// Found by the fuzz (gates and migrations verify on a db-migrate repository exited 2 with
// 'unknown migration tool "db-migrate"', no file:line): every tool the model names (and the
// rollbook.yaml schema lists) is accepted as state.migrations.tool, and a set discovery found is
// read again with its own tool.
describe('state.migrations.tool: every tool of the model', () => {
  it.each(MIGRATION_TOOLS.map((t) => [t]))('%s is accepted', async (tool) => {
    const sets = await loadMigrationSets(join(FIX, 'db-migrate'), [{ tool, path: 'migrations' }]);
    expect(sets.map((s) => s.tool)).toEqual([tool]);
  });

  it('a db-migrate set discovery found is read again with its own tool', async () => {
    const found = await loadMigrationSets(join(FIX, 'db-migrate'));
    expect(found.map((s) => s.tool)).toEqual(['db-migrate']);
    const again = await loadMigrationSets(
      join(FIX, 'db-migrate'),
      found.map((s) => ({ tool: s.tool, path: s.path })),
    );
    expect(shape(again)).toEqual(shape(found));
  });
});
