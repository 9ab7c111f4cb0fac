/**
 * [postgres] The ledger-api runbook driven as a person would, in a real terminal (tmux send-keys /
 * capture-pane): the prompts are readable, the database URL is not echoed while typed, the screen
 * and the log show it with the password masked. Stopped with Ctrl-C before the backup.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, terminal } from '../helpers/tmux.js';
import { testDatabaseUrl } from '../schema/helpers.js';
import { buildWorld, generateRunbook, PASSWORD, type World } from './runbook-world.js';

const url = testDatabaseUrl();
if (!hasTmux && process.env.CI === 'true')
  throw new Error('tmux is required in CI (scripts/test-services.sh)');

const session = `rollbook-e2e-${process.pid}`;
const { tmux, screen, waitFor, answer, kill } = terminal(session);
const worlds: World[] = [];
afterAll(() => {
  kill();
  for (const w of worlds.splice(0)) w.cleanup();
});

describe.skipIf(!url || !hasTmux)('[postgres] the runbook in a terminal', () => {
  it('readable prompts, the secret not echoed, masked on screen and in the log', async () => {
    const w = buildWorld(url as string);
    worlds.push(w);
    const script = generateRunbook(w);
    const launcher = join(w.dir, 'launch.sh');
    const exports = Object.entries(w.env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
      .join('\n');
    writeFileSync(launcher, `${exports}\ncd '${w.repo}'\nbash '${script}' --yes\nsleep 600\n`);
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', `bash ${launcher}`);

    let seen = 0;
    seen = await answer('Done (the manual action above)? [y/N]', 'y', seen);
    seen = await answer('Done (the manual action above)? [y/N]', 'y', seen);
    seen = await answer('the pipeline shows paused? [y/N]', 'y', seen);
    seen = await answer('Done (the manual action above)? [y/N]', 'y', seen);
    seen = await answer('continue with the rollback)? [y/N]', 'n', seen);
    seen = await answer('TARGET_REVISION:', '2', seen);
    seen = await answer('TARGET_IMAGE:', 'ghcr.io/acme/ledger-api:1d2e3f4', seen);
    seen = await answer('CURRENT_REF:', 'HEAD', seen);
    seen = await answer('TARGET_REF:', 'v1', seen);
    const beforeSecret = await waitFor('DATABASE_URL:');
    // the prompt says what to type and how it is handled
    expect(beforeSecret).toContain('Input DATABASE_URL: connection URL of the production database');
    expect(beforeSecret).toContain('Read without echo');
    // type it slowly, as a person would, and look at the screen while typing
    tmux('send-keys', '-t', session, '-l', w.url.slice(0, 30));
    await new Promise((r) => setTimeout(r, 300));
    const typing = screen();
    expect(typing).not.toContain(w.url.slice(0, 30));
    tmux('send-keys', '-t', session, '-l', w.url.slice(30));
    tmux('send-keys', '-t', session, 'Enter');
    const after = await waitFor('PASS no migration is dirty, failed or running');
    await waitFor('BACKUP_FILE:');
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor('Log of this run');
    const final = screen();

    expect(final).toContain('DATABASE_URL = postgres://postgres:***@');
    expect(final).toContain('(the password reaches the tools as PGPASSWORD, not on their command lines)');
    expect(after).toContain('-> revision 2 is in the history');
    for (const s of [typing, after, final]) {
      expect(s).not.toContain(PASSWORD);
      expect(s).not.toContain('Sup3r-s3cret!pw');
    }
    const logs = readdirSync(w.logs);
    expect(logs).toHaveLength(1);
    const log = readFileSync(join(w.logs, logs[0]!), 'utf8');
    expect(log).toContain('answered: (secret, not logged)');
    expect(log).toContain('input DATABASE_URL = postgres://postgres:***@');
    expect(log).toContain('interrupted');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain('Sup3r-s3cret!pw');
    // interrupted before the backup: nothing was changed
    expect(w.kubectlCalls().some((c) => c.includes('undo'))).toBe(false);
  }, 240_000);
});
