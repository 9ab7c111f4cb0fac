/**
 * Heroku: `heroku releases --app APP --json` (an array, newest first, of releases: version, status
 * succeeded/failed/pending, description, current).
 * Format: https://devcenter.heroku.com/articles/platform-api-reference#release and
 * https://devcenter.heroku.com/articles/release-phase (pending while the release phase runs).
 */
import { arr, firstLine, isObject, jsonOf, notUnderstood, num, revisionNumber, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

function releases(output: string) {
  const doc = jsonOf(output);
  return Array.isArray(doc)
    ? arr(doc)
        .filter(isObject)
        .map((r) => ({
          version: num(r.version),
          status: str(r.status) ?? '',
          description: str(r.description) ?? '',
          current: r.current === true,
        }))
    : undefined;
}

export const herokuReleases: Probe = {
  id: 'heroku-releases',
  platforms: ['heroku'],
  reads: 'heroku releases --app APP --json',
  format: 'https://devcenter.heroku.com/articles/platform-api-reference#release',
  passes: 'the releases list the target release (vNN) as succeeded, and it is not the current one',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0 && /Couldn't find that app|not found/i.test(output))
      return fail(`the app does not exist: ${firstLine(output)}`);
    const rs = releases(output);
    if (exitCode !== 0 || !rs) return notUnderstood('heroku releases --json', exitCode, output);
    const v = revisionNumber(want);
    if (v === undefined) return unknown(`the target release "${want ?? ''}" is not vNN`);
    const r = rs.find((x) => x.version === v);
    if (!r)
      return fail(
        `release v${v} is not listed (${rs
          .slice(0, 5)
          .map((x) => `v${x.version}`)
          .join(', ')} …): list more with --num`,
      );
    if (r.current) return fail(`release v${v} is the current release`);
    if (r.status !== 'succeeded')
      return fail(`release v${v} ${r.status} (${r.description}): choose one that succeeded`);
    return pass(`release v${v} (${r.description}) succeeded`);
  },
};

export const herokuLatestRelease: Probe = {
  id: 'heroku-latest-release',
  platforms: ['heroku'],
  reads: 'heroku releases --app APP --json',
  format: 'https://devcenter.heroku.com/articles/release-phase',
  passes:
    'the newest release is succeeded (complete) or failed (stalled: passes); pending (the release phase is running) fails',
  read({ output, exitCode }) {
    const rs = releases(output);
    const newest = rs?.[0];
    if (exitCode !== 0 || !newest) return notUnderstood('heroku releases --json', exitCode, output);
    const what = `v${newest.version ?? '?'} ${newest.status} (${newest.description})`;
    if (newest.status === 'pending')
      return fail(`progressing: ${what}: its release phase is running; wait for it`);
    if (newest.status === 'failed')
      return pass(`stalled: ${what}: the release phase failed, nothing is in progress`);
    if (newest.status === 'succeeded') return pass(`complete: ${what}`);
    return unknown(`release status ${newest.status} is not one rollbook knows`);
  },
};

/**
 * After `heroku releases:rollback vNN`: Heroku creates a new release described "Rollback to vNN"
 * (https://devcenter.heroku.com/articles/releases, "Rollback"), pending while its release phase runs,
 * then succeeded (current) or failed. Read from `heroku releases --json`, newest first.
 */
export const herokuRolledBack: Probe = {
  id: 'heroku-rolled-back',
  platforms: ['heroku'],
  reads: 'heroku releases --app APP --json',
  format: 'https://devcenter.heroku.com/articles/releases',
  passes:
    'the newest release is "Rollback to vNN" (the chosen release), succeeded and current; pending (its release phase is running) or failed fails',
  wants: true,
  read({ output, exitCode, want }) {
    const rs = releases(output);
    const newest = rs?.[0];
    if (exitCode !== 0 || !newest) return notUnderstood('heroku releases --json', exitCode, output);
    const v = revisionNumber(want);
    if (v === undefined) return unknown(`the target release "${want ?? ''}" is not vNN`);
    const what = `v${newest.version ?? '?'} ${newest.status} (${newest.description})`;
    if (!new RegExp(`^Rollback to v${v}$`).test(newest.description.trim()))
      return fail(`the newest release ${what} is not the rollback to v${v}`);
    if (newest.status === 'pending')
      return fail(`progressing: ${what}: its release phase is running; wait for it`);
    if (newest.status !== 'succeeded')
      return fail(`${what}: the rollback release did not succeed (heroku releases:output shows why)`);
    if (!newest.current) return fail(`${what} succeeded but is not the current release`);
    return pass(`${what} is the current release`);
  },
};
