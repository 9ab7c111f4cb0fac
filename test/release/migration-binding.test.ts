/**
 * Each migration set on the workloads that run it (issue 13, item 4): the binding from evidence
 * (migration runs, the pipeline that migrates and deploys, the set's path, the only workload), the
 * deploy targets a pipeline names, and the designs of multi-service fixtures on a tagged release.
 */
import { cpSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyze,
  discover,
  discoverRepository,
  loadService,
  plan,
  planOutcome,
  render,
} from '../../src/index.js';
import type { Plan } from '../../src/model/plan.js';
import type { MigrationRun, Pipeline, Workload } from '../../src/model/service.js';
import { deployTargets } from '../../src/readers/discovery/deploy-targets.js';
import {
  bindMigrationSets,
  pipelineWorkloads,
  runsWithoutSet,
} from '../../src/readers/discovery/migration-binding.js';
import { discoverText } from '../../src/renderers/discover.js';
import { SHOP, ZOO } from '../discovery/helpers.js';
import { commit, tempRepo, write } from '../helpers/git-repo.js';
import { workload } from '../platforms/helpers.js';
import { commands } from '../shapes/helpers.js';

/** The shared test workload, without its default namespace (binding here is by directory). */
const wl = (kind: string, name: string, file: string, extra: Partial<Workload> = {}): Workload => {
  const { namespace: _ns, ...w } = workload('kubernetes', { kind, name, at: { file, line: 1 }, ...extra });
  return extra.namespace ? { ...w, namespace: extra.namespace } : w;
};

const api = wl('Deployment', 'api', 'services/api/k8s/deployment.yaml');
const web = wl('Deployment', 'web', 'services/web/k8s/deployment.yaml');
const worker = wl('ECSService', 'orders-worker', 'ecs/service.json', {
  platform: 'ecs',
  ecs: { service: 'orders-worker', cluster: 'prod' },
});
const run = (r: Partial<MigrationRun> & Pick<MigrationRun, 'mode' | 'at'>): MigrationRun => ({
  detail: 'a run',
  ...r,
});
const pipeline = (deploys: string[], command: string, dir?: string): Pipeline => ({
  provider: 'gitlab-ci',
  file: '.gitlab-ci.yml',
  deployJob: 'deploy',
  deploys,
  migrations: [
    {
      job: 'migrate',
      command,
      tool: 'dbmate',
      ...(dir ? { dir } : {}),
      at: { file: '.gitlab-ci.yml', line: 9 },
    },
  ],
});

