import { describe, expect, it } from 'vitest';
import type { DataWrite } from '../../src/model/service.js';
import rule from '../../src/rules/dual-write.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 7 });
const svc = (...writes: DataWrite[]) => service({ descriptor: 'rollbook.yaml', writes });

describe('dual-write', () => {
  it.each([
    {
      name: 'dual write to a new table',
      write: { store: 'postgres:orders_v2', dualWrite: true, at: at(30) },
    },
    {
      name: 'dual write that is also external',
      write: { store: 's3://receipts', dualWrite: true, external: true, at: at(31) },
    },
  ])('fires: $name', ({ write }) => {
    const found = findingsOf(rule, svc(write));
    expect(where(found)).toEqual([`dual-write@rollbook.yaml:${write.at.line} ${write.store}`]);
    expect(found[0]).toMatchObject({
      kind: 'data',
      severity: 'error',
      appRollbackSafe: null,
      revertLossless: false,
      touchesData: true,
    });
    expect(found[0]?.mitigation).toContain(`reconcile job from the source of truth into \`${write.store}\``);
  });

  it.each([
    { name: 'plain write', write: { store: 's3://receipts', dualWrite: false } },
    { name: 'dualWrite unset', write: { store: 's3://receipts' } },
    { name: 'external only', write: { store: 'stripe', external: true } },
  ])('does not fire: $name', ({ write }) => {
    expectNone(rule, svc(write));
  });

  it('does not fire without writes', () => {
    expectNone(rule, service());
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(
      rule,
      service({ descriptor: 'rollbook.yaml', writes: [{ store: 'es', dualWrite: true }] }),
    );
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          {
            store: 'dynamodb:orders',
            dualWrite: true,
            description: 'orders mirrored during the Postgres move',
            at: at(30),
          },
          { store: 'elasticsearch:products', dualWrite: true, at: at(33) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
