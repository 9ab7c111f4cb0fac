/**
 * The job model every CI provider's reader shares: a pipeline file is a list of jobs (their
 * commands as text, the jobs they need, their stage), and `analyse` finds each deploy job, what it
 * names as its target, the migrations tied to it (needs, stage order, after it, or tied to no deploy
 * job) and whether its image tags are commit SHAs. The readers (github-actions.ts, gitlab-ci.ts,
 * circleci.ts, bitbucket-pipelines.ts, azure-pipelines.ts) only turn their file's shape into jobs.
 */
import type { Evidence, Pipeline } from '../../model/service.js';
import { deployTargets } from './deploy-targets.js';
import { migrationCommand, migrationDirIn } from './migration-runs.js';
import { isObj, type YamlDoc } from './yaml.js';

export const DEPLOY =
  /kubectl\s+(?:[\w=./-]+\s+)*(apply|set\s+image|replace|rollout\s+restart)|helm\s+(?:[\w=./-]+\s+)*(upgrade|install)\b|helmfile\s+(apply|sync)|argocd\s+app\s+(sync|set)|kustomize\s+edit\s+set\s+image|aws\s+ecs\s+(update-service|deploy)|ecs-deploy|amazon-ecs-deploy-task-definition|copilot\s+(svc\s+)?deploy|gcloud\s+run\s+(deploy|services\s+(update|replace))|deploy-cloudrun|nomad\s+(job\s+)?run|git\s+push\s+(?:\S+\s+)*heroku|heroku\s+(container:release|deploy)|heroku-deploy|sam\s+deploy|serverless\s+deploy|\bsls\s+deploy|flux\s+reconcile|k8s-deploy|skaffold\s+(run|deploy)|cdk\s+deploy|terraform\s+apply|ansible-playbook\s+\S*deploy|\bcap\s+\S+\s+deploy|kamal\s+deploy/i;
const MIGRATE =
  /\bmigrate\b[^\n]*\b(up|deploy|apply)\b|dbmate\s+(?:[\w=./-]+\s+)*(up|migrate)|flyway\s+(?:\S+\s+)*migrate|\bgoose\b[^\n]*\bup\b|sqitch\s+deploy|prisma\s+migrate\s+deploy|(rails|rake|bin\/rails)\s+db:migrate|alembic\s+upgrade|liquibase\s+(?:\S+\s+)*update|diesel\s+migration\s+run|knex\s+migrate:latest|sequelize(-cli)?\s+db:migrate|manage\.py\s+migrate|(npm|yarn|pnpm)\s+run\s+(db:)?migrat|make\s+(db-)?migrat|atlas\s+migrate\s+apply/i;
