/** Words shared by the md and text forms of a decision. */
import type { DecisionOption, FactEntry, Recommendation } from '../../model/decide.js';

export const RECOMMENDATION_TEXT: Record<Recommendation, string> = {
  'flag-off': 'turn the flag off',
  rollback: 'roll back (app only)',
  'rollback-with-data-step': 'roll back with the data step',
  'fix-forward': 'fix forward',
  partial: 'partial: shift traffic back',
};

export function timeText(o: DecisionOption): string {
  if (!o.available) return 'not available';
  if (o.minutesToMitigate === null) return 'unknown';
  const worst =
    o.maxMinutesToMitigate !== null && o.maxMinutesToMitigate !== o.minutesToMitigate
      ? ` (worst ${o.maxMinutesToMitigate} min)`
      : '';
  return `~${o.minutesToMitigate} min${worst}`;
}

export function factValue(f: FactEntry): string {
  if (f.value === undefined) return 'unknown';
  if (typeof f.value === 'boolean') return f.value ? 'yes' : 'no';
  if (f.name === 'failingPercent') return `${f.value}%`;
  if (f.name === 'minutesSinceDeploy' || f.name === 'fixReadyMinutes') return `${f.value} min`;
  return String(f.value);
}
