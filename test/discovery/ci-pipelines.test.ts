/**
 * Every deploy job read, every pipeline file accounted for (issue 13, item 7): deploy steps that are
 * GitHub actions, `sam deploy --config-env`, and the CI systems beyond GitHub and GitLab.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, loadService, plan } from '../../src/index.js';
import { discover } from '../../src/readers/discover.js';
import { taskCommands } from '../../src/readers/discovery/azure-pipelines.js';
import { pipeCommands } from '../../src/readers/discovery/bitbucket-pipelines.js';
import { orbCommands } from '../../src/readers/discovery/circleci.js';
import { deployTargets } from '../../src/readers/discovery/deploy-targets.js';
import { actionCommands } from '../../src/readers/discovery/github-actions.js';
import { readSamConfig } from '../../src/readers/discovery/sam-config.js';
import { ROOT, tempRepo } from './helpers.js';

const CI = join(ROOT, 'fixtures/repos/ci-deploys');

const targets = (lines: string[] | undefined) =>
  deployTargets((lines ?? []).join('\n')).map((t) => `${t.kind} ${t.value}`);

describe('GitHub deploy actions: their inputs (action.yml) become the targets of the run: form', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    // amazon-ecs-deploy-task-definition: task-definition (a file to register, or a family), service, cluster
    [
      'aws-actions/amazon-ecs-deploy-task-definition@v2',
      { 'task-definition': 'deploy/task-def.json', service: 'orders', cluster: 'prod' },
      ['path deploy/task-def.json', 'name orders'],
    ],
    [
      'aws-actions/amazon-ecs-deploy-task-definition@v1',
      { 'task-definition': 'orders-td', service: 'orders' },
      ['name orders', 'name orders-td'],
    ],
    // without a service the action only registers: no deploy line
    ['aws-actions/amazon-ecs-deploy-task-definition@v2', { 'task-definition': 'td.json' }, ['path td.json']],
    // aws-cloudformation-github-deploy: name (the stack), template
    [
      'aws-actions/aws-cloudformation-github-deploy@v1',
      { name: 'billing-prod', template: 'billing/packaged.yaml' },
      ['stack billing-prod', 'template billing/packaged.yaml'],
    ],
    // serverless/github-action: serverless {args} in working-directory
    [
      'serverless/github-action@v3.2',
      { args: 'deploy --stage prod', 'working-directory': 'notifier' },
      ['path notifier', 'template notifier'],
    ],
    ['serverless/github-action@v3', { args: 'invoke -f send' }, []],
    // azure/k8s-deploy: manifests (a path a line), namespace; action reject deploys nothing
    [
      'Azure/k8s-deploy@v5',
      { namespace: 'shop', manifests: 'k8s/web/deployment.yaml\nk8s/web/service.yaml\n' },
      ['path k8s/web/deployment.yaml', 'path k8s/web/service.yaml'],
    ],
    ['azure/k8s-deploy@v4', { manifests: 'k8s/web', action: 'reject' }, []],
    // deploy-cloudrun: service, job or metadata
    [
      'google-github-actions/deploy-cloudrun@v2',
      { service: 'search-api', region: 'europe-west1' },
      ['name search-api'],
    ],
    ['google-github-actions/deploy-cloudrun@v2', { job: 'nightly' }, ['name nightly']],
    [
      'google-github-actions/deploy-cloudrun@v2',
      { metadata: 'cloudrun/search.yaml' },
      ['path cloudrun/search.yaml'],
    ],
  ])('%s %j', (uses, inputs, want) => {
    expect(targets(actionCommands(uses, inputs))).toEqual(want);
  });

  it('an action rollbook does not translate is left as written', () => {
    expect(actionCommands('actions/checkout@v4', {})).toBeUndefined();
  });
});

describe('samconfig: the environment sam deploy --config-env names', () => {
  it.each<[string, string, Record<string, { stack?: string; template?: string }> | string]>([
    [
      'samconfig.toml',
      '[default.global.parameters]\nstack_name = "app-dev"\n[default.deploy.parameters]\nresolve_s3 = true\n[prod.global.parameters]\nstack_name = "app-global"\n[prod.deploy.parameters]\nstack_name = "app-prod"\ntemplate_file = "infra/template.yaml"\n',
      { default: { stack: 'app-dev' }, prod: { stack: 'app-prod', template: 'infra/template.yaml' } },
    ],
    [
      'samconfig.yaml',
      'version: 0.1\ndefault:\n  deploy:\n    parameters:\n      stack_name: app-dev\nstaging:\n  global:\n    parameters:\n      stack_name: app-staging\n',
      { default: { stack: 'app-dev' }, staging: { stack: 'app-staging' } },
    ],
    [
      'samconfig.toml',
      '[default.deploy.parameters]\nstack_name = "unterminated\n',
      'samconfig.toml:2:27: not valid TOML',
    ],
  ])('%s', (file, text, want) => {
    const c = readSamConfig(file, text);
    expect(c.ok ? Object.fromEntries(c.envs) : c.reason).toEqual(want);
  });

  it('sam deploy --config-env binds by the table of that environment; a missing one is an unknown', async () => {
    const template =
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Billing:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n';
    const dir = tempRepo({
      'services/billing/template.yaml': template,
      'services/ledger/template.yaml': template.replace(/Billing/g, 'Ledger'),
      // the project's samconfig at the root names each environment's template
      'samconfig.toml':
        'version = 0.1\n[default.deploy.parameters]\nstack_name = "billing-dev"\ntemplate_file = "services/billing/template.yaml"\n[prod.deploy.parameters]\nstack_name = "billing-prod"\ntemplate_file = "services/billing/template.yaml"\n',
      '.gitlab-ci.yml':
        'stages: [deploy]\ndeploy-billing:\n  stage: deploy\n  script:\n    - sam build\n    - sam deploy --config-env prod --no-confirm-changeset\ndeploy-ledger:\n  stage: deploy\n  script:\n    - sam deploy --config-env production\n',
    });
    const d = await discover(dir);
    expect(d.pipelines.map((p) => `${p.deployJob} → ${(p.deploys ?? []).join(',')}`)).toEqual([
      'deploy-billing → function/Billing',
      'deploy-ledger → ',
    ]);
    expect(
      d.unknowns.filter((u) => u.subject.includes('sam deploy')).map((u) => `${u.at?.line} ${u.reason}`),
    ).toEqual([
      '7 samconfig.toml has no stack_name in [production.deploy.parameters] or [production.global.parameters]: the stack it deploys is unknown',
    ]);
  });
});

describe('CircleCI orbs, Bitbucket pipes, Azure tasks that deploy: their parameters become targets', () => {
  it.each<[string, string[] | undefined, string[]]>([
    // circleci/aws-ecs: service-name defaults to the family; cluster (4.x) or cluster-name (older)
    [
      'aws-ecs/deploy-service-update family',
      orbCommands('aws-ecs/deploy-service-update', { family: 'orders-api', cluster: 'prod' }),
      ['name orders-api'],
    ],
    [
      'aws-ecs/update-service service-name',
      orbCommands('aws-ecs/update-service', {
        family: 'orders-td',
        'cluster-name': 'prod',
        'service-name': 'orders',
      }),
      ['name orders', 'name orders-td'],
    ],
    [
      'kubernetes/create-or-update-resource',
      orbCommands('kubernetes/create-or-update-resource', { 'resource-file-path': 'k8s/web.yaml' }),
      ['path k8s/web.yaml'],
    ],
    [
      'helm/upgrade-helm-chart',
      orbCommands('helm/upgrade-helm-chart', {
        'release-name': 'web',
        chart: './charts/web',
        namespace: 'shop',
      }),
      ['name web', 'path charts/web'],
    ],
    [
      'aws-eks/update-container-image',
      orbCommands('aws-eks/update-container-image', { 'resource-name': 'deployment/web' }),
      ['kind-name deployment/web'],
    ],
    [
      'atlassian/aws-ecs-deploy',
      pipeCommands('atlassian/aws-ecs-deploy:1.12.1', {
        CLUSTER_NAME: 'prod',
        SERVICE_NAME: 'orders',
        TASK_DEFINITION: 'task-definition.json',
      }),
      ['path task-definition.json', 'name orders'],
    ],
    [
      'atlassian/kubectl-run',
      pipeCommands('atlassian/kubectl-run:3.10.0', { KUBECTL_COMMAND: 'apply', RESOURCE_PATH: 'k8s/' }),
      ['path k8s'],
    ],
    [
      'atlassian/aws-sam-deploy',
      pipeCommands('atlassian/aws-sam-deploy:2.4.0', { STACK_NAME: 'thumbs-prod' }),
      ['stack thumbs-prod', 'template .', 'sam-config samconfig.toml'],
    ],
    [
      'KubernetesManifest@1',
      taskCommands('KubernetesManifest@1', {
        action: 'deploy',
        namespace: 'shop',
        manifests: 'k8s/a.yaml\nk8s/b.yaml',
      }),
      ['path k8s/a.yaml', 'path k8s/b.yaml'],
    ],
    ['KubernetesManifest@0 reject', taskCommands('KubernetesManifest@0', { action: 'reject' }), []],
    [
      'HelmDeploy@0',
      taskCommands('HelmDeploy@0', { command: 'upgrade', chartPath: 'charts/web', releaseName: 'web' }),
      ['name web', 'path charts/web'],
    ],
    ['HelmDeploy@0 login', taskCommands('HelmDeploy@0', { command: 'login' }), []],
    [
      'Kubernetes@1 apply',
      taskCommands('Kubernetes@1', { command: 'apply', arguments: '-f k8s/web.yaml' }),
      ['path k8s/web.yaml'],
    ],
  ])('%s', (_name, lines, want) => {
    expect(targets(lines)).toEqual(want);
  });
});

describe('fixture ci-deploys: every deploy job bound to what it deploys, every CI file accounted for', () => {
  it('discover', async () => {
    const d = await discover(CI);
    expect(
      d.pipelines.map(
        (p) =>
          `${p.provider} ${p.file} ${p.deployJob}${p.migratesBeforeDeploy ? ' (migrates first)' : ''} → ${(p.deploys ?? []).join(',')}`,
      ),
    ).toEqual([
      'circleci .circleci/config.yml deploy-orders (migrates first) → ecstaskdefinition/orders-api',
      'github-actions .github/workflows/aks.yml deploy → shop/deployment/web',
      'github-actions .github/workflows/aws.yml deploy → ecstaskdefinition/orders-api',
      'github-actions .github/workflows/cloudrun.yml deploy → service/search-api',
      'github-actions .github/workflows/notifier.yml deploy → function/notifier-dev-send',
      'github-actions .github/workflows/sam-pipeline.yml build-and-deploy → function/ThumbnailsFunction',
      'azure-pipelines azure-pipelines.yml Deploy.DeployWeb → shop/deployment/web',
      'bitbucket-pipelines bitbucket-pipelines.yml branches.main: Deploy to production → shop/deployment/web',
    ]);
    expect(d.pipelines.find((p) => p.file.endsWith('aws.yml'))?.deployCommand).toBe(
      'aws ecs update-service --cluster prod --service orders-api (aws-actions/amazon-ecs-deploy-task-definition@v2)',
    );
    // the CI files rollbook does not read: seen; the one that may deploy is an unknown at its line
    const files = new Map(d.deployFiles.map((f) => [f.file, f]));
    expect(files.get('.drone.yml')?.holds).toEqual([
      'Drone pipeline: seen, not read (rollbook reads GitHub Actions, GitLab CI, CircleCI, Bitbucket Pipelines and Azure Pipelines); no deploy command in it',
    ]);
    expect(files.get('Jenkinsfile')?.unknowns).toHaveLength(1);
    expect(
      d.unknowns.filter((u) => u.at?.file === 'Jenkinsfile').map((u) => `${u.at?.line} ${u.subject}`),
    ).toEqual(['13 Jenkins pipeline Jenkinsfile']);
  });

  it('plan for deployment/web: the migration script of the Azure job and the Jenkinsfile are in the design', async () => {
    const s = await loadService(CI, { workload: 'deployment/web' });
    const p = plan(s, analyze(s));
    expect(p.risk).toBe('high');
    expect(p.unknowns.map((u) => u.subject).filter((x) => /Jenkins|azure-pipelines/.test(x))).toEqual([
      'Jenkins pipeline Jenkinsfile',
      'migrations run by azure-pipelines azure-pipelines.yml job Deploy.DeployWeb: ./scripts/migrate.sh',
    ]);
  });
});