describe('bindMigrationSets: which workloads run each set, from evidence', () => {
  const dbmate = { tool: 'dbmate' as const, path: 'db/migrations' };
  it.each([
    {
      name: 'a CI migrate job binds to what the same pipeline deploys',
      sets: [dbmate],
      workloads: [api, web, worker],
      runs: [],
      pipelines: [
        pipeline(['ecsservice/orders-worker'], 'dbmate --migrations-dir db/migrations up', 'db/migrations'),
      ],
      want: [['ecsservice/orders-worker'], 'pipeline'],
    },
    {
      name: 'a CI migrate job whose deploy job deploys no workload found binds nothing',
      sets: [dbmate],
      workloads: [api, web],
      runs: [],
      pipelines: [pipeline([], 'dbmate --migrations-dir db/migrations up', 'db/migrations')],
      want: [[], undefined],
    },
    {
      name: 'a CI job migrating another folder does not bind this one',
      sets: [dbmate],
      workloads: [api, web],
      runs: [],
      pipelines: [
        pipeline(['deployment/api'], 'dbmate --migrations-dir other/migrations up', 'other/migrations'),
      ],
      want: [[], undefined],
    },
    {
      name: 'an init container of api naming the folder',
      sets: [dbmate],
      workloads: [api, web],
      runs: [
        run({
          mode: 'init-container',
          tool: 'dbmate',
          dir: 'db/migrations',
          workload: 'deployment/api',
          at: { file: 'services/api/k8s/deployment.yaml', line: 20 },
        }),
      ],
      pipelines: [],
      want: [['deployment/api'], 'migration-run'],
    },
    {
      name: 'a Procfile release phase of another tool (rails) does not bind a dbmate set',
      sets: [dbmate],
      workloads: [api, web],
      runs: [run({ mode: 'release-phase', tool: 'rails', at: { file: 'services/web/Procfile', line: 2 } })],
      pipelines: [],
      want: [[], undefined],
    },
    {
      name: 'a startup migrator in the workload directory, the set its tool’s only one',
      sets: [dbmate],
      workloads: [api, web],
      runs: [
        run({ mode: 'startup', tool: 'dbmate', at: { file: 'services/web/k8s/entrypoint.sh', line: 3 } }),
      ],
      pipelines: [],
      want: [['deployment/web'], 'migration-run'],
    },
    {
      name: 'the path: services/api/db sits with api',
      sets: [{ tool: 'golang-migrate' as const, path: 'services/api/db/migrations' }],
      workloads: [api, web],
      runs: [],
      pipelines: [],
      want: [['deployment/api'], 'path'],
    },
    {
      name: 'a root set in a repository of several workloads: bound to none',
      sets: [dbmate],
      workloads: [api, web, worker],
      runs: [],
      pipelines: [],
      want: [[], undefined],
    },
    {
      name: 'the only workload (variants in two overlays count as one)',
      sets: [dbmate],
      workloads: [api, { ...api, kustomize: { overlay: 'services/api/overlays/staging' } }],
      runs: [],
      pipelines: [],
      want: [['deployment/api'], 'only-workload'],
    },
  ])('$name', ({ sets, workloads, runs, pipelines, want }) => {
    const [b] = bindMigrationSets({ sets, workloads, runs, pipelines });
    expect([b?.workloads, b?.by]).toEqual(want);
    // evidence when bound, what was checked when not
    if (b?.workloads.length) expect(b.evidence.length).toBeGreaterThan(0);
    else expect(b?.checked.length).toBeGreaterThan(0);
  });

  it('a startup migrator that names no folder, with two sets of its tool: ambiguous, bound to none', () => {
    const [a, b] = bindMigrationSets({
      sets: [dbmate, { tool: 'dbmate', path: 'other/migrations' }],
      workloads: [api, web],
      runs: [
        run({ mode: 'startup', tool: 'dbmate', at: { file: 'services/web/k8s/entrypoint.sh', line: 3 } }),
      ],
      pipelines: [],
    });
    expect(a?.workloads).toEqual([]);
    expect(b?.workloads).toEqual([]);
    expect(a?.checked[0]).toMatch(/without naming a folder, and the repository holds several dbmate sets/);
  });
});

