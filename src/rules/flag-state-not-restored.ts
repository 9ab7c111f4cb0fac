import type { Evidence, Flag, FlagSource, Service } from '../model/service.js';
import { createRule } from './create-rule.js';
import { byCodePoint, evidenceFor, flagFileOf, listNames } from './support/state.js';

/** How many flags a finding cites as evidence besides the flag sources. */
const MAX_FLAG_EVIDENCE = 8;

interface ProviderFlags {
  provider: string;
  sources: FlagSource[];
  flags: Flag[];
}

/** Flags and flag sources grouped by provider, sorted (deterministic). */
export function flagsByProvider(service: Service): ProviderFlags[] {
  const groups = new Map<string, ProviderFlags>();
  const group = (provider: string): ProviderFlags => {
    let g = groups.get(provider);
    if (!g) {
      g = { provider, sources: [], flags: [] };
      groups.set(provider, g);
    }
    return g;
  };
  for (const s of service.flagSources) group(s.provider).sources.push(s);
  for (const f of service.flags) group(f.provider).flags.push(f);
  const out = [...groups.values()].sort((a, b) => byCodePoint(a.provider, b.provider));
  for (const g of out) {
    g.sources.sort((a, b) => byCodePoint(a.file ?? '', b.file ?? ''));
    g.flags.sort((a, b) => byCodePoint(a.key, b.key));
  }
  return out;
}

function where(g: ProviderFlags): string {
  const files = [...new Set(g.sources.flatMap((s) => (s.file ? [s.file] : [])))];
  return files.length > 0 ? `${g.provider} ${files.join(', ')}` : g.provider;
}

function restoreHow(service: Service, g: ProviderFlags, names: string): string {
  const p = g.provider.toLowerCase();
  const file = flagFileOf(service, g.provider, g.flags.find((f) => f.at)?.at);
  if (p === 'flagd' && file)
    return `Before rolling back, save the deployed \`${file}\`; decide per flag (${names}) whether the rolled-back version needs its pre-deploy value, and restore those by reverting the flag change in \`${file}\` (\`git log -p -- ${file}\` shows it), not through the deploy rollback.`;
  if (p === 'unleash')
    return `Before rolling back, note the current state of ${names} in Unleash (its event log shows what changed since the deploy); decide per toggle whether the rolled-back version needs its pre-deploy state, and set those back in Unleash.`;
  if (p === 'launchdarkly')
    return `Before rolling back, note the current state of ${names} in LaunchDarkly (its audit log shows what changed since the deploy); decide per flag whether the rolled-back version needs its pre-deploy state, and set those back in LaunchDarkly.`;
  return `Before rolling back, note the current state of ${names} in ${g.provider} and what changed since the deploy; decide per flag whether the rolled-back version needs its pre-deploy state, and set those back in ${g.provider}.`;
}

export default createRule(
  {
    id: 'flag-state-not-restored',
    kind: 'flag',
    severity: 'warning',
    description: 'Feature flags live outside the deploy: a rollback does not restore their state.',
    rationale:
      'Flags turned on (or retargeted) for the new version stay as they are when the code rolls back; the old version then runs with flag states it may never have been tested with, and flags it does not know are silently ignored.',
    mitigation:
      'Record flag state before rolling back, decide per flag whether the rolled-back version needs its pre-deploy value, and restore it through the flag provider, not the deploy.',
    scope: 'state',
  },
  (service, report) =>
    flagsByProvider(service).map((g) => {
      const sourceEvidence = g.sources.map((s) => evidenceFor(service, s.at));
      const flagEvidence = g.flags.flatMap((f) => (f.at ? [f.at] : [])).slice(0, MAX_FLAG_EVIDENCE);
      const seen = new Set<string>();
      const evidence: Evidence[] = [];
      for (const e of [...sourceEvidence, ...flagEvidence]) {
        const k = `${e.file}:${e.line}`;
        if (!seen.has(k)) {
          seen.add(k);
          evidence.push(e);
        }
      }
      if (evidence.length === 0) evidence.push(evidenceFor(service, undefined));
      const keys = g.flags.map((f) => f.key);
      const names = keys.length > 0 ? listNames(keys) : `the flags in ${where(g)}`;
      let message: string;
      if (keys.length === 0)
        message = `A deploy rollback does not restore flag state in ${where(g)}: flags changed for the new version keep their current values.`;
      else if (keys.length === 1)
        message = `A deploy rollback does not restore flag state: the ${g.provider} flag ${names} keeps its current value, even if it was changed for the new version.`;
      else
        message = `A deploy rollback does not restore flag state: the ${keys.length} ${g.provider} flags ${names} keep their current values, including any changed for the new version.`;
      return report({
        subject: where(g),
        message,
        evidence,
        appRollbackSafe: null,
        revertLossless: true,
        touchesData: false,
        mitigation: restoreHow(service, g, names),
      });
    }),
);
