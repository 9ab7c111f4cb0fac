/**
 * No backup command rollbook generates puts a secret on a command line (ps, shell history, the
 * runbook's log): the MySQL/MariaDB dump reads the root password from the container's own environment
 * (or the file a *_FILE variable names) inside `sh -c` and hands it to the dump tool as MYSQL_PWD;
 * pg_dumpall runs as the image's superuser (official image: POSTGRES_USER; bitnami: postgres, with
 * POSTGRES_POSTGRES_PASSWORD when POSTGRES_USER is the chart's non-superuser auth.username) and gets its
 * password as PGPASSWORD; pg_dump and redis-cli get theirs from PGPASSWORD / REDISCLI_AUTH (set by the
 * runbook, see sh.test.ts). The in-container script is run here with a stand-in dump tool that records
 * its argv and environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';
import { dataStoreService } from '../platforms/helpers.js';

function dbPlan(engine: string, image: string): Plan {
  const svc = dataStoreService(engine, image);
  return plan(svc, analyze(svc));
}

const takeCommands = (p: Plan) => p.runbook.find((s) => s.id === 'take-backup')?.commands ?? [];

/** The `sh -c` script of the exec command. */
function script(p: Plan): string {
  const exec = takeCommands(p).find((c) => c.argv.includes('exec'));
  const i = exec?.argv.indexOf('-c') ?? -1;
  const s = exec?.argv[i + 1];
  if (typeof s !== 'string') throw new Error('no sh -c script');
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'rollbook-dumpcreds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the script with only `tool` on PATH (a stand-in that records argv and MYSQL_PWD). */
function runIn(s: string, tool: string, env: Record<string, string>) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'log');
  writeFileSync(
    join(bin, tool),
    `#!/bin/sh\nprintf 'argv:%s\\n' "$*" > ${log}\nprintf 'pwd:%s\\n' "\${MYSQL_PWD-\${PGPASSWORD-}}" >> ${log}\n`,
  );
  chmodSync(join(bin, tool), 0o755);
  writeFileSync(join(bin, 'cat'), '#!/bin/sh\nexec /bin/cat "$@"\n');
  chmodSync(join(bin, 'cat'), 0o755);
  const r = spawnSync('/bin/sh', ['-c', s], { env: { PATH: bin, ...env }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, log: readFileSync(log, 'utf8') };
}

