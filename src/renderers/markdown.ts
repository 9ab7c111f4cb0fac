import type { Finding } from '../model/finding.js';
import type { Check, Command, Gate, Plan, Step } from '../model/plan.js';
import type { Evidence } from '../model/service.js';
import { renderCommand } from '../util/shell.js';
import { checkReading } from './check-text.js';
import { statusPageLabel } from './comms.js';
import { procedure } from './procedure.js';

/**
 * Escape an input value for Markdown prose and table cells: it reads as the same text, and renders
 * as text — never a link, an image, raw HTML, an entity, emphasis or a table break. A link or image
 * needs `](`, `][` or `]:` (a reference definition): that `]` is escaped, so `[FILL IN]` blanks and
 * `result[0]` stay readable. Words a renderer would auto-link (`https://…`, `www.…`, `a@b.c`)
 * become code spans. One line.
 */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .split(/(\s+)/)
    .map((word) =>
      linkLike(word)
        ? mdCode(word)
        : word.replace(/[\\`*<|]|\](?=[([:])|&(?=[#A-Za-z0-9])/g, (c) => `\\${c}`),
    )
    .join('');
}

/** A word GitHub-flavoured Markdown (or a linkifying renderer) would turn into a link. */
function linkLike(word: string): boolean {
  return /(?:https?|ftp):\/\/|www\.|mailto:|xmpp:|[\w.+-]@[\w-]+\./i.test(word);
}

/** Prose that may hold `inline code` spans (rule messages): code spans kept, the rest escaped. */
export function mdRich(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const out: string[] = [];
  let last = 0;
  for (const m of flat.matchAll(/`([^`]+)`/g)) {
    out.push(mdText(flat.slice(last, m.index)));
    out.push(`\`${m[1] as string}\``);
    last = (m.index as number) + m[0].length;
  }
  out.push(mdText(flat.slice(last)));
  return out.join('');
}

/** Inline code that survives any backticks in the value. */
function mdCode(s: string): string {
  const flat = s.replace(/\r?\n/g, '⏎');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function codeBlock(lines: string[], lang = 'sh'): string {
  const body = lines.join('\n');
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m < 60) return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

function where(e: Evidence[]): string {
  return e.length === 0 ? '—' : e.map((x) => mdCode(`${x.file}:${x.line}`)).join(', ');
}

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : '**no**';
}

function commandLines(cmds: Command[]): { code: string[]; manual: string[] } {
  const code: string[] = [];
  const manual: string[] = [];
  for (const c of cmds) {
    if (c.argv.length === 0) manual.push(c.manual ?? '');
    else code.push(renderCommand(c));
  }
  return { code, manual };
}

/** How a check reads its output, in words (shared wording: ./check-text.ts). */
function checkText(c: Check): string {
  const cmd = c.command ? ` — run ${mdCode(renderCommand(c.command))}` : c.manual ? ' — confirm by hand' : '';
  const how = checkReading(c).map((line) => ` ${mdText(line)}`);
  return `${mdRich(c.expect)}${cmd}${how.length ? `.${how.join('')}` : ''}`;
}

function hazardRow(h: Finding): string {
  return `| ${h.severity} | ${mdCode(h.rule)} | ${h.kind} | ${mdText(h.subject)}${h.unscoped ? ' *(unscoped)*' : ''} | ${yesNo(h.appRollbackSafe)} | ${yesNo(h.revertLossless)} | ${where(h.evidence)} |`;
}

function stepSection(s: Step, n: number, gates: Map<string, Gate>): string {
  const out: string[] = [];
  out.push(`### ${n}. ${mdText(s.title)}${s.touchesData ? ' — DATA STEP' : ''}`);
  out.push('');
  out.push(
    `Expected ${duration(s.expectedSeconds)}, worst case ${duration(s.maxSeconds)}${s.durationBasis ? ` (${mdText(s.durationBasis)})` : ''}.`,
  );
  if (s.requiresGates.length > 0) {
    out.push(
      `Requires gates: ${s.requiresGates.map((g) => (gates.has(g) ? mdCode(g) : mdCode(`${g} (missing!)`))).join(', ')}.`,
    );
  }
  if (s.touchesData)
    out.push(
      '**Touches data: needs a verified backup and the stricter authority. Never run it as a one-liner.**',
    );
  const { code, manual } = commandLines(s.commands);
  for (const m of manual) out.push(`- ${mdRich(m)}`);
  if (code.length > 0) out.push('', codeBlock(code));
  for (const c of s.commands)
    if (c.repeatUntilCheck)
      out.push(
        '',
        `Repeat ${mdCode(renderCommand(c))} until the check passes (it reverts one migration per run; at most ${c.repeatUntilCheck} runs).`,
      );
  out.push(
    '',
    `**Check${s.check.watchSeconds ? ` (after the step: a ${duration(s.check.watchSeconds)} watch)` : ''}:** ${checkText(s.check)}${s.check.retries > 0 ? ` (timeout ${duration(s.check.timeoutSeconds)}, ${s.check.retries} retr${s.check.retries === 1 ? 'y' : 'ies'})` : ''}`,
  );
  if (s.stopWhenCheckPasses) out.push(`**If it passes:** ${mdText(s.stopWhenCheckPasses)}`);
  out.push(`**${s.stopWhenCheckPasses ? 'If not' : 'If it fails'}:** ${mdText(s.onFailure)}`);
  if (s.conditional) out.push('*Conditional: run it only when its title says so; otherwise skip it.*');
  return out.join('\n');
}

const MAX_CHANGES = 30;

/** What the window crosses: the changes with their evidence, and the target schema version. */
function windowLines(plan: Plan): string[] {
  const w = plan.window;
  if (!w.scoped) return [];
  const o: string[] = [];
  if (w.to)
    o.push(
      `From ${mdCode(w.from.commit.slice(0, 12))} (${mdText(w.from.how)}) to ${mdCode(w.to.ref)} (${mdText(w.to.how)}).`,
      '',
    );
  for (const t of w.targetSchema)
    o.push(
      t.version !== null
        ? `Target schema version (${mdCode(t.set)}): **${mdText(t.version)}** (${mdText(t.name ?? '')}, ${where(t.at ? [t.at] : [])}) — the newest migration at ${mdCode(w.to?.ref ?? '')}.`
        : `Target schema version (${mdCode(t.set)}): none — ${mdCode(w.to?.ref ?? '')} has no migration in this set.`,
    );
  if (w.targetSchema.length > 0) o.push('');
  if (w.changes.length > 0) {
    o.push('What the rollback crosses:', '');
    for (const c of w.changes.slice(0, MAX_CHANGES)) o.push(`- ${where([c.at])}: ${mdText(c.summary)}`);
    if (w.changes.length > MAX_CHANGES)
      o.push(`- and ${w.changes.length - MAX_CHANGES} more (see --format json)`);
    o.push('');
  }
  return o;
}

/** Markdown: the default format, for the repository and for reading at 3 a.m. */
export function renderMarkdown(plan: Plan): string {
  const o: string[] = [];
  const { service: svc, trigger, estimate } = plan;
  const gates = new Map(plan.gates.map((g) => [g.id, g]));
  o.push(`# Rollback design: ${mdText(svc.name)}`);
  o.push('');
  o.push(`**${mdText(plan.window.summary)}**`);
  o.push('');
  if (!plan.window.scoped)
    o.push(
      '> **Unscoped:** the release window is unknown, so hazards marked *unscoped* come from the whole migration history, not from what this rollback crosses. Name the target with `--to REF` (or tag releases).',
      '',
    );
  o.push(...windowLines(plan));
  o.push(
    '> rollbook designs and reviews; it never runs a rollback. Every command below is for a person to run.',
  );
  o.push('');
  const facts = [
    `Platform: ${mdText(svc.platform)}`,
    svc.workload ? `Workload: ${mdCode(svc.workload)}` : undefined,
    svc.namespace ? `Namespace: ${mdCode(svc.namespace)}` : undefined,
    svc.owners.length ? `Owners: ${svc.owners.map(mdText).join(', ')}` : undefined,
    svc.descriptor ? `From: ${mdCode(svc.descriptor)}` : undefined,
  ].filter(Boolean);
  o.push(facts.join(' · '));
  o.push('');
  o.push(
    plan.dataPathUnknown
      ? `**Risk: HIGH** — the data path is unknown: ${mdText(plan.dataPathUnknown.join('; '))}. Whether this rollback touches that database is unknown (see the unknowns); backup and verification gates come first; it is not a one-liner.`
      : plan.risk === 'high'
        ? '**Risk: HIGH** — this rollback touches data or migrations. Backup and verification gates come first; it is not a one-liner.'
        : '**Risk: low** — application-only rollback; no data or schema step.',
  );
  o.push('');
  o.push(`**Estimate:** ${mdText(estimate.comparison)}`);
  o.push('');

  o.push('## (a) Trigger');
  o.push('');
  o.push('Call a rollback when any of these holds:');
  o.push('');
  o.push('| signal | condition | source |');
  o.push('|---|---|---|');
  for (const c of trigger.criteria) {
    o.push(
      `| ${mdText(c.signal)} | ${mdText(c.condition)}${c.query ? `<br>${mdCode(c.query)}` : ''} | ${c.at && c.source === c.at.file ? mdCode(`${c.at.file}:${c.at.line}`) : `${mdText(c.source)}${c.at ? ` ${mdCode(`${c.at.file}:${c.at.line}`)}` : ''}`} |`,
    );
  }
  o.push('');
  o.push(`**Who may call it:** ${trigger.authorized.map(mdText).join(', ')}`);
  o.push('');
  o.push(
    trigger.oneCommand ? '**The one command:**' : '**Start it with the guided runbook** (not a one-liner):',
  );
  o.push('');
  o.push(codeBlock([trigger.command]));
  o.push('');
  o.push(mdText(trigger.why));
  o.push('');

  o.push('## (b) State hazards — what does NOT roll back cleanly');
  o.push('');
  if (plan.hazards.length === 0) {
    o.push(
      'No state hazards found: nothing in the repository or rollbook.yaml changes state that a rollback would leave behind. (Check the unknowns below.)',
    );
  } else {
    o.push('| severity | id | kind | subject | old app OK on current state | revert lossless | evidence |');
    o.push('|---|---|---|---|---|---|---|');
    for (const h of plan.hazards) o.push(hazardRow(h));
    o.push('');
    for (const h of plan.hazards) {
      o.push(`- **${mdText(h.rule)}** (${mdText(h.subject)}) ${where(h.evidence)}: ${mdRich(h.message)}`);
      o.push(`  - Mitigation: ${mdRich(h.mitigation)}`);
    }
  }
  o.push('');

  o.push('## (c) Runbook');
  o.push('');
  if (plan.inputs.length > 0) {
    o.push('Values you supply when you start:');
    o.push('');
    for (const i of plan.inputs) {
      o.push(
        `- ${mdCode(`$${i.name}`)}: ${mdText(i.description)}${i.discover ? ` — find it with ${mdCode(renderCommand(i.discover))}` : ''}`,
      );
    }
    o.push('');
  }
  o.push('In this order: each gate of (d) is checked just before the first step that needs it.', '');
  for (const item of procedure(plan)) {
    if (item.kind === 'gates') {
      o.push(
        `**Gates now** (see (d)): ${item.gates.map((g) => `${g.n}. ${mdText(g.gate.title)}`).join('; ')}.`,
      );
    } else {
      o.push(stepSection(item.step, item.n, gates));
    }
    o.push('');
  }

  o.push('## (d) Pre-rollback gates');
  o.push('');
  o.push('| gate | kind | blocking | status now | why |');
  o.push('|---|---|---|---|---|');
  for (const g of plan.gates) {
    o.push(
      `| ${mdCode(g.id)} ${mdText(g.title)} | ${g.kind} | ${g.blocking ? 'yes' : 'no'} | ${g.status ?? 'unknown'} | ${mdText(g.reason ?? '')}${g.evidence ? ` ${where(g.evidence)}` : ''} |`,
    );
  }
  o.push('');
  plan.gates.forEach((g, i) => {
    o.push(`- [ ] ${i + 1}. **${mdText(g.title)}** (${mdCode(g.id)}): ${checkText(g.check)}`);
    for (const p of g.prepare ?? []) o.push(`  - first: ${mdCode(renderCommand(p))}`);
    for (const l of g.check.acceptance?.losses ?? []) o.push(`  - loses: ${mdText(l)}`);
  });
  o.push('');

  o.push('## (e) Verification and comms');
  o.push('');
  o.push(
    `Recovered means: every check below holds for ${duration(plan.verification.sustainSeconds)} in a row.`,
  );
  o.push('');
  for (const c of plan.verification.checks) o.push(`- ${checkText(c)}`);
  o.push('');
  const comms = plan.comms;
  o.push(
    `Updates go to ${comms.channel ? mdCode(comms.channel) : 'the incident channel'}${comms.statusPage ? ' and the status page' : ''}, every ${comms.cadenceMinutes} minutes until resolved.`,
  );
  o.push('');
  o.push(`**Data-loss statement:** ${mdText(comms.dataLossStatement)}`);
  o.push('');
  for (const u of comms.updates) {
    o.push(`**${u.phase}** (${statusPageLabel(plan)}):`);
    o.push('');
    o.push(`> ${mdText(u.text)}`);
    o.push('');
    o.push(`Chat: ${mdText(u.chat)}`);
    o.push('');
  }

  o.push('## Estimate');
  o.push('');
  o.push(`Expected ${duration(estimate.expectedSeconds)}, worst case ${duration(estimate.maxSeconds)}.`);
  if (estimate.past.length > 0) {
    o.push('');
    o.push(
      `Past rollbacks: ${estimate.past.map((p) => `${mdText(p.date)} ${p.minutes} min`).join('; ')}${estimate.pastMedianMinutes !== undefined ? ` (median ${estimate.pastMedianMinutes} min)` : ''}.`,
    );
  }
  if (estimate.drivers.length > 0) {
    o.push('');
    o.push('| what drove the rollout time | value | from |');
    o.push('|---|---|---|');
    for (const d of estimate.drivers) {
      o.push(
        `| ${mdText(d.name)} | ${mdText(d.value)} | ${d.source}${d.at ? ` ${mdCode(`${d.at.file}:${d.at.line}`)}` : ''}${d.realFrom ? ` — real value: ${mdText(d.realFrom)}` : ''} |`,
      );
    }
  }
  o.push('');

  o.push('## Unknowns');
  o.push('');
  if (plan.unknowns.length === 0) o.push('None.');
  for (const u of plan.unknowns)
    o.push(
      `- **${mdText(u.subject)}**${u.at ? ` ${mdCode(`${u.at.file}:${u.at.line}`)}` : ''}: ${mdText(u.reason)}`,
    );
  o.push('');
  return o.join('\n');
}
