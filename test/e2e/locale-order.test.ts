/**
 * Deterministic order everywhere: the same repository gives byte-identical output under LC_ALL=C
 * and under a locale whose collation differs (Swedish sorts "ä" after "z"; Node's ICU takes its
 * default locale from LC_ALL/LANG, so a bare localeCompare follows it). Strings are ordered by code
 * point (src/util/order.ts). Runs the built binary (npm test builds first).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmp } from '../../src/util/order.js';
import { bin, tempDir } from '../helpers/cli.js';

const KEYS = ['z-flag', 'ä-flag', 'a-flag', 'Z-flag', 'é-flag', 'e-flag', '𝔣-flag', '\ufb01-flag'];

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  const t = tempDir('rollbook-locale-');
  cleanup = t.cleanup;
  dir = t.dir;
  mkdirSync(join(dir, 'flags'));
  mkdirSync(join(dir, 'deploy'));
  const flags = Object.fromEntries(
    KEYS.map((k) => [k, { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' }]),
  );
  writeFileSync(join(dir, 'flags/flags.json'), JSON.stringify({ flags }));
  writeFileSync(
    join(dir, 'deploy/app.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  template:\n    spec:\n      containers: [{ name: app, image: "x/app:1" }]\n',
  );
});
afterAll(() => cleanup());

const LOCALES = { C: { LC_ALL: 'C', LANG: 'C' }, sv: { LC_ALL: 'sv_SE.UTF-8', LANG: 'sv_SE.UTF-8' } };

describe('output order does not depend on the locale', () => {
  it.each([['discover', '--format', 'json'], ['discover']])(
    '%s %s %s: byte-identical under LC_ALL=C and sv_SE, flags in code point order',
    (...args) => {
      const c = bin([...args, dir], dir, LOCALES.C);
      const sv = bin([...args, dir], dir, LOCALES.sv);
      expect(c.stderr).toBe('');
      expect(sv.stdout).toBe(c.stdout);
      const order = KEYS.map((k) => ({ k, at: c.stdout.indexOf(k) }));
      expect(order.every((o) => o.at >= 0)).toBe(true);
      const shown = [...order].sort((x, y) => x.at - y.at).map((o) => o.k);
      expect(shown).toEqual([...KEYS].sort(cmp));
    },
  );
});

describe('cmp', () => {
  it('orders by code point (UTF-16 units differ above U+FFFF)', () => {
    expect(['\ufb01', '𝔣', 'z', 'ä'].sort(cmp)).toEqual(['z', 'ä', '\ufb01', '𝔣']);
    const points = (s: string) => [...s].map((c) => c.codePointAt(0) as number);
    const byPoints = (a: string, b: string) => {
      const x = points(a);
      const y = points(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++)
        if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
      return x.length - y.length;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(cmp(a, b))).toBe(Math.sign(byPoints(a, b)));
      }),
      { seed: 15, numRuns: 500 },
    );
  });
});
