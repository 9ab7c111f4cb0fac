import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/flag-missing-from-file.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev } from './build.js';

describe('flag-missing-from-file', () => {
  const base = {
    flagSources: [{ provider: 'flagd', file: 'flags/flags.json' }],
    flags: [{ key: 'new-checkout-flow', provider: 'flagd', killSwitch: false }],
  };
  it('fires once per key the code evaluates that the flag file lacks, with every place it is used', () => {
    const svc = service({
      ...base,
      flagRefs: [
        { key: 'new-checkout-flow', at: ev('src/a.ts', 6) },
        { key: 'express-pay', at: ev('src/a.ts', 9) },
        { key: 'express-pay', at: ev('src/b.ts', 3) },
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual(['flag-missing-from-file@src/a.ts:9 express-pay']);
    expect(found[0]?.evidence).toEqual([ev('src/a.ts', 9), ev('src/b.ts', 3)]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet without a flag file or when every key is defined', () => {
    expectNone(rule, service({ flagRefs: [{ key: 'x', at: ev('a.ts', 1) }] }));
    expectNone(rule, service({ ...base, flagRefs: [{ key: 'new-checkout-flow', at: ev('a.ts', 1) }] }));
  });
});
