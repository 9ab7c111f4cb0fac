/** Scalar values changed in place in a diff hunk (image tags, versions), paired by key. */
import { describe, expect, it } from 'vitest';
import { valueChanges } from '../../src/readers/release.js';

describe('valueChanges', () => {
  it.each([
    ['a YAML tag', { line: 3, removed: ['  tag: "16.4"'], added: ['  tag: "16.6"'] }, ['tag 16.4→16.6 @3']],
    [
      'an image reference and a list item',
      { line: 20, removed: ['        - image: postgres:15.8'], added: ['        - image: postgres:16.6'] },
      ['image postgres:15.8→postgres:16.6 @20'],
    ],
    [
      'JSON',
      { line: 7, removed: ['  "image": "mysql:8.0.36",'], added: ['  "image": "mysql:8.0.40",'] },
      ['image mysql:8.0.36→mysql:8.0.40 @7'],
    ],
    [
      'two keys of the same name pair in order; the unchanged one is not a change',
      {
        line: 8,
        removed: ['    version: 15.5.x', '    version: 19.x.x'],
        added: ['    version: 16.0.x', '    version: 19.x.x'],
      },
      ['version 15.5.x→16.0.x @8'],
    ],
    ['a key only added', { line: 4, removed: [], added: ['  tag: "1.0"'] }, []],
    ['another key', { line: 4, removed: ['  tag: "1.0"'], added: ['  digest: sha256:abc'] }, []],
  ])('%s', (_name, hunk, want) => {
    expect(valueChanges('f.yaml', [hunk]).map((c) => `${c.key} ${c.before}→${c.after} @${c.line}`)).toEqual(
      want,
    );
  });
});