describe('runsWithoutSet: migration runs that run no set rollbook read, with their workloads', () => {
  const dbmate = { tool: 'dbmate' as const, path: 'db/migrations' };
  const ciJob = (command: string, tool?: string): Pipeline => ({
    ...pipeline(['deployment/api'], command),
    migrations: [
      { job: 'migrate', command, ...(tool ? { tool } : {}), at: { file: '.gitlab-ci.yml', line: 9 } },
    ],
  });
  const composeRun = run({
    mode: 'compose-service',
    detail: 'compose service migrate (before app): ./bin/migrate up',
    workload: 'deployment/web',
    at: { file: 'services/web/k8s/deployment.yaml', line: 30 },
  });
  it.each([
    {
      name: 'a compose migrator of a tool rollbook cannot tell: its workload, tool unknown',
      sets: [dbmate],
      runs: [composeRun],
      pipelines: [],
      want: ['deployment/web unknown-tool compose-service'],
    },
    {
      name: 'a CI job running ./scripts/migrate.sh: the workloads its pipeline deploys',
      sets: [],
      runs: [],
      pipelines: [ciJob('./scripts/migrate.sh')],
      want: ['deployment/api unknown-tool pipeline'],
    },
    {
      name: 'a CI job of a known tool with no set of it (rails, no rails migrations read)',
      sets: [dbmate],
      runs: [],
      pipelines: [ciJob('bundle exec rails db:migrate', 'rails')],
      want: ['deployment/api rails pipeline'],
    },
    {
      name: 'a CI job whose tool is known and has a set: none',
      sets: [dbmate],
      runs: [],
      pipelines: [ciJob('dbmate up', 'dbmate')],
      want: [],
    },
    {
      name: 'a run of an unknown tool naming the set’s folder runs it: none',
      sets: [dbmate],
      runs: [{ ...composeRun, dir: 'db/migrations' }],
      pipelines: [],
      want: [],
    },
    {
      name: 'a pipeline that deploys no workload found: nobody’s',
      sets: [],
      runs: [],
      pipelines: [{ ...ciJob('./scripts/migrate.sh'), deploys: [] }],
      want: [],
    },
  ])('$name', ({ sets, runs, pipelines, want }) => {
    expect(
      runsWithoutSet({ sets, workloads: [api, web], runs, pipelines }).map(
        (r) => `${r.workloads.join(',')} ${r.toolUnknown ? 'unknown-tool' : r.run.tool} ${r.run.mode}`,
      ),
    ).toEqual(want);
  });
});

