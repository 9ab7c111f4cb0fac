/**
 * ApplicationSet generators → the generated Applications' names and paths (table), and the one
 * path matcher they use (Go path.Match per segment, `**` for the files generator).
 * Shapes from argo-cd's docs (Generators-Git.md, Generators-List.md, Generators-Matrix.md).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applicationFor,
  type GeneratedApp,
  generatedApps,
  type RepoView,
  sanitizeName,
} from '../../src/readers/discovery/appset.js';
import { matchPath } from '../../src/readers/discovery/path-match.js';

function repo(files: Record<string, unknown>): RepoView {
  const dirs = new Set<string>(['']);
  for (const f of Object.keys(files)) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return { dirs, files: Object.keys(files), data: (rel) => files[rel] };
}

const MONO = repo({
  'apps/cart/base/kustomization.yaml': {},
  'apps/cart/overlays/prod/kustomization.yaml': {},
  'apps/cart/overlays/staging/kustomization.yaml': {},
  'apps/orders/overlays/prod/kustomization.yaml': {},
  'apps/legacy/overlays/prod/kustomization.yaml': {},
  '.github/overlays/prod/x.yaml': {},
  'clusters/eu/config.json': { cluster: { name: 'prod-eu', address: 'https://1.2.3.4' }, app: 'cart' },
  'clusters/us/config.json': { cluster: { name: 'prod-us', address: 'https://5.6.7.8' }, app: 'cart' },
  'envs/list.yaml': [{ env: 'qa' }, { env: 'uat' }],
});

const appset = (text: string) => parse(text) as Record<string, unknown>;

const cases: { name: string; yaml: string; apps: GeneratedApp[] }[] = [
  {
    name: 'git directories, fasttemplate path[1], exclude wins over include',
    yaml: `
spec:
  generators:
    - git:
        repoURL: https://example.com/gitops.git
        directories:
          - path: apps/*/overlays/prod
          - path: apps/legacy/overlays/prod
            exclude: true
  template:
    metadata: { name: '{{path[1]}}-prod' }
    spec: { source: { path: '{{path}}' } }`,
    apps: [
      { name: 'cart-prod', path: 'apps/cart/overlays/prod' },
      { name: 'orders-prod', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: 'git directories, goTemplate index .path.segments and a pipeline',
    yaml: `
spec:
  goTemplate: true
  generators:
    - git:
        directories: [{ path: 'apps/*/overlays/staging' }]
  template:
    metadata: { name: '{{ index .path.segments 1 | upper | lower }}-{{.path.basename}}' }
    spec: { source: { path: '{{.path.path}}' } }`,
    apps: [{ name: 'cart-staging', path: 'apps/cart/overlays/staging' }],
  },
  {
    name: 'git files: flattened keys (fasttemplate), one app per file, path is the directory',
    yaml: `
spec:
  generators:
    - git:
        files: [{ path: 'clusters/**/config.json' }]
  template:
    metadata: { name: '{{app}}-{{cluster.name}}' }
    spec: { source: { path: 'apps/{{app}}/overlays/prod' } }`,
    apps: [
      { name: 'cart-prod-eu', path: 'apps/cart/overlays/prod' },
      { name: 'cart-prod-us', path: 'apps/cart/overlays/prod' },
    ],
  },
  {
    name: 'git files holding a list (goTemplate), values rendered from the parameters',
    yaml: `
