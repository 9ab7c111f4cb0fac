/**
 * CircleCI: `.circleci/config.yml` in the shared job model (pipelines.ts). A workflow's jobs (a
 * job of `jobs:` or an orb's job, renamed by `name:`) are ordered by `requires`; each job's text is
 * its `run:` steps and the orb commands it calls. Orb steps that deploy become the commands they run
 * (circleci/aws-ecs `deploy-service-update` / `update-service`: `family`, `cluster` or
 * `cluster-name`, `service-name` or `service_name`, defaulting to the family; circleci/kubernetes
 * `create-or-update-resource`: `resource-file-path`; circleci/helm `upgrade-helm-chart`: `chart`,
 * `release-name`, `namespace`; circleci/aws-eks `update-container-image`: `resource-name`).
 */
import type { Pipeline } from '../../model/service.js';
import { analyse, type Job, makeJob, textOf } from './pipelines.js';
import { arr, get, isObj, obj, str, type YamlDoc } from './yaml.js';

/** The commands an orb job or command runs with its parameters, or undefined when rollbook does not translate it. */
export function orbCommands(ref: string, params: Record<string, unknown>): string[] | undefined {
  const p = (...ks: string[]) => ks.map((k) => str(params[k])?.trim()).find(Boolean);
  const [, command] = ref.split('/');
  const by = `(${ref})`;
  switch (command) {
    case 'deploy-service-update':
    case 'update-service': {
      const family = p('family');
      const service = p('service-name', 'service_name') ?? family;
      const cluster = p('cluster', 'cluster-name');
      if (!service) return undefined;
      return [
        `aws ecs update-service${cluster ? ` --cluster ${cluster}` : ''} --service ${service}${family ? ` --task-definition ${family}` : ''} ${by}`,
      ];
    }
    case 'create-or-update-resource': {
      const file = p('resource-file-path');
      const ns = p('namespace');
      return file ? [`kubectl apply${ns ? ` -n ${ns}` : ''} -f ${file} ${by}`] : undefined;
    }
    case 'upgrade-helm-chart': {
      const release = p('release-name');
      const chart = p('chart');
      const ns = p('namespace');
      return release && chart
        ? [`helm upgrade --install${ns ? ` -n ${ns}` : ''} ${release} ${chart} ${by}`]
        : undefined;
    }
    case 'update-container-image': {
      const resource = p('resource-name');
      return resource ? [`kubectl set image ${resource} ${by}`] : undefined;
    }
    default:
      return undefined;
  }
}

/** The text of a step: a `run:` command in its working directory, an orb step translated, or as written. */
function stepText(step: unknown): string {
  if (typeof step === 'string') return step;
  const [key, value] = Object.entries(obj(step))[0] ?? [];
  if (key === undefined) return '';
  if (key === 'run') {
    const command = typeof value === 'string' ? value : (str(get(value, 'command')) ?? '');
    const dir = str(get(value, 'working_directory'));
    return dir ? `cd ${dir}\n${command}` : command;
  }
  const orb = key.includes('/') ? orbCommands(key, obj(value)) : undefined;
  return [...(orb ?? [key]), textOf(value)].join('\n');
}

/** A CircleCI config that deploys: every workflow's jobs, ordered by `requires`. */
export function readCircleci(doc: YamlDoc): Pipeline[] {
  const defs = obj(get(doc.value, 'jobs'));
  const jobs: Job[] = [];
  const seen = new Set<string>();
  const add = (id: string, ref: string, entry: Record<string, unknown>, at: (string | number)[]) => {
    if (seen.has(id)) return;
    seen.add(id);
    const def = defs[ref];
    const text = isObj(def)
      ? arr(def.steps).map(stepText)
      : ref.includes('/')
        ? [[...(orbCommands(ref, entry) ?? [ref]), textOf(entry)].join('\n')]
        : [];
    const docker = arr(get(def, 'docker'));
    const requires = arr(entry.requires).map(String);
    jobs.push(
      makeJob({
        id,
        text,
        needs: requires,
        ...(docker.length > 1 ? { services: docker.slice(1) } : {}),
        at: doc.at(at),
      }),
    );
  };
  for (const [wf, w] of Object.entries(obj(get(doc.value, 'workflows')))) {
    arr(get(w, 'jobs')).forEach((j, i) => {
      const ref = typeof j === 'string' ? j : (Object.keys(obj(j))[0] ?? '');
      const entry = typeof j === 'string' ? {} : obj(obj(j)[ref]);
      add(str(entry.name) ?? ref, ref, entry, ['workflows', wf, 'jobs', i]);
    });
  }
  // jobs no workflow runs (a 2.0 config's `build`) still count
  for (const id of Object.keys(defs)) add(id, id, {}, ['jobs', id]);
  return analyse('circleci', doc, jobs, () => false);
}