describe('database dumps keep the password off every command line', () => {
  const cases: { engine: string; image: string; tool: string; env: Record<string, string> }[] = [
    { engine: 'mysql', image: 'mysql', tool: 'mysqldump', env: { MYSQL_ROOT_PASSWORD: 's3cr3t pw$' } },
    {
      engine: 'mariadb',
      image: 'mariadb',
      tool: 'mariadb-dump',
      env: { MARIADB_ROOT_PASSWORD: 's3cr3t pw$' },
    },
    { engine: 'mariadb', image: 'mariadb', tool: 'mysqldump', env: { MYSQL_ROOT_PASSWORD: 's3cr3t pw$' } },
  ];
  for (const c of cases)
    it(`${c.engine} with ${Object.keys(c.env)[0]}, ${c.tool} on PATH: the password reaches it as MYSQL_PWD only`, () => {
      const p = dbPlan(c.engine, c.image);
      for (const cmd of takeCommands(p)) {
        const line = cmd.manual ?? renderCommand(cmd);
        expect(line).not.toMatch(/--password|\s-p\S|s3cr3t/);
      }
      const r = runIn(script(p), c.tool, c.env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.log).toContain(
        'argv:--all-databases --single-transaction --user=root --result-file=/tmp/rollbook-dumpall.sql',
      );
      expect(r.log).not.toMatch(/argv:.*s3cr3t/);
      expect(r.log).toContain('pwd:s3cr3t pw$');
    });

  it('a password given as a secret file (MYSQL_ROOT_PASSWORD_FILE) is read from the file, not the environment', () => {
    const file = join(dir, 'root-password');
    writeFileSync(file, 'from-file');
    const r = runIn(script(dbPlan('mysql', 'mysql')), 'mysqldump', { MYSQL_ROOT_PASSWORD_FILE: file });
    expect(r.status, r.stderr).toBe(0);
    expect(r.log).toContain('pwd:from-file');
    expect(r.log).not.toMatch(/argv:.*from-file/);
  });

  it('a MYSQL_ROOT_USER (bitnami) is the account, and the file wins over the variable (as in the charts probes)', () => {
    const file = join(dir, 'root-password-2');
    writeFileSync(file, 'from-file');
    const r = runIn(script(dbPlan('mysql', 'bitnami/mysql')), 'mysqldump', {
      MYSQL_ROOT_PASSWORD_FILE: file,
      MYSQL_ROOT_PASSWORD: 'stale',
      MYSQL_ROOT_USER: 'admin',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.log).toContain('--user=admin ');
    expect(r.log).toContain('pwd:from-file');
  });

  const pgFile = join(dir, 'postgres-password');
  writeFileSync(pgFile, 'super from file\n');
  const pg: { name: string; env: Record<string, string>; user: string; pwd: string }[] = [
    {
      name: 'official image: POSTGRES_USER is the superuser',
      env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'app pw' },
      user: 'app',
      pwd: 'app pw',
    },
    { name: 'official image, no POSTGRES_USER', env: {}, user: 'postgres', pwd: '' },
    {
      name: 'bitnami, no auth.username: POSTGRES_PASSWORD_FILE is postgres password',
      env: { BITNAMI_APP_NAME: 'postgresql', POSTGRES_PASSWORD_FILE: pgFile },
      user: 'postgres',
      pwd: 'super from file',
    },
    {
      name: 'bitnami with auth.username: postgres with POSTGRES_POSTGRES_PASSWORD, not the app user',
      env: {
        BITNAMI_APP_NAME: 'postgresql',
        POSTGRES_USER: 'app',
        POSTGRES_PASSWORD: 'app pw',
        POSTGRES_POSTGRES_PASSWORD: 'super pw',
      },
      user: 'postgres',
      pwd: 'super pw',
    },
    {
      name: 'bitnami with auth.username and usePasswordFiles: POSTGRES_POSTGRES_PASSWORD_FILE',
      env: {
        BITNAMI_APP_NAME: 'postgresql',
        POSTGRES_USER: 'app',
        POSTGRES_PASSWORD_FILE: '/nonexistent',
        POSTGRES_POSTGRES_PASSWORD_FILE: pgFile,
      },
      user: 'postgres',
      pwd: 'super from file',
    },
    {
      name: 'bitnami-named POSTGRESQL_* variables (a compose file)',
      env: {
        BITNAMI_APP_NAME: 'postgresql-repmgr',
        POSTGRESQL_USERNAME: 'app',
        POSTGRESQL_POSTGRES_PASSWORD: 'super pw',
      },
      user: 'postgres',
      pwd: 'super pw',
    },
  ];
  for (const c of pg)
    it(`pg_dumpall, ${c.name}`, () => {
      const r = runIn(script(dbPlan('postgres', 'postgres')), 'pg_dumpall', c.env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.log).toContain(`argv:--username=${c.user} --file=/tmp/rollbook-dumpall.sql\n`);
      expect(r.log).toContain(`pwd:${c.pwd}\n`);
      if (c.pwd) expect(r.log).not.toMatch(new RegExp(`argv:.*${c.pwd}`));
    });

  it('bitnami postgres without a superuser password (auth.enablePostgresUser off): said on stderr, no secret shown', () => {
    const r = runIn(script(dbPlan('postgres', 'postgres')), 'pg_dumpall', {
      BITNAMI_APP_NAME: 'postgresql',
      POSTGRES_USER: 'app',
      POSTGRES_PASSWORD: 'app pw',
    });
    expect(r.stderr).toContain('no password for the postgres superuser');
    expect(r.stderr).not.toContain('app pw');
    expect(r.log).toContain('argv:--username=postgres ');
  });

  it('a password is data, never code: shell syntax in it runs nothing', () => {
    const marker = join(dir, 'pwned');
    for (const [engine, tool, key] of [
      ['postgres', 'pg_dumpall', 'POSTGRES_PASSWORD'],
      ['mysql', 'mysqldump', 'MYSQL_ROOT_PASSWORD'],
    ] as const) {
      const pw = `$(echo x > ${marker})"; echo x > ${marker}; '\``;
      const r = runIn(script(dbPlan(engine, engine)), tool, {
        [key]: pw,
        POSTGRES_USER: `$(echo x > ${marker})`,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.log).toContain(`pwd:${pw}`);
    }
    expect(() => readFileSync(marker)).toThrow();
  });

  it('the in-container scripts pass shellcheck (POSIX sh)', () => {
    for (const engine of ['mysql', 'postgres']) {
      const f = join(dir, `${engine}.sh`);
      writeFileSync(f, `#!/bin/sh\n${script(dbPlan(engine, engine))}\n`);
      const r = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
      expect(r.status, r.stdout).toBe(0);
    }
  });
});

/** Run a dump script with stand-ins for `tool` (records argv, REDISCLI_AUTH and a --config file's text) and sh's helpers. */
function runTool(s: string, tool: string, env: Record<string, string>) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  const log = join(bin, 'log');
  writeFileSync(
    join(bin, tool),
    `#!/bin/sh\nprintf 'argv:%s\\n' "$*" > ${log}\nprintf 'auth:%s\\n' "\${REDISCLI_AUTH-(unset)}" >> ${log}\nfor a in "$@"; do case "$a" in --config=*) printf 'config:' >> ${log}; cat "\${a#--config=}" >> ${log} ;; esac; done\n`,
  );
  chmodSync(join(bin, tool), 0o755);
  for (const t of ['cat', 'rm', 'sed'])
    writeFileSync(join(bin, t), `#!/bin/sh\nexec /bin/${t} "$@"\n`), chmodSync(join(bin, t), 0o755);
  const r = spawnSync('/bin/sh', ['-c', s], { env: { PATH: bin, ...env }, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, log: readFileSync(log, 'utf8') };
}

describe('Redis and MongoDB dumps keep the password off every command line', () => {
  const secretFile = join(dir, 'redis-password');
  writeFileSync(secretFile, 'from file');
  it.each([
    ['bitnami REDIS_PASSWORD', { REDIS_PASSWORD: "s3cr3t pw$'" }, "auth:s3cr3t pw$'", '-p 6379'],
    [
      'REDIS_PASSWORD_FILE wins',
      { REDIS_PASSWORD_FILE: secretFile, REDIS_PASSWORD: 'stale' },
      'auth:from file',
      '-p 6379',
    ],
    ['no password: REDISCLI_AUTH stays unset', { REDIS_PORT: '6380' }, 'auth:(unset)', '-p 6380'],
    [
      'bitnami TLS',
      {
        REDIS_TLS_ENABLED: 'yes',
        REDIS_TLS_PORT: '6390',
        REDIS_TLS_CA_FILE: '/c/ca',
        REDIS_TLS_CERT_FILE: '/c/crt',
        REDIS_TLS_KEY_FILE: '/c/key',
      },
      'auth:(unset)',
      '-p 6390 --tls --cacert /c/ca --cert /c/crt --key /c/key',
    ],
  ])('redis-cli --rdb, %s', (_n, env, auth, conn) => {
    const p = dbPlan('redis', 'bitnami/redis');
    for (const cmd of takeCommands(p))
      expect(cmd.manual ?? renderCommand(cmd)).not.toMatch(/\s-a\s|s3cr3t|--pass/);
    const r = runTool(script(p), 'redis-cli', env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.log).toContain(`argv:${conn} --rdb /tmp/rollbook-dump.rdb\n`);
    expect(r.log).toContain(`${auth}\n`);
    expect(r.log).not.toMatch(/argv:.*(s3cr3t|from file)/);
  });

  it.each([
    [
      'bitnami MONGODB_ROOT_PASSWORD (a quote in it)',
      { MONGODB_ROOT_PASSWORD: "it's $x" },
      '--username=root --authenticationDatabase=admin --config=/tmp/rollbook-mongodump.yaml --archive=/tmp/rollbook-dump.archive.gz --gzip',
      "config:password: 'it''s $x'\n",
    ],
    [
      'official image MONGO_INITDB_ROOT_* and a file',
      { MONGO_INITDB_ROOT_USERNAME: 'admin', MONGO_INITDB_ROOT_PASSWORD_FILE: secretFile },
      '--username=admin --authenticationDatabase=admin --config=/tmp/rollbook-mongodump.yaml --archive=/tmp/rollbook-dump.archive.gz --gzip',
      "config:password: 'from file'\n",
    ],
    [
      'no password: no authentication, no config file',
      {},
      '--archive=/tmp/rollbook-dump.archive.gz --gzip',
      undefined,
    ],
  ])('mongodump --archive --gzip, %s', (_n, env, argv, config) => {
    const p = dbPlan('mongodb', 'bitnami/mongodb');
    const r = runTool(script(p), 'mongodump', env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.log).toContain(`argv:${argv}\n`);
    if (config) expect(r.log).toContain(config);
    else expect(r.log).not.toContain('config:');
    expect(r.log).not.toMatch(/argv:.*(it's|from file)/);
    // the password file is gone once the dump ends
    expect(() => readFileSync('/tmp/rollbook-mongodump.yaml')).toThrow();
  });

  it('a password is data, never code (redis, mongodb), and the scripts pass shellcheck', () => {
    const marker = join(dir, 'pwned-2');
    const pw = `$(echo x > ${marker})"; echo x > ${marker}; '\``;
    for (const [engine, tool, key] of [
      ['redis', 'redis-cli', 'REDIS_PASSWORD'],
      ['mongodb', 'mongodump', 'MONGODB_ROOT_PASSWORD'],
    ] as const) {
      const s = script(dbPlan(engine, engine));
      const r = runTool(s, tool, { [key]: pw, MONGODB_ROOT_USER: `$(echo x > ${marker})` });
      expect(r.status, r.stderr).toBe(0);
      const f = join(dir, `${engine}.sh`);
      writeFileSync(f, `#!/bin/sh\n${s}\n`);
      const sc = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
      expect(sc.status, sc.stdout).toBe(0);
    }
    expect(() => readFileSync(marker)).toThrow();
  });
});
