import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService, plan } from '../../src/index.js';
import type { MigrationSet } from '../../src/model/service.js';
import { loadMigrations, loadParser } from '../../src/readers/migrations/index.js';
import {
  dbmate,
  goose,
  LayoutContext,
  liquibase,
  MAX_FILE_STATEMENTS,
  MAX_TOTAL_STATEMENTS,
} from '../../src/readers/migrations/layouts.js';
import { asyncFunctionNesting, readScriptMigration } from '../../src/readers/migrations/script.js';
import { renderCommand } from '../../src/util/shell.js';

const FIX = join(import.meta.dirname, '../../fixtures/migrations');

/** version name up(statements) down(statements) [errors as line:col message]. */
function shape(set: MigrationSet | undefined): string[] {
  return (set?.migrations ?? []).map((m) => {
    const f = (x: typeof m.up) =>
      x
        ? `${x.file}(${x.statements.length}${x.errors.length ? ` ${x.errors.map((e) => `${e.at.line}:${e.at.col} ${e.message.split(':')[0]}`).join('; ')}` : ''})`
        : '-';
    return `${m.version} ${m.name} up=${f(m.up)} down=${f(m.down)}`;
  });
}

async function only(dir: string) {
  const { sets, excluded } = await loadMigrations(join(FIX, dir));
  return { sets, excluded, set: sets[0] };
}

beforeAll(async () => {
  await loadParser();
});

