/**
 * GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=rule-id::message`, one per
 * finding, shown as annotations on the pull request's diff. Values escaped as the runner expects
 * (actions/toolkit `command.ts`: data escapes %, CR, LF; properties also : and ,).
 */
import type { CheckReport } from '../../model/check.js';
import type { Severity } from '../../model/finding.js';
import { fullMessage, locationOf, repoPath } from './common.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderCheckGithub(report: CheckReport): string {
  const lines = report.findings.map((f) => {
    const at = locationOf(f);
    const props = [
      `file=${escapeProperty(repoPath(report, at.file))}`,
      `line=${at.line}`,
      `col=${at.col ?? 1}`,
      `title=${escapeProperty(f.rule)}`,
    ].join(',');
    return `::${COMMAND[f.severity]} ${props}::${escapeData(fullMessage(f))}`;
  });
  for (const u of report.unknowns) {
    const props = u.at
      ? `file=${escapeProperty(repoPath(report, u.at.file))},line=${u.at.line},title=could not check`
      : 'title=could not check';
    lines.push(`::error ${props}::${escapeData(`${u.subject}: ${u.reason}`)}`);
  }
  const s = report.summary;
  lines.push(
    `rollbook check: ${s.error} errors, ${s.warning} warnings, ${s.info} info, ${s.ignored} ignored since ${report.base.ref} (${report.outcome})`,
  );
  return `${lines.join('\n')}\n`;
}
