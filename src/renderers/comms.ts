/**
 * `--format comms`: the status updates, ready to send. For each phase (identified, monitoring,
 * resolved) a status-page form and a short chat form, with the blanks only the incident commander
 * can fill (`[FILL IN: ...]`) listed first so none is sent by accident.
 */
import type { Plan, StatusUpdate } from '../model/plan.js';
import { commsTexts, displayText, fillIns, orderedUpdates } from './text.js';

export interface CommsBlock {
  phase: string;
  heading: string;
  statusPage: string;
  chat: string;
}

const WHEN: Record<string, string> = {
  identified: 'send when the rollback is called',
  monitoring: 'send when the last runbook step has passed its check',
  resolved: 'send when the signals have stayed on their healthy side for the verification window',
};

/** The updates as blocks (shared with the sh and html renderers). */
export function commsBlocks(plan: Plan): CommsBlock[] {
  return orderedUpdates(plan.comms).map((u: StatusUpdate) => ({
    phase: u.phase,
    heading: `${u.phase.toUpperCase()} (${WHEN[u.phase] ?? 'send when it applies'})`,
    statusPage: displayText(u.text),
    chat: displayText(u.chat),
  }));
}

/** One line summary of where and how often updates go. */
export function commsSummary(plan: Plan): string {
  const c = plan.comms;
  const where = [
    c.channel ? `chat ${displayText(c.channel)}` : 'chat channel not configured',
    c.statusPage ? 'status page' : 'no status page',
  ];
  return `${where.join(' + ')}; next update every ${c.cadenceMinutes} min`;
}

/** Label of the long form: the status page, or where it goes when there is none. */
export function statusPageLabel(plan: Plan): string {
  return plan.comms.statusPage ? 'status page' : 'long form (no status page configured: incident doc, email)';
}

/** The distinct `[FILL IN: ...]` blanks across all updates. */
export function commsBlanks(plan: Plan): string[] {
  return fillIns(commsTexts(plan.comms)).map(displayText);
}

export function renderComms(plan: Plan): string {
  const out: string[] = [];
  out.push(`Status updates for ${displayText(plan.service.name)} (${plan.risk} risk rollback)`);
  out.push(displayText(plan.window.summary));
  out.push(commsSummary(plan));
  out.push(`Data-loss statement: ${displayText(plan.comms.dataLossStatement)}`);
  out.push('');
  const blanks = commsBlanks(plan);
  if (blanks.length > 0) {
    out.push('BEFORE SENDING, fill in every blank (only the incident commander knows these):');
    for (const b of blanks) out.push(`  ${b}`);
  } else {
    out.push('No blanks to fill: the texts below are complete.');
  }
  const blocks = commsBlocks(plan);
  if (blocks.length === 0) out.push('', 'No status updates were designed for this service.');
  for (const b of blocks) {
    out.push('', `=== ${b.heading} ===`, '', `--- ${statusPageLabel(plan)} ---`, b.statusPage, '');
    out.push(`--- chat${plan.comms.channel ? ` (${displayText(plan.comms.channel)})` : ''} ---`, b.chat);
  }
  return `${out.join('\n')}\n`;
}
