import { describe, expect, it } from 'vitest';
import { generatedApps } from '../../src/readers/discovery/appset.js';
import { type Manager, managesDir } from '../../src/readers/discovery/gitops.js';

/** Does an ApplicationSet whose git directories generator has this glob manage dir? (generated paths, then managesDir) */
function manages(glob: string, dir: string): boolean {
  const parts = dir.split('/');
  const dirs = new Set(['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))]);
  const apps = generatedApps(
    {
      spec: {
        generators: [{ git: { directories: [{ path: glob }] } }],
        template: { metadata: { name: '{{path.basename}}' }, spec: { source: { path: '{{path}}' } } },
      },
    },
    { dirs, files: [], data: () => undefined },
  );
  const m: Manager = {
    tool: 'argocd',
    kind: 'ApplicationSet',
    name: 'apps',
    paths: apps.flatMap((a) => (a.path !== undefined ? [a.path] : [])),
    settings: {},
    at: { file: 'argocd/apps.yaml', line: 1 },
  };
  return managesDir(m, dir);
}

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
    expect(manages(glob, dir)).toBe(expected);
  });

  // The glob used to become ^a[^/]+a[^/]+…b$: a backtracking regex, polynomial of the degree of its
  // stars (30 stars against 60 characters did not finish); the matcher scans without backtracking
  // beyond the last star.
  it('a hostile glob of many stars is answered at once', () => {
    const glob = `${'a*'.repeat(30)}b`;
    expect(manages(glob, 'a'.repeat(60))).toBe(false);
    expect(manages(glob, `${'a'.repeat(60)}b`)).toBe(true);
  });
});
