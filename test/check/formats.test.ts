/**
 * The finding formats of `rollbook check` on one report: gcc-style text, JSON, SARIF 2.1.0
 * (validated against the vendored SARIF JSON Schema with ajv), GitHub workflow commands and the
 * GitLab Code Quality report.
 */
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty } from '../../src/renderers/findings/github.js';
import {
  defaultFindingsFormat,
  FINDINGS_FORMATS,
  FINDINGS_RENDERERS,
} from '../../src/renderers/findings/index.js';
import { sarifValidator } from '../helpers/sarif.js';
import { sampleReport } from './report.js';

const render = (name: string, report = sampleReport()) =>
  (FINDINGS_RENDERERS[name] as (r: typeof report) => string)(report);

describe('check formats', () => {
  it('offers text, json, sarif, github and gitlab', () => {
    expect(FINDINGS_FORMATS).toEqual(['github', 'gitlab', 'json', 'sarif', 'text']);
  });

  it('text: one gcc-style line per finding, then the previous version and the fix', () => {
    expect(render('text')).toMatchSnapshot();
    const first = render('text').split('\n')[0];
    expect(first).toMatch(
      /^db\/migrations\/0043_drop_total\.up\.sql:2:1: error drop-column: DROP COLUMN orders\.total/,
    );
  });

  it('paths are relative to the repository root when the checked directory is below it', () => {
    const text = render('text', sampleReport({ pathPrefix: 'services/checkout' }));
    expect(text.split('\n')[0]).toMatch(
      /^services\/checkout\/db\/migrations\/0043_drop_total\.up\.sql:2:1: /,
    );
    expect(render('github', sampleReport({ pathPrefix: 'services/checkout' }))).toContain(
      'file=services/checkout/db/migrations/0043_drop_total.up.sql,',
    );
  });

  it('json: the report itself', () => {
    expect(JSON.parse(render('json'))).toEqual(JSON.parse(JSON.stringify(sampleReport())));
  });

  it('github: one workflow command per finding, escaped', () => {
    const lines = render('github').trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=db\/migrations\/0043_drop_total\.up\.sql,line=2,col=1,title=drop-column::DROP COLUMN orders\.total: /,
    );
    expect(lines[0]).toContain('internal/orders/repo.go:42 at the base');
    expect(lines[1]).toMatch(
      /^::warning file=deploy\/k8s\/deployment\.yaml,line=19,col=18,title=mutable-image-tag::/,
    );
    expect(lines).toHaveLength(3);
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('github is the default inside GitHub Actions only', () => {
    expect(defaultFindingsFormat({ GITHUB_ACTIONS: 'true' })).toBe('github');
    expect(defaultFindingsFormat({})).toBe('text');
    expect(defaultFindingsFormat({ GITHUB_ACTIONS: 'false' })).toBe('text');
  });

  it('gitlab: Code Quality issues with stable, unique fingerprints', () => {
    const issues = JSON.parse(render('gitlab')) as {
      check_name: string;
      severity: string;
      fingerprint: string;
      location: { path: string; lines: { begin: number } };
      description: string;
    }[];
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['drop-column', 'critical', 'db/migrations/0043_drop_total.up.sql', 2],
      ['mutable-image-tag', 'major', 'deploy/k8s/deployment.yaml', 19],
    ]);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(2);
    for (const i of issues) expect(i.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // moving the finding by a line keeps its fingerprint (no line in it)
    const moved = sampleReport();
    const first = moved.findings[0]?.evidence[0];
    if (first) first.line = 7;
    expect(JSON.parse(render('gitlab', moved))[0].fingerprint).toBe(issues[0]?.fingerprint);
  });

  describe('sarif', () => {
    const validate = sarifValidator();
    const log = JSON.parse(render('sarif'));

    it('is valid SARIF 2.1.0 (JSON Schema)', () => {
      const ok = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('the validator rejects a broken log (the test can fail)', () => {
      const broken = structuredClone(log);
      broken.runs[0].results[0].level = 'fatal';
      delete broken.runs[0].tool.driver.name;
      expect(validate(broken)).toBe(false);
    });

    it('one rule per rule id, with help from meta and a link to its doc page', () => {
      const rules = log.runs[0].tool.driver.rules as {
        id: string;
        helpUri: string;
        help: { text: string };
      }[];
      const ids = rules.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      const drop = rules.find((r) => r.id === 'drop-column');
      expect(drop?.helpUri).toBe('https://rollbook.dev/docs/rules/drop-column.md');
      expect(drop?.help.text).toContain('Contract later');
      expect(rules.find((r) => r.id === 'unused-ignore')?.helpUri).toBe(
        'https://rollbook.dev/README.md#inline-ignores',
      );
      for (const r of log.runs[0].results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
    });

    it('results carry the location, the previous version as related location, and ignores as suppressions', () => {
      const [drop, tag, ignored] = log.runs[0].results;
      expect(drop.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'db/migrations/0043_drop_total.up.sql', uriBaseId: '%SRCROOT%' },
        region: { startLine: 2, startColumn: 1 },
      });
      expect(drop.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('internal/orders/repo.go');
      expect(tag.level).toBe('warning');
      expect(ignored.suppressions).toEqual([
        {
          kind: 'inSource',
          justification: 'column unused since 2026-09',
          location: {
            physicalLocation: {
              artifactLocation: { uri: 'db/migrations/0043_drop_total.up.sql', uriBaseId: '%SRCROOT%' },
              region: { startLine: 4, startColumn: 1 },
            },
          },
        },
      ]);
      // rule indexes move whenever a rule is added: checked above, left out of the snapshot
      const results = log.runs[0].results.map(({ ruleIndex: _, ...r }: { ruleIndex: number }) => r);
      expect(results).toMatchSnapshot();
    });

    it('an empty report is valid SARIF too', () => {
      const empty = JSON.parse(
        render(
          'sarif',
          sampleReport({
            findings: [],
            ignored: [],
            outcome: 'pass',
            summary: { error: 0, warning: 0, info: 0, ignored: 0, files: 0 },
          }),
        ),
      );
      expect(validate(empty)).toBe(true);
      expect(empty.runs[0].results).toEqual([]);
    });
  });
});
