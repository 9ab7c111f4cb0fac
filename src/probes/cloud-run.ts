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
  conditions,
  conditionText,
  firstLine,
  isObject,
  jsonOf,
  notUnderstood,
  str,
} from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

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

export const cloudRunService: Probe = {
  id: 'cloud-run-service',
  platforms: ['cloud-run'],
  reads: 'gcloud run services describe SERVICE --region REGION --format=json',
  format: 'https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services',
  passes:
    'the Ready condition is True (complete) or False (stalled: the latest revision failed; passes); Unknown fails (a deploy is under way)',
  read({ output, exitCode }) {
    if (exitCode !== 0 && /Cannot find service|could not be found|NOT_FOUND/i.test(output))
      return fail(`the service does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const ready = conditions(doc).find((c) => c.type === 'Ready');
    if (exitCode !== 0 || !ready)
      return notUnderstood('the service JSON (status.conditions Ready)', exitCode, output);
    const created = str(at(doc, 'status', 'latestCreatedRevisionName'));
    const serving = str(at(doc, 'status', 'latestReadyRevisionName'));
    const revs = `latest created ${created ?? '?'}, latest ready ${serving ?? '?'}`;
    if (ready.status === 'True') return pass(`complete: ${conditionText(ready)} (${revs})`);
    if (ready.status === 'False')
      return pass(`stalled: ${conditionText(ready)} (${revs}): the usual reason to roll back`);
    return fail(`progressing: ${conditionText(ready)} (${revs}): a deploy is under way`);
  },
};
