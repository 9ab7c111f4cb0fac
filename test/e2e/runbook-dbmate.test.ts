/**
 * [postgres] The generated runbook of examples/ledger-api (dbmate) run for real: real PostgreSQL,
 * real dbmate, pg_dump, pg_restore and rollbook; kubectl and `docker manifest inspect` are stateful
 * stand-ins. A run with the answers an on-call engineer gives reverts the schema to the target
 * release's and rolls the app back; a run where the rollout stalls after the undo stops on the abort
 * path and runs nothing after it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../schema/helpers.js';
import { buildWorld, generateRunbook, PASSWORD, TARGET_VERSION, type World } from './runbook-world.js';

const url = testDatabaseUrl();
const worlds: World[] = [];
afterAll(() => {
  for (const w of worlds.splice(0)) w.cleanup();
});

/** The answers, in the order the script asks (inputs at their first use). */
function answers(w: World, backup: string): string[] {
  return [
    // 1. declare and freeze: two manual actions, the check
    'y',
    'y',
    'y',
    // 2. kill switch: turned off, but the signals did not recover
    'y',
    'n',
    // gates: the target revision, the image, the refs, the database (secret)
    '2',
    'ghcr.io/acme/ledger-api:1d2e3f4',
    'HEAD',
    'v1',
    w.url,
    // 3. backup: where to write it
    backup,
    // gate 7: the data owner accepts the listed losses
    'Dana Owner',
    'I accept the data loss',
    // 4. data step: the target schema version, run it, the service name, the manual note
    TARGET_VERSION,
    'y',
    'ledger-api',
    'y',
    // 6. confirm recovery: the manual watch, its check; then the verification signal
    'y',
    'y',
    'y',
  ];
}

function run(w: World, script: string, input: string[]) {
  const r = spawnSync('bash', [script, '--yes'], {
    cwd: w.repo,
    input: `${input.join('\n')}\n`,
    encoding: 'utf8',
    env: w.env,
    timeout: 240_000,
  });
  const logs = readdirSync(w.logs);
  const log = logs.length === 1 ? readFileSync(join(w.logs, logs[0]!), 'utf8') : '';
  return { ...r, log };
}

function applied(w: World): string[] {
  const r = spawnSync(
    'psql',
    [w.plainUrl, '-Atqc', 'select version from schema_migrations order by version'],
    {
      encoding: 'utf8',
    },
  );
  return r.stdout.split('\n').filter(Boolean);
}

describe.skipIf(!url)('[postgres] the ledger-api runbook, run for real', () => {
  it('reverts the schema to the target release with real dbmate, after a real, verified backup', () => {
    const w = buildWorld(url as string);
    worlds.push(w);
    const script = generateRunbook(w);
    const backup = join(w.dir, 'ledger-before-rollback.dump');
    const r = run(w, script, answers(w, backup));
    const screen = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) console.log(screen.slice(-6000));
    expect(r.status).toBe(0);
    // the order under pressure
    const order = [
      'Step 1/6: Declare the rollback',
      'Step 2/6: Turn the kill switch off first',
      'Gate 1/7',
      'Gate 5/7',
      'Step 3/6: Take the backup now',
      'Gate 6/7',
      'Gate 7/7',
      'Step 4/6: Schema and data',
      'Step 5/6: Undo deployment/ledger-api',
      'Step 6/6: Confirm recovery',
      '== Verification ==',
    ].map((t) => screen.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // each gate read its probe's output
    expect(screen).toContain('-> revision 2 is in the history');
    expect(screen).toContain('PASS no migration is dirty, failed or running');
    expect(screen).toContain('-> complete: no rollout in progress');
    expect(screen).toContain('was written during this run and is not empty');
    expect(screen).toContain('data loss only:');
    expect(screen).toContain('OK: data loss accepted by Dana Owner');
    expect(screen).toContain(`-> schema version ${TARGET_VERSION} equals the target, not dirty`);
    // the backup: real pg_dump, readable by pg_restore, with the service's tables
    expect(existsSync(backup)).toBe(true);
    const list = spawnSync('pg_restore', ['--list', backup], { encoding: 'utf8' }).stdout;
    expect(list).toMatch(/TABLE public entries /);
    expect(list).toMatch(/TABLE public reversals /);
    // the downs ran with real dbmate: the schema is the target release's
    expect(applied(w)).toEqual([TARGET_VERSION]);
    expect(w.schema()).toBe(w.schema((w as World & { targetUrl: string }).targetUrl));
    // the app rolled back to revision 2
    expect(w.kubectlCalls()).toContain(
      'kubectl rollout undo -n ledger --to-revision 2 -- deployment/ledger-api',
    );
    // secrets: never on screen, never in the log; the acceptance is logged with who and when
    for (const text of [screen, r.log]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('Sup3r-s3cret!pw');
    }
    expect(screen).toContain('DATABASE_URL = postgres://postgres:***@');
    expect(r.log).toMatch(/DATA LOSS ACCEPTED by Dana\\ Owner +at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(r.log).toContain('input DATABASE_URL = postgres://postgres:***@');
  });

  it('stops on the abort path when the rollout stalls after the undo, and runs nothing after it', () => {
    const w = buildWorld(url as string, 'stalled');
    worlds.push(w);
    const script = generateRunbook(w);
    const r = run(w, script, answers(w, join(w.dir, 'b.dump')));
    const screen = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(1);
    expect(screen).toContain('step 5 FAILED: do not continue with the next step');
    expect(screen).toContain('Abort path:');
    expect(screen).toContain('do not run undo again');
    expect(r.log).toContain('abort path shown for step 5');
    // nothing after it: no recovery step, no verification, no "all steps passed"
    expect(screen).not.toContain('Step 6/6');
    expect(screen).not.toContain('== Verification ==');
    expect(screen).not.toContain('all steps passed');
    expect(w.kubectlCalls().filter((c) => c.includes('rollout undo'))).toHaveLength(1);
    expect(r.log).not.toContain(PASSWORD);
  });
});
