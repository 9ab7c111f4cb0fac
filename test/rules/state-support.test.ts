import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cacheTtl,
  evidenceFor,
  formatSeconds,
  listNames,
  mentions,
  parseDurationSeconds,
} from '../../src/rules/support/state.js';
import { service } from '../helpers/rules.js';

describe('state-support', () => {
  it.each([
    ['3600', 3600],
    ['45s', 45],
    ['30m', 1800],
    ['1h', 3600],
    ['1h30m', 5400],
    ['7d', 604_800],
    ['2 weeks', 1_209_600],
    ['1.5h', 5400],
    ['500ms', 0.5],
  ])('parses %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'soon', '1x', 'h', '1h foo', '-5m'])('rejects %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });

  it('formatSeconds and parseDurationSeconds round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (n) => {
        expect(parseDurationSeconds(formatSeconds(n))).toBe(n);
      }),
    );
  });

  it.each([
    [{ ttl: '1h' }, { kind: 'seconds', seconds: 3600 }],
    [{ ttl: '0' }, { kind: 'never' }],
    [{ ttl: 'never' }, { kind: 'never' }],
    [{ ttl: 'soon' }, { kind: 'unknown' }],
    [{}, { kind: 'unknown' }],
    [
      { ttl: '1h', ttlSeconds: 60 },
      { kind: 'seconds', seconds: 60 },
    ],
  ])('cacheTtl(%j)', (cache, ttl) => {
    expect(cacheTtl(cache)).toEqual(ttl);
  });

  it('listNames sorts, dedupes and caps', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['b'])).toBe('`b`');
    expect(listNames(['b', 'a', 'b'])).toBe('`a` and `b`');
    expect(listNames(['c', 'b', 'a'])).toBe('`a`, `b` and `c`');
    expect(listNames(['d', 'c', 'b', 'a'], 2)).toBe('`a`, `b` and 2 more');
  });

  it('mentions matches whole words or prefixes marked with *', () => {
    expect(mentions('AWS SES', ['ses'])).toBe(true);
    expect(mentions('sessions', ['ses'])).toBe(false);
    expect(mentions('https://hooks.example', ['hook*'])).toBe(true);
    expect(mentions('webhooks', ['hook*'])).toBe(false);
  });

  it('evidenceFor falls back to line 1 of the descriptor, then of rollbook.yaml', () => {
    const at = { file: 'x.yaml', line: 4 };
    expect(evidenceFor(service({ descriptor: 'a/rollbook.yaml' }), at)).toBe(at);
    expect(evidenceFor(service({ descriptor: 'a/rollbook.yaml' }), undefined)).toEqual({
      file: 'a/rollbook.yaml',
      line: 1,
    });
    expect(evidenceFor(service(), undefined)).toEqual({ file: 'rollbook.yaml', line: 1 });
  });
});
