import type { DataWrite } from '../model/service.js';
import { createRule } from './create-rule.js';
import { evidenceFor, mentions } from './support/state.js';

interface Effect {
  words: readonly string[];
  compensate: (store: string) => string;
}

/** Kinds of external effect, recognised from the store name and description, with their compensation. */
const EFFECTS: readonly Effect[] = [
  {
    words: [
      'payment*',
      'payout*',
      'paypal',
      'stripe',
      'adyen',
      'braintree',
      'charge*',
      'billing',
      'invoice*',
      'refund*',
    ],
    compensate: (s) =>
      `refund or void the charges the bad version made through \`${s}\` (list them from the provider for the deploy window)`,
  },
  {
    words: ['mail*', 'email*', 'smtp', 'ses', 'sendgrid', 'mailgun', 'postmark', 'mandrill'],
    compensate: (s) =>
      `send correction emails to the recipients of wrong ones (list them from the \`${s}\` send log for the deploy window)`,
  },
  {
    words: ['sms', 'twilio', 'push', 'notif*', 'fcm', 'apns', 'slack'],
    compensate: (s) => `send corrections to whoever received wrong notifications through \`${s}\``,
  },
  {
    words: ['webhook*', 'hook*', 'callback*', 'http*', 'partner*', 'api'],
    compensate: (s) =>
      `send compensating events (cancel/reversal) to the receivers of \`${s}\` for what the bad version sent`,
  },
];

function compensations(w: DataWrite): string[] {
  const text = `${w.store} ${w.description ?? ''}`;
  const found = EFFECTS.filter((e) => mentions(text, e.words)).map((e) => e.compensate(w.store));
  return found.length > 0
    ? found
    : [
        `compensate what the bad version did through \`${w.store}\` (list the calls from its logs for the deploy window)`,
      ];
}

export default createRule(
  {
    id: 'external-side-effect',
    kind: 'external',
    severity: 'warning',
    description:
      'The service causes effects outside its own state (emails, payments, webhooks) that no rollback can undo.',
    rationale:
      'A rollback restores code, not the world: emails sent, cards charged and webhooks delivered by the bad version stay done. They can only be compensated, and retries around a rollback can repeat them.',
    mitigation:
      'Plan the compensation (refunds, correction emails, reversal events) and make the calls idempotent (idempotency keys) so retries during and after the rollback do not repeat them.',
    scope: 'state',
  },
  (service, report) =>
    service.writes
      .filter((w) => w.external === true)
      .map((w) => {
        const desc = w.description ? ` (${w.description.trim()})` : '';
        const steps = compensations(w);
        return report({
          subject: w.store,
          message: `\`${w.store}\`${desc} is an external side effect: a rollback does not undo what the new version already sent; it can only be compensated.`,
          evidence: [evidenceFor(service, w.at)],
          appRollbackSafe: true,
          revertLossless: false,
          touchesData: false,
          mitigation: `After rolling back, ${steps.join('; ')}. Send every call to \`${w.store}\` with an idempotency key derived from the business operation (e.g. order id + action), so retries during and after the rollback do not repeat the effect.`,
        });
      }),
);