spec:
  goTemplate: true
  generators:
    - git:
        files: [{ path: 'envs/*.yaml' }]
        values: { suffix: '{{.env}}-web' }
  template:
    metadata: { name: 'shop-{{.values.suffix}}' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      { name: 'shop-qa-web', path: 'apps/cart/base' },
      { name: 'shop-uat-web', path: 'apps/cart/base' },
    ],
  },
  {
    name: 'list elements',
    yaml: `
spec:
  generators:
    - list:
        elements:
          - { svc: cart, env: prod }
          - { svc: orders, env: prod }
  template:
    metadata: { name: '{{svc}}-{{env}}' }
    spec: { source: { path: 'apps/{{svc}}/overlays/{{env}}' } }`,
    apps: [
      { name: 'cart-prod', path: 'apps/cart/overlays/prod' },
      { name: 'orders-prod', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: 'matrix: git directories × list',
    yaml: `
spec:
  generators:
    - matrix:
        generators:
          - git: { directories: [{ path: 'apps/*/overlays/prod' }, { path: 'apps/legacy/*/*', exclude: true }] }
          - list: { elements: [{ region: eu }, { region: us }] }
  template:
    metadata: { name: '{{path[1]}}-{{region}}' }
    spec: { source: { path: '{{path}}' } }`,
    apps: [
      { name: 'cart-eu', path: 'apps/cart/overlays/prod' },
      { name: 'cart-us', path: 'apps/cart/overlays/prod' },
      { name: 'orders-eu', path: 'apps/orders/overlays/prod' },
      { name: 'orders-us', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: 'merge by mergeKeys: the later list overrides the base',
    yaml: `
spec:
  generators:
    - merge:
        mergeKeys: [svc]
        generators:
          - list: { elements: [{ svc: cart, stage: prod }, { svc: orders, stage: prod }] }
          - list: { elements: [{ svc: orders, stage: canary }] }
  template:
    metadata: { name: '{{svc}}-{{stage}}' }
    spec: { source: { path: 'apps/{{svc}}/base' } }`,
    apps: [
      { name: 'cart-prod', path: 'apps/cart/base' },
      { name: 'orders-canary', path: 'apps/orders/base' },
    ],
  },
  {
    name: 'clusters generator: the name needs the cluster, the path is still known',
    yaml: `
spec:
  generators:
    - clusters: { selector: { matchLabels: { env: prod } } }
  template:
    metadata: { name: '{{name}}-cart' }
    spec: { source: { path: apps/cart/overlays/prod } }`,
    apps: [
      {
        path: 'apps/cart/overlays/prod',
        unresolved:
          'its template metadata.name "{{name}}-cart" uses {{name}}, a parameter of the clusters generator (the clusters registered in Argo CD), which the repository does not hold',
      },
    ],
  },
  {
    name: 'matrix of git directories and clusters: the path from git, the name unresolved',
    yaml: `
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git: { directories: [{ path: 'apps/orders/overlays/prod' }] }
          - clusters: {}
  template:
    metadata: { name: '{{.path.basenameNormalized}}-{{.name}}' }
    spec: { source: { path: '{{.path.path}}' } }`,
    apps: [
      {
        path: 'apps/orders/overlays/prod',
        unresolved:
          'its template metadata.name "{{.path.basenameNormalized}}-{{.name}}" uses {{.name}}, a parameter of the clusters generator (the clusters registered in Argo CD), which the repository does not hold',
      },
    ],
  },
  {
    name: 'SCM provider: opaque',
    yaml: `
spec:
  generators:
    - scmProvider: { github: { organization: acme } }
  template:
    metadata: { name: '{{repository}}' }
    spec: { source: { path: deploy } }`,
    apps: [
      {
        path: 'deploy',
        unresolved:
          'its template metadata.name "{{repository}}" uses {{repository}}, a parameter of the SCM provider generator (repositories listed by the SCM API), which the repository does not hold',
      },
    ],
  },
  {
    name: 'a template function rollbook does not evaluate',
    yaml: `
spec:
  goTemplate: true
  generators:
    - list: { elements: [{ svc: cart }] }
  template:
    metadata: { name: '{{ .svc | sha1sum }}' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          'its template metadata.name "{{ .svc | sha1sum }}" uses the template function sha1sum (in {{.svc | sha1sum}}), which rollbook cannot render from the generator',
      },
    ],
  },
];

describe('generatedApps', () => {
  it.each(cases)('$name', ({ yaml, apps }) => {
    expect(generatedApps(appset(yaml), MONO)).toEqual(apps);
  });

  it('applicationFor: the app of the closest path; several names for one path, or none, are unresolved', () => {
    const apps = generatedApps(appset(cases[0]?.yaml ?? ''), MONO);
    expect(applicationFor('apps-prod', apps, 'apps/cart/overlays/prod')).toEqual({ name: 'cart-prod' });
    const perCluster = generatedApps(appset(cases[2]?.yaml ?? ''), MONO);
    expect(applicationFor('clusters', perCluster, 'apps/cart/overlays/prod').unresolved).toBe(
      'ApplicationSet clusters generates 2 Applications that sync apps/cart/overlays/prod (cart-prod-eu, cart-prod-us), one per generated element',
    );
    const opaque = generatedApps(appset(cases[7]?.yaml ?? ''), MONO);
    expect(applicationFor('cart', opaque, 'apps/cart/overlays/prod').unresolved).toMatch(
      /^ApplicationSet cart generates the Application that syncs apps\/cart\/overlays\/prod, but its template metadata.name "\{\{name\}\}-cart" uses \{\{name\}\}/,
    );
  });

  it('sanitizeName as Argo CD: lowercase, [^-a-z0-9.] to -, trimmed', () => {
    expect(sanitizeName('Directory_2')).toBe('directory-2');
    expect(sanitizeName('-.My App.-')).toBe('my-app');
  });
});

describe('matchPath (Go path.Match per segment, ** across segments)', () => {
  it.each([
    ['apps/*/overlays/prod', 'apps/cart/overlays/prod', true],
    ['apps/*/overlays/prod', 'apps/cart/x/overlays/prod', false],
    ['apps/*', 'apps/cart/overlays', false],
    ['*', 'apps', true],
    ['/d/[f|g]', 'd/f', true],
    ['d/[^f]', 'd/f', false],
    ['d/[a-c]x?', 'd/bxy', true],
    ['clusters/**/config.json', 'clusters/config.json', true],
    ['clusters/**/config.json', 'clusters/eu/west/config.json', true],
    ['clusters/**/config.json', 'clusters/eu/west/other.json', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['d/[ab', 'd/a', false],
  ] as const)('%s ~ %s → %s', (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toBe(expected);
  });

  it('stays fast on many stars (no regular expression built from input)', () => {
    const pattern = `${'*a'.repeat(200)}b`;
    const path = 'a'.repeat(5000);
    const t = performance.now();
    expect(matchPath(pattern, path)).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
