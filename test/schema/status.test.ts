/**
 * [postgres] `rollbook migrations status`: the live migration history, read-only, and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationStatus } from '../../src/schema/status.js';
import { cli } from '../helpers/cli.js';
import { testDatabaseUrl } from './helpers.js';

const url = testDatabaseUrl();
const db = `rb_status_${Math.random().toString(36).slice(2, 10)}`;
const at = (base: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
};
const sql = (target: string, text: string) =>
  execFileSync('psql', [target, '-v', 'ON_ERROR_STOP=1', '-qc', text], { encoding: 'utf8' });

describe.skipIf(!url)('[postgres] migrations status', () => {
  beforeAll(() => sql(url as string, `CREATE DATABASE ${db}`));
  afterAll(() => sql(url as string, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));

  it('no history table: unknown, exit 1 with "could not prove"', async () => {
    const r = await migrationStatus({ databaseUrl: at(url as string) });
    expect(r.outcome).toBe('unknown');
    const c = await cli(['migrations', 'status', '--database-url', at(url as string)]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('UNKNOWN could not prove: no migration history table was found');
  });

  it('dbmate history (no dirty column): the applied version, pass, exit 0', async () => {
    sql(
      at(url as string),
      `CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
      INSERT INTO schema_migrations VALUES ('20260301090000'), ('20261020120000');`,
    );
    const r = await migrationStatus({ databaseUrl: at(url as string) });
    expect(r.outcome).toBe('pass');
    expect(r.tables).toEqual([{ tool: 'dbmate', table: 'schema_migrations', latest: '20261020120000' }]);
    const c = await cli(['migrations', 'status', '--database-url', at(url as string)]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('schema_migrations (dbmate): version 20261020120000');
    expect(c.stdout).toContain('PASS no migration is dirty, failed or running');
  });

  it('a dirty golang-migrate version: fail, exit 1; the password never printed', async () => {
    sql(
      at(url as string),
      `DROP TABLE schema_migrations;
      CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
      INSERT INTO schema_migrations VALUES (4, true);`,
    );
    const withPassword = new URL(at(url as string));
    withPassword.password = 'hunter2-secret';
    const c = await cli(['migrations', 'status', '--database-url', withPassword.toString()]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('DIRTY 4: version 4 is dirty');
    expect(c.stdout).toContain(':***@');
    expect(c.stdout + c.stderr).not.toContain('hunter2-secret');
  });

  it('reads only: the session is read-only', async () => {
    const before = execFileSync(
      'psql',
      [at(url as string), '-Atqc', 'select count(*) from pg_tables where schemaname = $$public$$'],
      {
        encoding: 'utf8',
      },
    );
    await migrationStatus({ databaseUrl: at(url as string) });
    const after = execFileSync(
      'psql',
      [at(url as string), '-Atqc', 'select count(*) from pg_tables where schemaname = $$public$$'],
      {
        encoding: 'utf8',
      },
    );
    expect(after).toBe(before);
  });

  it('usage: without a URL, exit 2', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const c = await cli(['migrations', 'status']);
      expect(c.code).toBe(2);
      expect(c.stderr).toContain('migrations status needs --database-url');
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });
});
