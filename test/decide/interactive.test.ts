/**
 * `rollbook decide` at a real terminal (tmux): the missing facts are asked one by one, a bad answer
 * is refused and asked again, an empty answer leaves the fact unknown (an assumption), and the
 * facts given as flags are not asked.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { commit, deployment, tempRepo, write } from '../helpers/git-repo.js';
import { hasTmux, terminal } from '../helpers/tmux.js';

const term = terminal(`rollbook-decide-${process.pid}`);
const repo = tempRepo('rollbook-decide-tty-');
afterAll(() => {
  term.kill();
  repo.cleanup();
});

describe.skipIf(!hasTmux)('rollbook decide at a terminal', () => {
  it('asks the missing facts, refuses a bad answer, leaves an empty one unknown', async () => {
    const { root } = repo;
    write(root, { 'k8s/deployment.yaml': deployment('ghcr.io/acme/orders:1.0.0', 3) });
    commit(root, 'v1', 'v1');
    write(root, { 'k8s/deployment.yaml': deployment('ghcr.io/acme/orders:2.0.0', 3) });
    commit(root, 'v2', 'v2');
    const launcher = join(root, '..', `decide-${process.pid}.sh`);
    writeFileSync(
      launcher,
      `node '${join(ROOT, 'bin/rollbook.js')}' decide '${root}' --from v2 --to v1 --format text --failing 8\nsleep 120\n`,
    );
    term.tmux('new-session', '-d', '-s', term.session, '-x', '200', '-y', '80', `bash ${launcher}`);
    let seen = 0;
    seen = await term.answer('Minutes since the bad version was deployed?', 'soon', seen);
    seen = await term.answer('Minutes since the bad version was deployed?', '20', seen);
    seen = await term.answer('Is money or data being written wrongly (yes/no)?', 'no', seen);
    seen = await term.answer('Error-budget burn rate (e.g. 14.4)?', '', seen);
    seen = await term.answer('Is the failing change behind a flag (yes/no/the flag name)?', 'no', seen);
    seen = await term.answer('Is a fix known?', '35', seen);
    const s = await term.waitFor('rollbook decide is read-only');
    expect(s).toContain('--minutes-since-deploy must be a number of minutes from 0 to 525600; got "soon"');
    expect(s).not.toContain('Share of requests or users failing');
    expect(s).toContain('the fix needs 35 min to ship; rolling back takes ~');
    expect(s).toContain('--minutes-since-deploy 20 min (asked)');
    expect(s).toContain('--failing 8%\n');
    const assumptions = s.slice(s.indexOf('Assumptions:'));
    expect(assumptions).toContain('error-budget burn rate unknown: not weighed');
    expect(assumptions).not.toContain('no fix known');
    expect(assumptions).not.toContain('time since the deploy unknown');
  });
});
