/**
 * GitHub Actions workflows: each job's steps become the shared job model's text (pipelines.ts). A
 * step that deploys through an action rather than a `run:` line is written as the command the
 * action runs with its inputs (each action's action.yml), so it is detected and bound like the
 * `run:` form:
 *   - aws-actions/amazon-ecs-deploy-task-definition: `task-definition` (a file to register, or a
 *     family), `service` (without it the action only registers), `cluster`;
 *   - aws-actions/aws-cloudformation-github-deploy: `name` (the stack), `template`;
 *   - serverless/github-action: `serverless {args}` in `working-directory`;
 *   - azure/k8s-deploy: `manifests` (one path a line or comma-separated), `namespace`, `action`
 *     (deploy | promote | reject);
 *   - google-github-actions/deploy-cloudrun: `service`, `job` or `metadata` (a service YAML), `region`.
 */
import type { Pipeline } from '../../model/service.js';
import { analyse, type Job, makeJob, textOf } from './pipelines.js';
import { arr, get, obj, str, type YamlDoc } from './yaml.js';

/** A list input: one item a line or comma-separated. */
const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** A task definition input names a file (to register) rather than a family (its latest revision). */
const isFile = (v: string) => /\.json$|\//.test(v);

/**
 * The commands a deploy action runs, as shell lines the shared model reads (the action named at the
 * end of each), or undefined for an action rollbook does not translate. `outputs` resolves
 * `${{ steps.ID.outputs.task-definition }}` to the file an earlier render step read.
 */
export function actionCommands(
  uses: string,
  inputs: Record<string, unknown>,
  outputs: (expr: string) => string | undefined = () => undefined,
): string[] | undefined {
  const action = uses.split('@')[0]?.toLowerCase() ?? '';
  const input = (k: string) => str(inputs[k])?.trim() || undefined;
  const by = `(${uses})`;
  switch (action) {
    case 'aws-actions/amazon-ecs-deploy-task-definition': {
      const raw = input('task-definition') ?? '';
      const td = outputs(raw) ?? raw;
      const service = input('service');
      const cluster = input('cluster');
      const out: string[] = [];
      // the deploying line carries the action's name (it is the job's deploy command)
      if (td && isFile(td))
        out.push(`aws ecs register-task-definition --cli-input-json file://${td}${service ? '' : ` ${by}`}`);
      // without a service the action only registers the task definition: nothing is deployed
      if (service)
        out.push(
          `aws ecs update-service${cluster ? ` --cluster ${cluster}` : ''} --service ${service}${td && !isFile(td) ? ` --task-definition ${td}` : ''} ${by}`,
        );
      return out;
    }
    case 'aws-actions/aws-cloudformation-github-deploy': {
      const name = input('name');
      const template = input('template');
      return [
        `aws cloudformation deploy${name ? ` --stack-name ${name}` : ''}${template ? ` --template-file ${template}` : ''} ${by}`,
      ];
    }
    case 'serverless/github-action': {
      const dir = input('working-directory');
      const args = input('args') ?? '';
      return [...(dir && dir !== '.' ? [`cd ${dir}`] : []), `serverless ${args} ${by}`];
    }
    case 'azure/k8s-deploy': {
      if (input('action') === 'reject') return [];
      const ns = input('namespace');
      return list(input('manifests')).map((m) => `kubectl apply${ns ? ` -n ${ns}` : ''} -f ${m} ${by}`);
    }
    case 'google-github-actions/deploy-cloudrun':
    case 'googlecloudplatform/github-actions/deploy-cloudrun': {
      const region = input('region');
      const r = region ? ` --region ${region}` : '';
      const metadata = input('metadata');
      if (metadata) return [`gcloud run services replace ${metadata}${r} ${by}`];
      const job = input('job');
      if (job) return [`gcloud run jobs deploy ${job}${r} ${by}`];
      return [`gcloud run deploy ${input('service') ?? ''}${r} ${by}`];
    }
    default:
      return undefined;
  }
}

/** The literal values of an `env:` block (a secret or an expression is not a value). */
function literalEnv(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v)))
    if ((typeof x === 'string' || typeof x === 'number') && !String(x).includes('${{')) out[k] = String(x);
  return out;
}

/** `${{ env.NAME }}` replaced by the value the workflow, job or step sets (the step's wins). */
function withEnv(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{\{\s*env\.([\w-]+)\s*\}\}/g, (m, k: string) => env[k] ?? m);
}

/** A GitHub Actions workflow that deploys: which job, migrations before it, commit-SHA image tags. */
export function readGithubWorkflow(doc: YamlDoc): Pipeline[] {
  const workflowEnv = literalEnv(get(doc.value, 'env'));
  const jobs: Job[] = Object.entries(obj(get(doc.value, 'jobs'))).map(([id, j]) => {
    const steps = arr(get(j, 'steps'));
    const jobEnv = { ...workflowEnv, ...literalEnv(get(j, 'env')) };
    const inputs = (s: unknown) => {
      const env = { ...jobEnv, ...literalEnv(get(s, 'env')) };
      return Object.fromEntries(
        Object.entries(obj(get(s, 'with'))).map(([k, v]) => [k, typeof v === 'string' ? withEnv(v, env) : v]),
      );
    };
    const jobDir = str(get(j, 'defaults', 'run', 'working-directory'));
    // amazon-ecs-render-task-definition steps: their output is the task definition file they read
    const rendered = new Map<string, string>();
    for (const s of steps) {
      const uses = str(get(s, 'uses'))?.toLowerCase() ?? '';
      const sid = str(get(s, 'id'));
      const td = str(inputs(s)['task-definition']);
      if (sid && td && uses.startsWith('aws-actions/amazon-ecs-render-task-definition'))
        rendered.set(sid, rendered.get(td.match(/steps\.([\w-]+)\.outputs/)?.[1] ?? '') ?? td);
    }
    const outputs = (expr: string) => {
      const m = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.task-definition\s*\}\}$/.exec(expr);
      return m ? rendered.get(m[1] as string) : undefined;
    };
    // a step's working directory is where its commands run: `cd DIR` before them
    const text = steps.map((s) => {
      const dir = str(get(s, 'working-directory')) ?? jobDir;
      const run = withEnv(textOf(get(s, 'run')), { ...jobEnv, ...literalEnv(get(s, 'env')) });
      const uses = str(get(s, 'uses')) ?? '';
      const action = uses ? actionCommands(uses, inputs(s), outputs) : undefined;
      return [
        ...(action ?? [uses]),
        run && dir ? `cd ${dir}\n${run}` : run,
        textOf(get(s, 'with')),
        textOf(get(s, 'env')),
      ].join('\n');
    });
    if (str(get(j, 'uses'))) text.push(str(get(j, 'uses')) as string);
    const needs = get(j, 'needs');
    return makeJob({
      id,
      text,
      needs: Array.isArray(needs) ? needs.map(String) : typeof needs === 'string' ? [needs] : [],
      services: get(j, 'services'),
      environment: textOf(get(j, 'environment')),
      at: doc.at(['jobs', id]),
    });
  });
  return analyse('github-actions', doc, jobs, () => false);
}
