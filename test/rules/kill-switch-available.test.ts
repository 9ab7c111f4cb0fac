import { describe, expect, it } from 'vitest';
import type { Flag, FlagSource } from '../../src/model/service.js';
import rule from '../../src/rules/kill-switch-available.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const flagsFile = (line: number) => ({ file: 'flags/flags.json', line, col: 5 });
const flagd: FlagSource = {
  provider: 'flagd',
  file: 'flags/flags.json',
  at: { file: 'rollbook.yaml', line: 8 },
};
const svc = (flags: Flag[], flagSources: FlagSource[] = [flagd]) =>
  service({ descriptor: 'rollbook.yaml', flagSources, flags });

describe('kill-switch-available', () => {
  it.each([
    {
      flag: { key: 'checkout-kill', provider: 'flagd', killSwitch: true, at: flagsFile(4) },
      loc: 'flags/flags.json:4',
      how: 'Set `defaultVariant` of `checkout-kill` to its off variant in `flags/flags.json`',
    },
    {
      flag: {
        key: 'payments-off',
        provider: 'unleash',
        killSwitch: true,
        at: { file: 'unleash.json', line: 20 },
      },
      loc: 'unleash.json:20',
      how: 'Disable toggle `payments-off` in Unleash',
    },
    {
      flag: {
        key: 'search-v2',
        provider: 'launchdarkly',
        killSwitch: true,
        at: { file: 'rollbook.yaml', line: 30 },
      },
      loc: 'rollbook.yaml:30',
      how: 'Turn targeting off for `search-v2` in LaunchDarkly',
    },
    {
      flag: { key: 'recs', provider: 'configcat', killSwitch: true, at: { file: 'rollbook.yaml', line: 31 } },
      loc: 'rollbook.yaml:31',
      how: 'Turn `recs` off in configcat.',
    },
  ])('fires: $flag.provider kill switch', ({ flag, loc, how }) => {
    const found = findingsOf(rule, svc([flag]));
    expect(where(found)).toEqual([`kill-switch-available@${loc} ${flag.key}`]);
    expect(found[0]).toMatchObject({
      kind: 'flag',
      severity: 'info',
      appRollbackSafe: true,
      revertLossless: true,
      touchesData: false,
    });
    expect(found[0]?.mitigation).toContain(how);
  });

  it('a flagd kill switch without its own location cites its source and names its file', () => {
    const found = findingsOf(rule, svc([{ key: 'k', provider: 'flagd', killSwitch: true }]));
    expect(where(found)).toEqual(['kill-switch-available@rollbook.yaml:8 k']);
    expect(found[0]?.mitigation).toContain('in `flags/flags.json`');
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(rule, svc([{ key: 'k', provider: 'unleash', killSwitch: true }], []));
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('only kill switches', () => {
    const found = findingsOf(
      rule,
      svc([
        { key: 'a', provider: 'flagd', killSwitch: false, at: flagsFile(2) },
        { key: 'b', provider: 'flagd', killSwitch: true, at: flagsFile(9) },
      ]),
    );
    expect(where(found)).toEqual(['kill-switch-available@flags/flags.json:9 b']);
  });

  it.each([
    { name: 'no kill switch', flags: [{ key: 'a', provider: 'flagd', killSwitch: false }] },
    { name: 'no flags', flags: [] },
  ])('does not fire: $name', ({ flags }) => {
    expectNone(rule, svc(flags));
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc([
          { key: 'checkout-kill', provider: 'flagd', killSwitch: true, at: flagsFile(4) },
          {
            key: 'payments-off',
            provider: 'unleash',
            killSwitch: true,
            at: { file: 'unleash.json', line: 20 },
          },
        ]),
      ),
    ).toMatchSnapshot();
  });
});

describe('kill-switch-available with kill switches listed in rollbook.yaml (state.flags[].killSwitches)', () => {
  it('cites the rollbook.yaml line but names the flags file, not the descriptor', () => {
    const listed = {
      key: 'checkout-kill',
      provider: 'flagd',
      killSwitch: true,
      at: { file: 'rollbook.yaml', line: 10, col: 9 },
    };
    const found = findingsOf(rule, svc([listed]));
    expect(where(found)).toEqual(['kill-switch-available@rollbook.yaml:10 checkout-kill']);
    expect(found[0]?.mitigation).toContain('in `flags/flags.json`');
    expect(found[0]?.mitigation).not.toContain('`rollbook.yaml`');
  });

  it('without a declared flags file, does not point at the descriptor', () => {
    const listed = { key: 'k', provider: 'flagd', killSwitch: true, at: { file: 'rollbook.yaml', line: 10 } };
    const [f] = findingsOf(
      rule,
      svc([listed], [{ provider: 'flagd', at: { file: 'rollbook.yaml', line: 8 } }]),
    );
    expect(f?.mitigation).toContain('in the flagd flags file');
  });
});
