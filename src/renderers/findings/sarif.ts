/**
 * SARIF 2.1.0 (what GitHub code scanning and other viewers upload): one `rule` per rule id with
 * its help text from the rule's meta and a link to its doc page; one `result` per finding, with
 * the previous version's uses of a dropped name as related locations; ignored findings as
 * suppressed results (with the reason as justification). Validated against the SARIF 2.1.0 JSON
 * Schema in test/check/sarif.test.ts.
 */
import type { CheckFinding, CheckReport } from '../../model/check.js';
import type { RuleMeta, Severity } from '../../model/finding.js';
import type { Evidence } from '../../model/service.js';
import { docsUrl, fingerprints, locationOf, repoPath } from './common.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** drop-column → DropColumn (SARIF's rule `name` is a readable identifier). */
function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

function sarifRule(meta: RuleMeta & { docs?: string }) {
  const url = meta.docs ?? docsUrl(meta.id);
  const page = meta.docs ? 'README.md' : `docs/rules/${meta.id}.md`;
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.rationale}\nFix: ${meta.mitigation}\nDocs: ${url}`,
      markdown: `${meta.rationale}\n\n**Fix:** ${meta.mitigation}\n\n[${page}](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags: ['rollback', meta.kind], kind: meta.kind, scope: meta.scope },
  };
}

function physical(report: CheckReport, at: Evidence) {
  return {
    artifactLocation: { uri: encodeURI(repoPath(report, at.file)), uriBaseId: '%SRCROOT%' },
    region: { startLine: Math.max(1, at.line), startColumn: Math.max(1, at.col ?? 1) },
  };
}

export function renderCheckSarif(report: CheckReport): string {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const all: { f: CheckFinding; suppression?: { by: Evidence; reason: string } }[] = [
    ...report.findings.map((f) => ({ f })),
    ...report.ignored.map((i) => ({ f: i.finding, suppression: { by: i.by, reason: i.reason } })),
  ];
  const prints = fingerprints(
    report,
    all.map((x) => x.f),
  );
  const results = all.map(({ f, suppression }, i) => {
    const related = (f.previousVersion?.uses ?? []).map((u, k) => ({
      id: k + 1,
      physicalLocation: physical(report, u),
      message: { text: `${f.previousVersion?.identifier} at the base: ${u.note ?? ''}`.trim() },
    }));
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: {
        text: [f.message, f.previousVersion?.note, `Instead: ${f.mitigation}`].filter(Boolean).join('\n'),
      },
      locations: [{ physicalLocation: physical(report, locationOf(f)) }],
      partialFingerprints: { 'rollbook/v1': prints[i] },
      properties: {
        subject: f.subject,
        kind: f.kind,
        appRollbackSafe: f.appRollbackSafe,
        revertLossless: f.revertLossless,
      },
    };
    const ruleIndex = index.get(f.rule);
    if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
    if (related.length > 0) result.relatedLocations = related;
    if (suppression)
      result.suppressions = [
        {
          kind: suppression.by.file.endsWith('rollbook.yaml') ? 'external' : 'inSource',
          justification: suppression.reason,
          location: { physicalLocation: physical(report, suppression.by) },
        },
      ];
    return result;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rollbook',
            informationUri: 'https://rollbook.dev',
            rules: report.rules.map(sarifRule),
          },
        },
        automationDetails: { id: 'rollbook-check/' },
        properties: { base: report.base, head: report.head, outcome: report.outcome },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
