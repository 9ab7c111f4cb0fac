/**
 * GitLab Code Quality report (the `artifacts:reports:codequality` JSON): an array of issues with
 * description, check_name, fingerprint, severity and location.path / location.lines.begin.
 */
import type { CheckReport } from '../../model/check.js';
import type { Severity } from '../../model/finding.js';
import { fingerprints, fullMessage, locationOf, repoPath } from './common.js';

const SEVERITY: Record<Severity, 'critical' | 'major' | 'info'> = {
  error: 'critical',
  warning: 'major',
  info: 'info',
};

export function renderCheckGitlab(report: CheckReport): string {
  const prints = fingerprints(report, report.findings);
  const issues = report.findings.map((f, i) => {
    const at = locationOf(f);
    return {
      type: 'issue',
      check_name: f.rule,
      description: fullMessage(f),
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint: prints[i],
      location: { path: repoPath(report, at.file), lines: { begin: at.line } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
