import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/helm-hook-migration.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('helm-hook-migration', () => {
  it('fires on install/upgrade hooks that run migrations, and marks the data rule', () => {
    const svc = service({
      workloads: [
        wl({
          name: 'payments',
          platform: 'helm',
          helm: { release: 'payments', chart: 'payments' },
          hooks: [
            {
              kind: 'Job',
              name: 'payments-migrate',
              events: ['pre-install', 'pre-upgrade'],
              runsMigration: true,
              at: ev('chart/templates/migrate.yaml', 6),
            },
            {
              kind: 'Job',
              name: 'payments-smoke',
              events: ['post-upgrade'],
              runsMigration: false,
              at: ev('chart/templates/smoke.yaml', 5),
            },
          ],
        }),
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual([
      'helm-hook-migration@chart/templates/migrate.yaml:6 payments Job/payments-migrate',
    ]);
    expect(found[0]?.touchesData).toBe(true);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet on rollback-only or non-migration hooks', () => {
    expectNone(
      rule,
      service({
        workloads: [
          wl({
            hooks: [
              { kind: 'Job', name: 'r', events: ['pre-rollback'], runsMigration: true },
              { kind: 'Job', name: 's', events: ['pre-upgrade'], runsMigration: false },
            ],
          }),
        ],
      }),
    );
  });
});
