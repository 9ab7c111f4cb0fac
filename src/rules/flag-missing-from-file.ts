import type { Evidence, Finding } from '../model/index.js';
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
    if (!service.flagSources.length || !service.flagRefs?.length) return [];
    const known = new Set(service.flags.map((f) => f.key));
    const missing = new Map<string, Evidence[]>();
    for (const r of service.flagRefs) {
      if (known.has(r.key)) continue;
      missing.set(r.key, [...(missing.get(r.key) ?? []), r.at]);
    }
    const files = service.flagSources.map((s) => s.file).filter((f): f is string => !!f);
    const out: Finding[] = [];
    for (const [key, evidence] of [...missing].sort(([a], [b]) => cmp(a, b))) {
      out.push(
        report({
          subject: key,
          message: `flag "${key}" is evaluated in code but not defined in ${files.join(', ') || 'the flag provider'}: it cannot be switched off in an incident`,
          evidence,
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
