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
import { appsetLookup } from '../../src/readers/discovery/gitops.js';
import type { KObj } from '../../src/readers/discovery/k8s.js';
import { matchPath } from '../../src/readers/discovery/path-match.js';
import { lookupNote } from '../../src/util/appset-lookup.js';

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

/**
 * The generator shapes Argo CD documents beyond the basics, with specs copied from argo-cd's
 * applicationset/examples and docs (Generators-List.md elementsYaml, Generators-Post-Selector.md,
 * Generators-Matrix.md "Using Parameters from one child generator in another",
 * matrix/matrix-and-union-in-matrix-fasttemplate.yaml), each as Argo CD would generate it.
 */
const EXAMPLES = repo({
  // applicationset/examples/list-generator/list-elementsYaml-example.yaml
  'applicationset/examples/list-generator/list-elementsYaml-example.yaml': {
    key: {
      components: [
        {
          name: 'component1',
          chart: 'podinfo',
          version: '6.3.2',
          releaseName: 'component1',
          namespace: 'component1',
        },
        {
          name: 'component2',
          chart: 'podinfo',
          version: '6.3.3',
          releaseName: 'component2',
          namespace: 'component2',
        },
      ],
    },
  },
  // applicationset/examples/git-generator-files-discovery/cluster-config/*/*/config.json
  'cluster-config/engineering/dev/config.json': {
    aws_account: '123456',
    asset_id: '11223344',
    cluster: { owner: 'cluster-admin@company.com', name: 'engineering-dev', address: 'https://1.2.3.4' },
  },
  'cluster-config/engineering/prod/config.json': {
    aws_account: '123456',
    asset_id: '11223344',
    cluster: { owner: 'cluster-admin@company.com', name: 'engineering-prod', address: 'https://1.2.3.4' },
  },
  'apps/cart/overlays/prod/kustomization.yaml': {},
  'apps/cart/overlays/staging/kustomization.yaml': {},
  'apps/orders/overlays/prod/kustomization.yaml': {},
  'apps/cart/overlays/prod/regions.yaml': [{ region: 'eu' }, { region: 'us' }],
  'apps/orders/overlays/prod/regions.yaml': [{ region: 'eu' }],
});

