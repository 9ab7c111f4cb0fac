import { describe, expect, it } from 'vitest';
import { discover } from '../../src/readers/discover.js';
import { flagRefsIn } from '../../src/readers/discovery/flags.js';
import { samStackName } from '../../src/readers/discovery/lambda.js';
import { scriptMigrator } from '../../src/readers/discovery/pipelines.js';
import { tempRepo } from './helpers.js';

describe('flags', () => {
  it('flagd in YAML, Unleash export with featureStrategies/featureEnvironments', async () => {
    const dir = tempRepo({
      'flags.yaml': `flags:
  disable-recommendations:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: "off"
  pricing-v2:
    state: DISABLED
    variants: { on: true, off: false }
    defaultVariant: "off"
    metadata: { type: kill-switch }
`,
      'unleash.json': JSON.stringify(
        {
          features: [{ name: 'checkout.async', type: 'operational', project: 'default' }],
          featureStrategies: [
            {
              featureName: 'checkout.async',
              name: 'flexibleRollout',
              environment: 'production',
              parameters: { rollout: '50' },
            },
          ],
          featureEnvironments: [{ featureName: 'checkout.async', environment: 'production', enabled: true }],
        },
        null,
        2,
      ),
    });
    const d = await discover(dir);
    expect(d.flagSources.map((s) => `${s.provider} ${s.file}`)).toEqual([
      'flagd flags.yaml',
      'unleash unleash.json',
    ]);
    expect(
      d.flags.map(
        (f) =>
          `${f.key} ${f.provider} kill=${f.killSwitch} ${f.state} ${(f.strategies ?? []).join('|')} @${f.at?.line}`,
      ),
    ).toEqual([
      'checkout.async unleash kill=false enabled in production production: flexibleRollout 50% @3',
      'disable-recommendations flagd kill=true ENABLED  @2',
      'pricing-v2 flagd kill=true DISABLED  @6',
    ]);
  });

  it('finds flag keys evaluated through common SDKs', () => {
    const src = [
      "client.getBooleanValue('a-flag', false)",
      'client.BooleanValue(ctx, "go-flag", false, evalCtx)',
      "unleash.isEnabled('unleash.flag')",
      'client.get_boolean_value("py_flag", False)',
      "const on = useFlag('react-flag');",
      "ld.variation('ld-flag', user, false)",
      'notAFlag("x")',
    ].join('\n');
    expect(flagRefsIn('a.ts', src).map((r) => `${r.key}@${r.at.line}`)).toEqual([
      'a-flag@1',
      'go-flag@2',
      'unleash.flag@3',
      'py_flag@4',
      'react-flag@5',
      'ld-flag@6',
    ]);
  });
});