describe('layouts as real repositories hold them', () => {
  it('Flyway-like dotted names V0001.Name.up.sql / .down.sql: a custom runner, paired by version', async () => {
    const { sets, set } = await only('flyway-dotted');
    expect(sets.map((s) => `${s.tool} ${s.path}`)).toEqual(['custom db/migrations']);
    expect(shape(set)).toEqual([
      '0001 Initial_Schema up=db/migrations/V0001.Initial_Schema.up.sql(1) down=db/migrations/V0001.Initial_Schema.down.sql(1)',
      '0002 Add_Customer_Status up=db/migrations/V0002.Add_Customer_Status.up.sql(1) down=db/migrations/V0002.Add_Customer_Status.down.sql(1)',
      '0003 Drop_Legacy_Ref up=db/migrations/V0003.Drop_Legacy_Ref.up.sql(1) down=-',
    ]);
    expect(set?.skipped).toEqual([]);
  });

  it('several files sharing one numeric prefix: every file a migration, the version is the full name', async () => {
    const { set } = await only('shared-prefix');
    expect(set?.tool).toBe('custom');
    expect(shape(set)).toEqual([
      '0001_create_events create_events up=migrations/0001_create_events.up.sql(1) down=migrations/0001_create_events.down.sql(1)',
      '0002_create_index_a create_index_a up=migrations/0002_create_index_a.up.sql(1) down=migrations/0002_create_index_a.down.sql(1)',
      '0002_create_index_b create_index_b up=migrations/0002_create_index_b.up.sql(1) down=migrations/0002_create_index_b.down.sql(1)',
      '0003_actor_required actor_required up=migrations/0003_actor_required.up.sql(1) down=migrations/0003_actor_required.down.sql(1)',
    ]);
    expect(set?.skipped).toEqual([]);
  });

  it('versioned directories with manifest.json: listed files in order, forward only; an unlisted file is an unknown', async () => {
    const { set } = await only('manifest');
    expect([set?.tool, set?.path, set?.forwardOnly]).toEqual(['custom', 'schema', true]);
    expect(shape(set)).toEqual([
      'v1.0/001_tables 001_tables up=schema/v1.0/001_tables.sql(1) down=-',
      'v1.0/002_indexes 002_indexes up=schema/v1.0/002_indexes.sql(1) down=-',
      'v1.2/010_firmware 010_firmware up=schema/v1.2/010_firmware.sql(1) down=-',
      'v1.2/011_backfill_firmware 011_backfill_firmware up=schema/v1.2/011_backfill_firmware.sql(1) down=-',
    ]);
    expect(set?.migrations[2]?.at).toEqual({ file: 'schema/v1.2/manifest.json', line: 4 });
    expect(set?.skipped).toEqual([
      {
        file: 'schema/v1.2/scratch.sql',
        reason:
          'not listed in schema/v1.2/manifest.json: the deployer does not apply it (or the manifest is incomplete)',
      },
    ]);
    expect(set?.ignored).toEqual([{ file: 'schema/README.md', reason: 'documentation' }]);
  });

  it('db-migrate: runSql literals, the sqls/ files of the SQL-file template, and SQL built at run time as a located unknown', async () => {
    const { sets, set } = await only('db-migrate');
    expect(sets.map((s) => `${s.tool} ${s.path}`)).toEqual(['db-migrate migrations']);
    expect(shape(set)).toEqual([
      '20240101120000 create-invoices up=migrations/20240101120000-create-invoices.js(1) down=migrations/20240101120000-create-invoices.js(1)',
      '20240201120000 invoice-currency up=migrations/sqls/20240201120000-invoice-currency-up.sql(1) down=migrations/sqls/20240201120000-invoice-currency-down.sql(1)',
      "20240301120000 partition-invoices up=migrations/20240301120000-partition-invoices.js(0 7:20 SQL built at run time (partitionDdl('invoices', process.env.PARTITION_MONTHS))) down=migrations/20240301120000-partition-invoices.js(1)",
    ]);
    // the statement keeps its place in the .js file
    expect(set?.migrations[0]?.up?.statements[0]?.at).toMatchObject({
      file: 'migrations/20240101120000-create-invoices.js',
      line: 15,
    });
    expect(set?.skipped).toEqual([]);
  });

  it('knex: knex.raw literals are read; the schema builder is present but not analysable', async () => {
    const { set } = await only('knex');
    expect(set?.tool).toBe('knex');
    expect(shape(set)).toEqual([
      '20240105093000 create_tickets up=src/db/migrations/20240105093000_create_tickets.js(0 5:10 knex schema builder (knex.schema.createTable…)) down=src/db/migrations/20240105093000_create_tickets.js(0 13:10 knex schema builder (knex.schema.dropTable…))',
      '20240210101500 ticket_priority up=src/db/migrations/20240210101500_ticket_priority.js(2) down=src/db/migrations/20240210101500_ticket_priority.js(1)',
    ]);
  });

  it('TypeScript data migrations next to Prisma SQL: both sets, the tagged $executeRaw read with parameters, ORM code an unknown', async () => {
    const { sets } = await loadMigrations(join(FIX, 'prisma-data'));
    expect(sets.map((s) => `${s.tool} ${s.path} ${s.selection} ${s.forwardOnly}`)).toEqual([
      'custom prisma/data-migrations only true',
      'prisma prisma/migrations only true',
    ]);
    expect(shape(sets[0])).toEqual([
      '20240201120000 backfill_display_name up=prisma/data-migrations/20240201120000_backfill_display_name.ts(1) down=-',
      '20240215090000 normalise_emails up=prisma/data-migrations/20240215090000_normalise_emails.ts(0 1:1 no SQL found in the up function) down=-',
    ]);
    const service = await loadService(join(FIX, 'prisma-data'));
    const p = plan(service);
    // the backfill is a data hazard of the data migration file
    expect(
      p.hazards.some(
        (h) => h.evidence[0]?.file === 'prisma/data-migrations/20240201120000_backfill_display_name.ts',
      ),
    ).toBe(true);
    // forward-only: no "run the downs" step; restore or fix forward, said plainly
    const step = p.runbook.find((s) => s.touchesData);
    expect(step?.title).toBe('Schema and data: forward-only migrations — restore the backup or fix forward');
    expect(step?.commands[0]?.manual).toMatch(/have no down migrations: there is nothing to run backwards/);
    expect(p.unknowns.map((u) => u.subject)).toContain('migration 20240215090000 (up)');
  });

  it('migration-looking files that match no layout (Rails, Alembic): unknowns naming them, risk not low, no command', async () => {
    const { sets } = await loadMigrations(join(FIX, 'unrecognised'));
    expect(sets.map((s) => `${s.tool} ${s.path} ${s.skipped.map((k) => k.file).join(',')}`)).toEqual([
      'unknown alembic/versions alembic/versions/3f2a1c9b7d10_add_orders.py',
      'unknown db/migrate db/migrate/20240101000000_create_users.rb',
    ]);
    const p = plan(await loadService(join(FIX, 'unrecognised')));
    expect(p.risk).toBe('high');
    expect(p.unknowns.map((u) => u.subject)).toEqual(
      expect.arrayContaining([
        'migration file alembic/versions/3f2a1c9b7d10_add_orders.py',
        'migration file db/migrate/20240101000000_create_users.rb',
      ]),
    );
    const cmds = p.runbook.flatMap((s) => s.commands.filter((c) => !c.manual).map((c) => renderCommand(c)));
    expect(cmds.filter((c) => /alembic|db\/migrate/.test(c))).toEqual([]);
  });
});

