import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { discover, loadService, plan } from '../../src/index.js';
import {
  composeRuns,
  configTables,
  goRuns,
  kubernetesRuns,
  migrationCommand,
  scriptRuns,
  urlTables,
} from '../../src/readers/discovery/migration-runs.js';
import { loadParser } from '../../src/readers/migrations/index.js';
import { renderCommand } from '../../src/util/shell.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const GO = join(ROOT, 'fixtures/repos/go-startup-migrator');
const at = (line: number) => () => ({ file: 'f.yaml', line });

beforeAll(async () => {
  await loadParser();
});

describe('how migrations run: evidence per mode', () => {
  it('Go code calling golang-migrate m.Up() at startup, with MigrationsTable', () => {
    const text = readFileSync(join(GO, 'cmd/server/main.go'), 'utf8');
    const r = goRuns('cmd/server/main.go', text);
    expect(
      r.runs.map((x) => `${x.mode} ${x.tool} ${x.at.file}:${x.at.line} ${x.refusesNewerDatabase}`),
    ).toEqual(['startup golang-migrate cmd/server/main.go:28 true']);
    expect(r.tables.map((t) => `${t.tool} ${t.table.value} ${t.table.at?.line}`)).toEqual([
      'golang-migrate accounts_schema_migrations 19',
    ]);
  });

  it('goose.Up in Go and goose.SetTableName: startup, tolerates a newer database', () => {
    const text = [
      'package main',
      'import "github.com/pressly/goose/v3"',
      'func main() {',
      '  goose.SetTableName("billing_goose_version")',
      '  if err := goose.Up(db, "migrations"); err != nil { panic(err) }',
      '}',
    ].join('\n');
    const r = goRuns('cmd/billing/main.go', text);
    expect(r.runs.map((x) => `${x.mode} ${x.tool} ${x.at.line} ${x.refusesNewerDatabase ?? false}`)).toEqual([
      'startup goose 5 false',
    ]);
    expect(r.tables.map((t) => `${t.tool} ${t.table.value}`)).toEqual(['goose billing_goose_version']);
  });

  it('entrypoint scripts, Dockerfile CMD, Procfile release and web, npm start', () => {
    expect(
      scriptRuns(
        'docker-entrypoint.sh',
        '#!/bin/sh\nset -e\nmigrate -path /migrations -database "$DATABASE_URL" up\nexec /app\n',
      ).map((r) => `${r.mode} ${r.tool} ${r.at.line} ${r.refusesNewerDatabase}`),
    ).toEqual(['startup golang-migrate 3 true']);
    expect(
      scriptRuns(
        'Dockerfile',
        'FROM node:20\nCMD ["sh", "-c", "npx prisma migrate deploy && node dist/main.js"]\n',
      ).map((r) => `${r.mode} ${r.tool} ${r.at.line}`),
    ).toEqual(['startup prisma 2']);
    expect(
      scriptRuns('Procfile', 'web: bundle exec puma\nrelease: bundle exec rails db:migrate\n').map(
        (r) => `${r.mode} ${r.tool} ${r.at.line}`,
      ),
    ).toEqual(['release-phase rails 2']);
    expect(
      scriptRuns(
        'package.json',
        '{\n  "scripts": {\n    "start": "prisma migrate deploy && node server.js"\n  }\n}',
      ).map((r) => `${r.mode} ${r.tool} ${r.at.line}`),
    ).toEqual(['startup prisma 3']);
  });

  it('Kubernetes init containers and Argo CD PreSync hook Jobs; compose services', () => {
    const deploy = parseYaml(`
kind: Deployment
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: migrate/migrate:v4.17.0
          args: ["-path", "/migrations", "-database", "$(DATABASE_URL)", "up"]
      containers: [{ name: app, image: app:1 }]
`);
    expect(
      kubernetesRuns('Deployment', 'api', deploy, at(8)).map(
        (r) => `${r.mode} ${r.tool} ${r.refusesNewerDatabase}`,
      ),
    ).toEqual(['init-container golang-migrate true']);
    const job = parseYaml(`
kind: Job
metadata:
  annotations: { argocd.argoproj.io/hook: PreSync }
spec:
  template:
    spec:
      containers:
        - name: migrate
          command: ["goose", "-dir", "/migrations", "postgres", "$(DATABASE_URL)", "up"]
`);
    expect(kubernetesRuns('Job', 'migrate', job, at(2)).map((r) => `${r.mode} ${r.tool}`)).toEqual([
      'argocd-hook goose',
    ]);
    const compose = parseYaml(`
services:
  migrate:
    image: app:1
    command: ["npx", "knex", "migrate:latest"]
  app:
    image: app:1
    depends_on: { migrate: { condition: service_completed_successfully } }
`);
    expect(
      composeRuns('docker-compose.yml', compose, at(3)).map((r) => `${r.mode} ${r.tool} ${r.detail}`),
    ).toEqual(['compose-service knex compose service migrate (before app): knex migrate:latest']);
  });

  it.each([
    ['migrate -path db/migrations -database "$DATABASE_URL" up', 'golang-migrate'],
    ['migrate -database "$DATABASE_URL" up', 'golang-migrate'],
    // the app's own migrator, not golang-migrate's CLI (which needs -database)
    ['/app/ledger migrate up', undefined],
    ['./bin/migrate up', undefined],
  ])('%s: %s', (command, tool) => {
    expect(migrationCommand(command)?.tool).toBe(tool);
  });

  it('a compose migrator whose tool rollbook cannot tell is a run without a tool', () => {
    const compose = parseYaml(`
services:
  migrate:
    image: myorg/migrator:1.2
    command: ./bin/migrate up
  app:
    image: myorg/app:1.2
    depends_on: { migrate: { condition: service_completed_successfully } }
  db:
    image: postgres:16
`);
    expect(
      composeRuns('docker-compose.yml', compose, at(3)).map((r) => `${r.mode} ${r.tool} ${r.detail}`),
    ).toEqual(['compose-service undefined compose service migrate (before app): ./bin/migrate up']);
  });

  it('history tables in URLs and tool configuration', () => {
    expect(
      urlTables(
        '.env',
        'DATABASE_URL=postgres://u@db/app?sslmode=disable&x-migrations-table=app_migrations\n',
      ).map((t) => `${t.tool} ${t.table.value} ${t.table.at?.line}`),
    ).toEqual(['golang-migrate app_migrations 1']);
    expect(
      configTables('flyway.conf', 'flyway.url=jdbc:postgresql://db/app\nflyway.table=schema_history\n').map(
        (t) => `${t.tool} ${t.table.value} ${t.table.at?.line}`,
      ),
    ).toEqual(['flyway schema_history 2']);
  });
});

