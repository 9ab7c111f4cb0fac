/**
 * What a deploy command names as its target: the workloads a pipeline's deploy job deploys are
 * matched from these (migration-binding.ts).
 */
import { posix } from 'node:path';
import type { DeployTarget } from '../../model/service.js';
import { cleanPath } from './helm-values.js';

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

/**
 * The samconfig `sam deploy` reads when no --config-file is given: samconfig.toml of the project
 * directory (where the template is; `sam build`'s output stands for its project).
 */
const samconfigIn = (project: string) => (project ? `${project}/samconfig.toml` : 'samconfig.toml');

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
 * `heroku … -a APP`, `copilot svc deploy --name X`, `kustomize edit set image IMAGE`,
 * `sam deploy` (its stack, template and samconfig environment), `aws cloudformation deploy`,
 * `aws ecs register-task-definition --cli-input-json file://X` and the directory a `cd` enters.
 * Variables (`$SERVICE`) are not targets.
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
      const project = built !== undefined ? inRepo(cwd, built || '.') : cwd;
      add('template', rootDot(project));
      // samconfig: --config-file (from where it runs), else samconfig.toml of the project directory
      const env = flagValue(ws, '--config-env');
      const file = flagValue(ws, '--config-file');
      const config = file ? inRepo(cwd, file) : project === undefined ? undefined : samconfigIn(project);
      if (
        config &&
        !/[$`{}*]/.test(config) &&
        !out.some((t) => t.kind === 'sam-config' && t.value === config)
      )
        out.push({
          kind: 'sam-config',
          value: config,
          env: env ?? 'default',
          ...(env !== undefined || file !== undefined ? { explicit: true } : {}),
        });
    }
    const cfn = ws.findIndex(
      (w, i) => w === 'aws' && ws[i + 1] === 'cloudformation' && ws[i + 2] === 'deploy',
    );
    if (cfn >= 0) {
      add('stack', flagValue(ws, '--stack-name'));
      const template = flagValue(ws, '--template-file', '--template');
      if (template && !/^[a-z]+:\/\//.test(template)) add('template', rootDot(inRepo(cwd, template)));
    }
    const register = ws.findIndex((w, i) => w === 'ecs' && ws[i + 1] === 'register-task-definition');
    if (register >= 0) {
      const json = flagValue(ws, '--cli-input-json');
      if (json?.startsWith('file://')) add('path', inRepo(cwd, json.slice('file://'.length)));
    }
    const sls = ws.findIndex(
      (w, i) => /^(serverless|sls)$/.test(w) && ws[i + 1] === 'deploy' && ws[i + 2] !== 'function',
    );
    if (sls >= 0) {
      const config = flagValue(ws, '-c', '--config');
      add('template', rootDot(config ? inRepo(cwd, config) : cwd));
    }
    if (at('ecs') >= 0 && (at('update-service') >= 0 || at('deploy') >= 0)) {
      add('name', flagValue(ws, '--service'));
      // the family of `--task-definition FAMILY[:REVISION]` (an ARN names its family after the slash)
      const td = flagValue(ws, '--task-definition');
      if (td && !td.includes('/')) add('name', td.split(':')[0]);
      else if (td?.startsWith('arn:')) add('name', td.slice(td.lastIndexOf('/') + 1).split(':')[0]);
    }
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
        gcloud + (sub === 'services' || sub === 'jobs' ? 4 : 3),
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
