/** GitLab CI: `.gitlab-ci.yml` jobs in the shared job model (pipelines.ts); stages order jobs, `needs` too. */
import type { Pipeline } from '../../model/service.js';
import { analyse, type Job, makeJob, textOf } from './pipelines.js';
import { arr, get, isObj, obj, str, type YamlDoc } from './yaml.js';

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
      const stage = str(get(j, 'stage'));
      return makeJob({
        id,
        text: [...before, ...script],
        needs: arr(get(j, 'needs')).map((n) => (typeof n === 'string' ? n : (str(get(n, 'job')) ?? ''))),
        ...(stage !== undefined ? { stage } : {}),
        services: get(j, 'services'),
        environment: textOf(get(j, 'environment')),
        at: doc.at([id]),
      });
    });
  const idx = (s: string | undefined) => stageList.indexOf(s ?? 'test');
  return analyse('gitlab-ci', doc, jobs, (a, b) => idx(a.stage) < idx(b.stage));
}
