// Fuzz inputs (fast-check): a case is a small service repository ({ path: content }) plus one
// command. Three kinds: mutations of the bundled examples and fixture repositories, repositories
// generated from the readers' shapes (rollbook.yaml, Kubernetes/Helm/compose manifests, migrations
// of several tools, flag files, workflows) with hostile values, pathological files (long runs,
// deep nesting, many lines) that catch super-linear parsing, and real repositories with one file
// malformed (a broken line of its own format: YAML, JSON, SQL), made binary (invalid UTF-8, UTF-16,
// archive headers), grown to its reader's size limit, or renamed to a hostile name. A file's content
// is a string, or { base64 } for bytes. Deterministic for a seed and index.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { MIGRATION_TOOLS, PLATFORM_IDS } from '../../dist/model/service.js';

/** A file the sandboxed dry run creates only if a hostile value was executed. */
export const CANARY = 'rbfuzz-canary';

export const COMMANDS = [
  ['plan'],
  ['plan', '--format', 'json'],
  ['plan', '--format', 'html'],
  ['plan', '--format', 'sh'],
  ['plan', '--format', 'comms'],
  ['discover'],
  ['discover', '--format', 'json'],
  ['migrations', 'analyze'],
  ['migrations', 'analyze', '--format', 'json'],
  ['init', '--force'],
  // --out: written atomically; on an input error (exit 2) nothing is written (the worker checks)
  ['plan', '--format', 'json', '--out', 'rbfuzz-plan.json'],
  ['migrations', 'analyze', '--out', 'rbfuzz-analyze.txt'],
  // read-only commands over git history: the worker commits the case on top of an empty base commit
  // tagged rbfuzz-base (every file is "added since the base"; every migration is crossed)
  ['check', '--base', 'rbfuzz-base'],
  ['gates', '--from', 'HEAD', '--to', 'rbfuzz-base'],
  ['migrations', 'verify', '--from', 'HEAD', '--to', 'rbfuzz-base'],
];

/** Tokens that have broken parsers, renderers and shells before (and the canary commands). */
export const TOKENS = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `;touch ${CANARY};`,
  `|touch ${CANARY}`,
  `'$(touch ${CANARY})'`,
  `"$(touch ${CANARY})"`,
  `\n touch ${CANARY} #`,
  '\u001b]0;title\u0007',
  '\u001b]52;c;Y2FuYXJ5\u0007',
  '\u001b[2J',
  '\u009b1m',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u0000',
  '\r',
  '\t',
  '\ufeff',
  '[x](javascript:alert(1))',
  '![](http://evil.example/p.png)',
  '<script>alert(1)</script>',
  '&#x202e;',
  '`',
  '```',
  '--kube-apiserver=https://evil.example',
  '-address=http://evil.example',
  '--',
  '-',
  '1e308',
  '-1e308',
  '.inf',
  '-.inf',
  '.nan',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '99999999999999999999',
  '1e-320',
  '9007199254740993',
  '~',
  'null',
  'yes',
  '0o17',
  '2026-13-45',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!js/function',
  '%YAML 1.1',
  '---',
  '...',
  '? ',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  '"',
  "'",
  '|',
  '>',
  '\\',
  ';',
  '$$',
  '$tag$',
  '--',
  '/*',
  '*/',
  "E'\\'",
  'DROP TABLE orders;',
  'ALTER TABLE orders DROP COLUMN status;',
  'BEGIN;',
  'COMMIT;',
  '\\connect x',
  '-- migrate:up',
  '-- migrate:down',
  '-- +goose Up',
  '-- +goose Down',
  '{{ .Values.replicaCount }}',
  '{{',
  '}}',
  '$'.concat('{X}'),
  '%s%n',
  'é',
  'ä',
  '𝔣',
  'ﬁ',
  'İ',
  '../',
  '../../etc/passwd',
  '/etc/passwd',
];