describe('pipelines', () => {
  it('GitHub Actions: migration step before the deploy step in one job, :latest only', async () => {
    const dir = tempRepo({
      '.github/workflows/release.yaml': `on: push
jobs:
  ship:
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t acme/app:latest . && docker push acme/app:latest
      - run: npx prisma migrate deploy
      - run: helm upgrade --install app ./chart --wait
`,
    });
    const d = await discover(dir);
    expect(d.pipelines).toEqual([
      {
        provider: 'github-actions',
        file: '.github/workflows/release.yaml',
        deployJob: 'ship',
        deployCommand: 'helm upgrade --install app ./chart --wait',
        // the release and the chart it names; no workload in this repository: matched by none
        targets: [
          { kind: 'name', value: 'app' },
          { kind: 'path', value: 'chart' },
        ],
        deploys: [],
        migrations: [
          {
            job: 'ship',
            command: 'npx prisma migrate deploy',
            tool: 'prisma',
            at: { file: '.github/workflows/release.yaml', line: 3, col: 3 },
          },
        ],
        migratesBeforeDeploy: true,
        immutableTag: false,
        at: { file: '.github/workflows/release.yaml', line: 3, col: 3 },
      },
    ]);
  });

  it('migrations after the deploy, or in an unrelated job, are not "before"; a workflow that does not deploy is not a pipeline', async () => {
    const dir = tempRepo({
      '.github/workflows/deploy.yml': `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/app app=acme/app:\${{ github.sha }}
      - run: rails db:migrate
  nightly-migrate:
    runs-on: ubuntu-latest
    steps:
      - run: rails db:migrate
`,
      '.github/workflows/test.yml':
        'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
    });
    const d = await discover(dir);
    expect(
      d.pipelines.map((p) => `${p.file} ${p.deployJob} ${p.migratesBeforeDeploy} ${p.immutableTag}`),
    ).toEqual(['.github/workflows/deploy.yml deploy false true']);
  });

  it.each([
    ['./scripts/migrate.sh', true],
    ['bash scripts/db-migrate.sh production', true],
    ['DATABASE_URL=$PROD_DB bin/migrate', true],
    ['python3 tools/migrate.py --env prod', true],
    ['docker compose run --rm migrate', true],
    ['docker run --rm myorg/migrator:1.2 up', true],
    // a folder in an env block, an echo, a flag: no command that migrates
    ['db/migrations', false],
    ['echo "running migrations"', false],
    ['./deploy.sh --skip-migrations', false],
  ])('a migrator rollbook does not know: %s → %s', (line, want) => {
    expect(scriptMigrator(line)).toBe(want);
  });

  it('migration commands of a tool rollbook cannot tell (a script, a job named migrate), not those of a test job', async () => {
    const dir = tempRepo({
      '.github/workflows/deploy.yml': `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres: { image: postgres:16 }
    steps:
      - run: ./scripts/migrate.sh && npm test
  migrate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/migrate.sh
  db-migration:
    runs-on: ubuntu-latest
    steps:
      - run: ./tools/run-task schema prod
  deploy:
    needs: [test, migrate, db-migration]
    runs-on: ubuntu-latest
    steps:
      - run: kubectl set image deployment/api app=acme/api:\${{ github.sha }}
`,
    });
    const d = await discover(dir);
    expect(d.pipelines.map((p) => p.migratesBeforeDeploy)).toEqual([true]);
    expect(d.pipelines[0]?.migrations?.map((m) => `${m.job}: ${m.command} ${m.tool}`)).toEqual([
      'migrate: ./scripts/migrate.sh undefined',
      'db-migration: (the job named db-migration) undefined',
    ]);
  });

  it('samconfig.toml: stack_name of the default deploy parameters', () => {
    expect(
      samStackName(
        'version = 0.1\n[staging.deploy.parameters]\nstack_name = "thumbs-staging"\n\n[default.deploy.parameters]\nstack_name = "thumbs-prod"\nresolve_s3 = true\n',
      ),
    ).toBe('thumbs-prod');
    expect(samStackName('[default.build.parameters]\ncached = true\n')).toBeUndefined();
  });

  it('every deploy job, each bound to what it deploys: sam deploy by stack, serverless by its config, compose up over ssh', async () => {
    const dir = tempRepo({
      'lambda/template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Thumbnails:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      AutoPublishAlias: live
`,
      'lambda/samconfig.toml': '[default.deploy.parameters]\nstack_name = "thumbnails-prod"\n',
      'notifier/serverless.yml':
        'service: notifier\nprovider:\n  name: aws\n  stage: prod\nfunctions:\n  send:\n    handler: handler.send\n',
      'deploy/docker-compose.yml':
        'services:\n  web:\n    image: ghcr.io/acme/web:1.0.0\n  db:\n    image: postgres:16\n',
      '.github/workflows/deploy.yml': `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: docker compose -f deploy/docker-compose.yml up -d db && npm test
  thumbnails:
    runs-on: ubuntu-latest
    steps:
      - run: sam build -t lambda/template.yaml
      - run: sam deploy --stack-name thumbnails-prod -t .aws-sam/build/template.yaml --no-confirm-changeset
  notifier:
    runs-on: ubuntu-latest
    steps:
      - run: npx serverless deploy --stage prod
        working-directory: notifier
  web:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: appleboy/ssh-action@v1
        with:
          script: |
            cd /srv/web
            docker compose pull web && docker compose up -d --no-deps web
`,
    });
    const d = await discover(dir);
    expect(d.pipelines.map((p) => `${p.deployJob} → ${(p.deploys ?? []).join(',')}`)).toEqual([
      'thumbnails → function/Thumbnails',
      'notifier → function/notifier-prod-send',
      'web → composeproject/deploy',
    ]);
  });
});
