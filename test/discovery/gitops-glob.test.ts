import { describe, expect, it } from 'vitest';
import { type Manager, managesDir } from '../../src/readers/discovery/gitops.js';

const manager = (...paths: Manager['paths']): Manager => ({
  tool: 'argocd',
  kind: 'ApplicationSet',
  name: 'apps',
  paths,
  settings: {},
  at: { file: 'argocd/apps.yaml', line: 1 },
});

describe('ApplicationSet git directory globs (no regular expression built from input)', () => {
  it.each([
    ['apps/*', 'apps/web', true],
    ['apps/*', 'apps/web/overlays/prod', true],
    ['apps/*', 'apps', false],
    ['apps/*', 'other/web', false],
    ['clusters/*/apps/*', 'clusters/eu/apps/web', true],
    ['clusters/*/apps/*', 'clusters/eu/web', false],
    ['apps/web-*', 'apps/web-eu', true],
    ['apps/web-*', 'apps/api-eu', false],
    ['apps/a.b*', 'apps/aXb1', false],
  ])('%s manages %s: %s', (glob, dir, expected) => {
    expect(managesDir(manager({ glob }), dir)).toBe(expected);
  });

  // The glob used to become ^a[^/]+a[^/]+…b$: a backtracking regex, polynomial of the degree of its
  // stars (30 stars against 60 characters did not finish); the matcher scans without backtracking
  // beyond the last star.
  it('a hostile glob of many stars is answered at once', () => {
    const glob = `${'a*'.repeat(30)}b`;
    expect(managesDir(manager({ glob }), 'a'.repeat(60))).toBe(false);
    expect(managesDir(manager({ glob }), `${'a'.repeat(60)}b`)).toBe(true);
  });
});
