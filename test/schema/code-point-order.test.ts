import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/readers/migrations/parse.js';
import { byCodePoint } from '../../src/rules/support/state.js';
import { cmp as catalogCmp } from '../../src/schema/catalog.js';
import { extensionsOf } from '../../src/schema/replay.js';
import { migrationService } from '../migrations/helpers.js';

beforeAll(async () => {
  await loadParser();
});

// UTF-16 order (plain .sort(), a < b) puts U+1F600 (a surrogate pair, D83D…) before U+FB01; code
// point order puts it after. The schema modules and gates order by the one helper (util/order.ts).
describe('schema output orders by code point, not UTF-16 units or locale', () => {
  it('extensionsOf', () => {
    const svc = migrationService('CREATE EXTENSION "😀x"; CREATE EXTENSION "ﬁx"; CREATE EXTENSION "zz";');
    expect(extensionsOf(svc.migrations)).toEqual(['zz', 'ﬁx', '😀x']);
  });

  it.each([
    ['catalog cmp', catalogCmp],
    ['byCodePoint', byCodePoint],
  ])('%s is the code point order', (_name, compare) => {
    expect(['😀', 'ﬁ', 'z', 'ä'].sort(compare)).toEqual(['z', 'ä', 'ﬁ', '😀']);
  });
});
