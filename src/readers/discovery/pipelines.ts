import type { Evidence, Pipeline } from '../../model/service.js';
import { arr, get, isObj, obj, str, type YamlDoc } from './yaml.js';

const DEPLOY =
  /kubectl\s+(?:[\w=./-]+\s+)*(apply|set\s+image|replace|rollout\s+restart)|helm\s+(?:[\w=./-]+\s+)*(upgrade|install)\b|helmfile\s+(apply|sync)|argocd\s+app\s+(sync|set)|kustomize\s+edit\s+set\s+image|aws\s+ecs\s+(update-service|deploy)|ecs-deploy|amazon-ecs-deploy-task-definition|copilot\s+(svc\s+)?deploy|gcloud\s+run\s+(deploy|services\s+(update|replace))|deploy-cloudrun|nomad\s+(job\s+)?run|git\s+push\s+(?:\S+\s+)*heroku|heroku\s+(container:release|deploy)|heroku-deploy|sam\s+deploy|serverless\s+deploy|\bsls\s+deploy|flux\s+reconcile|k8s-deploy|skaffold\s+(run|deploy)|cdk\s+deploy|terraform\s+apply|ansible-playbook\s+\S*deploy|\bcap\s+\S+\s+deploy|kamal\s+deploy/i;
const MIGRATE =
  /\bmigrate\b[^\n]*\b(up|deploy|apply)\b|dbmate\s+(?:[\w=./-]+\s+)*(up|migrate)|flyway\s+(?:\S+\s+)*migrate|\bgoose\b[^\n]*\bup\b|sqitch\s+deploy|prisma\s+migrate\s+deploy|(rails|rake|bin\/rails)\s+db:migrate|alembic\s+upgrade|liquibase\s+(?:\S+\s+)*update|diesel\s+migration\s+run|knex\s+migrate:latest|sequelize(-cli)?\s+db:migrate|manage\.py\s+migrate|(npm|yarn|pnpm)\s+run\s+(db:)?migrat|make\s+(db-)?migrat|atlas\s+migrate\s+apply/i;
const SHA =
  /\$\{\{\s*github\.sha\s*\}\}|\$\{\{\s*github\.event\.pull_request\.head\.sha\s*\}\}|\$GITHUB_SHA|\$\{GITHUB_SHA|type=sha|\$\{?CI_COMMIT_(SHORT_)?SHA|\$\(git rev-parse|\$\{\{\s*steps\.[\w-]+\.outputs\.(sha|short_sha|tag)\s*\}\}/;
const LATEST = /:latest\b|\btype=raw,value=latest|--tag\s+\S*:latest|tags?:\s*["']?latest\b/;

interface Job {
  id: string;
  text: string[];
  needs: string[];
  stage?: string;
  at: Evidence;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).join('\n');
  if (isObj(v)) return Object.values(v).map(textOf).join('\n');
  return v === undefined || v === null ? '' : String(v);
}

function analyse(
  provider: string,
  doc: YamlDoc,
  jobs: Job[],
  order: (a: Job, b: Job) => boolean,
): Pipeline | undefined {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const deploy = jobs.find((j) => j.text.some((t) => DEPLOY.test(t)));
  if (!deploy) return undefined;
  const deployIdx = deploy.text.findIndex((t) => DEPLOY.test(t));
  const before = new Set<string>();
  const stack = [...deploy.needs];
  while (stack.length) {
    const id = stack.pop() as string;
    if (before.has(id)) continue;
    before.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  const migrateBefore =
    deploy.text.slice(0, deployIdx).some((t) => MIGRATE.test(t)) ||
    jobs.some(
      (j) => j !== deploy && (before.has(j.id) || order(j, deploy)) && j.text.some((t) => MIGRATE.test(t)),
    );
  const all = jobs.flatMap((j) => j.text).join('\n');
  const p: Pipeline = {
    provider,
    file: doc.file,
    deployJob: deploy.id,
    migratesBeforeDeploy: migrateBefore,
    at: deploy.at,
  };
  const text = deploy.text[deployIdx] ?? '';
  const command = (text.split('\n').find((l) => DEPLOY.test(l)) ?? text).trim();
  if (command) p.deployCommand = command;
  if (SHA.test(all)) p.immutableTag = true;
  else if (LATEST.test(all)) p.immutableTag = false;
  return p;
}

/** A GitHub Actions workflow that deploys: which job, migrations before it, commit-SHA image tags. */
export function readGithubWorkflow(doc: YamlDoc): Pipeline | undefined {
  const jobs: Job[] = Object.entries(obj(get(doc.value, 'jobs'))).map(([id, j]) => {
    const steps = arr(get(j, 'steps'));
    const env = textOf(get(j, 'environment'));
    const text = steps.map((s) =>
      [str(get(s, 'uses')) ?? '', textOf(get(s, 'run')), textOf(get(s, 'with')), textOf(get(s, 'env'))].join(
        '\n',
      ),
    );
    if (str(get(j, 'uses'))) text.push(str(get(j, 'uses')) as string);
    if (
      /prod|production|staging/i.test(env) &&
      !text.some((t) => DEPLOY.test(t)) &&
      /deploy|release/i.test(id)
    )
      text.push('kubectl apply (environment deploy job)');
    const needs = get(j, 'needs');
    return {
      id,
      text,
      needs: Array.isArray(needs) ? needs.map(String) : typeof needs === 'string' ? [needs] : [],
      at: doc.at(['jobs', id]),
    };
  });
  return analyse('github-actions', doc, jobs, () => false);
}

const GITLAB_RESERVED = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
  'pages_ignored',
]);

/** A GitLab CI pipeline that deploys (stages order jobs; `needs` too). */
export function readGitlabCi(doc: YamlDoc): Pipeline | undefined {
  const v = obj(doc.value);
  const stages = arr(v.stages).map(String);
  const stageList = stages.length ? stages : ['build', 'test', 'deploy'];
  const globalBefore = textOf(v.before_script);
  const jobs: Job[] = Object.entries(v)
    .filter(
      ([id, j]) =>
        !GITLAB_RESERVED.has(id) &&
        !id.startsWith('.') &&
        isObj(j) &&
        (j.script !== undefined || j.trigger !== undefined),
    )
    .map(([id, j]) => {
      const script = arr(get(j, 'script')).map(textOf);
      const before = [textOf(get(j, 'before_script')) || globalBefore].filter(Boolean);
      const env = textOf(get(j, 'environment'));
      const text = [...before, ...script];
      if (/prod|production/i.test(env) && !text.some((t) => DEPLOY.test(t)) && /deploy|release/i.test(id))
        text.push('kubectl apply (environment deploy job)');
      const needs = arr(get(j, 'needs')).map((n) => (typeof n === 'string' ? n : (str(get(n, 'job')) ?? '')));
      return { id, text, needs, stage: str(get(j, 'stage')) ?? 'test', at: doc.at([id]) };
    });
  const idx = (s: string | undefined) => stageList.indexOf(s ?? 'test');
  return analyse('gitlab-ci', doc, jobs, (a, b) => idx(a.stage) < idx(b.stage));
}

/** What discover's file list says of a CI file: the deploy job it found, or that it deploys nothing. */
export function pipelineNote(provider: string, p: Pipeline | undefined): string {
  if (!p) return `${provider} pipeline: no deploy job (read, nothing to roll back)`;
  const migrates = p.migratesBeforeDeploy ? '; migrates before deploying' : '';
  return `${provider} pipeline: deploy job ${p.deployJob ?? '?'}${migrates}`;
}
