/**
 * VM / systemd releases: `ls -1t RELEASES` (one release directory per line) and
 * `systemctl show UNIT --property=ActiveState,SubState` (ActiveState active, reloading, inactive,
 * failed, activating, deactivating; SubState e.g. running, auto-restart).
 * Format: https://www.freedesktop.org/software/systemd/man/latest/systemctl.html (show) and
 * org.freedesktop.systemd1(5), ActiveState.
 */
import { firstLine, notUnderstood } from './read.js';
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

/**
 * After the swap (`ln -s -- TARGET current.tmp && mv -T -- current.tmp current`, in the deploy
 * directory): `readlink current` prints the link's text, which is exactly what ln was given (readlink(1)
 * without -f does not resolve it), so it must equal the chosen release as typed. It exits 1 and prints
 * nothing when current is not a symbolic link.
 * Format: https://www.gnu.org/software/coreutils/manual/html_node/readlink-invocation.html
 */
export const currentLink: Probe = {
  id: 'current-link',
  platforms: ['vm'],
  reads: 'readlink current (in the deploy directory)',
  format: 'https://www.gnu.org/software/coreutils/manual/html_node/readlink-invocation.html',
  passes: 'current is a symbolic link whose text is the chosen release, exactly',
  wants: true,
  read({ output, exitCode, want }) {
    const strip = (s: string) => {
      let t = s.trim();
      while (t.length > 1 && t.endsWith('/')) t = t.slice(0, -1);
      return t;
    };
    const target = strip(want ?? '');
    if (target === '') return unknown('no target release given');
    if (exitCode !== 0)
      return fail(
        `current is not a symbolic link (readlink exit ${exitCode}${firstLine(output) ? `: ${firstLine(output)}` : ''})`,
      );
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    if (lines.length !== 1) return notUnderstood('readlink current (one line)', exitCode, output);
    const got = strip(lines[0] ?? '');
    if (got !== target) return fail(`current points at ${got}, not ${target}`);
    return pass(`current points at ${got}`);
  },
};
