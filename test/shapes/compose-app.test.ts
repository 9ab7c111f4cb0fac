/**
 * A self-hosted service deployed with docker compose: base file + production override, a one-shot
 * migrate service the app waits for (service_completed_successfully), Postgres with a named volume,
 * Redis as a cache, a tools profile, a dev override that is not production.
 */
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/readers/discover.js';
import { PG_DUMPALL_SH } from '../platforms/helpers.js';
import { backupStep, commands, design, drivers, hazardIds, SHAPES } from './helpers.js';

describe('fixture compose-app', () => {
  it('discovers one compose project: files in -f order, app services, the migration service, data services', async () => {
    const d = await discover(`${SHAPES}/compose-app`);
    expect(d.workloads.map((w) => `${w.kind}/${w.name} ${w.platform}`)).toEqual([
      'ComposeProject/ledger compose',
    ]);
    const c = d.workloads[0]?.compose;
    expect(c?.files).toEqual(['deploy/docker-compose.yml', 'deploy/docker-compose.prod.yml']);
    expect(c?.ignoredFiles).toEqual([
      { file: 'deploy/docker-compose.dev.yml', reason: 'environment "dev", not production' },
    ]);
    expect(c?.services.map((s) => `${s.name} ${s.image?.ref} var=${s.imageVariable}`)).toEqual([
      'web ghcr.io/acme/ledger:${LEDGER_TAG:-2.8.1} var=LEDGER_TAG',
      'worker ghcr.io/acme/ledger:${LEDGER_TAG:-2.8.1} var=LEDGER_TAG',
    ]);
    expect(c?.oneShot.map((s) => `${s.name} migration=${s.runsMigration}`)).toEqual([
      'migrate migration=true',
    ]);
    expect(c?.others.map((s) => `${s.name} ${s.engine ?? s.profiles.join(',')}`)).toEqual([
      'db postgres',
      'redis redis',
      'adminer tools',
    ]);
    expect(c?.volumes.map((v) => `${v.name}: ${v.services.join(',')} → ${v.dockerName}`)).toEqual([
      'pgdata: db → ledger_pgdata',
      'uploads: web → ledger-uploads',
    ]);
    expect(c?.projectName).toEqual({
      value: 'ledger',
      from: 'name',
      at: { file: 'deploy/docker-compose.yml', line: 1, col: 1 },
    });
  });

  it('design: high risk (migration service, uploads volume), pin + up --no-deps --wait per service', async () => {
    const p = await design('compose-app');
    expect(p.service.platform).toBe('compose');
    expect(p.risk).toBe('high');
    expect(hazardIds(p)).toEqual(
      expect.arrayContaining([
        'compose-migration-service',
        'compose-no-history',
        'compose-volumes-not-reverted',
        'stateful-data',
      ]),
    );
    const cmds = commands(p);
    expect(cmds).toContain(
      'docker compose -f deploy/docker-compose.yml -f deploy/docker-compose.prod.yml pull -- web worker',
    );
    expect(cmds).toContain(
      'docker compose -f deploy/docker-compose.yml -f deploy/docker-compose.prod.yml up -d --no-deps --wait --wait-timeout 200 -- web',
    );
    expect(cmds.some((c) => c.includes('up -d --no-deps --wait') && c.endsWith(' worker'))).toBe(true);
    expect(cmds.some((c) => c.includes('set LEDGER_TAG=<tag of TARGET_IMAGE> in deploy/.env'))).toBe(true);
    expect(cmds.some((c) => / up -d( |$)/.test(c) && !c.includes('--no-deps'))).toBe(false);
    // nothing runs the migration service (the reconcile step only names it, as a manual check)
    const run = p.runbook.flatMap((s) => s.commands.filter((c) => c.argv.length > 0));
    expect(run.some((c) => c.argv.some((a) => typeof a === 'string' && a.includes('migrate')))).toBe(false);
  });

  it('durations come from each healthcheck, merged across the override (prod interval wins)', async () => {
    const p = await design('compose-app');
    expect(drivers(p)).toEqual(
      expect.arrayContaining([
        'web.healthcheck.interval=15 (manifest@deploy/docker-compose.prod.yml:8)',
        'web.healthcheck.retries=6 (manifest@deploy/docker-compose.yml:46)',
        'web.healthcheck.start_period=30 (manifest@deploy/docker-compose.yml:47)',
        'web.stop_grace_period=20 (manifest@deploy/docker-compose.yml:48)',
        'worker.healthcheck.interval=30 (manifest@deploy/docker-compose.prod.yml:12)',
        'worker.healthcheck.timeout=30 (default)',
        'worker.stop_grace_period=10 (default)',
      ]),
    );
    const web = p.runbook.find((s) => s.id === 'compose-up-web');
    // expected: pull 10 + interval 15; worst: 30 + grace 20 + start 30 + 6 × (15 + 5)
    expect([web?.expectedSeconds, web?.maxSeconds]).toEqual([25, 200]);
  });
  it('the backup step dumps db through compose and archives the external volume by its name: ledger-uploads, not ledger_uploads', async () => {
    const p = await design('compose-app');
    const b = backupStep(p);
    expect(b.title).toBe(
      'Take the backup now: postgres of compose service db (pg_dumpall); the redis of compose service redis; named volume uploads (docker volume ledger-uploads)',
    );

    const f = '-f deploy/docker-compose.yml -f deploy/docker-compose.prod.yml';
    expect(b.commands).toEqual([
      `docker compose ${f} exec -T db sh -c ${PG_DUMPALL_SH}`,
      `docker compose ${f} cp db:/tmp/rollbook-dumpall.sql "\${DB_DUMP_FILE}"`,
      // the one dump file is the postgres dump: the redis service is named, for the person who knows whether it is a cache
      'Also back up the redis of compose service redis if it keeps data the service needs (a volume, appendonly or save; a pure cache needs none): the guided step dumps one store per run (postgres of compose service db): dump this one too with redis-cli --rdb in its container, to a second file (not DB_DUMP_FILE), the way the step above does.',
      "docker volume inspect --format '{{.Name}}' -- ledger-uploads",
      'docker run --name rollbook-backup-ledger-uploads --volume ledger-uploads:/v:ro alpine tar czf /uploads.tgz -C /v .',
      `docker cp rollbook-backup-ledger-uploads:/uploads.tgz "\${VOLUME_BACKUP_DIR}"`,
      'docker rm -- rollbook-backup-ledger-uploads',
    ]);
    const gates = p.gates.filter((g) => g.kind === 'backup');
    expect(gates.map((g) => g.check.command?.argv[0])).toEqual(['grep', undefined, 'find']);
    expect(gates[0]?.check.freshFile).toEqual({ var: 'DB_DUMP_FILE' });
    expect(p.inputs.map((i) => i.name)).toEqual(
      expect.arrayContaining(['DB_DUMP_FILE', 'VOLUME_BACKUP_DIR']),
    );
  });
});