const SHA =
  /\$\{\{\s*github\.sha\s*\}\}|\$\{\{\s*github\.event\.pull_request\.head\.sha\s*\}\}|\$GITHUB_SHA|\$\{GITHUB_SHA|type=sha|\$\{?CI_COMMIT_(SHORT_)?SHA|\$\(git rev-parse|\$\{\{\s*steps\.[\w-]+\.outputs\.(sha|short_sha|tag)\s*\}\}/;
const LATEST = /:latest\b|\btype=raw,value=latest|--tag\s+\S*:latest|tags?:\s*["']?latest\b/;

export interface Job {
  id: string;
  text: string[];
  needs: string[];
  stage?: string;
  /** A test job (service containers, or named test/lint/check…): its migrations hit a throw-away database. */
  test?: boolean;
  /** Its `docker compose up` deploys (composeDeploys). */
  composeDeploy?: boolean;
  at: Evidence;
}

const TEST_JOB = /(^|[-_:\s])(test|tests|spec|specs|lint|check|checks|unit|integration|e2e|ci)([-_:\s]|$)/i;

/** A job that tests (its migrations run against a CI database), unless its name says it migrates or deploys. */
function testJob(id: string, services: unknown, stage?: string): boolean {
  if (/migrat|deploy|release/i.test(id)) return false;
  return services !== undefined || TEST_JOB.test(id) || stage === 'test';
}

/** Words that run a command without being it: `sudo`, `bash`, `python`, `bundle exec`, `VAR=x`. */
const WRAPPERS = /^(sudo|exec|env|time|bash|sh|zsh|python3?|node|ruby|php|perl|bundle|go|run|npx|uv|poetry)$/;

/**
 * A line that runs a migrator rollbook does not know: its command is a script or binary named for
 * migrations (`./scripts/migrate.sh`, `bin/db-migrate`, `python migrate.py`), or `docker [compose]
 * run` of a migrator service or image.
 */
export function scriptMigrator(line: string): boolean {
  const ws = line.trim().replace(/^-\s+/, '').split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < ws.length && (/^\w+=/.test(ws[i] as string) || WRAPPERS.test(ws[i] as string))) i++;
  const cmd = ws[i];
  if (cmd === undefined) return false;
  if (/^docker(-compose)?$/.test(cmd)) {
    const rest = ws.slice(i + 1);
    const r = rest.indexOf('run');
    return r >= 0 && rest.slice(r + 1).some((w) => !w.startsWith('-') && /migrat/i.test(w));
  }
  // a script or program, not a value (`db/migrations` in an env block is a folder)
  const name = cmd.slice(cmd.lastIndexOf('/') + 1);
  return (
    /migrat/i.test(name) &&
    (/\.(sh|bash|py|rb|js|mjs|cjs|ts|php|pl)$/.test(name) || /^\.{0,2}\/|(^|\/)bin\//.test(cmd))
  );
}

/** A line of a job that applies migrations (a known migrator, or a script named for them). */
const migrates = (line: string) => MIGRATE.test(line) || scriptMigrator(line);

export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).join('\n');
  if (isObj(v)) return Object.values(v).map(textOf).join('\n');
  return v === undefined || v === null ? '' : String(v);
}

/** `docker compose … up` / `docker-compose … up`: a deploy only in a job that deploys (see composeDeploys). */
const COMPOSE_UP = /(?:^|[\s;&|(`"'])(?:docker\s+compose|docker-compose)\b[^\n;&|]*\sup\b/;

/**
 * A job whose `docker compose up` deploys, rather than starting a test environment: not a test job,
 * and named or declared for it (deploy, release, prod, ship; an `environment:`) or running on a
 * server over ssh.
 */
function composeDeploys(id: string, test: boolean, environment: string, text: string[]): boolean {
  if (test) return false;
  return (
    /deploy|release|prod|ship|publish|rollout/i.test(id) ||
    environment.trim() !== '' ||
    text.some((t) => /(^|[\s/])ssh(-action)?\b|ssh-action|remote-ssh/.test(t))
  );
}

/** What a reader knows of one job. */
export interface JobInput {
  id: string;
  /** Its commands and step texts, in order. */
  text: string[];
  needs?: string[];
  stage?: string;
  /** Its service containers (a test database), if any. */
  services?: unknown;
  /** Its deployment environment (`environment:`, `deployment:`), '' when none. */
  environment?: string;
  at: Evidence;
}

/** Environments whose job deploys even when rollbook reads no deploy command in it. */
const DEPLOY_ENVIRONMENT = /prod|production|staging/i;

/**
 * A job of the shared model: a test job or not, whether its `docker compose up` deploys, and a job
 * named for deploying to a production environment whose command rollbook cannot read (an action,
 * a script) still counts as the deploy job.
 */
export function makeJob(input: JobInput): Job {
  const text = [...input.text];
  const env = input.environment ?? '';
  const job: Job = {
    id: input.id,
    text,
    needs: input.needs ?? [],
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    test: testJob(input.id, input.services, input.stage),
    at: input.at,
  };
  job.composeDeploy = composeDeploys(input.id, job.test === true, env, text);
  if (
    DEPLOY_ENVIRONMENT.test(env) &&
    !text.some((t) => deploysIn(job, t)) &&
    /deploy|release/i.test(input.id)
  )
    text.push('kubectl apply (environment deploy job)');
  return job;
}

/** A text of a job that deploys. */
const deploysIn = (j: Job, t: string) => DEPLOY.test(t) || (j.composeDeploy === true && COMPOSE_UP.test(t));

/** The ids of the jobs `from` needs, directly or through others. */
function ancestors(from: Job, byId: Map<string, Job>): Set<string> {
  const out = new Set<string>();
  const stack = [...from.needs];
  while (stack.length) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  return out;
}

/**
 * Every deploy job of a pipeline file, each a Pipeline with its own targets: the migrations of the
 * jobs that run before it (needs, stage order), after it (they need it) or in it, plus those of jobs
 * tied to no deploy job (they concern every one).
 */
export function analyse(
  provider: string,
  doc: YamlDoc,
  jobs: Job[],
  order: (a: Job, b: Job) => boolean,
): Pipeline[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const deployJobs = jobs.filter((j) => j.text.some((t) => deploysIn(j, t)));
  if (!deployJobs.length) return [];
  const migrations = jobs.flatMap((j) => {
    if (j.test) return [];
    const lines = j.text.flatMap((t) => t.split('\n')).filter((l) => l.trim());
    const found = lines.filter(migrates);
    // a job named for migrations runs them, whatever its script is called
    const named = /migrat/i.test(j.id) && !found.length ? [`(the job named ${j.id})`] : [];
    return [...found, ...named].map((l) => {
      const c = migrationCommand(l);
      const dir = migrationDirIn(l);
      return {
        job: j.id,
        command: l.trim(),
        ...(c ? { tool: c.tool } : {}),
        ...(dir ? { dir } : {}),
        at: j.at,
      };
    });
  });
  const all = jobs.flatMap((j) => j.text).join('\n');
  const before = new Map(deployJobs.map((d) => [d.id, ancestors(d, byId)]));
  const after = (j: Job, d: Job) => j !== d && ancestors(j, byId).has(d.id);
  const related = (j: Job, d: Job) =>
    j === d || (before.get(d.id) as Set<string>).has(j.id) || order(j, d) || after(j, d);
  const tied = (id: string) => deployJobs.some((d) => related(byId.get(id) as Job, d));
  return deployJobs.map((deploy) => {
    const deployIdx = deploy.text.findIndex((t) => deploysIn(deploy, t));
    const ahead = before.get(deploy.id) as Set<string>;
    const mine = migrations.filter((m) => related(byId.get(m.job) as Job, deploy) || !tied(m.job));
    const migrateBefore =
      deploy.text.slice(0, deployIdx).some((t) => MIGRATE.test(t)) ||
      jobs.some(
        (j) => j !== deploy && (ahead.has(j.id) || order(j, deploy)) && j.text.some((t) => MIGRATE.test(t)),
      ) ||
      mine.some(
        (m) => m.job !== deploy.id && (ahead.has(m.job) || order(byId.get(m.job) as Job, deploy)) && !m.tool,
      );
    const p: Pipeline = {
      provider,
      file: doc.file,
      deployJob: deploy.id,
      migratesBeforeDeploy: migrateBefore,
      at: deploy.at,
    };
    const text = deploy.text[deployIdx] ?? '';
    const command = (text.split('\n').find((l) => deploysIn(deploy, l)) ?? text).trim();
    if (command) p.deployCommand = command;
    const targets = deployTargets(deploy.text.filter((t) => deploysIn(deploy, t)).join('\n'));
    if (targets.length) p.targets = targets;
    if (mine.length) p.migrations = mine;
    if (SHA.test(all)) p.immutableTag = true;
    else if (LATEST.test(all)) p.immutableTag = false;
    return p;
  });
}

/** What discover's file list says of a CI file: every deploy job it found, or that it deploys nothing. */
export function pipelineNote(provider: string, ps: Pipeline[]): string {
  const [one] = ps;
  if (!one) return `${provider} pipeline: no deploy job (read, nothing to roll back)`;
  if (ps.length === 1)
    return `${provider} pipeline: deploy job ${one.deployJob ?? '?'}${one.migratesBeforeDeploy ? '; migrates before deploying' : ''}`;
  const jobs = ps.map((p) => `${p.deployJob ?? '?'}${p.migratesBeforeDeploy ? ' (migrates before it)' : ''}`);
  return `${provider} pipeline: deploy jobs ${jobs.join(', ')}`;
}
