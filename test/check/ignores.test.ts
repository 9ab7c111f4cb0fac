/**
 * Ignores for `rollbook check`: the inline comments (`-- rollbook-ignore drop-column: reason`,
 * `# rollbook-ignore mutable-image-tag: reason`, `rollbook-ignore-file`), rollbook.yaml `rules`
 * and `ignore`, and their errors (no reason, unused, unknown rule id).
 */
import { describe, expect, it } from 'vitest';
import { applyPolicy, type CheckConfig, checkRuleIds } from '../../src/check/policy.js';
import { isRollbookError, type RollbookError } from '../../src/errors.js';
import type { CheckFinding } from '../../src/model/check.js';
import { readIgnoreDirectives } from '../../src/readers/ignore-comments.js';
import { closest } from '../../src/util/closest.js';

const SQL = `-- rollbook-ignore drop-column: column unused since 2026-09
ALTER TABLE orders
  DROP COLUMN legacy_note;
ALTER TABLE orders DROP COLUMN total; -- rollbook-ignore drop-column, rename-column: dual-read removed in v41
-- rollbook-ignore drop-table
DROP TABLE audit_old;

-- rollbook-ignore truncate: nothing to truncate here
SELECT 1;
`;

const YAML = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        # rollbook-ignore mutable-image-tag: staging only, promoted by digest
        - image: ghcr.io/acme/api:latest
`;

function finding(
  rule: string,
  file: string,
  line: number,
  severity: CheckFinding['severity'] = 'error',
): CheckFinding {
  return {
    rule,
    kind: 'schema',
    severity,
    subject: `${rule}@${line}`,
    message: `${rule} at ${line}`,
    evidence: [{ file, line, col: 1 }],
    appRollbackSafe: false,
    revertLossless: false,
    mitigation: 'fix',
    touchesData: true,
  };
}

const config = (over: Partial<CheckConfig> = {}): CheckConfig => ({
  rules: {},
  ignore: [],
  at: (path) => ({ file: 'rollbook.yaml', line: 10 + path.length, col: 3 }),
  ...over,
});

describe('inline ignore comments', () => {
  it('reads SQL directives: next statement, trailing, several ids, missing reason', () => {
    const ds = readIgnoreDirectives('db/m/1.up.sql', SQL);
    expect(ds.map((d) => [d.at.line, d.scope, d.from, d.to, d.rules, d.reason])).toEqual([
      [1, 'lines', 2, 3, ['drop-column'], 'column unused since 2026-09'],
      [4, 'lines', 4, 4, ['drop-column', 'rename-column'], 'dual-read removed in v41'],
      [5, 'lines', 6, 6, ['drop-table'], undefined],
      [8, 'lines', 9, 9, ['truncate'], 'nothing to truncate here'],
    ]);
    expect(ds[1]?.ruleCols).toEqual([58, 71]);
  });

  it('reads YAML directives (next non-comment line) and whole-file ignores', () => {
    expect(
      readIgnoreDirectives('deploy/d.yaml', YAML).map((d) => [d.at.line, d.at.col, d.from, d.rules]),
    ).toEqual([[7, 9, 8, ['mutable-image-tag']]]);
    const file = readIgnoreDirectives(
      'x.sql',
      '-- rollbook-ignore-file: generated seed data\nDROP TABLE t;\n',
    );
    expect(file.map((d) => [d.scope, d.from, d.to, d.rules, d.reason])).toEqual([
      ['file', 1, 3, [], 'generated seed data'],
    ]);
  });

  it('ignores look-alikes: another word, a # in SQL, text after code that is not a comment', () => {
    expect(
      readIgnoreDirectives('a.sql', '-- rollbook-ignored: x\n# rollbook-ignore drop-column: y\n'),
    ).toEqual([]);
    expect(readIgnoreDirectives('a.yaml', "x: 'rollbook-ignore drop-column: y'\n")).toEqual([]);
  });
});

describe('applying ignores and rollbook.yaml rules', () => {
  const sqlDirectives = readIgnoreDirectives('db/m/1.up.sql', SQL);

  it('silences the findings an ignore with a reason covers, and reports the rest', () => {
    const findings = [
      finding('drop-column', 'db/m/1.up.sql', 3),
      finding('drop-column', 'db/m/1.up.sql', 4),
      finding('drop-table', 'db/m/1.up.sql', 6),
    ];
    const r = applyPolicy(findings, sqlDirectives, config());
    expect(r.ignored.map((i) => [i.finding.evidence[0]?.line, i.by.line, i.reason])).toEqual([
      [3, 1, 'column unused since 2026-09'],
      [4, 4, 'dual-read removed in v41'],
    ]);
    expect(r.findings.map((f) => `${f.rule}@${f.evidence[0]?.line} ${f.severity}: ${f.message}`)).toEqual([
      'ignore-without-reason@5 error: rollbook-ignore without a reason: it does not apply (line 6).',
      'drop-table@6 error: drop-table at 6',
      'unused-ignore@4 warning: rollbook-ignore matches no rename-column finding on line 4: delete it or name the rule that reports there.',
      'unused-ignore@8 warning: rollbook-ignore matches no truncate finding on line 9: delete it or name the rule that reports there.',
    ]);
  });

  it('rules: sets a severity or turns a rule off (directive findings too)', () => {
    const findings = [finding('drop-table', 'a.sql', 1), finding('mutable-image-tag', 'd.yaml', 8)];
    const r = applyPolicy(
      findings,
      sqlDirectives,
      config({ rules: { 'drop-table': 'warning', 'mutable-image-tag': 'off', 'unused-ignore': 'off' } }),
    );
    expect(r.findings.map((f) => `${f.rule} ${f.severity}`)).toEqual([
      'ignore-without-reason error',
      'drop-table warning',
    ]);
  });

  it('ignore: globs skip paths, recorded with the rollbook.yaml entry', () => {
    const r = applyPolicy(
      [finding('drop-table', 'test/fixtures/db/1.up.sql', 1), finding('drop-table', 'db/1.up.sql', 1)],
      [],
      config({ ignore: ['docs/**', 'test/fixtures/**'] }),
    );
    expect(r.findings.map((f) => f.evidence[0]?.file)).toEqual(['db/1.up.sql']);
    expect(r.ignored.map((i) => [i.reason, i.by.file])).toEqual([
      ['rollbook.yaml ignore: test/fixtures/**', 'rollbook.yaml'],
    ]);
  });

  it('an unknown rule id (comment or rollbook.yaml) is an input error naming the closest id', () => {
    const bad = readIgnoreDirectives('m.sql', 'SELECT 1;\n-- rollbook-ignore drop-colum: typo\nSELECT 2;\n');
    let err: unknown;
    try {
      checkRuleIds(['drop-column', 'drop-table'], config({ rules: { 'drop-tabel': 'off' } }), bad);
    } catch (e) {
      err = e;
    }
    expect(isRollbookError(err)).toBe(true);
    expect((err as RollbookError).message).toBe(
      [
        'rollbook.yaml:12:3: rules.drop-tabel: unknown rule id "drop-tabel"; did you mean "drop-table"?',
        'm.sql:2:20: rollbook-ignore names an unknown rule id "drop-colum"; did you mean "drop-column"?',
      ].join('\n'),
    );
    expect(() =>
      checkRuleIds(['drop-column'], config(), readIgnoreDirectives('m.sql', SQL.split('\n')[0] ?? '')),
    ).not.toThrow();
  });

  it('closest picks the nearest id', () => {
    expect(closest('mutable-image-tags', ['drop-column', 'mutable-image-tag', 'no-pdb'])).toBe(
      'mutable-image-tag',
    );
  });
});
