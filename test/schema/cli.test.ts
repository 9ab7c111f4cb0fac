/**
 * End to end: the built CLI (`npm run build` first; `npm test` does) on fixtures/schema.
 * gates runs on a git repository generated in a temp dir from fixtures/schema/gates/{v1,v2}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/schema/engine.js';
import { testDatabaseUrl } from './helpers.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const bin = join(repoRoot, 'bin/rollbook.js');
const fixtures = join(repoRoot, 'fixtures/schema');
const url = testDatabaseUrl();

function rollbook(args: string[], cwd = repoRoot, cache: 'on' | 'off' = 'off') {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ROLLBOOK_CACHE: cache },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Mask the engine's patch version so snapshots survive a PGlite patch release. */
const masked = (s: string) => s.replace(/PostgreSQL (\d+)\.\d+/g, 'PostgreSQL $1.x');

let gitRepo = '';
beforeAll(() => {
  gitRepo = mkdtempSync(join(tmpdir(), 'rollbook-gates-e2e-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: gitRepo,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: gitRepo,
      },
    });
  git('init', '-q', '-b', 'main');
  cpSync(join(fixtures, 'gates/v1'), gitRepo, { recursive: true });
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
  git('tag', 'v1');
  cpSync(join(fixtures, 'gates/v2'), gitRepo, { recursive: true });
  git('add', '.');
  git('commit', '-q', '-m', 'v2');
});
afterAll(() => {
  if (gitRepo) rmSync(gitRepo, { recursive: true, force: true });
});

