/** gcc style, one line per finding (`file:line:col: severity rule-id: message`), then the fix. */
import type { CheckReport } from '../../model/check.js';
import { displayText } from '../text.js';
import { locationOf, repoPath } from './common.js';

export function renderCheckText(report: CheckReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const at = locationOf(f);
    lines.push(
      `${repoPath(report, at.file)}:${at.line}:${at.col ?? 1}: ${f.severity} ${f.rule}: ${displayText(f.message)}`,
    );
    if (f.previousVersion) {
      lines.push(`  previous version: ${displayText(f.previousVersion.note)}`);
      for (const u of f.previousVersion.uses)
        lines.push(`    ${repoPath(report, u.file)}:${u.line}: ${displayText(u.note ?? '')}`);
    }
    lines.push(`  instead: ${displayText(f.mitigation)}`);
  }
  for (const u of report.unknowns) {
    const loc = u.at ? `${repoPath(report, u.at.file)}:${u.at.line}:${u.at.col ?? 1}: ` : '';
    lines.push(`${loc}could not check ${displayText(u.subject)}: ${displayText(u.reason)}`);
  }
  const s = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    `rollbook check: ${plural(s.files, 'change')} since ${report.base.ref} (merge-base ${report.base.mergeBase.slice(0, 12)}): ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info, ${s.ignored} ignored${report.unknowns.length ? `, ${plural(report.unknowns.length, 'unknown')}` : ''}: ${OUTCOME[report.outcome]}`,
  );
  return `${lines.join('\n')}\n`;
}

const OUTCOME = {
  pass: 'nothing makes the next rollback unsafe',
  fail: 'the next rollback is unsafe as changed',
  unknown: 'could not prove the next rollback safe',
} as const;
