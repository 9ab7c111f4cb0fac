import type { Flag, Service } from '../model/service.js';
import { createRule } from './create-rule.js';
import { evidenceFor, flagFileOf } from './support/state.js';

function flipHow(service: Service, flag: Flag): string {
  const key = flag.key;
  const p = flag.provider.toLowerCase();
  if (p === 'flagd') {
    const file = flagFileOf(service, flag.provider, flag.at);
    const where = file ? `in \`${file}\`` : 'in the flagd flags file';
    return `Set \`defaultVariant\` of \`${key}\` to its off variant ${where} (flagd watches its flag files; a file mounted from a ConfigMap changes when the ConfigMap is applied), or flip it in the flag provider's UI.`;
  }
  if (p === 'unleash')
    return `Disable toggle \`${key}\` in Unleash (its environment switch in the admin UI); SDKs pick the change up on their next poll.`;
  if (p === 'launchdarkly')
    return `Turn targeting off for \`${key}\` in LaunchDarkly (it then serves its off variation to everyone).`;
  return `Turn \`${key}\` off in ${flag.provider}.`;
}

export default createRule(
  {
    id: 'kill-switch-available',
    kind: 'flag',
    severity: 'info',
    description: 'A kill-switch flag exists: turning it off is often a faster mitigation than a rollback.',
    rationale:
      'Flipping a flag takes seconds, needs no deploy and leaves schema and data alone; a rollback takes a full rollout and brings every state hazard with it. When the bad change sits behind the switch, flip it first.',
    mitigation:
      'Try the kill switch first when the failing change sits behind it; watch the trigger signals for a few minutes; roll back only if they do not recover.',
    scope: 'state',
  },
  (service, report) =>
    service.flags
      .filter((f) => f.killSwitch)
      .map((f) => {
        const source = service.flagSources.find((s) => s.provider === f.provider && s.at);
        return report({
          subject: f.key,
          message: `Flag \`${f.key}\` (${f.provider}) is a kill switch${f.boundBy ? ` of this workload (${f.boundBy})` : ''}: if the failing change sits behind it, turning it off mitigates in seconds, without a deploy.`,
          evidence: [evidenceFor(service, f.at ?? source?.at)],
          appRollbackSafe: true,
          revertLossless: true,
          touchesData: false,
          mitigation: `${flipHow(service, f)} Then watch the trigger signals for a few minutes; roll back only if they do not recover.`,
        });
      }),
);
