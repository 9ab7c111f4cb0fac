/** contract-in-same-release: a drop or rename shipped with the expand step that replaces it. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { loadParser } from '../../src/readers/migrations/parse.js';
import { contractInSameRelease } from '../../src/rules/contract-in-same-release.js';
import { expectNone, findingsOf, messagesOf, where } from '../helpers/rules.js';
import { type InlineMigration, migrationService } from '../migrations/helpers.js';

beforeAll(async () => {
  await loadParser();
});

/** The migrations of a release whose window is known (the rule is silent over the whole history). */
function release(migrations: InlineMigration[]): Service {
  const svc = migrationService(migrations);
  (svc as { release?: unknown }).release = { scoped: true };
  return svc;
}

const M = (version: string, up: string, name = 'change'): InlineMigration => ({ version, up, name });
const F = (version: string, name = 'change') => `db/migrations/${version}_${name}.up.sql`;

const fire: { name: string; migrations: InlineMigration[]; expect: string[] }[] = [
  {
    name: 'add + backfill in one migration, drop in the next',
    migrations: [
      M(
        '0042',
        'ALTER TABLE orders ADD COLUMN total_cents bigint;\nUPDATE orders SET total_cents = total * 100;',
      ),
      M('0043', 'ALTER TABLE orders DROP COLUMN total;'),
    ],
    expect: [`contract-in-same-release@${F('0043')}:1 orders.total`],
  },
  {
    name: 'add and rename in the same migration',
    migrations: [
      M(
        '0007',
        'ALTER TABLE users ADD COLUMN display_name text;\nALTER TABLE users RENAME COLUMN name TO legacy_name;',
      ),
    ],
    expect: [`contract-in-same-release@${F('0007')}:2 users.name`],
  },
  {
    name: 'new table filled from the old one, old one dropped',
    migrations: [
      M(
        '0010',
        'CREATE TABLE orders_v2 (id bigint, total_cents bigint);\nINSERT INTO orders_v2 SELECT id, total * 100 FROM orders;',
      ),
      M('0011', 'DROP TABLE orders;'),
    ],
    expect: [`contract-in-same-release@${F('0011')}:1 orders`],
  },
];

const none: { name: string; migrations: InlineMigration[] }[] = [
  {
    name: 'a drop alone (the expand shipped earlier)',
    migrations: [M('0043', 'ALTER TABLE orders DROP COLUMN total;')],
  },
  {
    name: 'expand on another table',
    migrations: [
      M('0042', 'ALTER TABLE users ADD COLUMN x int;'),
      M('0043', 'ALTER TABLE orders DROP COLUMN total;'),
    ],
  },
  {
    name: 'the contract comes before the expand',
    migrations: [
      M('0042', 'ALTER TABLE orders DROP COLUMN total;'),
      M('0043', 'ALTER TABLE orders ADD COLUMN total_cents bigint;'),
    ],
  },
  {
    name: 'a column added and dropped again',
    migrations: [M('0001', 'ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t DROP COLUMN b;')],
  },
  {
    name: 'a table dropped next to an unrelated new table',
    migrations: [M('0010', 'CREATE TABLE audit (id bigint);'), M('0011', 'DROP TABLE orders;')],
  },
];

describe('contract-in-same-release', () => {
  it.each(fire)('fires: $name', ({ migrations, expect: expected }) => {
    const svc = release(migrations);
    expect(where(findingsOf(contractInSameRelease, svc))).toEqual(expected);
    expect(messagesOf(contractInSameRelease, svc)).toMatchSnapshot();
  });

  it.each(none)('does not fire: $name', ({ migrations }) => {
    expectNone(contractInSameRelease, release(migrations));
  });

  it('is silent without a known window (the whole history)', () => {
    expectNone(contractInSameRelease, migrationService((fire[0] as (typeof fire)[0]).migrations));
  });

  it('names both migrations and the split into two releases', () => {
    const [f] = findingsOf(contractInSameRelease, release((fire[0] as (typeof fire)[0]).migrations));
    expect(f?.message).toBe(
      `DROP COLUMN orders.total ships in the same release as its expand step ADD COLUMN orders.total_cents (${F('0042')}:1): the version a rollback returns to predates orders.total_cents and still uses orders.total.`,
    );
    expect(f?.mitigation).toContain('release 1 ships migration 0042 change (ADD COLUMN orders.total_cents)');
    expect(f?.mitigation).toContain('release 2 ships migration 0043 change (DROP COLUMN orders.total)');
    expect([f?.appRollbackSafe, f?.revertLossless, f?.severity]).toEqual([false, false, 'error']);
  });
});
