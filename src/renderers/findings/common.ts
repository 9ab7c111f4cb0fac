/** Pieces shared by the finding renderers (text, json, sarif, github, gitlab). Pure. */
import { createHash } from 'node:crypto';
import type { CheckFinding, CheckReport } from '../../model/check.js';
import type { Evidence } from '../../model/service.js';

/** Where a rule's documentation lives (the doc page of docs/rules/<id>.md). */
export const DOCS_BASE_URL = 'https://rollbook.dev/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${encodeURIComponent(ruleId)}.md`;
}

/** The finding's location: its first evidence. */
export function locationOf(f: CheckFinding): Evidence {
  return f.evidence[0] ?? { file: '.', line: 1, col: 1 };
}

/** A path as CI tools expect it: relative to the repository root (the report's prefix + file). */
export function repoPath(report: CheckReport, file: string): string {
  return report.pathPrefix ? `${report.pathPrefix}/${file}` : file;
}

/** One message for annotations: what makes the next rollback unsafe, then what to do instead. */
export function fullMessage(f: CheckFinding): string {
  const parts = [f.message];
  if (f.previousVersion) parts.push(f.previousVersion.note);
  parts.push(`Instead: ${f.mitigation}`);
  return parts.join(' ');
}

/**
 * A fingerprint that survives unrelated edits (no line number): rule, file, subject, and the
 * occurrence count among findings with the same three.
 */
export function fingerprints(report: CheckReport, findings: CheckFinding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = `${f.rule}\u0000${repoPath(report, locationOf(f).file)}\u0000${f.subject}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex');
  });
}
