/**
 * No backup command rollbook generates puts a secret on a command line (ps, shell history, the
 * runbook's log): the MySQL/MariaDB dump reads the root password from the container's own environment
 * (or the file a *_FILE variable names) inside `sh -c` and hands it to the dump tool as MYSQL_PWD;
 * pg_dump and redis-cli get theirs from PGPASSWORD / REDISCLI_AUTH (set by the runbook, see sh.test.ts).
 * The in-container script is run here with a stand-in dump tool that records its argv and environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, plan } from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import { renderCommand } from '../../src/util/shell.js';
import { service, workload } from '../platforms/helpers.js';

function dbPlan(engine: string, image: string): Plan {
  const svc = service({
    name: 'db',
    deploy: { platform: 'kubernetes', manifests: [], workload: 'statefulset/db', namespace: 'data' },
    workloads: [
      workload('kubernetes', {
        kind: 'StatefulSet',
        name: 'db',
        namespace: 'data',
        state: [{ kind: 'data-image', name: image, engine }],
      }),
    ],
  });
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
    `#!/bin/sh\nprintf 'argv:%s\\n' "$*" > ${log}\nprintf 'pwd:%s\\n' "$MYSQL_PWD" >> ${log}\n`,
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

  it('the in-container scripts pass shellcheck (POSIX sh)', () => {
    for (const engine of ['mysql', 'postgres']) {
      const f = join(dir, `${engine}.sh`);
      writeFileSync(f, `#!/bin/sh\n${script(dbPlan(engine, engine))}\n`);
      const r = spawnSync('shellcheck', ['-s', 'sh', f], { encoding: 'utf8' });
      expect(r.status, r.stdout).toBe(0);
    }
  });
});