describe('rollbook migrations verify (PGlite)', () => {
  it('reports downs that do not restore the schema or lose data, and syntax newer than the target', () => {
    const r = rollbook(['migrations', 'verify', 'fixtures/schema/verify'], repoRoot, 'on');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(masked(r.stdout)).toMatchSnapshot();
  });

  it('writes the same verdicts as JSON', () => {
    // answered from the result cache when the text run above stored it: same verdicts either way
    const r = rollbook(
      ['migrations', 'verify', 'fixtures/schema/verify', '--format', 'json'],
      repoRoot,
      'on',
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.engine).toMatch(/^PGlite \(PostgreSQL 18\.\d+\)$/);
    expect(report.cache).toBeUndefined();
    expect(
      report.sets[0].migrations.map((m: { version: string; status: string }) => `${m.version} ${m.status}`),
    ).toEqual(['000001 fail', '000002 pass', '000003 fail', '000004 fail']);
  });

  it('exits 2 with a clear message on bad input', () => {
    const r = rollbook(['migrations', 'verify', 'fixtures/schema/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'rollbook: directory not found: fixtures/schema/nope\nPass the path of the service repository, e.g. rollbook plan examples/checkout-api\n',
    );
    const u = rollbook(['migrations', 'verify', 'fixtures/schema/verify', '--scratch-url', 'not a url']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('--scratch-url is not a URL');
    // --database-url is only ever the read-only live database: verify refuses it, naming --scratch-url
    const live = rollbook([
      'migrations',
      'verify',
      'fixtures/schema/verify',
      '--database-url',
      'postgres://x/y',
    ]);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(
      /^rollbook: --database-url is the read-only live database; .* --scratch-url URL\n/,
    );
    const refused = rollbook([
      'migrations',
      'verify',
      'fixtures/schema/verify',
      '--scratch-url',
      'postgres://nobody:secret@127.0.0.1:1/x',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^rollbook: cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x: /,
    );
    expect(refused.stderr).not.toContain('secret');
  });
});

describe('rollbook gates (PGlite, generated git history)', () => {
  it('fails when the target cannot run on the current schema', () => {
    // the old app's statements, exported next to the service (not committed)
    cpSync(join(fixtures, 'gates/old-queries.sql'), join(gitRepo, 'old-queries.sql'));
    const r = rollbook(
      ['gates', '.', '--from', 'main', '--to', 'v1', '--queries', 'old-queries.sql'],
      gitRepo,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(masked(r.stdout)).toMatchSnapshot();
  });

  it('passes when the target is the current version', () => {
    const r = rollbook(['gates', '--from', 'main', '--to', 'main', '--format', 'json'], gitRepo);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.gates.map((g: { id: string; status: string }) => `${g.id} ${g.status}`)).toEqual([
      'current-target-compatible pass',
      'old-queries-prepare unknown',
      'old-writes-dry-run unknown',
      'no-in-flight-migration unknown',
      'live-version-is-current unknown',
      'migrations-since-target pass',
    ]);
  });

  it('exits 2 on a bad ref, outside git, and without --from/--to', () => {
    const bad = rollbook(['gates', '--from', 'main', '--to', 'v0'], gitRepo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rollbook: unknown git ref "v0"');
    const noFile = rollbook(['gates', '--from', 'main', '--to', 'v1', '--queries', 'nope.sql'], gitRepo);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toBe('rollbook: --queries nope.sql: ENOENT\n');
    cpSync(join(fixtures, 'gates/old-queries.sql'), join(gitRepo, 'broken.sql'));
    writeFileSync(join(gitRepo, 'broken.sql'), 'SELECT 1;\nSELEC id FROM orders;\n');
    const broken = rollbook(['gates', '--from', 'main', '--to', 'v1', '--queries', 'broken.sql'], gitRepo);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toBe('rollbook: broken.sql:2:1: syntax error at or near "SELEC"\n');
    // without --to the target is the newest release tag before --from (here v1)
    const defaulted = rollbook(['gates', '--from', 'main', '--format', 'json'], gitRepo);
    expect(defaulted.stderr).toBe('');
    expect(JSON.parse(defaulted.stdout).release.to.ref).toBe('v1');
    const plain = mkdtempSync(join(tmpdir(), 'rollbook-nogit-'));
    try {
      cpSync(join(fixtures, 'verify'), plain, { recursive: true });
      const notGit = rollbook(['gates', '--from', 'a', '--to', 'b'], plain);
      expect(notGit.code).toBe(2);
      expect(notGit.stderr).toMatch(
        /^rollbook: .* is not inside a git repository \(--from\/--to need one\)\n$/,
      );
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!url)('[postgres] rollbook CLI on a real server', () => {
  it('verify replays on the server and says so', () => {
    const r = rollbook(['migrations', 'verify', 'fixtures/schema/verify', '--scratch-url', url as string]);
    expect(r.code).toBe(1);
    const major = Number(/^migrations verify: replayed on PostgreSQL (\d+)\.\d+/.exec(r.stdout)?.[1]);
    expect(major).toBeGreaterThanOrEqual(13);
    // uuidv7() does not exist before PostgreSQL 18: the server itself refuses it
    if (major < 18) expect(r.stdout).toContain('function uuidv7() does not exist');
  });

  it('gates reads the live history read-only', async () => {
    // a database of its own, with a clean golang-migrate history (other suites may run DDL elsewhere)
    const live = await openEngine({ scratchUrl: url as string });
    try {
      await live.exec('create table schema_migrations (version bigint primary key, dirty boolean not null)');
      await live.exec('insert into schema_migrations values (2, false)');
      const name = (await live.query<{ d: string }>('select current_database() as d'))[0]?.d as string;
      const u = new URL(url as string);
      u.pathname = `/${name}`;
      const r = rollbook(['gates', '--from', 'main', '--to', 'v1', '--database-url', u.toString()], gitRepo);
      expect(r.stdout).toContain('PASS    no-in-flight-migration');
      expect(r.stdout).toContain('clean: schema_migrations at 2');
      expect(r.stdout).toContain('PASS    live-version-is-current');
      await live.exec('update schema_migrations set version = 1');
      const behind = rollbook(
        ['gates', '--from', 'main', '--to', 'v1', '--database-url', u.toString()],
        gitRepo,
      );
      expect(behind.stdout).toContain('FAIL    live-version-is-current');
      expect(behind.stdout).toContain(
        'the database is not at the version you think: schema_migrations is at 1',
      );
      await live.exec('update schema_migrations set version = 2');
      expect(r.stdout).toContain('live history read (read only) on PostgreSQL');
      await live.exec('update schema_migrations set dirty = true');
      const dirty = rollbook(
        ['gates', '--from', 'main', '--to', 'v1', '--database-url', u.toString()],
        gitRepo,
      );
      expect(dirty.code).toBe(1);
      expect(dirty.stdout).toContain('FAIL    no-in-flight-migration');
      expect(dirty.stdout).toContain('schema_migrations: version 2 is dirty');
    } finally {
      await live.close();
    }
  });
});