describe('readScriptMigration (TypeScript compiler parser)', () => {
  it('keeps literal SQL at its file position, parameters for substitutions, and locates the rest', () => {
    const text = [
      'export async function up(db) {',
      "  await db.query('ALTER TABLE a ADD COLUMN b int');",
      `  await db.query(\`UPDATE a SET b = \${1} WHERE id > \${2}\`);`,
      '  await db.query(dynamicSql());',
      '}',
      'export const down = async (db) => db.query("ALTER TABLE a DROP COLUMN b");',
    ].join('\n');
    const r = readScriptMigration('m.ts', text);
    expect(r.script).toBe(false);
    expect(r.up?.text.split('\n')[1]?.trim()).toBe('ALTER TABLE a ADD COLUMN b int;');
    expect(r.up?.text.split('\n')[2]?.trim()).toMatch(/^UPDATE a SET b = \$1\s+WHERE id > \$2\s*;$/);
    expect(r.up?.text.length).toBe(text.length);
    expect(r.up?.problems.map((p) => p.message.split(':')[0])).toEqual([
      'SQL built at run time (dynamicSql())',
    ]);
    expect(r.down?.text.split('\n')[5]?.trim()).toBe('ALTER TABLE a DROP COLUMN b;');
  });

  it.each([
    ['exports.up = async function (knex) {\n  await knex.raw("SELECT 1");\n};\n', 1],
    ['f(async function (k) { g(async function () { h("async function {") }) })', 2],
    ['// async function {\nx = async function (k) {\n'.repeat(3), 3],
    ['const a = "async function {{{";', 0],
    ['notasync function () {}', 0],
  ])('asyncFunctionNesting(%j) = %i', (text, depth) => {
    expect(asyncFunctionNesting(text)).toBe(depth);
  });

  // The TypeScript parser's time doubles per nested async function expression: 19 levels (a
  // fuzzed knex migration of 21 lines) did not finish in minutes.
  it('a file nesting async functions deeper than the parser can bear is a located unknown, at once', () => {
    const r = readScriptMigration('1_a.js', 'exports.down = async function (knex) {\n'.repeat(40));
    expect(r.up?.problems.map((p) => p.message)).toEqual([
      'async functions nested 40 deep (more than 8): too deep to parse in bounded time; not analysed, review it by hand',
    ]);
  });
});

describe('sectioned layouts cut a file in linear time', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rb-sections-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const many = 2000;
  const cases: [string, (ctx: LayoutContext, dir: string) => unknown, string, string][] = [
    [
      'liquibase',
      liquibase,
      'changes.sql',
      `--liquibase formatted sql\n${Array.from({ length: many }, (_, i) => `--changeset a:${i}\nALTER TABLE t ADD COLUMN c${i} int;\n--rollback ALTER TABLE t DROP COLUMN c${i};\n`).join('')}`,
    ],
    ['dbmate', dbmate, '1_a.sql', `-- migrate:up\nSELECT 1;\n`.repeat(many)],
    ['goose', goose, '00001_a.sql', `-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n`.repeat(many)],
  ];
  // Each section used to be the whole file with everything else blanked: 2,000 sections queued
  // 2,000 × the file for the parser (quadratic time and memory: 40 s and 3.8 GB at 3,552 changesets).
  it.each(cases)(
    '%s: the parser gets each section, not the whole file per section',
    (name, layout, file, text) => {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, file), text);
      const ctx = new LayoutContext(dir);
      layout(ctx, '.');
      // up and down sections (Liquibase's rollback lines are in both): at most twice the file
      expect(ctx.queued).toBeGreaterThan(text.length / 4);
      expect(ctx.queued).toBeLessThanOrEqual(2 * text.length);
    },
  );

  it('statements in a section keep their line:col in the file', async () => {
    const dir = join(tmp, 'located');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, '1_a.sql'),
      '-- migrate:up\nSELECT 1;\n-- migrate:down\n  DROP TABLE t; SELECT 2;\n',
    );
    const ctx = new LayoutContext(dir);
    const [m] = dbmate(ctx, '.').migrations;
    await ctx.flush();
    expect(m?.down?.statements.map((s) => `${s.at.line}:${s.at.col} ${s.text}`)).toEqual([
      '4:3 DROP TABLE t',
      '4:17 SELECT 2',
    ]);
  });
});

describe('statement caps (memory: parse trees take ~2 KB per statement)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'rb-caps-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const ctxWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmp, 'r-'));
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    return new LayoutContext(dir);
  };

  it('a file over the per-file cap is not parsed: a located error (an unknown), never an empty pass', async () => {
    const ctx = ctxWith({ '1_a.sql': `-- migrate:up\n${'SELECT 1;\n'.repeat(MAX_FILE_STATEMENTS + 1)}` });
    const [m] = dbmate(ctx, '.').migrations;
    await ctx.flush();
    expect(m?.up?.statements).toEqual([]);
    expect(m?.up?.empty).toBe(false);
    expect(m?.up?.errors.map((e) => `${e.at.file}:${e.at.line} ${e.message}`)).toEqual([
      `1_a.sql:1 too many statements to analyse: ${MAX_FILE_STATEMENTS + 1} > ${MAX_FILE_STATEMENTS} in one file (counted by ";"): not analysed, its rollback hazards are unknown`,
    ]);
  });

  it('past the total, the remaining files are not parsed', async () => {
    const per = MAX_FILE_STATEMENTS;
    const files: Record<string, string> = {};
    const count = Math.floor(MAX_TOTAL_STATEMENTS / per) + 1;
    for (let i = 1; i <= count; i++) files[`${i}_a.sql`] = `-- migrate:up\n${'SELECT 1;'.repeat(per)}\n`;
    const ctx = ctxWith(files);
    const ms = dbmate(ctx, '.').migrations;
    await ctx.flush();
    expect(ms.map((m) => m.up?.statements.length)).toEqual([...Array(count - 1).fill(per), 0]);
    expect(ms.at(-1)?.up?.errors[0]?.message).toMatch(
      new RegExp(
        `^too many statements to analyse: ${count * per} > ${MAX_TOTAL_STATEMENTS} in all the migrations`,
      ),
    );
  });
});
