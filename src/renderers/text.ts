/** Small text helpers shared by the sh, html and comms renderers. Pure. */
import type { CommsPlan, StatusUpdate } from '../model/plan.js';

/** Plan text as it may be shown on a terminal or a page (control and bidi characters escaped). */
export { safeText as displayText } from '../util/display.js';

/** 90 → "1m30s", 45 → "45s", 3900 → "1h5m". Whole seconds. */
export function formatDuration(totalSeconds: number): string {
  // readers bound every input number; a non-finite duration is a bug: never print Infinity or NaN
  if (!Number.isFinite(totalSeconds)) throw new Error(`non-finite duration: ${totalSeconds}`);
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  return rest > 0 ? `${m}m${rest}s` : `${m}m`;
}

export const PHASES = ['identified', 'monitoring', 'resolved'] as const;

/** The updates in canonical phase order (identified, monitoring, resolved), then any others. */
export function orderedUpdates(comms: CommsPlan): StatusUpdate[] {
  const rank = (u: StatusUpdate) => {
    const i = (PHASES as readonly string[]).indexOf(u.phase);
    return i < 0 ? PHASES.length : i;
  };
  return comms.updates
    .map((u, i) => ({ u, i }))
    .sort((a, b) => rank(a.u) - rank(b.u) || a.i - b.i)
    .map((x) => x.u);
}

/** `[FILL IN]` / `[FILL IN: what]` blanks only the incident commander can fill. */
export const FILL_IN = /\[FILL IN(?::[^\]]*)?\]/g;

/** "signal: condition", with the deploy window unless the condition already states one. */
export function criterionLine(c: {
  signal: string;
  condition: string;
  withinMinutesOfDeploy: number;
}): string {
  const within = /\bwithin\b/i.test(c.condition)
    ? ''
    : ` (within ${c.withinMinutesOfDeploy} min of a deploy)`;
  return `${c.signal}: ${c.condition}${within}`;
}

/** Distinct blanks in the order they first appear. */
export function fillIns(texts: string[]): string[] {
  const seen = new Set<string>();
  for (const t of texts) for (const m of t.match(FILL_IN) ?? []) seen.add(m);
  return [...seen];
}

/** All comms strings, for finding the blanks. */
export function commsTexts(comms: CommsPlan): string[] {
  return [comms.dataLossStatement, ...orderedUpdates(comms).flatMap((u) => [u.text, u.chat])];
}
