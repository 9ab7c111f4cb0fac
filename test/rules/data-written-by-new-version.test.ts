import { describe, expect, it } from 'vitest';
import type { DataWrite } from '../../src/model/service.js';
import rule from '../../src/rules/data-written-by-new-version.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 7 });
const svc = (...writes: DataWrite[]) => service({ descriptor: 'rollbook.yaml', writes });

describe('data-written-by-new-version', () => {
  it.each([
    {
      write: { store: 's3://receipts', dualWrite: false, external: false, at: at(50) },
      hint: 'get-bucket-versioning --bucket receipts',
    },
    {
      write: { store: 'gs://exports/daily', at: at(51) },
      hint: 'gcloud storage buckets describe gs://exports',
    },
    { write: { store: 'postgres:orders', at: at(52) }, hint: 'records created or updated after the deploy' },
  ])('fires: $write.store', ({ write, hint }) => {
    const found = findingsOf(rule, svc(write));
    expect(where(found)).toEqual([
      `data-written-by-new-version@rollbook.yaml:${write.at.line} ${write.store}`,
    ]);
    expect(found[0]).toMatchObject({
      kind: 'data',
      severity: 'info',
      appRollbackSafe: null,
      revertLossless: null,
      touchesData: false,
    });
    expect(found[0]?.mitigation).toContain(hint);
  });

  it.each([
    { name: 'dual write (dual-write covers it)', write: { store: 's3://receipts', dualWrite: true } },
    { name: 'external effect (external-side-effect covers it)', write: { store: 'stripe', external: true } },
  ])('does not fire: $name', ({ write }) => {
    expectNone(rule, svc(write));
  });

  it('does not fire without writes', () => {
    expectNone(rule, service());
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(rule, service({ descriptor: 'rollbook.yaml', writes: [{ store: 'postgres' }] }));
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          { store: 's3://receipts', description: 'PDF receipts', at: at(50) },
          { store: 'postgres:orders', at: at(52) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