describe('deployTargets: what a deploy job names, and the workloads it matches', () => {
  it.each([
    [
      'aws ecs update-service --cluster prod --service orders-worker --force-new-deployment',
      ['name orders-worker'],
    ],
    ['kubectl -n shop set image deployment/api app=ghcr.io/acme/api:$SHA', ['kind-name deployment/api']],
    ['kubectl apply -k services/web/overlays/prod', ['path services/web/overlays/prod']],
    [
      'helm upgrade --install -n pay -f values-prod.yaml payments ./charts/payments --wait',
      ['name payments', 'path charts/payments'],
    ],
    ['gcloud run deploy search-api --image gcr.io/x/search:1 --region europe-west1', ['name search-api']],
    ['argocd app sync checkout-production --prune', ['name checkout-production']],
    ['nomad job run nomad/api.nomad.hcl', ['path nomad/api.nomad.hcl']],
    [
      'cd services/checkout/overlays/production\nkustomize edit set image ghcr.io/acme/checkout-api:$' +
        '{{ github.sha }}',
      ['path services/checkout/overlays/production', 'image ghcr.io/acme/checkout-api'],
    ],
    ['aws ecs update-service --cluster prod --service $SERVICE', []],
    // docker compose up: the file (-f, from the directory it runs in) or the project directory, and
    // the services it names; a host's directory or a variable: the repository's only project ('')
    [
      'docker compose -f deploy/docker-compose.yml -f deploy/docker-compose.prod.yml up -d --no-deps web worker',
      ['compose deploy/docker-compose.yml web,worker'],
    ],
    ['cd deploy && docker-compose up -d', ['path deploy', 'compose deploy']],
    ['docker compose --profile jobs up --wait --wait-timeout 120', ['compose .']],
    [
      'cd /srv/ledger\ndocker compose pull && docker compose up -d --no-deps api',
      ['path /srv/ledger', 'compose  api'],
    ],
    ['docker compose -f $COMPOSE_FILE up -d', ['compose ']],
    ['docker compose run --rm migrate', []],
    // sam deploy: the stack it names, and the template it reads (sam build's output: its directory's)
    [
      'sam deploy --stack-name thumbnails-prod --no-confirm-changeset --no-fail-on-empty-changeset',
      ['stack thumbnails-prod', 'template .', 'sam-config samconfig.toml@default'],
    ],
    [
      'cd lambda/thumbnails && sam deploy',
      [
        'path lambda/thumbnails',
        'template lambda/thumbnails',
        'sam-config lambda/thumbnails/samconfig.toml@default',
      ],
    ],
    [
      'sam deploy -t lambda/.aws-sam/build/template.yaml --stack-name $STACK',
      ['template lambda', 'sam-config lambda/samconfig.toml@default'],
    ],
    // --config-env / --config-file: that environment of that file (discovery reads its stack_name)
    [
      'cd lambda && sam deploy --config-env prod --no-confirm-changeset',
      ['path lambda', 'template lambda', 'sam-config lambda/samconfig.toml@prod!'],
    ],
    [
      'sam deploy --config-file config/samconfig.yaml',
      ['template .', 'sam-config config/samconfig.yaml@default!'],
    ],
    // aws cloudformation deploy (and the action that runs it); registering a task definition file
    [
      'aws cloudformation deploy --stack-name orders-prod --template-file services/orders/template.yaml',
      ['stack orders-prod', 'template services/orders/template.yaml'],
    ],
    [
      'aws ecs register-task-definition --cli-input-json file://ecs/taskdef.json\naws ecs update-service --cluster prod --service orders --task-definition orders-td:42',
      ['path ecs/taskdef.json', 'name orders', 'name orders-td'],
    ],
    ['gcloud run jobs deploy nightly-report --region europe-west1', ['name nightly-report']],
    // serverless deploy: the config it reads (--config, else the directory's serverless.yml)
    ['npx sls deploy --stage prod --verbose', ['template .']],
    [
      'serverless deploy --config services/notifier/serverless.yml -s prod',
      ['template services/notifier/serverless.yml'],
    ],
    ['sls deploy function -f send', []],
  ])('%s', (script, want) => {
    expect(
      deployTargets(script).map(
        (t) =>
          `${t.kind} ${t.value}${t.services ? ` ${t.services.join(',')}` : ''}${t.env ? `@${t.env}` : ''}${t.explicit ? '!' : ''}`,
      ),
    ).toEqual(want);
  });

  it('compose, stack and template targets match the workloads they name', () => {
    const svc = (name: string) => ({ name, profiles: [], dependsOn: [], runsMigration: false });
    const project = (dir: string, services: string[]) =>
      wl('ComposeProject', dir || 'root', `${dir ? `${dir}/` : ''}docker-compose.yml`, {
        platform: 'compose',
        compose: {
          dir,
          files: [`${dir ? `${dir}/` : ''}docker-compose.yml`],
          ignoredFiles: [],
          services: services.map(svc),
          oneShot: [],
          others: [svc('db')],
          volumes: [],
        },
      });
    const deploy = project('deploy', ['web', 'worker']);
    const tools = project('tools', ['cron']);
    const fn = (name: string, file: string, stack?: string) =>
      wl('Function', name, file, {
        platform: 'lambda',
        lambda: { function: name, ...(stack ? { stack } : {}) },
      });
    const thumbs = fn('thumbnails', 'lambda/template.yaml', 'thumbnails-prod');
    const notifier = fn('notifier-prod-send', 'services/notifier/serverless.yml');
    const all = [deploy, tools, thumbs, notifier, api];
    const names = (script: string) =>
      pipelineWorkloads(
        { provider: 'github-actions', file: 'd.yml', targets: deployTargets(script) },
        all,
      ).map((w) => w.name);
    expect(names('docker compose -f deploy/docker-compose.yml up -d web')).toEqual(['deploy']);
    expect(names('docker compose -f deploy/docker-compose.yml up -d cron')).toEqual([]);
    expect(names('cd tools && docker compose up -d')).toEqual(['tools']);
    // two projects: a host's directory cannot tell which
    expect(names('cd /srv/app && docker compose up -d')).toEqual([]);
    expect(names('sam deploy --stack-name thumbnails-prod -t .aws-sam/build/template.yaml')).toEqual([
      'thumbnails',
    ]);
    expect(names('cd lambda && sam deploy')).toEqual(['thumbnails']);
    expect(names('cd services/notifier && npx serverless deploy --stage prod')).toEqual([
      'notifier-prod-send',
    ]);
  });

  it('an image matches only when nothing more precise did (the production overlay, not staging)', () => {
    const prod = wl('Deployment', 'checkout', 'services/checkout/base/deployment.yaml', {
      kustomize: { overlay: 'services/checkout/overlays/production' },
      images: [{ ref: 'ghcr.io/acme/checkout:1', repository: 'ghcr.io/acme/checkout', tag: '1' }],
    });
    const staging = { ...prod, kustomize: { overlay: 'services/checkout/overlays/staging' } };
    const p: Pipeline = {
      provider: 'github-actions',
      file: 'deploy.yml',
      targets: deployTargets(
        'cd services/checkout/overlays/production\nkustomize edit set image ghcr.io/acme/checkout:$SHA',
      ),
    };
    expect(pipelineWorkloads(p, [prod, staging])).toEqual([prod]);
    expect(
      pipelineWorkloads({ ...p, targets: [{ kind: 'image', value: 'ghcr.io/acme/checkout' }] }, [
        prod,
        staging,
      ]),
    ).toEqual([prod, staging]);
  });
});

