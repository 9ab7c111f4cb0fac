import { posix } from 'node:path';
import type { DeployTarget, Evidence, Pipeline } from '../../model/service.js';
import { cleanPath } from './helm-values.js';
import { migrationCommand, migrationDirIn } from './migration-runs.js';
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

function textOf(v: unknown): string {
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
function analyse(
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

/** A GitHub Actions workflow that deploys: which job, migrations before it, commit-SHA image tags. */
export function readGithubWorkflow(doc: YamlDoc): Pipeline[] {
  const jobs: Job[] = Object.entries(obj(get(doc.value, 'jobs'))).map(([id, j]) => {
    const steps = arr(get(j, 'steps'));
    const env = textOf(get(j, 'environment'));
    const jobDir = str(get(j, 'defaults', 'run', 'working-directory'));
    // a step's working directory is where its commands run: `cd DIR` before them
    const text = steps.map((s) => {
      const dir = str(get(s, 'working-directory')) ?? jobDir;
      const run = textOf(get(s, 'run'));
      return [
        str(get(s, 'uses')) ?? '',
        run && dir ? `cd ${dir}\n${run}` : run,
        textOf(get(s, 'with')),
        textOf(get(s, 'env')),
      ].join('\n');
    });
    if (str(get(j, 'uses'))) text.push(str(get(j, 'uses')) as string);
    const needs = get(j, 'needs');
    const job: Job = {
      id,
      text,
      needs: Array.isArray(needs) ? needs.map(String) : typeof needs === 'string' ? [needs] : [],
      test: testJob(id, get(j, 'services')),
      at: doc.at(['jobs', id]),
    };
    job.composeDeploy = composeDeploys(id, job.test === true, env, text);
    if (
      /prod|production|staging/i.test(env) &&
      !text.some((t) => deploysIn(job, t)) &&
      /deploy|release/i.test(id)
    )
      text.push('kubectl apply (environment deploy job)');
    return job;
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
export function readGitlabCi(doc: YamlDoc): Pipeline[] {
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
      const needs = arr(get(j, 'needs')).map((n) => (typeof n === 'string' ? n : (str(get(n, 'job')) ?? '')));
      const stage = str(get(j, 'stage'));
      const job: Job = {
        id,
        text,
        needs,
        stage: stage ?? 'test',
        test: testJob(id, get(j, 'services'), stage),
        at: doc.at([id]),
      };
      job.composeDeploy = composeDeploys(id, job.test === true, env, text);
      if (/prod|production/i.test(env) && !text.some((t) => deploysIn(job, t)) && /deploy|release/i.test(id))
        text.push('kubectl apply (environment deploy job)');
      return job;
    });
  const idx = (s: string | undefined) => stageList.indexOf(s ?? 'test');
  return analyse('gitlab-ci', doc, jobs, (a, b) => idx(a.stage) < idx(b.stage));
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

/** kubectl resource kinds a deploy command names (`deployment/X`), normalised to the workload kind. */
const KINDS: Record<string, string> = {
  deployment: 'deployment',
  deployments: 'deployment',
  deploy: 'deployment',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  sts: 'statefulset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
  ds: 'daemonset',
  rollout: 'rollout',
  rollouts: 'rollout',
};

/** Flags of helm upgrade / install that take a value (the next word). */
const HELM_VALUE_FLAGS = new Set([
  '-f',
  '--values',
  '--set',
  '--set-string',
  '--set-file',
  '--set-json',
  '-n',
  '--namespace',
  '--version',
  '--timeout',
  '--kube-context',
  '--kubeconfig',
  '--repo',
  '--post-renderer',
  '--description',
  '--history-max',
]);

function words(line: string): string[] {
  return line
    .split(/\s+/)
    .map((w) => w.replace(/^["']|["']$/g, ''))
    .filter(Boolean);
}

/** The value of `--flag X` or `--flag=X` among words. */
function flagValue(ws: string[], ...flags: string[]): string | undefined {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    for (const f of flags) {
      if (w === f && ws[i + 1] !== undefined) return ws[i + 1];
      if (w.startsWith(`${f}=`)) return w.slice(f.length + 1);
    }
  }
  return undefined;
}

/** The positional words after `after` (a subcommand), skipping flags and the values of `valueFlags`. */
function positionals(ws: string[], after: number, valueFlags: Set<string>): string[] {
  const out: string[] = [];
  for (let i = after; i < ws.length; i++) {
    const w = ws[i] as string;
    if (/^[|;&>]/.test(w)) break;
    if (w.startsWith('-')) {
      if (!w.includes('=') && valueFlags.has(w)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

const relPath = (p: string) => cleanPath(p) || '.';

/** A path as seen from the repository root, given the directory a command runs in ('' for the root). */
function inRepo(cwd: string | undefined, p: string): string | undefined {
  if (cwd === undefined || p.startsWith('/') || p.startsWith('~') || /[$`{}*]/.test(p)) return undefined;
  const joined = cleanPath(posix.join(cwd || '.', p));
  return joined.startsWith('..') ? undefined : joined;
}

/** The root directory as '.' (targets are never empty); unknown stays unknown. */
const rootDot = (p: string | undefined) => (p === undefined ? undefined : p || '.');

/** Options of docker compose (before its subcommand) that take a value. */
const COMPOSE_VALUE_FLAGS = new Set([
  '-f',
  '--file',
  '-p',
  '--project-name',
  '--profile',
  '--env-file',
  '--project-directory',
  '--ansi',
  '--progress',
  '--parallel',
]);
/** Options of `docker compose up` that take a value. */
const UP_VALUE_FLAGS = new Set([
  '--scale',
  '-t',
  '--timeout',
  '--exit-code-from',
  '--pull',
  '--wait-timeout',
  '--attach',
  '--no-attach',
]);

/**
 * `docker compose [-f FILE]… [--project-directory DIR] up [flags] [SERVICE…]` (or docker-compose):
 * the files, the project directory and the services named; undefined when the words run no `up`.
 */
function composeUp(ws: string[]): { files: string[]; dir?: string; services: string[] } | undefined {
  let i = ws.findIndex((w, k) => (w === 'docker' && ws[k + 1] === 'compose') || w === 'docker-compose');
  if (i < 0) return undefined;
  i += ws[i] === 'docker' ? 2 : 1;
  const files: string[] = [];
  let dir: string | undefined;
  for (; i < ws.length; i++) {
    const w = ws[i] as string;
    const eq = /^(--file|--project-directory)=(.+)$/.exec(w);
    if (eq) {
      if (eq[1] === '--file') files.push(eq[2] as string);
      else dir = eq[2] as string;
    } else if (w.startsWith('-')) {
      if (!w.includes('=') && COMPOSE_VALUE_FLAGS.has(w)) {
        const v = ws[++i];
        if (v !== undefined && (w === '-f' || w === '--file')) files.push(v);
        if (v !== undefined && w === '--project-directory') dir = v;
      }
    } else break;
  }
  if (ws[i] !== 'up') return undefined;
  const services = positionals(ws, i + 1, UP_VALUE_FLAGS).map((w) => w.replace(/["']/g, ''));
  return { files, ...(dir !== undefined ? { dir } : {}), services };
}

/**
 * What a deploy job's script names as its target: `aws ecs update-service --service X`,
 * `kubectl set image deployment/X`, `kubectl apply -f path` / `-k path`, `helm upgrade RELEASE CHART`,
 * `argocd app sync APP`, `gcloud run deploy SVC`, `nomad job run FILE`, `flux reconcile hr X`,
 * `heroku … -a APP`, `copilot svc deploy --name X`, `kustomize edit set image IMAGE` and the
 * directory a `cd` enters. Variables (`$SERVICE`) are not targets.
 */
export function deployTargets(script: string): DeployTarget[] {
  const out: DeployTarget[] = [];
  const add = (kind: DeployTarget['kind'], value: string | undefined) => {
    if (!value || /[$`{}*]/.test(value)) return;
    if (!out.some((t) => t.kind === kind && t.value === value)) out.push({ kind, value });
  };
  // where the commands run: the repository root until a `cd` (undefined: a variable or a host's path)
  let cwd: string | undefined = '';
  // a CI expression (${{ github.sha }}) is one variable word, not three
  for (const line of script.replace(/\$\{\{[^}\n]*\}\}/g, '$VAR').split(/\n|&&|;/)) {
    const ws = words(line.trim());
    const at = (w: string) => ws.indexOf(w);
    if (ws[0] === 'cd' && ws[1]) {
      add('path', relPath(ws[1]));
      cwd = inRepo(cwd, ws[1]);
    }
    const compose = composeUp(ws);
    if (compose) {
      const file = compose.files[0];
      const value = file ? inRepo(cwd, file) : inRepo(cwd, compose.dir ?? '.');
      // '' when the project cannot be told (a host's path, a variable): the repository's only one
      const t: DeployTarget = { kind: 'compose', value: value === undefined ? '' : value || '.' };
      if (compose.services.length) t.services = compose.services;
      if (!out.some((x) => x.kind === 'compose' && x.value === t.value)) out.push(t);
    }
    const sam = ws.findIndex((w, i) => w === 'sam' && ws[i + 1] === 'deploy');
    if (sam >= 0) {
      add('stack', flagValue(ws, '--stack-name'));
      const template = flagValue(ws, '-t', '--template-file', '--template');
      // sam build's output stands for the template of the directory it was built in
      const built = template?.replace(/(^|\/)\.aws-sam\/build\/template\.ya?ml$/, '$1');
      add('template', rootDot(built !== undefined ? inRepo(cwd, built || '.') : cwd));
    }
    const sls = ws.findIndex(
      (w, i) => /^(serverless|sls)$/.test(w) && ws[i + 1] === 'deploy' && ws[i + 2] !== 'function',
    );
    if (sls >= 0) {
      const config = flagValue(ws, '-c', '--config');
      add('template', rootDot(config ? inRepo(cwd, config) : cwd));
    }
    if (at('ecs') >= 0 && (at('update-service') >= 0 || at('deploy') >= 0))
      add('name', flagValue(ws, '--service'));
    if (at('ecs-deploy') >= 0) add('name', flagValue(ws, '-n', '--service-name'));
    if (at('copilot') >= 0) add('name', flagValue(ws, '-n', '--name'));
    if (at('kubectl') >= 0) {
      for (const w of ws) {
        const m = /^([a-z]+)(?:\.apps)?\/([a-z0-9][a-z0-9.-]*)$/.exec(w);
        const kind = m ? KINDS[m[1] as string] : undefined;
        if (m && kind) add('kind-name', `${kind}/${m[2]}`);
      }
      const file = flagValue(ws, '-f', '--filename', '-k', '--kustomize');
      if (file) add('path', relPath(file));
    }
    const helm = ws.findIndex((w, i) => w === 'helm' && /^(upgrade|install)$/.test(ws[i + 1] ?? ''));
    if (helm >= 0) {
      const [release, chart] = positionals(ws, helm + 2, HELM_VALUE_FLAGS);
      add('name', release);
      // a local chart's path (a repository chart, repo/name, matches no workload's path)
      if (chart) add('path', relPath(chart));
    }
    const argo = ws.findIndex((w, i) => w === 'argocd' && ws[i + 1] === 'app');
    if (argo >= 0 && /^(sync|set)$/.test(ws[argo + 2] ?? ''))
      add('name', positionals(ws, argo + 3, new Set(['--revision', '--timeout']))[0]);
    const gcloud = ws.findIndex((w, i) => w === 'gcloud' && ws[i + 1] === 'run');
    if (gcloud >= 0) {
      const sub = ws[gcloud + 2];
      const rest = positionals(
        ws,
        gcloud + (sub === 'services' ? 4 : 3),
        new Set(['--image', '--region', '--project', '--platform', '--source']),
      );
      if (sub === 'services' && ws[gcloud + 3] === 'replace') add('path', rest[0] && relPath(rest[0]));
      else add('name', rest[0]);
    }
    const nomad = ws.findIndex((w) => w === 'nomad');
    if (nomad >= 0) {
      const i = ws[nomad + 1] === 'job' ? nomad + 2 : nomad + 1;
      if (ws[i] === 'run') add('path', positionals(ws, i + 1, new Set(['-var', '-var-file']))[0]);
    }
    const flux = ws.findIndex((w, i) => w === 'flux' && ws[i + 1] === 'reconcile');
    if (flux >= 0) add('name', positionals(ws, flux + 3, new Set(['-n', '--namespace']))[0]);
    if (at('heroku') >= 0) add('name', flagValue(ws, '-a', '--app'));
    const kz = ws.findIndex((w, i) => w === 'kustomize' && ws[i + 1] === 'edit');
    if (kz >= 0 && ws[kz + 2] === 'set' && ws[kz + 3] === 'image')
      for (const img of ws.slice(kz + 4)) {
        if (img.startsWith('-')) continue;
        const repo = ((img.split('=').pop() as string).split('@')[0] as string).replace(/:[^/:]*$/, '');
        add('image', repo);
      }
  }
  return out;
}
