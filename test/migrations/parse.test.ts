import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, MAX_PARSE_ERRORS, parseSql } from '../../src/readers/migrations/parse.js';
import { Positions } from '../../src/readers/migrations/positions.js';
import { blank, neutralise, section } from '../../src/readers/migrations/preprocess.js';

beforeAll(async () => {
  await loadParser();
});

const loc = (r: ReturnType<typeof parseSql>) =>
  r.statements.map((s) => `${s.at.line}:${s.at.col} ${s.text.split('\n')[0]}`);

describe('parseSql: offsets', () => {
  it('maps UTF-8 byte offsets to line:col in characters after non-ASCII text', () => {
    const r = parseSql(
      'f.sql',
      "-- é 😀 ü\n/* ß */ ALTER TABLE t DROP COLUMN c;\nSELECT 'é😀', 1; DROP TABLE x;",
    );
    expect(loc(r)).toEqual(['2:9 ALTER TABLE t DROP COLUMN c', "3:1 SELECT 'é😀', 1", '3:17 DROP TABLE x']);
    expect(r.statements[0]?.at.file).toBe('f.sql');
    expect(Object.keys(r.statements[0]?.ast as object)).toEqual(['AlterTableStmt']);
  });

  it('reports a syntax error at its character position and keeps the statements around it', () => {
    const r = parseSql('f.sql', 'SELECT 1;\n-- 😀 é\nSELECT é frm x;\nDROP TABLE zz;\nSELEC 2;\nTRUNCATE a');
    expect(r.errors).toEqual([
      { message: 'syntax error at or near "x"', at: { file: 'f.sql', line: 3, col: 14 } },
      { message: 'syntax error at or near "SELEC"', at: { file: 'f.sql', line: 5, col: 1 } },
    ]);
    expect(loc(r)).toEqual(['1:1 SELECT 1', '4:1 DROP TABLE zz', '6:1 TRUNCATE a']);
  });

  it('reports an unterminated string once, at the parser cursor', () => {
    const r = parseSql('f.sql', "SELECT 1;\nSELECT 'oops");
    expect(r.statements).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.at.line).toBe(2);
  });

  it('a file of comments and whitespace has no statements and no errors', () => {
    expect(parseSql('f.sql', '-- irreversible\n\n  /* nothing */\n')).toEqual({ statements: [], errors: [] });
    expect(parseSql('f.sql', '')).toEqual({ statements: [], errors: [] });
  });

  it('property: a statement after any non-ASCII comment is located exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }), fc.nat(6), (lines, indent) => {
        const comment = lines.map((l) => `-- ${l.replace(/[\r\n\u2028\u2029\u0085]/g, ' ')}\n`).join('');
        const sql = `${comment}${' '.repeat(indent)}DROP TABLE t;`;
        const r = parseSql('p.sql', sql);
        expect(r.errors).toEqual([]);
        const s = r.statements[0];
        expect(s?.at.line).toBe(lines.length + 1);
        expect(s?.at.col).toBe(indent + 1);
        expect(s?.text).toBe('DROP TABLE t');
      }),
      { numRuns: 150 },
    );
  });
});

