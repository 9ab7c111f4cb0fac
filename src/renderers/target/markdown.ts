/** `rollbook target --format md`: the context, then both paths in full (the plan's own Markdown). */
import type { TargetPath, TargetReport } from '../../model/target.js';
import { mdText, renderMarkdown } from '../markdown.js';
import { PATH_TITLES, targetPreface } from './preface.js';

/** The plan's Markdown one heading level down, under a heading of our own. */
function nested(md: string, heading: string): string {
  const lines = md.split('\n');
  let fence = false;
  const out = [`## ${heading}`];
  for (const line of lines.slice(1)) {
    if (/^```/.test(line)) fence = !fence;
    out.push(!fence && /^#{1,5} /.test(line) ? `#${line}` : line);
  }
  return out.join('\n');
}

export function renderTargetMarkdown(report: TargetReport): string {
  const p = targetPreface(report);
  const o: string[] = [`# ${mdText(p.title)}`, ''];
  o.push(
    '> rollbook read git only: it never reverts, deploys or rolls back. Every command below is for a person to run.',
    '',
  );
  for (const [k, v] of p.facts.slice(1)) o.push(`- **${mdText(k)}:** ${mdText(v)}`);
  o.push('');
  for (const s of p.sections) {
    o.push(`## ${mdText(s.heading)}`, '');
    for (const i of s.items) o.push(`- ${mdText(i)}`);
    o.push('');
  }
  const order: TargetPath[] =
    report.recommendation.path === 'revert' ? ['revert', 'rollback'] : ['rollback', 'revert'];
  for (const path of order) {
    const plan = report.paths[path];
    const title = `Path: ${PATH_TITLES[path]}${path === report.recommendation.path ? ' (recommended)' : ''}`;
    if (!plan) {
      o.push(
        `## ${title}`,
        '',
        `Not possible: reverting only the suspect conflicts in ${report.conflicts.map(mdText).join(', ')}. Resolve them in a revert by hand, or take the other path.`,
        '',
      );
      continue;
    }
    o.push(nested(renderMarkdown(plan), title));
  }
  return `${o.join('\n').trimEnd()}\n`;
}