// ---- designs on tagged releases -------------------------------------------------------------

const repos: (() => void)[] = [];
afterAll(() => {
  for (const c of repos) c();
});

/** A fixture as a git repository: v1.0.0 as it is, v1.1.0 with `add` (new migrations). */
function released(fixture: string, add: Record<string, string>): string {
  const { root, cleanup } = tempRepo('rollbook-binding-');
  repos.push(cleanup);
  cpSync(fixture, root, { recursive: true });
  commit(root, '1.0.0', 'v1.0.0');
  write(root, add);
  commit(root, '1.1.0', 'v1.1.0');
  return root;
}

async function design(root: string, workload: string): Promise<Plan> {
  const s = await loadService(root, { workload });
  return plan(s, analyze(s));
}

const hazardIds = (p: Plan) => p.hazards.map((h) => h.rule);
const text = (p: Plan) => commands(p).join('\n');

describe('platform-zoo on a release that adds a dbmate migration', () => {
  let zoo = '';
  beforeAll(() => {
    zoo = released(ZOO, {
      'db/migrations/20240301090000_add_report_format.sql':
        "-- migrate:up\nALTER TABLE reports ADD COLUMN format text NOT NULL DEFAULT 'pdf';\n\n-- migrate:down\nALTER TABLE reports DROP COLUMN format;\n",
    });
  });

  it('the ECS service the pipeline deploys gets the data step, the backup and the pipeline findings', async () => {
    const p = await design(zoo, 'ecsservice/orders-worker');
    expect(p.risk).toBe('high');
    expect(text(p)).toContain(
      'dbmate --url "$' + '{DATABASE_URL}" --migrations-dir db/migrations --no-dump-schema rollback',
    );
    expect(text(p)).toContain('pg_dump');
    expect(hazardIds(p)).toEqual(expect.arrayContaining(['migrations-before-rollout', 'lossy-down']));
    const mutable = p.hazards.find((h) => h.rule === 'mutable-image-tag');
    expect(mutable?.evidence.map((e) => `${e.file}:${e.line}`)).toContain('.gitlab-ci.yml:17');
  });

  it('the Heroku app runs rails db:migrate and the repository holds no rails migrations: data path unknown, not low, exit 1', async () => {
    const p = await design(zoo, 'herokuapp/storefront-classic');
    expect(p.risk).toBe('high');
    expect(p.dataPathUnknown).toEqual([
      'Procfile release: rails db:migrate (heroku/Procfile:2): rails, set not bound (rollbook read no rails migration set it runs)',
    ]);
    expect(planOutcome(p).outcome).toBe('unknown');
    expect(text(p)).not.toContain('dbmate');
    expect(p.unknowns.map((u) => u.subject)).toContain(
      'migrations run by Procfile release: rails db:migrate',
    );
  });

  it.each(['service/search-api', 'nomadjob/billing-api'])(
    '%s: no dbmate step, no pg_dump, no risk from the set, no finding of a pipeline that deploys another service',
    async (workload) => {
      const p = await design(zoo, workload);
      expect(p.risk).toBe('low');
      expect(text(p)).not.toContain('dbmate');
      expect(text(p)).not.toContain('pg_dump');
      expect(p.hazards.filter((h) => h.evidence.some((e) => e.file === '.gitlab-ci.yml'))).toEqual([]);
      expect(p.hazards.some((h) => h.rule === 'lossy-down')).toBe(false);
      expect(p.unknowns.some((u) => u.subject.startsWith('migration set'))).toBe(false);
    },
  );
});

