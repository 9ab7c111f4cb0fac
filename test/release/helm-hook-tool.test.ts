/**
 * A Helm hook Job running a known migration tool records the tool (issue 13): with no set of that
 * tool bound, the design says "<tool>, set not bound" and names the rollbook.yaml lines that bind it.
 */
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import { planOutcome } from '../../src/outcomes.js';
import { templateMigrationCommand } from '../../src/readers/discovery/migration-runs.js';
import { tempRepo } from '../discovery/helpers.js';

describe('templateMigrationCommand: the migration command of an unrendered hook template', () => {
  it.each([
    [
      'flow list',
      'containers:\n  - name: m\n    image: migrate/migrate:v4.17.0\n    command: ["migrate", "-path", "/migrations", "-database", "$(DATABASE_URL)", "up"]',
      'golang-migrate',
    ],
    [
      'image entrypoint, block list of args',
      'containers:\n  - name: m\n    image: "migrate/migrate:v4.17.0"\n    args:\n      - -path\n      - /migrations\n      - -database\n      - {{ .Values.db.url | quote }}\n      - up',
      'golang-migrate',
    ],
    [
      'dbmate',
      'containers:\n  - name: m\n    image: ghcr.io/amacneil/dbmate:2.24\n    args: ["--wait", "--migrations-dir", "/db/migrations", "up"]',
      'dbmate',
    ],
    [
      'flyway',
      'containers:\n  - image: flyway/flyway:10\n    args: [-locations=filesystem:/flyway/sql, migrate]',
      'flyway',
    ],
    [
      'goose',
      'containers:\n  - image: acme/tools:1\n    command: [goose, -dir, /migrations, postgres, "$(DSN)", up]',
      'goose',
    ],
    [
      'the app migrating itself',
      'containers:\n  - image: acme/api:1\n    command: [/app/api, migrate]',
      undefined,
    ],
    [
      'a hook annotation is not a command',
      'metadata:\n  annotations:\n    "helm.sh/hook": pre-upgrade\n    note: goose up\nspec:\n  template:\n    spec:\n      containers:\n        - image: acme/api:1\n          command: [/app/api, migrate]',
      undefined,
    ],
  ])('%s', (_, text, tool) => {
    expect(templateMigrationCommand(text)?.tool).toBe(tool);
  });
});

const chart = (args: string) => ({
  'chart/Chart.yaml': 'apiVersion: v2\nname: orders\nversion: 1.0.0\n',
  'chart/values.yaml': 'image: { repository: ghcr.io/acme/orders, tag: 1.4.2 }\n',
  'chart/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: { app: orders }
  template:
    metadata:
      labels: { app: orders }
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  'chart/templates/migrate-job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: migrate/migrate:v4.17.0
          args: [${args}]
`,
});

describe('a Helm hook Job running golang-migrate with no set bound', () => {
  it.each([
    [
      'a repository folder: the YAML names it',
      '"-path", "db/migrations", "-database", "$(DATABASE_URL)", "up"',
      'path: db/migrations',
    ],
    [
      'a container path: the YAML asks for the folder',
      '"-path", "/migrations", "-database", "$(DATABASE_URL)", "up"',
      'path: <the folder of the files it runs>',
    ],
  ])('%s: the tool is recorded, "golang-migrate, set not bound", exit 1', async (_, args, path) => {
    const s = await loadService(tempRepo(chart(args)), { release: false });
    const p = plan(s, analyze(s));
    const run = s.migrationsNotFound?.[0];
    expect(run?.tool).toBe('golang-migrate');
    expect(run?.detail).toMatch(/^job\/.*-migrate Helm hook \(pre-install, pre-upgrade\): migrate .* up$/);
    expect(p.dataPathUnknown?.[0]).toContain('golang-migrate, set not bound');
    const u = s.unknowns.find((x) => x.subject.startsWith('migrations run by job/'));
    expect(u?.reason).toContain('golang-migrate, set not bound');
    expect(u?.reason).toContain(
      `state: { migrations: { tool: golang-migrate, ${path}, database: postgres } }`,
    );
    expect(u?.reason).not.toContain('does not recognise');
    expect(p.risk).toBe('high');
    expect(planOutcome(p).outcome).toBe('unknown');
  });
});
