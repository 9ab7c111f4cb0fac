import { describe, expect, it } from 'vitest';
import type { DataWrite } from '../../src/model/service.js';
import rule from '../../src/rules/external-side-effect.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 7 });
const svc = (...writes: DataWrite[]) => service({ descriptor: 'rollbook.yaml', writes });

describe('external-side-effect', () => {
  it.each([
    { write: { store: 'stripe', external: true, at: at(40) }, compensation: 'refund or void the charges' },
    {
      write: { store: 'sendgrid', external: true, description: 'order confirmation emails', at: at(41) },
      compensation: 'send correction emails',
    },
    {
      write: { store: 'https://hooks.partner.example/orders', external: true, at: at(42) },
      compensation: 'send compensating events (cancel/reversal)',
    },
    { write: { store: 'twilio', external: true, at: at(43) }, compensation: 'wrong notifications' },
    {
      write: { store: 'ledger-service', external: true, at: at(44) },
      compensation: 'list the calls from its logs',
    },
  ])('fires: $write.store', ({ write, compensation }) => {
    const found = findingsOf(rule, svc(write));
    expect(where(found)).toEqual([`external-side-effect@rollbook.yaml:${write.at.line} ${write.store}`]);
    expect(found[0]).toMatchObject({
      kind: 'external',
      severity: 'warning',
      appRollbackSafe: true,
      revertLossless: false,
      touchesData: false,
    });
    expect(found[0]?.mitigation).toContain(compensation);
    expect(found[0]?.mitigation).toContain('idempotency key');
  });

  it('keywords match whole words: a sessions store is not an email provider', () => {
    const [f] = findingsOf(rule, svc({ store: 'sessions-api', external: true, at: at(45) }));
    expect(f?.mitigation).not.toContain('correction emails');
    expect(f?.mitigation).toContain('send compensating events');
  });

  it.each([
    { name: 'internal write', write: { store: 's3://receipts', external: false } },
    { name: 'external unset', write: { store: 'stripe' } },
    { name: 'dual write only', write: { store: 'postgres:orders', dualWrite: true } },
  ])('does not fire: $name', ({ write }) => {
    expectNone(rule, svc(write));
  });

  it('does not fire without writes', () => {
    expectNone(rule, service());
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(
      rule,
      service({ descriptor: 'rollbook.yaml', writes: [{ store: 'ses', external: true }] }),
    );
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          { store: 'stripe', external: true, description: 'card payments for checkout', at: at(40) },
          { store: 'ses', external: true, description: 'receipt emails', at: at(41) },
          { store: 'webhooks', external: true, at: at(42) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
