/** The targeted rollback's context, as plain text every format shows above its runbook. Pure. */
import type { FlagChanges } from '../../model/release.js';
import type { TargetCommit, TargetPath, TargetReport } from '../../model/target.js';
import { suspectLabel } from '../../target/plan.js';
import type { Preface } from '../preface.js';
import { formatDuration } from '../text.js';

const MAX_ITEMS = 30;

export const PATH_TITLES: Record<TargetPath, string> = {
  revert: 'revert the suspect and redeploy',
  rollback: 'platform rollback to the commit before the suspect',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function capped(items: string[]): string[] {
  return items.length > MAX_ITEMS
    ? [...items.slice(0, MAX_ITEMS), `and ${items.length - MAX_ITEMS} more (see --format json)`]
    : items;
}

export function flagWords(f: FlagChanges): string {
  return [
    f.added.length ? `adds ${f.added.join(', ')}` : '',
    f.removed.length ? `removes ${f.removed.join(', ')}` : '',
    f.defaultChanged.length ? `re-defaults ${f.defaultChanged.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** One line per commit: what it is and what of it a rollback cares about. */
export function commitLine(c: TargetCommit): string {
  const parts = [
    c.migrations.length ? `migrations ${c.migrations.map((m) => m.version).join(', ')}` : '',
    flagWords(c.flags) ? `flags: ${flagWords(c.flags)}` : '',
    c.merge ? 'merge commit' : '',
  ].filter(Boolean);
  return `${c.short} ${c.subject} (${c.author}, ${c.date.slice(0, 10)})${parts.length ? ` — ${parts.join('; ')}` : ''}`;
}

export function pathEstimate(report: TargetReport, path: TargetPath): string {
  const p = report.paths[path];
  return p
    ? `about ${formatDuration(p.estimate.expectedSeconds)}, worst case ${formatDuration(p.estimate.maxSeconds)}${p.risk === 'high' ? ' (touches data)' : ''}`
    : 'not possible: the revert conflicts';
}

/** The context block; `shown` is the path whose runbook follows (html, sh) or undefined (both follow). */
export function targetPreface(report: TargetReport, shown?: TargetPath): Preface {
  const { suspect, revertTest, recommendation: rec } = report;
  const c = suspect.contains;
  const other: TargetPath | undefined =
    shown === 'revert' ? 'rollback' : shown === 'rollback' ? 'revert' : undefined;
  const facts: [string, string][] = [
    [
      'read-only',
      'rollbook only read git: it never reverts, deploys or rolls back. Every command below is for a person to run.',
    ],
    ['running now (from)', `${report.from.short} (${report.from.ref}: ${report.from.how})`],
    [
      'suspect',
      `${suspectLabel(suspect)}: ${plural(suspect.commits.length, 'commit')} after ${suspect.base.short} up to ${suspect.head.short}`,
    ],
    [
      'revert of the suspect alone',
      report.revertable
        ? `applies cleanly on ${report.from.short} (tested read-only: ${revertTest.method}, git ${revertTest.gitVersion})`
        : `CONFLICTS in ${plural(report.conflicts.length, 'file')}: ${report.conflicts.join(', ')} (tested read-only: ${revertTest.method}, git ${revertTest.gitVersion})`,
    ],
    [
      'collateral of a platform rollback',
      report.collateral.length === 0
        ? 'none: nothing came after the suspect'
        : `${plural(report.collateral.length, 'other commit')} would be undone too`,
    ],
    ['path: revert', pathEstimate(report, 'revert')],
    ['path: rollback', pathEstimate(report, 'rollback')],
    [
      'recommended',
      `${rec.flagFirst.length ? `turn off ${rec.flagFirst.join(', ')} first, then ` : ''}${rec.path}: ${PATH_TITLES[rec.path]}`,
    ],
  ];
  if (shown)
    facts.push([
      'this runbook',
      `${shown}: ${PATH_TITLES[shown]}${other && report.paths[other] ? ` (the other path: --path ${other})` : ''}`,
    ]);
  const contains = [
    c.code.length ? `code: ${c.code.join(', ')}` : '',
    c.config.length ? `config: ${c.config.join(', ')}` : '',
    c.manifests.length ? `manifests: ${c.manifests.join(', ')}` : '',
    c.migrations.length
      ? `migrations: ${c.migrations.map((m) => `${m.version} (${m.file})`).join(', ')}`
      : '',
    flagWords(c.flags) ? `flags: ${flagWords(c.flags)}` : '',
    c.other.length ? `other: ${c.other.join(', ')}` : '',
  ].filter(Boolean);
  const sections: Preface['sections'] = [
    { heading: 'Why', items: rec.reasons },
    { heading: 'The suspect contains', items: contains.length ? contains : ['no file changes'] },
    { heading: 'Suspect commits', items: capped(suspect.commits.map(commitLine)) },
  ];
  if (!report.revertable)
    sections.push({
      heading: 'Conflicts of the revert',
      items: report.conflicts.map((f) => `${f}: changed again after the suspect`),
    });
  sections.push({
    heading: 'Collateral: what a platform rollback to before the suspect also undoes',
    items: report.collateral.length ? capped(report.collateral.map(commitLine)) : ['nothing'],
  });
  return { title: `Targeted rollback: ${suspectLabel(suspect)}`, facts, sections };
}
