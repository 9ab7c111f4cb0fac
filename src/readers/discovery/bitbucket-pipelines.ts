/**
 * Bitbucket Pipelines: `bitbucket-pipelines.yml` in the shared job model (pipelines.ts). Each
 * pipeline (`default`, `branches.<b>`, `tags.<t>`, `custom.<c>`, `pull-requests.<p>`) is a list of
 * steps run in order (`parallel:` groups and `stage:` steps inside it); a step's text is its
 * `script:` lines, and its `deployment:` is its environment. Pipes that deploy become the commands
 * they run (atlassian/aws-ecs-deploy: CLUSTER_NAME, SERVICE_NAME, TASK_DEFINITION;
 * atlassian/kubectl-run: KUBECTL_COMMAND, RESOURCE_PATH, KUBECTL_ARGS; atlassian/aws-sam-deploy:
 * STACK_NAME, SAM_TEMPLATE; atlassian/helm … is read as written).
 */
import type { Pipeline } from '../../model/service.js';
import { analyse, type Job, makeJob, textOf } from './pipelines.js';
import { arr, get, isObj, obj, type PathKey, str, type YamlDoc } from './yaml.js';

/** The commands a pipe runs with its variables, or undefined when rollbook does not translate it. */
export function pipeCommands(pipe: string, vars: Record<string, unknown>): string[] | undefined {
  const v = (k: string) => str(vars[k])?.trim() || undefined;
  const name = pipe.split(':')[0]?.replace(/^docker:\/\//, '') ?? '';
  const by = `(pipe: ${pipe})`;
  switch (name) {
    case 'atlassian/aws-ecs-deploy': {
      const service = v('SERVICE_NAME');
      const td = v('TASK_DEFINITION');
      return [
        ...(td ? [`aws ecs register-task-definition --cli-input-json file://${td}`] : []),
        ...(service
          ? [`aws ecs update-service --cluster ${v('CLUSTER_NAME') ?? ''} --service ${service} ${by}`]
          : []),
      ];
    }
    case 'atlassian/kubectl-run': {
      const command = v('KUBECTL_COMMAND') ?? '';
      const path = v('RESOURCE_PATH');
      return [`kubectl ${command}${path ? ` -f ${path}` : ''} ${v('KUBECTL_ARGS') ?? ''} ${by}`];
    }
    case 'atlassian/aws-sam-deploy': {
      const stack = v('STACK_NAME');
      const template = v('SAM_TEMPLATE');
      return [`sam deploy${stack ? ` --stack-name ${stack}` : ''}${template ? ` -t ${template}` : ''} ${by}`];
    }
    default:
      return undefined;
  }
}

function scriptText(script: unknown): string[] {
  return arr(script).map((line) => {
    const pipe = str(get(line, 'pipe'));
    if (!pipe) return textOf(line);
    const vars = obj(get(line, 'variables'));
    return [...(pipeCommands(pipe, vars) ?? [`pipe: ${pipe}`]), textOf(vars)].join('\n');
  });
}

/** A Bitbucket Pipelines file that deploys: each pipeline's steps, in order. */
export function readBitbucketPipelines(doc: YamlDoc): Pipeline[] {
  const root = obj(get(doc.value, 'pipelines'));
  const lists: { key: string; path: PathKey[]; items: unknown[] }[] = [];
  for (const [k, v] of Object.entries(root)) {
    if (Array.isArray(v)) lists.push({ key: k, path: ['pipelines', k], items: v });
    else
      for (const [b, items] of Object.entries(obj(v)))
        lists.push({ key: `${k}.${b}`, path: ['pipelines', k, b], items: arr(items) });
  }
  const out: Pipeline[] = [];
  for (const list of lists) {
    const jobs: Job[] = [];
    const order = new Map<Job, number>();
    const step = (s: unknown, path: PathKey[], rank: number, deployment?: string) => {
      const body = obj(get(s, 'step'));
      const job = makeJob({
        id: `${list.key}: ${str(body.name) ?? `step ${jobs.length + 1}`}`,
        text: [...scriptText(body.script), ...scriptText(get(body, 'after-script'))],
        ...(arr(body.services).length ? { services: body.services } : {}),
        // a stage's deployment is its steps'
        environment: str(body.deployment) ?? deployment ?? '',
        at: doc.at([...path, 'step']),
      });
      jobs.push(job);
      order.set(job, rank);
    };
    list.items.forEach((item, i) => {
      const path = [...list.path, i];
      if (isObj(item) && item.step !== undefined) step(item, path, i);
      const par = get(item, 'parallel');
      const parSteps = Array.isArray(par) ? par : arr(get(par, 'steps'));
      const parPath = Array.isArray(par) ? ['parallel'] : ['parallel', 'steps'];
      for (const [k, s] of parSteps.entries()) step(s, [...path, ...parPath, k], i);
      const stage = obj(get(item, 'stage'));
      for (const [k, s] of arr(stage.steps).entries())
        step(s, [...path, 'stage', 'steps', k], i, str(stage.deployment));
    });
    // steps run one after another: each needs the ones before it
    out.push(
      ...analyse('bitbucket-pipelines', doc, jobs, (a, b) => (order.get(a) ?? 0) < (order.get(b) ?? 0)),
    );
  }
  return out;
}
