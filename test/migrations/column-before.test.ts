import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/readers/migrations/parse.js';
import { columnBefore, statementsOf } from '../../src/rules/support/migration-sql.js';
import { migrationService } from './helpers.js';

beforeAll(async () => {
  await loadParser();
});

/**
 * columnBefore answers from checkpoints of each table's changes (every 64th) plus a short replay:
 * thousands of ALTERs on one table used to replay every earlier change per lookup (4,191 ALTERs
 * of one dbmate file: 11 s in `plan`). The answers must not change across checkpoint boundaries.
 */
describe('columnBefore across many changes of one table', () => {
  it('tracks type, drop, re-add and rename at every statement', () => {
    const types = ['int', 'bigint', 'text'];
    const body: string[] = [];
    // the expected state of column a just before each ALTER that names it
    const expected: string[] = [];
    let state = 'present integer';
    for (let k = 0; k < 300; k++) {
      const step = k % 5;
      if (step === 3) {
        body.push('ALTER TABLE t DROP COLUMN a;');
        expected.push(state);
        state = 'absent';
      } else if (step === 4) {
        body.push('ALTER TABLE t RENAME COLUMN b TO a;');
        state = 'present integer';
      } else {
        const type = types[k % 3] as string;
        body.push(`ALTER TABLE t ALTER COLUMN a TYPE ${type};`);
        expected.push(state);
        state = `present ${type === 'int' ? 'integer' : type}`;
      }
      if (step === 3) body.push('ALTER TABLE t ADD COLUMN b int;');
    }
    const svc = migrationService([
      { version: '0001', up: 'CREATE TABLE t (a int, c text);' },
      { version: '0002', up: body.join('\n') },
    ]);
    const got = statementsOf(svc, 'up', 'AlterTableStmt')
      .filter((r) => /COLUMN a( |$)/.test(r.stmt.text) && !/RENAME/.test(r.stmt.text))
      .map((r) => {
        const c = columnBefore(r, 't', 'a');
        return c.state === 'present' ? `present ${c.type}` : c.state;
      });
    expect(got).toEqual(expected);
  });
});