const token = fc.constantFrom(...TOKENS);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);
/** Names: mostly valid, sometimes hostile. */
const name = fc.oneof(
  { weight: 6, arbitrary: word },
  { weight: 1, arbitrary: token },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.array(fc.oneof(word, token), { maxLength: 5 }).map((a) => a.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);
const number = fc.oneof(
  fc.integer({ min: -5, max: 100 }),
  fc.constantFrom(0, 1, 1e308, -1e308, 1e-320, 2 ** 53 + 1, 2 ** 31, 0.5, -0.0001, 86400 * 365 * 100),
  fc.double(),
);
const duration = fc.oneof(
  fc.constantFrom('5m', '30s', '1h', '0s', '-1m', '1e308s', '99999999h', 'forever', '5', '', '1m30s', 'P1D'),
  number,
);
/** Any YAML value, mostly scalars. */
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(word, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const maybe = (a) => fc.oneof({ weight: 3, arbitrary: a }, { weight: 1, arbitrary: value });

// The model's own lists (the build is made before the harness runs: npm run fuzz, npm test).
const PLATFORMS = PLATFORM_IDS;
const TOOLS = MIGRATION_TOOLS;

const descriptor = fc
  .record(
    {
      version: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: value }),
      service: maybe(name),
      owners: maybe(fc.array(name, { maxLength: 3 })),
      deploy: maybe(
        fc.record(
          {
            platform: maybe(fc.constantFrom(...PLATFORMS)),
            workload: maybe(
              fc.oneof(
                name,
                name.map((n) => `deployment/${n}`),
              ),
            ),
            namespace: maybe(name),
            manifests: maybe(
              fc.array(fc.constantFrom('deploy', 'k8s', '.', '..', '/etc', 'charts/app'), { maxLength: 2 }),
            ),
            target: maybe(fc.dictionary(word, name, { maxKeys: 3 })),
          },
          { requiredKeys: [] },
        ),
      ),
      artifact: maybe(
        fc.record(
          {
            image: maybe(name),
            versioning: maybe(fc.constantFrom('git-sha', 'semver', 'digest', 'mutable-tag')),
          },
          { requiredKeys: [] },
        ),
      ),
      state: maybe(
        fc.record(
          {
            migrations: maybe(
              fc.record(
                {
                  tool: maybe(fc.constantFrom(...TOOLS)),
                  path: maybe(fc.constantFrom('db/migrations', 'migrations', '.', '../x')),
                  database: maybe(fc.constantFrom('postgres', 'mysql')),
                  version: maybe(number),
                },
                { requiredKeys: [] },
              ),
            ),
            flags: maybe(
              fc.array(
                fc.record(
                  {
                    provider: maybe(fc.constantFrom('flagd', 'launchdarkly', 'unleash')),
                    file: maybe(fc.constantFrom('flags/flags.json', 'flags.yaml')),
                    killSwitches: maybe(fc.array(name, { maxLength: 2 })),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
            caches: maybe(
              fc.array(
                fc.record(
                  {
                    name: maybe(name),
                    store: maybe(fc.constantFrom('redis', 'memcached')),
                    keyVersioned: maybe(fc.boolean()),
                    ttl: maybe(duration),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
            queues: maybe(
              fc.array(
                fc.record(
                  {
                    name: maybe(name),
                    format: maybe(fc.constantFrom('avro', 'json', 'protobuf')),
                    compatibility: maybe(fc.constantFrom('BACKWARD', 'NONE')),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
            writes: maybe(
              fc.array(
                fc.record(
                  {
                    store: maybe(name),
                    dualWrite: maybe(fc.boolean()),
                    external: maybe(fc.boolean()),
                    description: maybe(text),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      signals: maybe(
        fc.array(
          fc.record(
            {
              name: maybe(name),
              query: maybe(text),
              threshold: maybe(number),
              for: maybe(duration),
              op: maybe(fc.constantFrom('>', '<', '>=', '<=', '==')),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      ),
      roles: maybe(
        fc.record(
          {
            rollback: maybe(fc.array(name, { maxLength: 2 })),
            dataRollback: maybe(fc.array(name, { maxLength: 2 })),
          },
          { requiredKeys: [] },
        ),
      ),
      comms: maybe(
        fc.record({ channel: maybe(text), statusPage: maybe(fc.boolean()) }, { requiredKeys: [] }),
      ),
      history: maybe(
        fc.record(
          {
            procedure: maybe(text),
            pastRollbacks: maybe(
              fc.array(
                fc.record(
                  { date: maybe(fc.constantFrom('2026-03-02', 'yesterday')), minutes: maybe(number) },
                  { requiredKeys: [] },
                ),
                { maxLength: 3 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
      release: maybe(
        fc.record({ tags: maybe(fc.constantFrom('v*', '[', '**', '(a+)+$')) }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: ['version'] },
  )
  .map((d) => stringify(d));

const probe = fc.record(
  {
    httpGet: fc.record({
      path: fc.constantFrom('/healthz', '/'),
      port: maybe(fc.integer({ min: 0, max: 70000 })),
    }),
    initialDelaySeconds: number,
    periodSeconds: number,
    failureThreshold: number,
    timeoutSeconds: number,
  },
  { requiredKeys: [] },
);
const podSpec = fc.record({
  containers: fc.array(
    fc.record(
      {
        name: name,
        image: fc.oneof(
          fc.constantFrom('ghcr.io/acme/app:1.2.3', 'postgres:16', 'redis', 'x/app:latest', 'app@sha256:abc'),
          name,
        ),
        readinessProbe: probe,
        startupProbe: probe,
        envFrom: fc.array(fc.record({ configMapRef: fc.record({ name }) }), { maxLength: 1 }),
        lifecycle: fc.constant({ preStop: { exec: { command: ['sleep', '5'] } } }),
      },
      { requiredKeys: ['name', 'image'] },
    ),
    { minLength: 1, maxLength: 2 },
  ),
  terminationGracePeriodSeconds: maybe(number),
});
const workloadDoc = fc
  .record({
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'),
    name,
    namespace: fc.option(name, { nil: undefined }),
    replicas: maybe(number),
    minReadySeconds: maybe(number),
    progressDeadlineSeconds: maybe(number),
    revisionHistoryLimit: maybe(number),
    strategy: maybe(
      fc.record(
        {
          type: fc.constantFrom('RollingUpdate', 'Recreate'),
          rollingUpdate: fc.record({
            maxSurge: maybe(fc.constantFrom('25%', '100%', 1, 0, '1000%')),
            maxUnavailable: maybe(fc.constantFrom('25%', 0, 1)),
          }),
        },
        { requiredKeys: [] },
      ),
    ),
    spec: podSpec,
  })
  .map((w) => ({
    apiVersion: w.kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
    kind: w.kind,
    metadata: {
      name: w.name,
      ...(w.namespace !== undefined ? { namespace: w.namespace } : {}),
      labels: { app: 'x' },
    },
    spec: {
      replicas: w.replicas,
      minReadySeconds: w.minReadySeconds,
      progressDeadlineSeconds: w.progressDeadlineSeconds,
      revisionHistoryLimit: w.revisionHistoryLimit,
      strategy: w.strategy,
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: w.spec },
    },
  }));
const configDoc = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constantFrom('ConfigMap', 'Secret'),
  metadata: fc.record(
    { name, labels: fc.dictionary(word, name, { maxKeys: 20 }) },
    { requiredKeys: ['name'] },
  ),
  data: fc.dictionary(word, text, { maxKeys: 3 }),
});
const manifests = fc
  .array(fc.oneof(workloadDoc, configDoc), { minLength: 1, maxLength: 3 })
  .map((docs) => docs.map((d) => stringify(d, { keepUndefined: false })).join('---\n'));

const STATEMENTS = [
  'CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);',
  'ALTER TABLE orders ADD COLUMN note text;',
  'ALTER TABLE orders DROP COLUMN status;',
  'ALTER TABLE orders RENAME COLUMN status TO state;',
  'ALTER TABLE orders ALTER COLUMN id TYPE int;',
  'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;',
  "ALTER TYPE mood ADD VALUE 'meh';",
  'DROP TABLE orders;',
  'CREATE INDEX orders_status ON orders (status);',
  'CREATE INDEX CONCURRENTLY i ON orders (id);',
  'UPDATE orders SET status = lower(status);',
  'DELETE FROM orders;',
  'TRUNCATE orders;',
  'CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;',
  'CREATE VIEW v AS SELECT * FROM orders;',
  'SELECT 1;',
  'BEGIN;',
  'COMMIT;',
  'INSERT INTO orders VALUES (1, $$x$$);',
  '\\set ON_ERROR_STOP on',
  'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
];
const sql = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...STATEMENTS) },
      { weight: 1, arbitrary: token },
      { weight: 1, arbitrary: text },
    ),
    { maxLength: 6 },
  )
  .map((s) => `${s.join('\n')}\n`);
const migrationFiles = fc
  .record({
    tool: fc.constantFrom('golang-migrate', 'dbmate', 'goose', 'flyway', 'plain'),
    migrations: fc.array(
      fc.record({
        n: fc.integer({ min: 0, max: 99999 }),
        name: name,
        up: sql,
        down: fc.option(sql, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ tool, migrations }) => {
    const files = {};
    for (const m of migrations) {
      const slug = m.name.replace(/\//g, '_') || 'x';
      if (tool === 'golang-migrate') {
        files[`db/migrations/${String(m.n).padStart(6, '0')}_${slug}.up.sql`] = m.up;
        if (m.down !== undefined)
          files[`db/migrations/${String(m.n).padStart(6, '0')}_${slug}.down.sql`] = m.down;
      } else if (tool === 'dbmate') {
        files[`db/migrations/2026010100${String(m.n).padStart(4, '0')}_${slug}.sql`] =
          `-- migrate:up\n${m.up}\n-- migrate:down\n${m.down ?? ''}`;
      } else if (tool === 'goose') {
        files[`migrations/${m.n}_${slug}.sql`] = `-- +goose Up\n${m.up}\n-- +goose Down\n${m.down ?? ''}`;
      } else if (tool === 'flyway') {
        files[`db/migration/V${m.n}__${slug}.sql`] = m.up;
      } else {
        files[`migrations/${m.n}-${slug}.sql`] = m.up;
      }
    }
    return files;
  });
const flagsFile = fc
  .dictionary(
    name,
    fc.record({
      state: fc.constantFrom('ENABLED', 'DISABLED', 'x'),
      variants: fc.constant({ on: true, off: false }),
      defaultVariant: fc.constantFrom('on', 'off', 'none'),
    }),
    { maxKeys: 4 },
  )
  .map((flags) => JSON.stringify({ flags }));
const workflow = fc
  .record({
    name: text,
    run: fc.array(
      fc.oneof(
        fc.constantFrom(
          'migrate -path db/migrations up',
          'kubectl apply -f deploy',
          'helm upgrade --install app charts/app',
          'dbmate up',
          'npx prisma migrate deploy',
        ),
        text,
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((w) =>
    stringify({
      name: w.name,
      on: { push: { branches: ['main'] } },
      jobs: { deploy: { 'runs-on': 'ubuntu-latest', steps: w.run.map((run) => ({ run })) } },
    }),
  );
const chart = fc
  .record({ name, version: fc.constantFrom('1.0.0', 'x', ''), replicas: maybe(number), dep: fc.boolean() })
  .map((c) => ({
    'chart/Chart.yaml': stringify({
      apiVersion: 'v2',
      name: c.name,
      version: c.version,
      ...(c.dep
        ? {
            dependencies: [
              { name: 'postgresql', version: '12.x', repository: 'https://charts.bitnami.com/bitnami' },
            ],
          }
        : {}),
    }),
    'chart/values.yaml': stringify({
      replicaCount: c.replicas,
      image: { repository: 'x/app', tag: 'latest' },
    }),
    'chart/templates/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n',
  }));
const compose = fc
  .record({
    svc: name,
    image: fc.constantFrom('postgres:16', 'x/app:1', 'x/app'),
    interval: duration,
    retries: number,
  })
  .map((c) =>
    stringify({
      services: {
        [c.svc]: {
          image: c.image,
          healthcheck: { test: ['CMD', 'true'], interval: c.interval, retries: c.retries },
          volumes: ['data:/var/lib/x'],
        },
      },
      volumes: { data: {} },
    }),
  );

const generated = fc
  .record(
    {
      'rollbook.yaml': descriptor,
      'deploy/app.yaml': manifests,
      'flags/flags.json': flagsFile,
      '.github/workflows/deploy.yml': workflow,
      'compose.yaml': compose,
    },
    { requiredKeys: [] },
  )
  .chain((files) =>
    fc.tuple(
      fc.constant(files),
      fc.option(migrationFiles, { nil: undefined }),
      fc.option(chart, { nil: undefined }),
    ),
  )
  .map(([files, migrations, helm]) => ({ ...files, ...(migrations ?? {}), ...(helm ?? {}) }));

/** Long runs, deep nesting and many lines: what super-linear parsing and unbounded output choke on. */
const bigCount = fc.integer({ min: 1000, max: 400_000 });
const pathologicalText = fc.oneof(
  fc
    .record({
      t: fc.constantFrom(
        ']',
        '[',
        '{',
        '}',
        '"',
        "'",
        ' ',
        '\n',
        '#',
        '\\',
        ':',
        '-',
        'a',
        '(',
        '/*',
        '$$',
        '- ',
        '? ',
        '&a ',
        '*a ',
        '\t',
        '\u0000',
        '\u202e',
      ),
      n: bigCount,
    })
    .map(({ t, n }) => t.repeat(n)),
  fc.integer({ min: 100, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc
    .integer({ min: 100, max: 3000 })
    .map((n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i % 50)}- a${i}:`).join('\n')),
  fc
    .integer({ min: 10, max: 3000 })
    .map(
      (n) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg # note\n${Array.from({ length: n }, (_, i) => `    label${i}: value${i}`).join('\n')}\n`,
    ),
  fc
    .integer({ min: 10, max: 5000 })
    .map(
      (n) =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  labels:\n${Array.from({ length: n }, (_, i) => `    l${i}: v`).join('\n')}\n  name: s # comment\n`,
    ),
  fc.integer({ min: 100, max: 20000 }).map((n) => `${'SELECT ('.repeat(n)}1${')'.repeat(n)};\n`),
  fc
    .integer({ min: 100, max: 50000 })
    .map((n) => `${Array.from({ length: n }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c int;`).join('\n')}\n`),
  fc.integer({ min: 2, max: 12 }).map((n) => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < n; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return `${lines.join('\n')}\n`;
  }),
);
const PATHOLOGICAL_PATHS = [
  'rollbook.yaml',
  'deploy/app.yaml',
  'db/migrations/000001_x.up.sql',
  'flags/flags.json',
  '.github/workflows/deploy.yml',
  'chart/Chart.yaml',
  'compose.yaml',
];
const pathological = fc
  .record({
    path: fc.constantFrom(...PATHOLOGICAL_PATHS),
    content: pathologicalText,
    descriptor: fc.boolean(),
  })
  .map(({ path, content, descriptor: withDescriptor }) => ({
    ...(withDescriptor && path !== 'rollbook.yaml'
      ? {
          'rollbook.yaml':
            'version: 1\nservice: svc\nstate:\n  migrations: { tool: golang-migrate, path: db/migrations }\n  flags: [{ provider: flagd, file: flags/flags.json }]\n',
        }
      : {}),
    [path]: content,
  }));

/**
 * Broken lines of each format the readers parse, inserted into a real file of that format: unclosed
 * flows and quotes, bad indentation, tabs, duplicate keys, undefined aliases, unterminated strings,
 * dollar quotes and comments, trailing commas, two documents in one JSON file.
 */
const BREAKERS = {
  yaml: [
    'a: [1, 2',
    'a: {b: 1',
    'service: "unterminated',
    "service: 'unterminated",
    '  bad: indentation',
    '\tkey: tab-indented',
    'version: 1\nversion: 2',
    'service: a\nservice: b',
    'x: *undefined-alias',
    'key: value: other',
    '- item\nkey: mixed',
    '? complex key',
    '!!python/object:os.system ["touch rbfuzz-canary"]',
    '%TAG ! tag:evil.example,2026:',
    '---\n--- !!map\n...',
    '{{ .Values.x | toYaml | nindent 4 }}',
    '{{- if .Values.enabled }}',
    '@reserved',
    '`backtick',
    'key: |\n unindented block',
    'key: >-\n\u0000',
    'a: &anchor\nb: *anchor\nc: *anchor',
  ],
  json: [
    '{',
    '}',
    '[1, 2,]',
    '{"a": 1,}',
    "{'single': 'quotes'}",
    '{"a": NaN}',
    '{"a": Infinity}',
    '// a comment',
    '/* a comment',
    '{"a": 1}{"b": 2}',
    '"\\ud800"',
    '{"a": "unterminated',
    '{"a": 1e99999}',
    '{"__proto__": {"polluted": true}}',
    '{"constructor": {"prototype": {"x": 1}}}',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
    '\ufeff{"bom": true}',
  ],
  sql: [
    "INSERT INTO t VALUES ('unterminated",
    'SELECT $$unterminated dollar quote',
    'SELECT $tag$ mismatched $other$;',
    'CREATE TABLE (id int;',
    'ALTER TABLE t ADD COLUMN;',
    '/* unterminated comment',
    'SELECT ((((1);',
    'SELEC 1;',
    '\\i /etc/passwd',
    "E'\\'",
    'DO $$ BEGIN RAISE; END $$;',
    'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN; $$;',
    '-- migrate:up\n-- migrate:up',
    '-- +goose Down\n-- +goose Up',
    ';;;;',
    'COPY t FROM stdin;\n1\t2\n\\.',
    'ALTER TABLE "t""x" RENAME TO "";',
    'CREATE TABLE t (c varchar(99999999999));',
  ],
};

/** The format of a file, for its breakers; undefined: a format no breaker list covers. */
function formatOf(path) {
  if (/\.ya?ml$|\.tpl$/i.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.sql$/i.test(path)) return 'sql';
  return undefined;
}

/** Each file of a seed repository that a breaker list covers, sorted. */
const breakable = (files) =>
  Object.keys(files)
    .filter((p) => formatOf(p) && typeof files[p] === 'string')
    .sort();

/** A real repository with one YAML, JSON or SQL file broken by a line of its own format. */
function malformed(seeds) {
  const usable = seeds.filter((s) => breakable(s.files).length > 0);
  return fc
    .record({
      seed: fc.nat({ max: usable.length - 1 }),
      file: fc.nat(),
      line: fc.nat(),
      breaker: fc.nat(),
      how: fc.constantFrom('insert', 'replace', 'truncate-after'),
    })
    .map(({ seed, file, line, breaker, how }) => {
      const files = { ...usable[seed].files };
      const paths = breakable(files);
      const p = paths[file % paths.length];
      const list = BREAKERS[formatOf(p)];
      const bad = list[breaker % list.length];
      const lines = files[p].split('\n');
      const i = line % (lines.length + 1);
      if (how === 'insert') lines.splice(i, 0, bad);
      else if (how === 'replace') lines.splice(i, 1, bad);
      else lines.splice(i, lines.length, bad);
      files[p] = lines.join('\n');
      return { from: usable[seed].name, files };
    });
}

/** Bytes no text reader expects: invalid UTF-8, UTF-16, NUL runs, the headers of archives and binaries. */
const HEADERS = [
  [0xff, 0xfe, 0x76, 0x00, 0x65, 0x00],
  [0xfe, 0xff, 0x00, 0x76],
  [0x1f, 0x8b, 0x08, 0x00],
  [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01],
  [0x50, 0x4b, 0x03, 0x04],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0x00, 0x00, 0x00, 0x00],
];
/** A file's content as bytes the worker writes verbatim (IPC carries strings: base64). */
const binaryContent = fc.record({
  header: fc.constantFrom(...HEADERS),
  body: fc.uint8Array({ maxLength: 2048 }),
  where: fc.constantFrom('replace', 'prefix', 'middle'),
});

/** A real repository with one file's bytes replaced by, or mixed with, binary (invalid UTF-8 included). */
function binary(seeds) {
  return fc
    .record({ seed: fc.nat({ max: seeds.length - 1 }), file: fc.nat(), bytes: binaryContent })
    .map(({ seed, file, bytes }) => {
      const files = { ...seeds[seed].files };
      const paths = Object.keys(files).sort();
      const p = paths[file % paths.length];
      const raw = Buffer.concat([Buffer.from(bytes.header), Buffer.from(bytes.body)]);
      const text = Buffer.from(typeof files[p] === 'string' ? files[p] : '', 'utf8');
      const half = Math.floor(text.length / 2);
      const out =
        bytes.where === 'replace'
          ? raw
          : bytes.where === 'prefix'
            ? Buffer.concat([raw, text])
            : Buffer.concat([text.subarray(0, half), raw, text.subarray(half)]);
      files[p] = { base64: out.toString('base64') };
      return { from: seeds[seed].name, files };
    });
}

/**
 * A real repository with one file grown to just under, at, or just over a reader's size limit
 * (2 MiB for deploy files, 4 MiB for SQL) by repeating one of its own lines.
 */
const LIMITS = { sql: 4 * 2 ** 20, other: 2 * 2 ** 20 };
function huge(seeds) {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      file: fc.nat(),
      delta: fc.constantFrom(-1, 0, 1, 4096),
    })
    .map(({ seed, file, delta }) => {
      const files = { ...seeds[seed].files };
      const paths = Object.keys(files)
        .filter((k) => typeof files[k] === 'string')
        .sort();
      const p = paths[file % paths.length];
      const size = (/\.sql$/i.test(p) ? LIMITS.sql : LIMITS.other) + delta;
      const pad = /\.sql$/i.test(p) ? 'SELECT 1; -- padding\n' : /\.json$/i.test(p) ? ' ' : '# padding\n';
      const head = files[p].slice(0, size);
      files[p] =
        head +
        pad.repeat(Math.max(0, Math.ceil((size - head.length) / pad.length))).slice(0, size - head.length);
      return { from: seeds[seed].name, files };
    });
}

/** File and directory names that have broken shells, terminals and path handling. */
const HOSTILE_NAMES = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `;touch ${CANARY};`,
  '-rf',
  '--help',
  '--out=x',
  'a\nb',
  'a\rb',
  'tab\tname',
  ' leading space',
  'trailing space ',
  '\u202eevil',
  '\u2066x\u2069',
  '\u001b[2Jx',
  'é-ä-𝔣',
  '*',
  '?',
  '[x]',
  '{a,b}',
  '~',
  '#hash',
  "quote'd",
  'dq"x',
  'back\\slash',
  ':colon:',
  '%s%n',
  '.hidden',
  '...',
  'x'.repeat(200),
];
/** A real repository with one file's name, or a directory on its path, replaced by a hostile name. */
function hostileNames(seeds) {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      file: fc.nat(),
      name: fc.constantFrom(...HOSTILE_NAMES),
      where: fc.constantFrom('stem', 'dir', 'prefix'),
    })
    .map(({ seed, file, name: hostile, where }) => {
      const files = { ...seeds[seed].files };
      const paths = Object.keys(files).sort();
      const p = paths[file % paths.length];
      const parts = p.split('/');
      const base = parts.pop();
      const ext = /(\.(up|down))?\.[a-z]+$/i.exec(base)?.[0] ?? '';
      const stem = base.slice(0, base.length - ext.length);
      const renamed =
        where === 'dir' && parts.length > 0
          ? [...parts.slice(0, -1), hostile, base]
          : where === 'prefix'
            ? [...parts, `${stem.replace(/^(\d*_?).*$/, '$1')}${hostile}${ext}`]
            : [...parts, `${hostile}${ext}`];
      const content = files[p];
      delete files[p];
      files[renamed.join('/')] = content;
      return { from: seeds[seed].name, files };
    });
}

/** Every file of every bundled example and fixture repository (the mutation corpus), read once. */
export function loadSeeds(root) {
  const seeds = [];
  const dirs = [
    ...readdirSync(join(root, 'examples')).map((d) => join(root, 'examples', d)),
    ...readdirSync(join(root, 'fixtures/repos')).map((d) => join(root, 'fixtures/repos', d)),
    ...readdirSync(join(root, 'fixtures/migrations')).map((d) => join(root, 'fixtures/migrations', d)),
  ].filter((d) => statSync(d).isDirectory());
  for (const dir of dirs.sort()) {
    const files = {};
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && statSync(p).size < 200_000) files[relative(dir, p)] = readFileSync(p, 'utf8');
      }
    };
    walk(dir);
    if (Object.keys(files).length > 0) seeds.push({ name: relative(root, dir), files });
  }
  return seeds;
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('insert'), at: fc.nat(), what: fc.oneof(token, text) }),
  fc.record({ op: fc.constant('delete'), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('replace'), at: fc.nat(), what: fc.oneof(token, fc.string({ maxLength: 3 })) }),
  fc.record({
    op: fc.constant('repeat-line'),
    at: fc.nat(),
    times: fc.oneof(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 100, max: 5000 })),
  }),
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ op: fc.constant('swap-lines'), a: fc.nat(), b: fc.nat() }),
  fc.record({
    op: fc.constant('number'),
    at: fc.nat(),
    what: fc.constantFrom('1e308', '-1', '0', '99999999999999999999', '.nan', '1.5', '1e-320', '-0'),
  }),
  fc.record({ op: fc.constant('drop-file') }),
  fc.record({ op: fc.constant('rename'), what: fc.oneof(token, word) }),
);

function applyMutation(text, m) {
  const pos = (n) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.op) {
    case 'insert':
      return text.slice(0, pos(m.at)) + m.what + text.slice(pos(m.at));
    case 'delete':
      return text.slice(0, pos(m.at)) + text.slice(pos(m.at) + m.len);
    case 'replace':
      return text.slice(0, pos(m.at)) + m.what + text.slice(pos(m.at) + m.what.length);
    case 'truncate':
      return text.slice(0, pos(m.at));
    case 'repeat-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, ...Array(m.times - 1).fill(lines[i]));
      return lines.join('\n');
    }
    case 'swap-lines': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
    case 'number': {
      const nums = [...text.matchAll(/\b\d+\b/g)];
      if (nums.length === 0) return text;
      const n = nums[m.at % nums.length];
      return text.slice(0, n.index) + m.what + text.slice(n.index + n[0].length);
    }
    default:
      return text;
  }
}

function mutated(seeds) {
  return fc
    .record({
      seed: fc.nat({ max: seeds.length - 1 }),
      edits: fc.array(fc.record({ file: fc.nat(), m: mutation }), { minLength: 1, maxLength: 4 }),
    })
    .map(({ seed, edits }) => {
      const files = { ...seeds[seed].files };
      for (const { file, m } of edits) {
        const paths = Object.keys(files).sort();
        if (paths.length === 0) break;
        const p = paths[file % paths.length];
        if (m.op === 'drop-file') delete files[p];
        else if (m.op === 'rename') {
          const parts = p.split('/');
          const base = parts.pop();
          const renamed = [
            ...parts,
            base.replace(/^([^._]*)/, (s) => `${s}${m.what.replace(/\//g, '_')}`),
          ].join('/');
          const content = files[p];
          delete files[p];
          files[renamed] = content;
        } else files[p] = applyMutation(files[p], m);
      }
      return { from: seeds[seed].name, files };
    });
}

/** Does a command read git history (the worker commits the case on the rbfuzz-base commit)? */
export function readsHistory(args) {
  return args.includes('rbfuzz-base');
}

/** The kinds of repository a case can be, with their weights. */
export const KINDS = ['mutated', 'generated', 'pathological', 'malformed', 'binary', 'huge', 'hostile-names'];

/**
 * The arbitrary of one case: { kind, from?, files, args }. `history`: 'include' (every command),
 * 'skip' (not check, gates, migrations verify: their git commits and PGlite replays cost ~1 s a
 * case) or 'only' (just those). `kinds`: the kinds of repository to draw from (default: all).
 */
export function caseArbitrary(seeds, history = 'include', kinds = KINDS) {
  const commands = COMMANDS.filter((a) => history === 'include' || readsHistory(a) === (history === 'only'));
  const from = (kind) => (m) => ({ kind, from: m.from, files: m.files });
  const all = {
    mutated: { weight: 5, arbitrary: mutated(seeds).map(from('mutated')) },
    generated: { weight: 4, arbitrary: generated.map((files) => ({ kind: 'generated', files })) },
    pathological: { weight: 1, arbitrary: pathological.map((files) => ({ kind: 'pathological', files })) },
    malformed: { weight: 3, arbitrary: malformed(seeds).map(from('malformed')) },
    binary: { weight: 1, arbitrary: binary(seeds).map(from('binary')) },
    huge: { weight: 1, arbitrary: huge(seeds).map(from('huge')) },
    'hostile-names': { weight: 2, arbitrary: hostileNames(seeds).map(from('hostile-names')) },
  };
  const unknown = kinds.filter((k) => !all[k]);
  if (unknown.length > 0 || kinds.length === 0)
    throw new Error(`unknown case kinds: ${unknown.join(', ') || 'none given'}`);
  const repo = fc.oneof(...kinds.map((k) => all[k]));
  return fc.record({ repo, args: fc.constantFrom(...commands) }).map(({ repo: r, args }) => ({ ...r, args }));
}

/** Case number `index` of the campaign with `seed` (independent of the other cases). */
export function generateCase(arb, seed, index) {
  const [c] = fc.sample(arb, { seed: (Math.imul(seed, 1_000_003) + index) | 0, numRuns: 1 });
  return c;
}
