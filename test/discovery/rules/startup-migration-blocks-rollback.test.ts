import { describe, expect, it } from 'vitest';
import type { MigrationRun, MigrationSet } from '../../../src/model/index.js';
import rule from '../../../src/rules/startup-migration-blocks-rollback.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev } from './build.js';

const set: MigrationSet = {
  tool: 'golang-migrate',
  path: 'db/migrations',
  database: 'postgres',
  migrations: [{ version: '1', name: 'init', at: ev('db/migrations/1_init.up.sql', 1) }],
  skipped: [],
};

const run = (over: Partial<MigrationRun>): MigrationRun => ({
  mode: 'startup',
  tool: 'golang-migrate',
  detail: "m.Up() (golang-migrate) in the service's code",
  refusesNewerDatabase: true,
  at: ev('cmd/server/main.go', 28),
  ...over,
});

describe('startup-migration-blocks-rollback', () => {
  it.each([
    ['startup', run({})],
    ['init container', run({ mode: 'init-container', at: ev('k8s/deploy.yaml', 20) })],
    ['Argo CD sync hook', run({ mode: 'argocd-hook', at: ev('k8s/migrate-job.yaml', 5) })],
    ['compose service', run({ mode: 'compose-service', at: ev('docker-compose.yml', 12) })],
  ])('fires when the previous version re-runs a migrator that refuses a newer database: %s', (_, r) => {
    const f = rule.check(service({ migrations: [set], migrationRuns: [r] }));
    expect(where(f)).toEqual([
      `startup-migration-blocks-rollback@${r.at.file}:${r.at.line} golang-migrate ${r.mode}`,
    ]);
    expect(f[0]?.appRollbackSafe).toBe(false);
    expect(f[0]?.touchesData).toBe(true);
  });

  it('says what to do (snapshot)', () => {
    expect(messagesOf(rule, service({ migrations: [set], migrationRuns: [run({})] }))).toMatchSnapshot();
  });

  it('stays quiet for tools that tolerate a newer database, Helm pre-upgrade hooks, or no migrations', () => {
    expectNone(
      rule,
      service({
        migrations: [set],
        migrationRuns: [run({ tool: 'goose', refusesNewerDatabase: undefined })],
      }),
    );
    expectNone(rule, service({ migrations: [set], migrationRuns: [run({ mode: 'helm-hook' })] }));
    expectNone(rule, service({ migrations: [], migrationRuns: [run({})] }));
  });
});
