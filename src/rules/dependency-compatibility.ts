import type { Dependency } from '../model/service.js';
import { createRule } from './create-rule.js';
import { evidenceFor } from './support/state.js';

/** Relations where the other service calls this one (this service is the provider of the API). */
function inbound(d: Dependency): boolean {
  const r = (d.relation ?? '').trim().toLowerCase();
  return /(^|[\s_-])by$/.test(r) || /^(serves|provides|inbound|upstream-of)$/.test(r);
}

export default createRule(
  {
    id: 'dependency-compatibility',
    kind: 'dependency',
    severity: 'warning',
    description:
      'A dependency with a compatibility constraint: the rolled-back version may not speak its current API.',
    rationale:
      'Other services do not roll back with this one. If a dependency dropped the API the previous version used (or, for callers, relies on what the new version added), the rollback trades one outage for another.',
    mitigation:
      "Check the rollback target's client (or API) against the constraint before rolling back; coordinate with the dependency's owners when it does not hold.",
    scope: 'state',
  },
  (service, report) =>
    service.dependencies
      .filter((d) => typeof d.compatibility === 'string' && d.compatibility.trim() !== '')
      .map((d) => {
        const constraint = (d.compatibility as string).trim();
        const rel = d.relation ? ` (${d.relation.trim()})` : '';
        const isInbound = inbound(d);
        const message = isInbound
          ? `Dependency \`${d.name}\`${rel} has a compatibility constraint ("${constraint}"): the rolled-back version may stop serving what \`${d.name}\` now uses.`
          : `Dependency \`${d.name}\`${rel} has a compatibility constraint ("${constraint}"): the rolled-back version may not speak its current API.`;
        const mitigation = isInbound
          ? `Before rolling back, check that the target version still serves what \`${d.name}\` needs under "${constraint}" (API routes, fields, message versions in the target commit); if not, coordinate with the \`${d.name}\` owners: roll \`${d.name}\` back first where it can be, or keep the new endpoints in a patched target.`
          : `Before rolling back, check the target version's client for \`${d.name}\` against "${constraint}" (client library version, API version or paths in the target commit); if it does not hold, do not roll back past it: coordinate with the \`${d.name}\` owners (keep the old API served during the rollback) or fix forward.`;
        return report({
          subject: d.name,
          message,
          evidence: [evidenceFor(service, d.at)],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation,
        });
      }),
);
