/**
 * Real git repositories for release tests, built in temp dirs: tags v1, v2, v3 with migrations
 * added in each, rollbook.yaml committed only at v3, and a later commit that edits a released
 * migration.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

export function commit(root: string, message: string, tag?: string): void {
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '--allow-empty', '-m', message);
  if (tag) gitIn(root, 'tag', tag);
}

export function tempRepo(prefix = 'rollbook-release-'): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  gitIn(root, 'init', '-q', '-b', 'main');
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const deployment = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
spec:
  replicas: ${replicas}
  revisionHistoryLimit: 10
  selector:
    matchLabels: { app: orders }
  template:
    metadata:
      labels: { app: orders }
    spec:
      containers:
        - name: orders
          image: ${image}
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
`;

const flags = (entries: Record<string, string>) =>
  `${JSON.stringify(
    {
      $schema: 'https://flagd.dev/schema/v0/flags.json',
      flags: Object.fromEntries(
        Object.entries(entries).map(([k, v]) => [
          k,
          { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: v },
        ]),
      ),
    },
    null,
    2,
  )}\n`;

export const DESCRIPTOR = `version: 1
service: orders
deploy:
  platform: kubernetes
  workload: deployment/orders
  namespace: shop
state:
  migrations:
    tool: golang-migrate
    path: db/migrations
  flags:
    - provider: flagd
      file: flags/flags.json
`;

/**
 * v1: orders (payload jsonb); v2: a nullable column, a new flag, a new image;
 * v3: payload becomes text[] (breaks v2), rollbook.yaml appears; HEAD: v1's migration edited.
 */
export function releaseRepo(): { root: string; cleanup: () => void } {
  const repo = tempRepo();
  const { root } = repo;
  write(root, {
    'db/migrations/000001_create_orders.up.sql':
      'CREATE TABLE orders (id bigint PRIMARY KEY, payload jsonb NOT NULL);\n',
    'db/migrations/000001_create_orders.down.sql': 'DROP TABLE orders;\n',
    'k8s/deployment.yaml': deployment('ghcr.io/acme/orders:1.0.0', 3),
    'flags/flags.json': flags({ 'new-checkout': 'off' }),
    'README.md': '# orders\n',
  });
  commit(root, 'v1', 'v1');
  write(root, {
    'db/migrations/000002_add_note.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    'db/migrations/000002_add_note.down.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
    'k8s/deployment.yaml': deployment('ghcr.io/acme/orders:2.0.0', 3),
    'flags/flags.json': flags({ 'new-checkout': 'off', 'fast-tax': 'off' }),
  });
  commit(root, 'v2', 'v2');
  write(root, {
    'db/migrations/000003_payload_array.up.sql':
      'ALTER TABLE orders ALTER COLUMN payload TYPE text[] USING ARRAY[payload::text];\n',
    'db/migrations/000003_payload_array.down.sql':
      'ALTER TABLE orders ALTER COLUMN payload TYPE jsonb USING to_jsonb(payload);\n',
    'db/migrations/000004_add_total.up.sql': 'ALTER TABLE orders ADD COLUMN total_cents bigint;\n',
    'db/migrations/000004_add_total.down.sql': 'ALTER TABLE orders DROP COLUMN total_cents;\n',
    'k8s/deployment.yaml': deployment('ghcr.io/acme/orders:3.0.0', 5),
    'flags/flags.json': flags({ 'new-checkout': 'on', 'fast-tax': 'off' }),
    'rollbook.yaml': DESCRIPTOR,
  });
  commit(root, 'v3', 'v3');
  return repo;
}

/** After v3: a released migration (v1's) edited in a later, untagged commit. */
export function editReleasedMigration(root: string): void {
  write(root, {
    'db/migrations/000001_create_orders.up.sql':
      'CREATE TABLE orders (id bigint PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz);\n',
  });
  commit(root, 'edit a released migration');
}

/** A Deployment of one container `ghcr.io/acme/<name>:1.0.0` in namespace shop (two-service repositories). */
export const shopDeployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - { name: ${name}, image: 'ghcr.io/acme/${name}:1.0.0' }
`;
