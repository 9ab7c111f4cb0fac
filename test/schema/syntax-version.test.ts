import { describe, expect, it } from 'vitest';
import { newerSyntax } from '../../src/schema/syntax-version.js';
import { migrationFile } from './helpers.js';

async function needs(sql: string, target: number, hasPgcrypto = false): Promise<string[]> {
  const f = await migrationFile('db/m.up.sql', 'up', sql);
  return newerSyntax(f, target, { hasPgcrypto }).map(
    (r) => `${r.at.line}:${r.at.col} ${r.major} ${r.feature}`,
  );
}

describe('syntax newer than the target server', () => {
  it.each([
    [
      'CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)',
      18,
      'virtual generated column (or GENERATED without STORED)',
    ],
    ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT ENFORCED', 18, 'NOT ENFORCED constraint'],
    ['ALTER TABLE t ADD CONSTRAINT n NOT NULL a NOT VALID', 18, 'NOT NULL ... NOT VALID'],
    [
      'ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT ENFORCED',
      18,
      'NOT ENFORCED constraint',
    ],
    ['CREATE TABLE t (id uuid DEFAULT uuidv7() PRIMARY KEY)', 18, 'uuidv7()'],
    ['ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a * 3)', 17, 'ALTER COLUMN ... SET EXPRESSION'],
    ['MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE RETURNING *', 17, 'MERGE ... RETURNING'],
    ['SELECT any_value(a) FROM t', 16, 'any_value()'],
    ['CREATE TABLE t (a int UNIQUE NULLS NOT DISTINCT)', 15, 'UNIQUE NULLS NOT DISTINCT'],
    ['MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE', 15, 'MERGE'],
    [
      'CREATE OR REPLACE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()',
      14,
      'CREATE OR REPLACE TRIGGER',
    ],
    ['CREATE TABLE t (r int4multirange)', 14, 'multirange type'],
    ['CREATE TABLE t (id uuid DEFAULT gen_random_uuid())', 13, 'gen_random_uuid()'],
  ])('%s needs %i', async (sql, major, feature) => {
    expect(await needs(sql, major - 1)).toEqual([`1:1 ${major} ${feature}`]);
    expect(await needs(sql, major)).toEqual([]);
  });

  it('accepts ordinary constraints on any version', async () => {
    expect(
      await needs(
        'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id);\nCREATE TABLE x (a int PRIMARY KEY, b int UNIQUE, c int NOT NULL, d int GENERATED ALWAYS AS (a) STORED)',
        12,
      ),
    ).toEqual([]);
  });

  it('locates each statement and ignores gen_random_uuid when pgcrypto provides it', async () => {
    const sql =
      '-- ü comment\nCREATE TABLE a (id int);\n\n  SELECT uuidv7(), any_value(1);\nSELECT gen_random_uuid();';
    expect(await needs(sql, 12, true)).toEqual(['4:3 18 uuidv7()', '4:3 16 any_value()']);
    expect(await needs(sql, 12)).toEqual([
      '4:3 18 uuidv7()',
      '4:3 16 any_value()',
      '5:1 13 gen_random_uuid()',
    ]);
  });
});
