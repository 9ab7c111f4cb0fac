/**
 * Cloud Run: `gcloud run revisions list --service S --format=json` (Knative Revision objects:
 * metadata.name, status.conditions Ready) and `gcloud run services describe S --format=json`
 * (status.conditions Ready/ConfigurationsReady/RoutesReady True/False/Unknown,
 * status.latestCreatedRevisionName, status.latestReadyRevisionName).
 * Format: https://cloud.google.com/run/docs/reference/rest/v1/namespaces.revisions and
 * https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services.
 */
import {
  arr,
  at,
  type Condition,
  conditions,
  conditionText,
  firstLine,
  isObject,
  jsonOf,
  notUnderstood,
  num,
  str,
} from './read.js';
import { fail, type Probe, type ProbeVerdict, pass, unknown } from './types.js';

export const cloudRunRevisions: Probe = {
  id: 'cloud-run-revisions',
  platforms: ['cloud-run'],
  reads: 'gcloud run revisions list --service SERVICE --region REGION --format=json',
  format: 'https://cloud.google.com/run/docs/reference/rest/v1/namespaces.revisions',
  passes: 'the revisions list the target revision (REVISION of REVISION=100) and its Ready condition is True',
  wants: true,
  read({ output, exitCode, want }) {
    const doc = jsonOf(output);
    if (exitCode !== 0 || !Array.isArray(doc))
      return notUnderstood('gcloud run revisions list JSON', exitCode, output);
    const name = (want ?? '').replace(/=\d+$/, '').trim();
    if (name === '') return unknown('no target revision given');
    const revs = arr(doc).filter(isObject);
    const names = revs.map((r) => str(at(r, 'metadata', 'name'))).filter(Boolean);
    const rev = revs.find((r) => str(at(r, 'metadata', 'name')) === name);
    if (!rev)
      return fail(
        `revision ${name} is not listed (the service has ${names.slice(0, 8).join(', ') || 'none'}): deleted or misspelt`,
      );
    const ready = conditions(rev).find((c) => c.type === 'Ready');
    if (ready?.status !== 'True')
      return fail(
        `revision ${name} is not ready (${ready ? conditionText(ready) : 'no Ready condition'}): traffic sent to it would fail`,
      );
    return pass(`revision ${name} is listed and Ready`);
  },
};

/** The service's JSON and its Ready condition, or the verdict when the output is not that. */
function serviceOf(output: string, exitCode: number): { doc: unknown; ready: Condition } | ProbeVerdict {
  if (exitCode !== 0 && /Cannot find service|could not be found|NOT_FOUND/i.test(output))
    return fail(`the service does not exist: ${firstLine(output)}`);
  const doc = jsonOf(output);
  const ready = conditions(doc).find((c) => c.type === 'Ready');
  if (exitCode !== 0 || !ready)
    return notUnderstood('the service JSON (status.conditions Ready)', exitCode, output);
  return { doc, ready };
}

export const cloudRunService: Probe = {
  id: 'cloud-run-service',
  platforms: ['cloud-run'],
  reads: 'gcloud run services describe SERVICE --region REGION --format=json',
  format: 'https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services',
  passes:
    'the Ready condition is True (complete) or False (stalled: the latest revision failed; passes); Unknown fails (a deploy is under way)',
  read({ output, exitCode }) {
    const sv = serviceOf(output, exitCode);
    if ('outcome' in sv) return sv;
    const { doc, ready } = sv;
    const created = str(at(doc, 'status', 'latestCreatedRevisionName'));
    const serving = str(at(doc, 'status', 'latestReadyRevisionName'));
    const revs = `latest created ${created ?? '?'}, latest ready ${serving ?? '?'}`;
    if (ready.status === 'True') return pass(`complete: ${conditionText(ready)} (${revs})`);
    if (ready.status === 'False')
      return pass(`stalled: ${conditionText(ready)} (${revs}): the usual reason to roll back`);
    return fail(`progressing: ${conditionText(ready)} (${revs}): a deploy is under way`);
  },
};

/**
 * After `gcloud run services update-traffic SVC --to-revisions REV=100`: the service's status.traffic
 * (TrafficTarget: revisionName, percent, latestRevision, tag) sends 100% to REV and nothing elsewhere
 * (tag-only targets carry no percent), observed for the current generation, and Ready is True.
 * Format: https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services (ServiceStatus, TrafficTarget).
 */
export const cloudRunTraffic: Probe = {
  id: 'cloud-run-traffic',
  platforms: ['cloud-run'],
  reads: 'gcloud run services describe SERVICE --region REGION --format=json',
  format: 'https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services',
  passes:
    'status.traffic sends percent 100 to the chosen revision and none to another, for the current generation, and the Ready condition is True',
  wants: true,
  read({ output, exitCode, want }) {
    const sv = serviceOf(output, exitCode);
    if ('outcome' in sv) return sv;
    const { doc, ready } = sv;
    const name = (want ?? '').replace(/=\d+$/, '').trim();
    if (name === '') return unknown('no target revision given');
    const generation = num(at(doc, 'metadata', 'generation'));
    const observed = num(at(doc, 'status', 'observedGeneration'));
    if (generation !== undefined && observed !== undefined && observed < generation)
      return fail(
        `progressing: the traffic change is not applied yet (status.observedGeneration ${observed} < metadata.generation ${generation})`,
      );
    const routes = arr(at(doc, 'status', 'traffic'))
      .filter(isObject)
      .map((t) => ({
        rev: str(t.revisionName) ?? (t.latestRevision === true ? '(latest)' : '?'),
        percent: num(t.percent) ?? 0,
      }))
      .filter((t) => t.percent > 0);
    const split = routes.map((t) => `${t.rev} ${t.percent}%`).join(', ') || 'no revision';
    const mine = routes.filter((t) => t.rev === name).reduce((n, t) => n + t.percent, 0);
    if (mine !== 100) return fail(`status.traffic sends ${split}, not 100% to ${name}`);
    if (routes.some((t) => t.rev !== name)) return fail(`traffic is split: ${split}`);
    if (ready.status !== 'True')
      return fail(`100% goes to ${name} but the service is not ready: ${conditionText(ready)}`);
    return pass(`100% of the traffic goes to ${name} and the service is ready`);
  },
};
