import { describe, expect, it } from 'vitest';
import type { Flag, FlagSource } from '../../src/model/service.js';
import rule from '../../src/rules/flag-state-not-restored.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const yaml = (line: number) => ({ file: 'rollbook.yaml', line, col: 5 });
const flagsFile = (line: number) => ({ file: 'flags/flags.json', line, col: 5 });
const flagd: FlagSource = { provider: 'flagd', file: 'flags/flags.json', at: yaml(8) };
const flag = (key: string, line: number, extra: Partial<Flag> = {}): Flag => ({
  key,
  provider: 'flagd',
  killSwitch: false,
  at: flagsFile(line),
  ...extra,
});
const svc = (flagSources: FlagSource[], flags: Flag[]) =>
  service({ descriptor: 'rollbook.yaml', flagSources, flags });

describe('flag-state-not-restored', () => {
  it('fires once per provider, at the flag source, citing the flags', () => {
    const found = findingsOf(rule, svc([flagd], [flag('new-checkout', 3), flag('dark-mode', 12)]));
    expect(where(found)).toEqual(['flag-state-not-restored@rollbook.yaml:8 flagd flags/flags.json']);
    expect(found[0]?.evidence).toEqual([yaml(8), flagsFile(12), flagsFile(3)]);
    expect(found[0]).toMatchObject({
      kind: 'flag',
      severity: 'warning',
      appRollbackSafe: null,
      revertLossless: true,
      touchesData: false,
    });
    expect(found[0]?.message).toContain(
      'the 2 flagd flags `dark-mode` and `new-checkout` keep their current values',
    );
    expect(found[0]?.mitigation).toContain('`git log -p -- flags/flags.json`');
  });

  it('fires for a declared flag source whose flags are unknown', () => {
    const found = findingsOf(rule, svc([flagd], []));
    expect(where(found)).toEqual(['flag-state-not-restored@rollbook.yaml:8 flagd flags/flags.json']);
    expect(found[0]?.message).toContain('in flagd flags/flags.json');
  });

  it('fires for discovered flags without a declared source, at the first flag', () => {
    const found = findingsOf(
      rule,
      svc([], [flag('b', 9, { provider: 'unleash', at: { file: 'unleash/export.json', line: 9 } })]),
    );
    expect(where(found)).toEqual(['flag-state-not-restored@unleash/export.json:9 unleash']);
    expect(found[0]?.mitigation).toContain('in Unleash (its event log shows what changed since the deploy)');
  });

  it('one finding per provider, sorted by provider', () => {
    const found = findingsOf(
      rule,
      svc(
        [{ provider: 'unleash', at: yaml(9) }, flagd],
        [flag('a', 1), { key: 'b', provider: 'unleash', killSwitch: true }],
      ),
    );
    expect(where(found)).toEqual([
      'flag-state-not-restored@rollbook.yaml:8 flagd flags/flags.json',
      'flag-state-not-restored@rollbook.yaml:9 unleash',
    ]);
  });

  it('caps the listed flags and the evidence', () => {
    const many = Array.from({ length: 12 }, (_, i) => flag(`flag-${String(i).padStart(2, '0')}`, i + 1));
    const [f] = findingsOf(rule, svc([flagd], many));
    expect(f?.message).toContain('`flag-07` and 4 more');
    expect(f?.evidence).toHaveLength(1 + 8);
  });

  it('falls back to line 1 of the descriptor when nothing has a location', () => {
    const [f] = findingsOf(rule, svc([{ provider: 'launchdarkly' }], []));
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('does not fire without flags or flag sources', () => {
    expectNone(rule, service());
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          [flagd, { provider: 'launchdarkly', at: yaml(10) }],
          [
            flag('new-checkout', 3),
            flag('dark-mode', 12),
            { key: 'beta', provider: 'launchdarkly', killSwitch: false },
          ],
        ),
      ),
    ).toMatchSnapshot();
  });
});

describe('flag-state-not-restored with a source both declared and discovered', () => {
  it('names the file once and cites both places', () => {
    const discovered: FlagSource = { provider: 'flagd', file: 'flags/flags.json', at: flagsFile(1) };
    const [f] = findingsOf(rule, svc([discovered, flagd], []));
    expect(f?.subject).toBe('flagd flags/flags.json');
    expect(f?.evidence).toEqual([flagsFile(1), yaml(8)]);
  });
});

describe('flag-state-not-restored with kill switches listed in rollbook.yaml', () => {
  it('restores through the flags file, not the descriptor', () => {
    const listed = flag('checkout-kill', 0, { killSwitch: true, at: yaml(10) });
    const [f] = findingsOf(rule, svc([flagd], [listed]));
    expect(f?.evidence).toEqual([yaml(8), yaml(10)]);
    expect(f?.mitigation).toContain('`git log -p -- flags/flags.json`');
  });
});
