/** migration-edited-after-release: a migration already in a release tag, edited or deleted. */
import { describe, expect, it } from 'vitest';
import type { Release, ReleaseChange } from '../../src/model/release.js';
import { migrationEditedAfterRelease } from '../../src/rules/migration-edited-after-release.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const FILE = 'db/migrations/0012_add_status.up.sql';

function change(over: Partial<ReleaseChange> = {}): ReleaseChange {
  return {
    kind: 'released-migration-edited',
    file: FILE,
    status: 'modified',
    at: { file: FILE, line: 1 },
    summary: 'edited',
    migration: { set: 'db/migrations', version: '0012' },
    ...over,
  };
}

function withRelease(changes: ReleaseChange[], to: Partial<Release['to']> & object = {}) {
  const release = {
    from: { ref: 'HEAD', commit: 'c'.repeat(40), short: 'ccccccc', chosen: 'head', how: 'HEAD' },
    to: { ref: 'abc1234', commit: 'a'.repeat(40), short: 'aaaaaaa', chosen: 'argument', how: '--to', ...to },
    scoped: true,
    changes,
    otherFiles: 0,
    uncommitted: [],
    shallow: false,
    targetSchema: [],
    summary: '',
  } as Release;
  return service({ release });
}

describe('migration-edited-after-release', () => {
  it.each([
    [
      'edited, in a release tag found for it',
      [change({ releasedIn: 'v2.3.0', at: { file: FILE, line: 4 } })],
      {},
      [`migration-edited-after-release@${FILE}:4 ${FILE}`],
    ],
    [
      'deleted, in a release tag',
      [change({ status: 'deleted', releasedIn: 'v2.3.0' })],
      {},
      [`migration-edited-after-release@${FILE}:1 ${FILE}`],
    ],
    [
      'edited since the previous release tag (plan)',
      [change()],
      { ref: 'v2.3.0', chosen: 'previous-tag' },
      [`migration-edited-after-release@${FILE}:1 ${FILE}`],
    ],
  ] as const)('fires: %s', (_name, changes, to, expected) => {
    const svc = withRelease([...changes], to);
    expect(where(findingsOf(migrationEditedAfterRelease, svc))).toEqual(expected);
    expect(messagesOf(migrationEditedAfterRelease, svc)).toMatchSnapshot();
  });

  it.each([
    ['edited but in no release yet (merged, unreleased)', [change()]],
    [
      'a migration added by the change',
      [change({ kind: 'migration', status: 'added', releasedIn: 'v2.3.0' })],
    ],
  ] as const)('does not fire: %s', (_name, changes) => {
    expectNone(migrationEditedAfterRelease, withRelease([...changes]));
  });

  it('does not fire without a release (no git)', () => {
    expectNone(migrationEditedAfterRelease, service());
  });

  it('names the tag and the fix', () => {
    const [f] = findingsOf(migrationEditedAfterRelease, withRelease([change({ releasedIn: 'v2.3.0' })]));
    expect(f?.message).toContain(`${FILE} shipped in v2.3.0 and is edited since`);
    expect(f?.mitigation).toBe(
      `Restore ${FILE} as it is in v2.3.0 (git checkout v2.3.0 -- ${FILE}) and put the change in a new migration with the next version number.`,
    );
    expect([f?.severity, f?.migration]).toEqual(['error', '0012']);
  });
});