describe('shop-monorepo on a release that adds a checkout migration', () => {
  let shop = '';
  beforeAll(() => {
    shop = released(SHOP, {
      'services/checkout/db/migrations/000003_order_notes.up.sql':
        'ALTER TABLE orders ADD COLUMN notes text;\n',
      'services/checkout/db/migrations/000003_order_notes.down.sql':
        'ALTER TABLE orders DROP COLUMN notes;\n',
    });
  });

  it('checkout: its migrations, and the finding of the pipeline that migrates before deploying it', async () => {
    const p = await design(shop, 'deployment/checkout-api');
    expect(p.risk).toBe('high');
    expect(text(p)).toContain('migrate -path services/checkout/db/migrations');
    expect(hazardIds(p)).toContain('migrations-before-rollout');
  });

  it.each(['statefulset/inventory', 'rollout/storefront'])(
    '%s: not checkout’s pipeline finding, not its migrations',
    async (workload) => {
      const p = await design(shop, workload);
      expect(p.risk).toBe('low');
      expect(hazardIds(p)).not.toContain('migrations-before-rollout');
      expect(text(p)).not.toContain('services/checkout/db/migrations');
    },
  );
});

describe('a crossed set that nothing binds, in a repository of two workloads', () => {
  let root = '';
  beforeAll(() => {
    const { root: r, cleanup } = tempRepo('rollbook-unbound-');
    repos.push(cleanup);
    root = r;
    const dep = (name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/${name}:1.0.0\n`;
    write(root, {
      'k8s/api.yaml': dep('api'),
      'k8s/web.yaml': dep('web'),
      'db/migrations/20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n',
    });
    commit(root, '1.0.0', 'v1.0.0');
    write(root, {
      'db/migrations/20240201000000_more.sql':
        '-- migrate:up\nALTER TABLE t ADD COLUMN n int;\n-- migrate:down\nALTER TABLE t DROP COLUMN n;\n',
    });
    commit(root, '1.1.0', 'v1.1.0');
  });

  it('the design says the data path is unknown, names the set and the YAML that binds it, and gives it no command', async () => {
    const p = await design(root, 'deployment/api');
    expect(p.risk).toBe('high');
    const u = p.unknowns.find((x) => x.subject === 'migration set db/migrations');
    expect(u?.reason).toContain('bound to no workload');
    expect(u?.reason).toContain(
      'state: { migrations: { path: db/migrations, tool: dbmate, database: postgres } }',
    );
    expect(text(p)).not.toMatch(/dbmate --url/);
    expect(text(p)).not.toContain('pg_dump');
    expect(text(p)).toContain('db/migrations (dbmate) is bound to no workload');
    // the risk line says why, and the design is not proven (exit 1) until rollbook.yaml binds it
    expect(p.dataPathUnknown).toEqual([
      'db/migrations (dbmate): 1 migration crossed, a set bound to no workload',
    ]);
    expect(render(p, 'md')).toContain('**Risk: HIGH** — the data path is unknown: db/migrations (dbmate)');
    const outcome = planOutcome(p);
    expect(outcome.outcome).toBe('unknown');
    expect(outcome.couldNotProve.find((u) => u.id === 'migration-set-bound')?.prove).toMatch(
      /state\.migrations/,
    );
  });
});

describe('migration runs of a tool rollbook cannot tell (issue 13): the data path is unknown unless a set is bound', () => {
  const dep = (name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/${name}:1.0.0\n`;
  const workflow = `on: push
jobs:
  migrate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/migrate.sh
  deploy:
    needs: migrate
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl set image deployment/api app=ghcr.io/acme/api:\${{ github.sha }}
          kubectl set image deployment/billing app=ghcr.io/acme/billing:\${{ github.sha }}
`;
  const compose = `services:
  db:
    image: postgres:16
  migrate:
    image: myorg/migrator:1.2
    command: ./bin/migrate up
    depends_on: { db: { condition: service_started } }
  app:
    image: myorg/app:1.2
    depends_on:
      migrate:
        condition: service_completed_successfully
`;
  let ci = '';
  let composeRepo = '';
  beforeAll(() => {
    const a = tempRepo('rollbook-unknown-run-');
    repos.push(a.cleanup);
    ci = a.root;
    write(ci, {
      'services/api/k8s/deployment.yaml': dep('api'),
      'services/billing/k8s/deployment.yaml': dep('billing'),
      'services/web/k8s/deployment.yaml': dep('web'),
      'services/billing/db/migrations/20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE invoices (id int);\n-- migrate:down\nDROP TABLE invoices;\n',
      'scripts/migrate.sh': '#!/bin/sh\nexec ./bin/release-tool schema apply\n',
      '.github/workflows/deploy.yml': workflow,
    });
    commit(ci, '1.0.0', 'v1.0.0');
    write(ci, { 'services/api/k8s/deployment.yaml': dep('api').replace('1.0.0', '1.1.0') });
    commit(ci, '1.1.0', 'v1.1.0');
    const b = tempRepo('rollbook-unknown-compose-');
    repos.push(b.cleanup);
    composeRepo = b.root;
    write(composeRepo, { 'docker-compose.yml': compose });
    commit(composeRepo, '1.0.0', 'v1.0.0');
    write(composeRepo, { 'docker-compose.yml': compose.replace('myorg/app:1.2', 'myorg/app:1.3') });
    commit(composeRepo, '1.1.0', 'v1.1.0');
  });

  const reconcile = (p: Plan) =>
    p.runbook.filter((s) => s.title.startsWith('Find out whether the previous version can read'));

  it('a CI job running ./scripts/migrate.sh before deploying api: HIGH, exit 1, an unknown naming the job and state.migrations, a reconcile item', async () => {
    const p = await design(ci, 'deployment/api');
    expect(p.risk).toBe('high');
    expect(p.dataPathUnknown).toEqual([
      'github-actions .github/workflows/deploy.yml job migrate: ./scripts/migrate.sh (.github/workflows/deploy.yml:3) runs migrations with a tool rollbook does not recognise, and no migration set is bound to this workload',
    ]);
    expect(planOutcome(p).outcome).toBe('unknown');
    const u = p.unknowns.find((x) => x.subject.startsWith('migrations run by github-actions'));
    expect(u?.reason).toContain('.github/workflows/deploy.yml:3');
    expect(u?.reason).toContain(
      'state.migrations: { tool: <its tool>, path: <the folder of the files it runs>',
    );
    expect(reconcile(p).map((s) => s.title)).toEqual([
      'Find out whether the previous version can read what the new one wrote: github-actions .github/workflows/deploy.yml job migrate: ./scripts/migrate.sh',
    ]);
  });

  it('billing, deployed by the same job, has its own set bound: the run is accounted for; web, deployed by none, is low', async () => {
    const billing = await design(ci, 'deployment/billing');
    expect(billing.dataPathUnknown).toBeUndefined();
    expect(billing.unknowns.some((u) => u.subject.startsWith('migrations run by'))).toBe(false);
    const web = await design(ci, 'deployment/web');
    expect(web.risk).toBe('low');
    expect(web.dataPathUnknown).toBeUndefined();
  });

  it('a compose migration service of image myorg/migrator running ./bin/migrate up: HIGH, exit 1, the unknown names it', async () => {
    const s = await loadService(composeRepo);
    const p = plan(s, analyze(s));
    expect(p.risk).toBe('high');
    expect(p.dataPathUnknown).toEqual([
      'compose service migrate (before app): ./bin/migrate up (docker-compose.yml:4) runs migrations with a tool rollbook does not recognise, and no migration set is bound to this workload',
    ]);
    // exit 1: not proven (and here also failed by an error-level hazard of the compose project)
    expect(planOutcome(p).outcome).not.toBe('pass');
    expect(planOutcome(p).couldNotProve.map((u) => u.id)).toContain('migration-set-bound');
    expect(p.unknowns.find((u) => u.subject.startsWith('migrations run by compose'))?.reason).toContain(
      'docker-compose.yml:4',
    );
    expect(reconcile(p)).toHaveLength(1);
  });
});

describe('every deploy job of a pipeline, each with its own targets (issue 13)', () => {
  const dep = (name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/${name}:1.0.0\n`;
  let root = '';
  beforeAll(() => {
    const r = tempRepo('rollbook-deploy-jobs-');
    repos.push(r.cleanup);
    root = r.root;
    write(root, {
      'services/api/k8s/deployment.yaml': dep('api'),
      'services/web/k8s/deployment.yaml': dep('web'),
      'services/web/db/migrations/20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE pages (id int);\n-- migrate:down\nDROP TABLE pages;\n',
      '.github/workflows/deploy.yml': `on: push
jobs:
  deploy-api:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/api app=ghcr.io/acme/api:\${{ github.sha }}
  migrate-web:
    runs-on: ubuntu-latest
    steps:
      - run: dbmate --migrations-dir services/web/db/migrations up
  deploy-web:
    needs: migrate-web
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/web app=ghcr.io/acme/web:\${{ github.sha }}
`,
    });
    commit(root, '1.0.0', 'v1.0.0');
    write(root, { 'services/api/k8s/deployment.yaml': dep('api').replace('1.0.0', '1.1.0') });
    commit(root, '1.1.0', 'v1.1.0');
  });

  it('discover lists both deploy jobs, each with the workload it deploys and the migrations tied to it', async () => {
    const d = await discover(root);
    expect(
      d.pipelines.map(
        (p) =>
          `${p.deployJob} → ${p.deploys?.join(',')}; before: ${p.migratesBeforeDeploy}; ${(p.migrations ?? []).map((m) => m.job).join(',')}`,
      ),
    ).toEqual([
      'deploy-api → deployment/api; before: false; ',
      'deploy-web → deployment/web; before: true; migrate-web',
    ]);
    const report = await discoverRepository({ dir: root });
    expect(report.deployFiles.find((f) => f.file === '.github/workflows/deploy.yml')?.notes).toEqual([
      'github-actions pipeline: deploy jobs deploy-api, deploy-web (migrates before it)',
    ]);
    const text = discoverText(report);
    expect(text).toContain('deploy job deploy-api');
    expect(text).toContain('deploy job deploy-web');
  });

  it('the finding of the job that migrates before deploying web is web’s, not api’s', async () => {
    const web = await design(root, 'deployment/web');
    expect(hazardIds(web)).toContain('migrations-before-rollout');
    const api = await design(root, 'deployment/api');
    expect(hazardIds(api)).not.toContain('migrations-before-rollout');
  });
});
