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

  it('a workload chosen among several: missing from every flag file of the repository, even when none of its flags is its own', () => {
    // scoped: this workload has no flag of its own, the repository's file holds other workloads' flags
    const svc = service({
      flagSources: [],
      flags: [],
      repoFlagFiles: ['flags/flags.json', 'services/search/flags.json'],
      flagRefs: [{ key: 'express-pay', at: ev('services/checkout/src/pay.ts', 4) }],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual(['flag-missing-from-file@services/checkout/src/pay.ts:4 express-pay']);
    expect(found[0]?.message).toContain('not defined in flags/flags.json, services/search/flags.json');
  });

  it('an evaluation in shared code (no workload owns it) says so, with its file:line', () => {
    const svc = service({
      ...base,
      repoFlagFiles: ['flags/flags.json'],
      flagRefs: [
        { key: 'dynamic-pricing', at: ev('pkg/pricing/pricing.go', 12), shared: true },
        { key: 'express-pay', at: ev('services/checkout/src/pay.ts', 4) },
        { key: 'express-pay', at: ev('pkg/pay/pay.go', 9), shared: true },
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual([
      'flag-missing-from-file@pkg/pricing/pricing.go:12 dynamic-pricing',
      'flag-missing-from-file@services/checkout/src/pay.ts:4 express-pay',
    ]);
    expect(found[0]?.message).toContain(
      "evaluated in shared code (pkg/pricing/pricing.go:12, in no workload's own directory: reported on every workload, since any of them may import it)",
    );
    // evaluated in this workload's own code as well: the plain message, every place as evidence
    expect(found[1]?.message).toContain('is evaluated in code but not defined in flags/flags.json');
    expect(found[1]?.evidence).toEqual([ev('services/checkout/src/pay.ts', 4), ev('pkg/pay/pay.go', 9)]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet without a flag file or when every key is defined', () => {
    expectNone(rule, service({ flagRefs: [{ key: 'x', at: ev('a.ts', 1) }] }));
    expectNone(rule, service({ ...base, flagRefs: [{ key: 'new-checkout-flow', at: ev('a.ts', 1) }] }));
  });
});
