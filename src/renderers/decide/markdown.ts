import type { DecisionOption, DecisionReport } from '../../model/decide.js';
import { mdRich, mdText } from '../markdown.js';
import { factValue, RECOMMENDATION_TEXT, timeText } from './words.js';

function optionSection(o: DecisionOption, recommended: boolean): string {
  const lines = [`### ${mdText(o.title)}${recommended ? ' — recommended' : ''}`, ''];
  lines.push(`- Time to mitigation: ${timeText(o)}`);
  if (o.available) lines.push(`- Do: ${mdRich(o.action)}`);
  if (o.losses.length) lines.push(`- Loses: ${o.losses.map(mdRich).join('; ')}`);
  else if (o.available) lines.push('- Loses: nothing the design knows of');
  for (const r of o.risks) lines.push(`- Risk: ${mdRich(r)}`);
  for (const r of o.reasons) lines.push(`- Why: ${mdRich(r)}`);
  return lines.join('\n');
}

/** `rollbook decide --format md`. */
export function renderDecisionMarkdown(r: DecisionReport): string {
  const out: string[] = [];
  out.push(`# Decide: ${mdText(r.service.name)} — ${RECOMMENDATION_TEXT[r.recommendation]}`, '');
  out.push(`> ${mdText(r.window.summary)}`, '');
  out.push(
    `**Recommendation: ${RECOMMENDATION_TEXT[r.recommendation]}** (\`${r.recommendation}\`, row \`${r.row.id}\` of docs/decide.md: ${mdText(r.row.when)})`,
    '',
  );
  out.push(`**Break-even:** ${mdRich(r.breakEven)}`, '');
  out.push('## Why, in the order the reasons weighed', '');
  r.reasons.forEach((x, i) => {
    out.push(`${i + 1}. ${mdRich(x)}`);
  });
  out.push('', '## Options', '', '| option | time to mitigation | loses |', '|---|---|---|');
  for (const o of r.options) {
    const name = o.kind === r.recommendation ? `**${mdText(o.title)}** (recommended)` : mdText(o.title);
    const loses = !o.available ? '—' : o.losses.length ? String(o.losses.length) : 'nothing';
    out.push(`| ${name} | ${timeText(o)} | ${loses} |`);
  }
  out.push('');
  for (const o of r.options) out.push(optionSection(o, o.kind === r.recommendation), '');
  out.push('## Facts', '', '| fact | value | from |', '|---|---|---|');
  for (const f of r.facts)
    out.push(
      `| \`${f.flag}\` | ${mdText(factValue(f))} | ${f.source === 'assumed' ? 'not given' : f.source} |`,
    );
  out.push('', `Impact as the table reads it: **${r.impact}**.`, '');
  if (r.assumptions.length) {
    out.push('## Assumptions', '');
    for (const a of r.assumptions) out.push(`- ${mdRich(a)}`);
    out.push('');
  }
  if (r.couldNotProve.length) {
    out.push('## Could not prove', '');
    for (const u of r.couldNotProve) out.push(`- ${mdText(u.id)}: ${mdRich(u.reason)} — ${mdRich(u.prove)}`);
    out.push('');
  }
  out.push(`_${mdText(r.readOnly)}_`, '');
  return out.join('\n');
}
