/**
 * Azure Pipelines: `azure-pipelines.yml` in the shared job model (pipelines.ts). Stages run in
 * order (each after the one before it), jobs by `dependsOn`; a `deployment:` job's `environment:`
 * is its environment and its steps are those of its strategy (runOnce, rolling, canary: preDeploy,
 * deploy, routeTraffic, postRouteTraffic, on success/failure). A step's text is its `script:`,
 * `bash:`, `pwsh:` or `powershell:` command, or its task's inputs; tasks that deploy become the
 * commands they run (KubernetesManifest@0/1 `action: deploy`: `manifests`, `namespace`;
 * HelmDeploy@0/1 `command: upgrade|install`: `releaseName`, `chartPath` or `chartName`, `namespace`;
 * Kubernetes@1 `command: apply|set`: `arguments`).
 */
import type { Pipeline } from '../../model/service.js';
import { analyse, type Job, makeJob, textOf } from './pipelines.js';
import { arr, get, isObj, obj, type PathKey, str, type YamlDoc } from './yaml.js';

/** The commands a task runs with its inputs, or undefined when rollbook does not translate it. */
export function taskCommands(task: string, inputs: Record<string, unknown>): string[] | undefined {
  const v = (...ks: string[]) => ks.map((k) => str(inputs[k])?.trim()).find(Boolean);
  const [name] = task.split('@');
  const by = `(task: ${task})`;
  const ns = v('namespace');
  const n = ns ? ` -n ${ns}` : '';
  switch (name) {
    case 'KubernetesManifest': {
      const action = v('action') ?? 'deploy';
      if (action !== 'deploy') return action === 'reject' ? [] : undefined;
      return (v('manifests') ?? '')
        .split(/[\n,]/)
        .map((m) => m.trim())
        .filter(Boolean)
        .map((m) => `kubectl apply${n} -f ${m} ${by}`);
    }
    case 'HelmDeploy': {
      const command = v('command') ?? '';
      if (!/^(upgrade|install)$/.test(command)) return undefined;
      return [
        `helm upgrade --install${n} ${v('releaseName') ?? '$RELEASE'} ${v('chartPath', 'chartName') ?? ''} ${by}`,
      ];
    }
    case 'Kubernetes': {
      const command = v('command') ?? '';
      return /^(apply|set)$/.test(command)
        ? [`kubectl ${command}${n} ${v('arguments') ?? ''} ${by}`]
        : undefined;
    }
    default:
      return undefined;
  }
}

const SCRIPT_KEYS = ['script', 'bash', 'pwsh', 'powershell'];

function stepText(step: unknown): string {
  const s = obj(step);
  const script = SCRIPT_KEYS.map((k) => str(s[k])).find((x) => x !== undefined);
  const dir = str(s.workingDirectory);
  if (script !== undefined) return dir ? `cd ${dir}\n${script}` : script;
  const task = str(s.task);
  if (task) {
    const inputs = obj(s.inputs);
    return [...(taskCommands(task, inputs) ?? [`task: ${task}`]), textOf(inputs)].join('\n');
  }
  return '';
}

/** Every `steps:` list under a deployment job's strategy, in the order they appear. */
function strategySteps(v: unknown, depth = 0): unknown[] {
  if (depth > 6 || !isObj(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'steps' ? arr(x) : strategySteps(x, depth + 1)));
}

const list = (v: unknown) => (typeof v === 'string' ? [v] : arr(v).map(String));

/** An Azure Pipelines file that deploys: stages in order, jobs by dependsOn. */
export function readAzurePipelines(doc: YamlDoc): Pipeline[] {
  const v = obj(doc.value);
  const stages: { name: string; jobs: unknown[]; path: PathKey[] }[] = arr(v.stages).length
    ? arr(v.stages).map((s, i) => ({
        name: str(get(s, 'stage')) ?? `stage ${i + 1}`,
        jobs: arr(get(s, 'jobs')),
        path: ['stages', i, 'jobs'],
      }))
    : arr(v.jobs).length
      ? [{ name: '', jobs: arr(v.jobs), path: ['jobs'] }]
      : // a pipeline of steps only is one job
        [{ name: '', jobs: [{ job: 'steps', steps: v.steps }], path: [] }];
  const rank = new Map<Job, number>();
  const jobs: Job[] = [];
  stages.forEach((stage, si) => {
    stage.jobs.forEach((j, ji) => {
      const o = obj(j);
      const name = str(o.deployment) ?? str(o.job) ?? `job ${ji + 1}`;
      const steps = o.deployment !== undefined ? strategySteps(o.strategy) : arr(o.steps);
      const env = o.environment;
      const job = makeJob({
        id: stage.name ? `${stage.name}.${name}` : name,
        text: steps.map(stepText),
        needs: list(o.dependsOn).map((d) => (stage.name ? `${stage.name}.${d}` : d)),
        ...(isObj(o.services) ? { services: o.services } : {}),
        environment: typeof env === 'string' ? env : (str(get(env, 'name')) ?? ''),
        at: doc.at(stage.path.length ? [...stage.path, ji] : ['steps']),
      });
      jobs.push(job);
      rank.set(job, si);
    });
  });
  return analyse('azure-pipelines', doc, jobs, (a, b) => (rank.get(a) ?? 0) < (rank.get(b) ?? 0));
}
