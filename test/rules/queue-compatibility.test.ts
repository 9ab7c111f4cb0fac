import { describe, expect, it } from 'vitest';
import type { Queue, QueueCompatibility } from '../../src/model/service.js';
import rule from '../../src/rules/queue-compatibility.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 7 });
const svc = (...queues: Queue[]) => service({ descriptor: 'rollbook.yaml', queues });
const q = (role: Queue['role'], compatibility: QueueCompatibility | undefined, line = 20): Queue => ({
  name: 'orders',
  format: 'avro',
  role,
  compatibility,
  at: at(line),
});

describe('queue-compatibility', () => {
  // role → modes that fire (with the mode the mitigation must name)
  it.each([
    { role: 'consumer', mode: 'BACKWARD', set: 'FORWARD_TRANSITIVE', severity: 'error', lossless: false },
    {
      role: 'consumer',
      mode: 'BACKWARD_TRANSITIVE',
      set: 'FORWARD_TRANSITIVE',
      severity: 'error',
      lossless: false,
    },
    { role: 'consumer', mode: 'NONE', set: 'FORWARD_TRANSITIVE', severity: 'error', lossless: false },
    { role: 'consumer', mode: undefined, set: 'FORWARD_TRANSITIVE', severity: 'warning', lossless: null },
    { role: 'producer', mode: 'FORWARD', set: 'BACKWARD_TRANSITIVE', severity: 'error', lossless: null },
    { role: 'producer', mode: 'NONE', set: 'BACKWARD_TRANSITIVE', severity: 'error', lossless: null },
    { role: 'producer', mode: undefined, set: 'BACKWARD_TRANSITIVE', severity: 'warning', lossless: null },
    { role: 'both', mode: 'BACKWARD', set: 'FORWARD_TRANSITIVE', severity: 'error', lossless: false },
    {
      role: 'both',
      mode: 'FORWARD_TRANSITIVE',
      set: 'BACKWARD_TRANSITIVE',
      severity: 'error',
      lossless: null,
    },
    { role: undefined, mode: 'BACKWARD', set: 'FORWARD_TRANSITIVE', severity: 'error', lossless: false },
    { role: undefined, mode: 'NONE', set: 'FULL_TRANSITIVE', severity: 'error', lossless: false },
    { role: undefined, mode: undefined, set: 'FULL_TRANSITIVE', severity: 'warning', lossless: null },
  ] as const)(
    'fires: role $role, compatibility $mode → set $set',
    ({ role, mode, set, severity, lossless }) => {
      const found = findingsOf(rule, svc(q(role, mode, 21)));
      expect(where(found)).toEqual(['queue-compatibility@rollbook.yaml:21 orders']);
      expect(found[0]).toMatchObject({
        kind: 'queue',
        severity,
        appRollbackSafe: mode === undefined ? null : false,
        revertLossless: lossless,
        touchesData: false,
      });
      expect(found[0]?.mitigation).toContain(`to ${set} (\`PUT /config/orders-value\``);
    },
  );

  it.each([
    { role: 'consumer', mode: 'FORWARD' },
    { role: 'consumer', mode: 'FORWARD_TRANSITIVE' },
    { role: 'consumer', mode: 'FULL' },
    { role: 'producer', mode: 'BACKWARD' },
    { role: 'producer', mode: 'BACKWARD_TRANSITIVE' },
    { role: 'producer', mode: 'FULL_TRANSITIVE' },
    { role: 'both', mode: 'FULL' },
    { role: undefined, mode: 'FULL_TRANSITIVE' },
  ] as const)('does not fire: role $role, compatibility $mode', ({ role, mode }) => {
    expectNone(rule, svc(q(role, mode)));
  });

  it('does not fire without queues', () => {
    expectNone(rule, service());
  });

  it('one finding per queue, each at its own line', () => {
    const found = findingsOf(
      rule,
      svc(
        q('consumer', 'NONE', 30),
        { ...q('producer', 'FULL', 31), name: 'ok' },
        { name: 'audit', at: at(32) },
      ),
    );
    expect(where(found)).toEqual([
      'queue-compatibility@rollbook.yaml:30 orders',
      'queue-compatibility@rollbook.yaml:32 audit',
    ]);
  });

  it('schemaless formats get tolerant-reader advice instead of a registry mode', () => {
    const [f] = findingsOf(rule, svc({ name: 'events', format: 'json', compatibility: 'NONE', at: at(9) }));
    expect(f?.mitigation).toContain('no schema registry to enforce compatibility');
    expect(f?.mitigation).not.toContain('PUT /config');
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(rule, service({ descriptor: 'rollbook.yml', queues: [{ name: 'orders' }] }));
    expect(f?.evidence).toEqual([{ file: 'rollbook.yml', line: 1 }]);
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          q('consumer', 'BACKWARD', 20),
          { name: 'payments', format: 'protobuf', role: 'producer', compatibility: 'NONE', at: at(21) },
          { name: 'audit', at: at(22) },
          { name: 'events', format: 'json', role: 'both', compatibility: 'BACKWARD', at: at(23) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
