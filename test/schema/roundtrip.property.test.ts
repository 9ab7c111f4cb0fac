/**
 * Property: when every down is the exact inverse of its up, verify finds no schema difference
 * for any migration (catalog normalisation and diff are deterministic and complete enough not to
 * report noise). One PGlite replay per run, a few runs.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyMigrations } from '../../src/schema/verify.js';
import { type MigrationSpecForTest, migrationSet } from './helpers.js';

beforeAll(() => {
  process.env.ROLLBOOK_CACHE = 'off';
});

const TYPES = [
  'integer',
  'bigint',
  'text',
  'varchar(12)',
  'numeric(8,2)',
  'boolean',
  'timestamptz',
  'jsonb',
  'uuid',
];

type Op = { kind: number; type: string; flag: boolean };

function migration(i: number, op: Op): MigrationSpecForTest {
  const c = `c${i}`;
  const v = String(i + 1);
  switch (op.kind) {
    case 0:
      return {
        version: v,
        name: 'add_column',
        up: `ALTER TABLE p ADD COLUMN ${c} ${op.type}${op.flag ? ' UNIQUE' : ''};`,
        down: `ALTER TABLE p DROP COLUMN ${c};`,
      };
    case 1:
      return {
        version: v,
        name: 'index',
        up: `CREATE ${op.flag ? 'UNIQUE ' : ''}INDEX CONCURRENTLY p_idx_${i} ON p (name, id);`,
        down: `DROP INDEX CONCURRENTLY p_idx_${i};`,
      };
    case 2:
      return {
        version: v,
        name: 'check',
        up: `ALTER TABLE p ADD CONSTRAINT p_chk_${i} CHECK (id > ${i})${op.flag ? ' NOT VALID' : ''};`,
        down: `ALTER TABLE p DROP CONSTRAINT p_chk_${i};`,
      };
    case 3:
      return {
        version: v,
        name: 'table',
        up: `CREATE TABLE t_${i} (id bigserial PRIMARY KEY, p_id bigint ${op.flag ? 'NOT NULL ' : ''}REFERENCES p(id), v ${op.type});`,
        down: `DROP TABLE t_${i};`,
      };
    case 4:
      return {
        version: v,
        name: 'rename',
        up: 'ALTER TABLE p RENAME COLUMN name TO name_tmp;\nALTER TABLE p RENAME COLUMN name_tmp TO name;',
        down: 'SELECT 1;',
      };
    case 5:
      return {
        version: v,
        name: 'default',
        up: "ALTER TABLE p ALTER COLUMN name SET DEFAULT 'x';",
        down: 'ALTER TABLE p ALTER COLUMN name DROP DEFAULT;',
      };
    case 6:
      return {
        version: v,
        name: 'view_function',
        up: `CREATE VIEW v_${i} AS SELECT id FROM p;\nCREATE FUNCTION f_${i}(x ${op.type}) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;`,
        down: `DROP VIEW v_${i};\nDROP FUNCTION f_${i}(${op.type});`,
      };
    default:
      return {
        version: v,
        name: 'enum_type',
        up: `CREATE TYPE e_${i} AS ENUM ('a', 'b');\nALTER TABLE p ADD COLUMN e_${i} e_${i};`,
        down: `ALTER TABLE p DROP COLUMN e_${i};\nDROP TYPE e_${i};`,
      };
  }
}

describe('verify round trip (property)', () => {
  it('finds no schema difference when every down inverts its up', async () => {
    const op = fc.record({
      kind: fc.integer({ min: 0, max: 7 }),
      type: fc.constantFrom(...TYPES),
      flag: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 8 }), async (ops) => {
        const specs: MigrationSpecForTest[] = [
          {
            version: '0',
            name: 'base',
            up: 'CREATE TABLE p (id bigserial PRIMARY KEY, name text NOT NULL);',
            down: 'DROP TABLE p;',
          },
          ...ops.map((o, i) => migration(i + 1, o)),
        ];
        const report = await verifyMigrations([await migrationSet(specs)]);
        for (const m of report.sets[0]?.migrations ?? []) {
          expect(m.problem, `${m.version} ${m.name}: ${m.reason}`).toBeUndefined();
          expect(m.schemaDifferences, `${m.version} ${m.name}`).toEqual([]);
        }
      }),
      { numRuns: 2, seed: 20261126, endOnFailure: true },
    );
  }, 150_000);
});
