/**
 * VM / systemd releases: `ls -1t RELEASES` (one release directory per line) and
 * `systemctl show UNIT --property=ActiveState,SubState` (ActiveState active, reloading, inactive,
 * failed, activating, deactivating; SubState e.g. running, auto-restart).
 * Format: https://www.freedesktop.org/software/systemd/man/latest/systemctl.html (show) and
 * org.freedesktop.systemd1(5), ActiveState.
 */
import { notUnderstood } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const releaseDirs: Probe = {
  id: 'release-dirs',
  platforms: ['vm'],
  reads: 'ls -1t RELEASES_DIR',
  format: 'https://www.gnu.org/software/coreutils/manual/html_node/ls-invocation.html',
  passes: 'the releases directory lists the target release, and it is not the newest one',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0) return notUnderstood('the releases directory listing', exitCode, output);
    const names = output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    let target = (want ?? '').trim();
    while (target.endsWith('/')) target = target.slice(0, -1);
    if (target === '') return unknown('no target release given');
    if (!names.includes(target))
      return fail(
        `release ${target} is not in the releases directory (newest first: ${names.slice(0, 5).join(', ') || 'empty'})`,
      );
    if (names[0] === target)
      return fail(`release ${target} is the newest release, likely the one running now`);
    return pass(`release ${target} is in the releases directory`);
  },
};

export const systemdState: Probe = {
  id: 'systemd-state',
  platforms: ['vm'],
  reads: 'systemctl show UNIT --property=ActiveState,SubState',
  format: 'https://www.freedesktop.org/software/systemd/man/latest/systemctl.html',
  passes:
    'ActiveState is active or inactive (complete), or failed / activating with SubState auto-restart (crash loop: stalled, passes); activating, deactivating or reloading fails',
  read({ output, exitCode }) {
    const prop = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(output)?.[1]?.trim();
    const active = prop('ActiveState');
    const sub = prop('SubState') ?? '';
    if (exitCode !== 0 || !active) return notUnderstood('systemctl show (ActiveState)', exitCode, output);
    const what = `${active}${sub ? ` (${sub})` : ''}`;
    if (active === 'failed' || sub === 'auto-restart')
      return pass(`stalled: the unit is ${what}: it crashed or crash-loops (the usual reason to roll back)`);
    if (active === 'active') return pass(`complete: the unit is ${what}`);
    if (active === 'inactive') return pass(`the unit is ${what}: stopped, nothing in progress`);
    if (active === 'activating' || active === 'deactivating' || active === 'reloading')
      return fail(`progressing: the unit is ${what}; wait for it to settle`);
    return unknown(`ActiveState ${active} is not one rollbook knows`);
  },
};
