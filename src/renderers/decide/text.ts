import type { DecisionReport } from '../../model/decide.js';
import { factValue, RECOMMENDATION_TEXT, timeText } from './words.js';

/** `rollbook decide --format text`: for a terminal during the incident. */
export function renderDecisionText(r: DecisionReport): string {
  const out: string[] = [];
  out.push(`${r.service.name}: ${RECOMMENDATION_TEXT[r.recommendation].toUpperCase()} (${r.recommendation})`);
  out.push(r.window.summary, '');
  out.push(r.breakEven, '');
  out.push('Why:');
  r.reasons.forEach((x, i) => {
    out.push(`  ${i + 1}. ${x}`);
  });
  out.push('', 'Options:');
  for (const o of r.options) {
    out.push(`  ${o.kind === r.recommendation ? '*' : '-'} ${o.title}: ${timeText(o)}`);
    if (o.available) out.push(`      do: ${o.action}`);
    for (const l of o.losses) out.push(`      loses: ${l}`);
    for (const x of o.risks) out.push(`      risk: ${x}`);
    if (!o.available) for (const x of o.reasons) out.push(`      why not: ${x}`);
  }
  out.push('', 'Facts:');
  for (const f of r.facts) out.push(`  ${f.flag} ${factValue(f)}${f.source === 'asked' ? ' (asked)' : ''}`);
  out.push(`  impact: ${r.impact}`);
  if (r.assumptions.length) {
    out.push('', 'Assumptions:');
    for (const a of r.assumptions) out.push(`  - ${a}`);
  }
  if (r.couldNotProve.length) {
    out.push('', 'Could not prove:');
    for (const u of r.couldNotProve) out.push(`  - ${u.id}: ${u.reason} — ${u.prove}`);
  }
  out.push('', r.readOnly, '');
  return out.join('\n');
}