const shapes: { name: string; yaml: string; apps: GeneratedApp[] }[] = [
  {
    name: 'list elementsYaml, literal (fasttemplate): parsed as the elements',
    yaml: `
spec:
  generators:
    - list:
        elementsYaml: |
          - cluster: engineering-dev
            url: https://kubernetes.default.svc
          - cluster: engineering-prod
            url: https://kubernetes.default.svc
  template:
    metadata: { name: '{{cluster}}-guestbook' }
    spec: { source: { path: 'applicationset/examples/list-generator/guestbook/{{cluster}}' } }`,
    apps: [
      {
        name: 'engineering-dev-guestbook',
        path: 'applicationset/examples/list-generator/guestbook/engineering-dev',
      },
      {
        name: 'engineering-prod-guestbook',
        path: 'applicationset/examples/list-generator/guestbook/engineering-prod',
      },
    ],
  },
  {
    name: 'list elementsYaml templated from a git files child of a matrix (Generators-List.md, toJson)',
    yaml: `
spec:
  goTemplate: true
  generators:
  - matrix:
      generators:
        - git:
            repoURL: https://github.com/argoproj/argo-cd.git
            revision: HEAD
            files:
            - path: applicationset/examples/list-generator/list-elementsYaml-example.yaml
        - list:
            elementsYaml: "{{ .key.components | toJson }}"
  template:
    metadata:
      name: '{{.name}}'
    spec:
      project: default
      sources:
        - chart: '{{.chart}}'
          repoURL: '{{.repoUrl}}'
          targetRevision: '{{.version}}'
          helm:
            releaseName: '{{.releaseName}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{.namespace}}'`,
    apps: [{ name: 'component1' }, { name: 'component2' }],
  },
  {
    name: 'list elementsYaml templated outside a matrix: unresolved, never guessed',
    yaml: `
spec:
  goTemplate: true
  generators:
    - list:
        elementsYaml: "{{ .components | toJson }}"
  template:
    metadata: { name: '{{.name}}' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          'its template metadata.name "{{.name}}" uses {{.name}}, a parameter of the list generator (its elementsYaml "{{ .components | toJson }}" is a template of values the repository does not hold), which the repository does not hold',
      },
    ],
  },
  {
    name: 'list elementsYaml that is not a list of objects',
    yaml: `
spec:
  generators:
    - list:
        elementsYaml: "cluster: dev"
  template:
    metadata: { name: '{{cluster}}-app' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          "Argo CD rejects its generators (the list generator's elementsYaml is not a YAML list of objects), so it generates no Application until that is fixed",
      },
    ],
  },
  {
    name: 'post selector matchLabels (Generators-Post-Selector.md)',
    yaml: `
spec:
  generators:
  - list:
      elements:
        - cluster: engineering-dev
          url: https://kubernetes.default.svc
          env: staging
        - cluster: engineering-prod
          url: https://kubernetes.default.svc
          env: prod
    selector:
      matchLabels:
        env: staging
  template:
    metadata:
      name: '{{cluster}}-guestbook'
    spec:
      project: default
      source:
        repoURL: https://github.com/argoproj-labs/applicationset.git
        targetRevision: HEAD
        path: examples/list-generator/guestbook/{{cluster}}`,
    apps: [{ name: 'engineering-dev-guestbook', path: 'examples/list-generator/guestbook/engineering-dev' }],
  },
  {
    name: 'post selector matchExpressions In (the same example, Generators-Post-Selector.md)',
    yaml: `
spec:
  generators:
  - list:
      elements:
        - { cluster: engineering-dev, env: staging }
        - { cluster: engineering-prod, env: prod }
    selector:
      matchExpressions:
        - key: env
          operator: In
          values:
            - staging
  template:
    metadata: { name: '{{cluster}}-guestbook' }
    spec: { source: { path: 'examples/list-generator/guestbook/{{cluster}}' } }`,
    apps: [{ name: 'engineering-dev-guestbook', path: 'examples/list-generator/guestbook/engineering-dev' }],
  },
  {
    name: 'post selector NotIn keeps the elements without the key; Exists and DoesNotExist (goTemplate)',
    yaml: `
spec:
  goTemplate: true
  generators:
  - list:
      elements:
        - { cluster: a, env: prod, canary: "true" }
        - { cluster: b, env: staging }
        - { cluster: c }
        - { cluster: d, env: qa, retired: "yes" }
    selector:
      matchExpressions:
        - { key: env, operator: NotIn, values: [staging] }
        - { key: retired, operator: DoesNotExist }
  - list:
      elements:
        - { cluster: e, canary: "true" }
        - { cluster: f }
    selector:
      matchExpressions:
        - { key: canary, operator: Exists }
  template:
    metadata: { name: '{{.cluster}}-web' }
    spec: { source: { path: 'apps/web/{{.cluster}}' } }`,
    apps: [
      { name: 'a-web', path: 'apps/web/a' },
      { name: 'c-web', path: 'apps/web/c' },
      { name: 'e-web', path: 'apps/web/e' },
    ],
  },
  {
    name: 'post selector on a nested goTemplate parameter (flattened as path.basename) inside a matrix child',
    yaml: `
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git:
              directories: [{ path: 'apps/*/overlays/*' }]
            selector:
              matchLabels: { path.basename: prod }
          - list: { elements: [{ region: eu }] }
  template:
    metadata: { name: '{{index .path.segments 1}}-{{.region}}' }
    spec: { source: { path: '{{.path.path}}' } }`,
    apps: [
      { name: 'cart-eu', path: 'apps/cart/overlays/prod' },
      { name: 'orders-eu', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: "matrix: a later child's post selector reads the earlier child's parameters",
    yaml: `
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git: { directories: [{ path: 'apps/*/overlays/prod' }] }
          - list:
              elements: [{ app: cart, region: eu }, { app: orders, region: us }]
            selector:
              matchLabels: { app: '{{index .path.segments 1}}' }
  template:
    metadata: { name: '{{.app}}-{{.region}}' }
    spec: { source: { path: '{{.path.path}}' } }`,
    apps: [
      { name: 'cart-eu', path: 'apps/cart/overlays/prod' },
      { name: 'orders-us', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: 'a selector operator Argo CD rejects: unresolved',
    yaml: `
spec:
  generators:
  - list: { elements: [{ cluster: dev }] }
    selector:
      matchExpressions: [{ key: cluster, operator: Gt, values: ['1'] }]
  template:
    metadata: { name: '{{cluster}}-app' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          'Argo CD rejects its generators (a selector operator "Gt" is not one of In, NotIn, Exists, DoesNotExist), so it generates no Application until that is fixed',
      },
    ],
  },
  {
    name: 'matrix: the git files child reads the path of the git directories child ({{.path.path}}, goTemplate)',
    yaml: `
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - git:
              directories: [{ path: 'apps/*/overlays/prod' }]
          - git:
              pathParamPrefix: regions
              files: [{ path: '{{.path.path}}/regions.yaml' }]
  template:
    metadata: { name: '{{.path.basename}}-{{index .path.segments 1}}-{{.region}}' }
    spec: { source: { path: '{{.path.path}}' } }`,
    apps: [
      { name: 'prod-cart-eu', path: 'apps/cart/overlays/prod' },
      { name: 'prod-cart-us', path: 'apps/cart/overlays/prod' },
      { name: 'prod-orders-eu', path: 'apps/orders/overlays/prod' },
    ],
  },
  {
    name: "matrix: the list child reads the first child's parameters (fasttemplate {{path[1]}})",
    yaml: `
spec:
  generators:
    - matrix:
        generators:
          - git:
              directories: [{ path: 'apps/*/overlays/staging' }]
          - list:
              elements:
                - app: '{{path[1]}}'
                  stage: '{{path.basename}}-1'
  template:
    metadata: { name: '{{app}}-{{stage}}' }
    spec: { source: { path: '{{path}}' } }`,
    apps: [{ name: 'cart-staging-1', path: 'apps/cart/overlays/staging' }],
  },
  {
    name: 'matrix of git directories and git files in that directory (fasttemplate {{path}}): path agrees, accepted',
    yaml: `
spec:
  generators:
    - matrix:
        generators:
          - git: { directories: [{ path: 'apps/cart/overlays/prod' }] }
          - git: { files: [{ path: '{{path}}/regions.yaml' }] }
  template:
    metadata: { name: '{{path[1]}}-{{region}}' }
    spec: { source: { path: '{{path}}' } }`,
    apps: [
      { name: 'cart-eu', path: 'apps/cart/overlays/prod' },
      { name: 'cart-us', path: 'apps/cart/overlays/prod' },
    ],
  },
  {
    name: 'matrix of two git generators without pathParamPrefix (fasttemplate): two values for path, rejected',
    yaml: `
spec:
  generators:
    - matrix:
        generators:
          - git: { directories: [{ path: 'apps/cart/overlays/prod' }] }
          - git: { directories: [{ path: 'apps/cart/overlays/staging' }] }
  template:
    metadata: { name: '{{path[1]}}-{{path.basename}}' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          'Argo CD rejects its generators (the matrix\'s generators give path two values ("apps/cart/overlays/prod" and "apps/cart/overlays/staging"; pathParamPrefix tells two git generators apart)), so it generates no Application until that is fixed',
      },
    ],
  },
  {
    name: 'matrix: a child that needs a cluster parameter (Generators-Matrix.md): unresolved, naming both',
    yaml: `
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - clusters: { selector: { matchLabels: { env: prod } } }
          - git:
              files: [{ path: 'cluster-config/engineering/{{.name}}/config.json' }]
  template:
    metadata: { name: '{{.cluster.name}}-guestbook' }
    spec: { source: { path: apps/cart/base } }`,
    apps: [
      {
        path: 'apps/cart/base',
        unresolved:
          'its template metadata.name "{{.cluster.name}}-guestbook" uses {{.cluster.name}}, a parameter of the clusters generator (the clusters registered in Argo CD) and the git generator whose files[0].path "cluster-config/engineering/{{.name}}/config.json" uses {{.name}}, a parameter of the clusters generator (the clusters registered in Argo CD), which the repository does not hold',
      },
    ],
  },
  {
    name: 'matrix of a merge and a matrix (matrix-and-union-in-matrix-fasttemplate.yaml): 3 clusters × 4 = 12, deduplicated by name and path',
    yaml: `
spec:
  generators:
    - matrix:
        generators:
          - merge:
              mergeKeys:
                - cluster
              generators:
                - list:
                    elements:
                      - cluster: engineering-dev
                        url: https://kubernetes.default.svc
                        values:
                          project: default
                      - cluster: engineering-prod
                        url: https://kubernetes.default.svc
                        values:
                          project: default
                - list:
                    elements:
                      - cluster: engineering-dev
                        url: https://kubernetes.default.svc
                        values:
                          project: default
                      - cluster: engineering-test
                        url: https://kubernetes.default.svc
                        values:
                          project: default
          - matrix:
              generators:
                - list:
                    elements:
                      - values:
                          suffix: '1'
                      - values:
                          suffix: '2'
                - list:
                    elements:
                      - values:
                          prefix: 'first'
                      - values:
                          prefix: 'second'
  template:
    metadata:
      name: '{{values.prefix}}-{{cluster}}-{{values.suffix}}'
    spec:
      project: '{{values.project}}'
      source:
        repoURL: https://github.com/argoproj/argo-cd.git
        targetRevision: HEAD
        path: 'applicationset/examples/list-generator/guestbook/{{cluster}}'`,
    apps: ['engineering-dev', 'engineering-prod'].flatMap((c) =>
      [
        ['first', '1'],
        ['second', '1'],
        ['first', '2'],
        ['second', '2'],
      ].map(([pre, suf]) => ({
        name: `${pre}-${c}-${suf}`,
        path: `applicationset/examples/list-generator/guestbook/${c}`,
      })),
    ),
  },
];

describe('generatedApps: generator shapes from Argo CD examples', () => {
  it.each(shapes)('$name', ({ yaml, apps }) => {
    expect(generatedApps(appset(yaml), EXAMPLES)).toEqual(apps);
  });
});

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

describe('appsetLookup: the read-only command that lists the generated Applications', () => {
  const lookup = (body: string, namespace?: string, documents?: number) =>
    appsetLookup(
      {
        body: appset(body),
        ...(namespace ? { namespace } : {}),
        doc: { file: 'appsets/payments.yaml' },
      } as unknown as KObj,
      documents,
    );

  it.each([
    {
      name: 'literal template labels: kubectl -l in the template namespace',
      body: `spec: { template: { metadata: { name: '{{.name}}-pay', namespace: argocd, labels: { team: payments, app.kubernetes.io/part-of: shop } } } }`,
      argv: [
        'kubectl',
        'get',
        'applications.argoproj.io',
        '-n',
        'argocd',
        '-l',
        'app.kubernetes.io/part-of=shop,team=payments',
      ],
    },
    {
      name: "templated labels are left out; the ApplicationSet's namespace",
      body: `spec: { template: { metadata: { name: x, labels: { team: payments, env: '{{.env}}' } } } }`,
      namespace: 'gitops',
      argv: ['kubectl', 'get', 'applications.argoproj.io', '-n', 'gitops', '-l', 'team=payments'],
    },
    {
      name: 'no namespace known: every namespace',
      body: `spec: { template: { metadata: { name: x, labels: { team: payments } } } }`,
      argv: ['kubectl', 'get', 'applications.argoproj.io', '-A', '-l', 'team=payments'],
    },
    {
      name: 'no literal label: argocd appset generate on the file (the server renders, creates nothing)',
      body: `spec: { template: { metadata: { name: x } } }`,
      argv: ['argocd', 'appset', 'generate', '--', 'appsets/payments.yaml'],
    },
    {
      // argocd appset generate reads every document as an ApplicationSet and refuses more than one
      name: 'no literal label, a file of several documents: the Applications with their owner ApplicationSet',
      body: `spec: { template: { metadata: { name: x } } }`,
      documents: 2,
      argv: [
        'kubectl',
        'get',
        'applications.argoproj.io',
        '-A',
        '-o',
        'custom-columns=NAMESPACE:.metadata.namespace,NAME:.metadata.name,APPLICATIONSET:.metadata.ownerReferences[0].name',
      ],
    },
  ])('$name', ({ body, namespace, documents, argv }) => {
    expect(lookup(body, namespace, documents)).toEqual(argv);
  });

  it.each([
    [undefined, 'it sends the file to the Argo CD API server (argocd login first; Argo CD v2.13 or later)'],
    [['argocd', 'appset', 'generate', '--', 'a.yaml'], 'read-only: it creates nothing'],
    [['kubectl', 'get', 'applications.argoproj.io', '-A', '-l', 'team=x'], 'read-only, from the cluster'],
  ])('what %j talks to, in words', (argv, words) => {
    expect(lookupNote(argv)).toContain(words);
  });
});
