import type { Finding, FlagRef } from '../model/index.js';
import { cmp } from '../util/order.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'flag-missing-from-file',
    kind: 'flag',
    severity: 'warning',
    description: 'The code evaluates a feature flag that the flag file does not define',
    rationale:
      'A flag missing from the provider always returns the default hard-coded in the code: it cannot be flipped during an incident, so it is not the fast mitigation people expect.',
    mitigation: 'Define the flag in the flag file (with an explicit off variant), or remove the evaluation.',
    scope: 'state',
  },
  (service, report) => {
    // every flag file of the repository when a workload was chosen among several: a key is missing
    // only when none of them defines it, whichever workload their flags belong to
    const files = service.repoFlagFiles?.length
      ? service.repoFlagFiles
      : service.flagSources.map((s) => s.file).filter((f): f is string => !!f);
    if ((!service.flagSources.length && !files.length) || !service.flagRefs?.length) return [];
    const known = new Set(service.flags.map((f) => f.key));
    const missing = new Map<string, FlagRef[]>();
    for (const r of service.flagRefs) {
      if (known.has(r.key)) continue;
      missing.set(r.key, [...(missing.get(r.key) ?? []), r]);
    }
    const out: Finding[] = [];
    for (const [key, refs] of [...missing].sort(([a], [b]) => cmp(a, b))) {
      const where = files.join(', ') || 'the flag provider';
      const shared = refs.every((r) => r.shared);
      out.push(
        report({
          subject: key,
          message: shared
            ? `flag "${key}" is evaluated in shared code (${refs.map((r) => `${r.at.file}:${r.at.line}`).join(', ')}, in no workload's own directory: reported on every workload, since any of them may import it) but not defined in ${where}: it cannot be switched off in an incident`
            : `flag "${key}" is evaluated in code but not defined in ${where}: it cannot be switched off in an incident`,
          evidence: refs.map((r) => r.at),
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Add "${key}" to ${files[0] ?? 'the flag file'} with an off variant, so it can serve as a kill switch.`,
        }),
      );
    }
    return out;
  },
);