describe('a Go service that migrates itself at startup with a custom history table', () => {
  it('discover reports the run mode and the table with their evidence', async () => {
    const d = await discover(GO);
    expect(d.migrationRuns.map((r) => `${r.mode} ${r.tool} ${r.at.file}:${r.at.line}`)).toEqual([
      'startup golang-migrate cmd/server/main.go:28',
    ]);
    expect(d.migrationTables.map((t) => `${t.tool} ${t.table.value}`)).toEqual([
      'golang-migrate accounts_schema_migrations',
    ]);
  });

  it('plan: a blocking hazard and gate, the schema put back BEFORE the app, every command on the custom table', async () => {
    const service = await loadService(GO);
    expect(service.migrations[0]?.historyTable).toEqual({
      value: 'accounts_schema_migrations',
      at: { file: 'cmd/server/main.go', line: 19 },
    });
    const p = plan(service);
    const hazard = p.hazards.find((h) => h.rule === 'startup-migration-blocks-rollback');
    expect(hazard).toMatchObject({
      severity: 'error',
      appRollbackSafe: false,
      evidence: [{ file: 'cmd/server/main.go', line: 28 }],
    });
    const compat = p.gates.find((g) => g.id === 'current-target-compatible');
    expect(compat?.status).toBe('fail');
    expect(compat?.reason).toContain('startup-migration-blocks-rollback');
    const gate = p.gates.find((g) => g.id === 'schema-at-target-before-app');
    expect([gate?.blocking, gate?.status, gate?.evidence]).toEqual([
      true,
      'unknown',
      [{ file: 'cmd/server/main.go', line: 28 }],
    ]);
    expect(p.runbook.find((s) => s.id === 'rollout-undo')?.requiresGates).toContain(
      'schema-at-target-before-app',
    );
    const ids = p.runbook.map((s) => s.id);
    expect(ids.indexOf('revert-schema-first')).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf('revert-schema-first')).toBeLessThan(ids.indexOf('rollout-undo'));
    const schema = p.runbook.find((s) => s.id === 'revert-schema-first');
    const cmds = (schema?.commands ?? []).filter((c) => !c.manual).map((c) => renderCommand(c));
    expect(cmds).toEqual([
      [
        'migrate -path internal/db/migrations -database "$',
        '{MIGRATE_DATABASE_URL}" goto "$',
        '{TARGET_SCHEMA_VERSION}"',
      ].join(''),
    ]);
    expect(p.inputs?.find((i) => i.name === 'MIGRATE_DATABASE_URL')?.description).toContain(
      'x-migrations-table=accounts_schema_migrations',
    );
  });

  describe('init', () => {
    const t = tempDir();
    afterAll(() => t.cleanup());
    it('records the set and its history table in state.migrations', async () => {
      cpSync(GO, t.dir, { recursive: true });
      expect((await cli(['init', t.dir])).code).toBe(0);
      const doc = parseYaml(readFileSync(join(t.dir, 'rollbook.yaml'), 'utf8'));
      expect(doc.state.migrations).toEqual({
        tool: 'golang-migrate',
        path: 'internal/db/migrations',
        database: 'postgres',
        table: 'accounts_schema_migrations',
      });
    });
  });
});