describe('parseSql: never crashes', () => {
  const pieces = [
    'SELECT 1;',
    'ALTER TABLE t DROP COLUMN c;',
    'DO $$ BEGIN UPDATE t SET a = 1; END $$;',
    'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;',
    "'unterminated",
    '$$ open dollar',
    '/* open comment',
    ';;',
    'é😀',
    '\\set x 1\n',
    '{{ .X }}',
    'SELEC',
    '\n',
    ' ',
  ];
  it('property: any mix of SQL, junk and non-ASCII yields located statements and errors, never a throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'grapheme', maxLength: 8 })), {
          maxLength: 12,
        }),
        (parts) => {
          const text = neutralise(parts.join('')).text;
          const r = parseSql('p.sql', text);
          const lines = text.split('\n').length;
          for (const x of [...r.statements.map((s) => s.at), ...r.errors.map((e) => e.at)]) {
            expect(x.line).toBeGreaterThanOrEqual(1);
            expect(x.line).toBeLessThanOrEqual(lines);
            expect(x.col).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseSql: PL/pgSQL', () => {
  it('finds statements in DO blocks, nested IFs and constant EXECUTE strings, located', () => {
    const r = parseSql(
      'f.sql',
      "DO $$\nBEGIN\n  ALTER TABLE x DROP COLUMN y;\n  IF true THEN\n    UPDATE x SET a = 1;\n  END IF;\n  EXECUTE 'DROP TABLE z';\n  EXECUTE format('DROP TABLE %I', 'w');\nEND\n$$;",
    );
    expect(
      r.statements.map((s) => [s.at.line, s.at.col, s.text, s.embedded?.in, s.embedded?.dynamic]),
    ).toEqual([
      [1, 1, expect.stringContaining('DO $$'), undefined, undefined],
      [3, 3, 'ALTER TABLE x DROP COLUMN y', 'do', false],
      [5, 5, 'UPDATE x SET a = 1', 'do', false],
      [7, 12, 'DROP TABLE z', 'do', true],
    ]);
  });

  it('function bodies run at migration time only when the file calls the function', () => {
    const r = parseSql(
      'f.sql',
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM q; END $$;\nCREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM r; END $$;\nSELECT g();',
    );
    const embedded = r.statements.filter((s) => s.embedded);
    expect(embedded.map((s) => [s.text, s.embedded])).toEqual([
      ['DELETE FROM q', { in: 'function', function: 'f', dynamic: false, runsAtMigration: false }],
      ['DELETE FROM r', { in: 'function', function: 'g', dynamic: false, runsAtMigration: true }],
    ]);
    expect(embedded.map((s) => `${s.at.line}:${s.at.col}`)).toEqual(['1:63', '2:63']);
  });

  it('a PL/pgSQL body that does not parse is a located error', () => {
    const r = parseSql('f.sql', 'SELECT 1;\nDO $$ BEGIN ALTER TABLE; END $$;');
    expect(r.errors).toEqual([
      {
        message: expect.stringMatching(/^PL\/pgSQL DO block does not parse/),
        at: { file: 'f.sql', line: 2, col: 1 },
      },
    ]);
  });
});

describe('neutralise', () => {
  const src = `\\set ON_ERROR_STOP on\n\\set schema app\nCREATE TABLE :"schema".t (a int);\nSELECT format('DROP TABLE %I', t) FROM x \\gexec\nALTER TABLE {{ index .Options "Namespace" }}.orders DROP COLUMN é;\nINSERT INTO t VALUES (:'v');`;

  it('keeps every line and column in place', () => {
    const n = neutralise(src);
    expect(n.text.split('\n').map((l) => [...l].length)).toEqual(src.split('\n').map((l) => [...l].length));
    const r = parseSql('f.sql', n.text);
    expect(r.errors).toEqual([]);
    expect(loc(r)).toEqual([
      '3:1 CREATE TABLE  "schema".t (a int)',
      "4:1 SELECT format('DROP TABLE %I', t) FROM x",
      '5:1 ALTER TABLE tpl_namespace___________________.orders DROP COLUMN é',
      "6:1 INSERT INTO t VALUES ( 'v')",
    ]);
  });

  it('reports what it changed, located', () => {
    const n = neutralise(src);
    const pos = new Positions(n.text);
    expect(
      n.notes.map((x) => `${pos.fromU16(x.index).line}:${pos.fromU16(x.index).col} ${x.message}`),
    ).toMatchInlineSnapshot(`
      [
        "1:1 psql meta-command \\set neutralised",
        "2:1 psql meta-command \\set neutralised",
        "3:14 psql variable :"schema" replaced by a quoted identifier",
        "4:42 psql \\gexec neutralised: the SQL it generates at run time is not analysed",
        "5:13 template placeholder {{ index .Options "Namespace" }} replaced by the identifier tpl_namespace___________________",
        "6:23 psql variable :'v' replaced by a literal",
      ]
    `);
  });

  it('leaves type casts and plain SQL alone', () => {
    const sql = "SELECT a::text, b[1:2], '{{x' FROM t;";
    expect(neutralise(sql)).toEqual({ text: sql, notes: [] });
  });

  it('blank keeps line breaks and blanks code points one for one', () => {
    expect(blank('ab😀cd\r\nef\n')).toBe('     \r\n  \n');
  });

  it('section copies only the span of its ranges, the gaps blanked', () => {
    expect(
      section('ab😀cd\nef-gh\nij', [
        [9, 11],
        [4, 6],
      ]),
    ).toEqual({ text: 'cd\n  -g', start: 4, end: 11 });
    expect(section('abc', [])).toEqual({ text: '', start: 0, end: 0 });
  });
});

describe('a flood of parse errors', () => {
  it('is cut to the first MAX_PARSE_ERRORS and one entry counting the rest, at the first of them', () => {
    const r = parseSql('f.sql', 'x;\n'.repeat(50));
    expect(r.errors).toHaveLength(MAX_PARSE_ERRORS + 1);
    expect(r.errors.at(-1)).toEqual({
      message: `… and ${50 - MAX_PARSE_ERRORS} more statements that do not parse (the first shown here)`,
      at: { file: 'f.sql', line: MAX_PARSE_ERRORS + 1, col: 1 },
    });
  });

  it('statements around the junk are still found, non-ASCII columns exact', () => {
    const r = parseSql('f.sql', `${'é x;\n'.repeat(25)}DROP TABLE t;\n`);
    expect(r.statements.map((s) => `${s.at.line}:${s.at.col} ${s.text}`)).toEqual(['26:1 DROP TABLE t']);
    expect(r.errors[0]?.at).toEqual({ file: 'f.sql', line: 1, col: 1 });
  });
});
