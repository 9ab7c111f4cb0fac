/**
 * Nomad: `nomad job history -json JOB` (an array of job versions: Version, Stable, SubmitTime) and
 * `nomad job deployments -latest -json JOB` (a Deployment: Status running, pending, initializing,
 * blocked, unblocking, paused, successful, failed, cancelled; StatusDescription).
 * Format: command/job_history.go (hashicorp/nomad: -json prints the []*api.Job of the versions) and
 * https://developer.hashicorp.com/nomad/api-docs/deployments. A version's Stable is set when a
 * deployment of it succeeds (what auto_revert returns to), so only Stable = true proves a good target.
 */
import { at, firstLine, isObject, jsonOf, notUnderstood, num, revisionNumber, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

export const nomadHistory: Probe = {
  id: 'nomad-history',
  platforms: ['nomad'],
  reads: 'nomad job history -json JOB',
  format: 'https://developer.hashicorp.com/nomad/commands/job/history',
  passes:
    'the job versions list the target version, it is not the newest one, and it is Stable = true (Nomad marks a version stable only when its deployment succeeded); a tracked version never marked stable is UNKNOWN',
  wants: true,
  read({ output, exitCode, want }) {
    if (exitCode !== 0 && /No job\(s\) with prefix|not found/i.test(output))
      return fail(`the job does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    if (exitCode !== 0 || !Array.isArray(doc))
      return notUnderstood('nomad job history -json', exitCode, output);
    const versions = doc.filter(isObject);
    const listed = versions.map((v) => num(v.Version)).filter((n): n is number => n !== undefined);
    const v = revisionNumber(want);
    if (v === undefined) return unknown(`the target version "${want ?? ''}" is not a version number`);
    const row = versions.find((x) => num(x.Version) === v);
    if (!row)
      return fail(
        `version ${v} is not tracked (the job keeps ${listed.join(', ') || 'none'}): Nomad keeps a limited number of versions (job_tracked_versions, default 6)`,
      );
    if (v === Math.max(...listed)) return fail(`version ${v} is the newest version, the one running now`);
    if (row.Stable === true)
      return pass(
        `version ${v} is tracked and stable (Stable = true: Nomad marks a version stable only when its deployment succeeded with healthy allocations)`,
      );
    const stable = versions
      .filter((x) => x.Stable === true)
      .map((x) => num(x.Version))
      .filter((n): n is number => n !== undefined && n !== Math.max(...listed));
    const better = stable.length ? `; the tracked stable versions are ${stable.join(', ')}` : '';
    if (row.Stable === false)
      return unknown(
        `version ${v} is tracked but was never marked stable (Stable = false): its deployment failed, was cancelled or never ran, so nothing proves it worked${better}`,
      );
    return unknown(
      `version ${v} is tracked but its entry has no Stable field: nothing proves it worked${better}`,
    );
  },
};

export const nomadDeployment: Probe = {
  id: 'nomad-deployment',
  platforms: ['nomad'],
  reads: 'nomad job deployments -latest -json JOB',
  format: 'https://developer.hashicorp.com/nomad/api-docs/deployments',
  passes:
    'the latest deployment is successful or cancelled (complete) or failed/paused (stalled: passes); running, pending or blocked fails',
  read({ output, exitCode }) {
    let doc = jsonOf(output);
    if (Array.isArray(doc)) doc = doc[0];
    const status = str(at(doc, 'Status'));
    if (exitCode !== 0 || !status) return notUnderstood('the deployment JSON (Status)', exitCode, output);
    const what = `deployment of version ${num(at(doc, 'JobVersion')) ?? '?'}: ${status}${str(at(doc, 'StatusDescription')) ? ` (${str(at(doc, 'StatusDescription'))})` : ''}`;
    const groups = Object.values((at(doc, 'TaskGroups') as Record<string, unknown> | undefined) ?? {});
    const unhealthy = groups.reduce<number>((n, g) => n + (num(at(g, 'UnhealthyAllocs')) ?? 0), 0);
    switch (status) {
      case 'successful':
      case 'cancelled':
        return pass(`complete: ${what}`);
      case 'failed':
        return pass(
          `stalled: ${what}${unhealthy ? `, ${unhealthy} unhealthy allocation(s)` : ''} (the usual reason to roll back)`,
        );
      case 'paused':
        return pass(`paused: ${what}: nothing progresses until it is resumed or promoted`);
      case 'running':
      case 'pending':
      case 'initializing':
      case 'blocked':
      case 'unblocking':
        return fail(`progressing: ${what}; wait, or fail it first (nomad deployment fail)`);
      default:
        return unknown(`deployment status ${status} is not one rollbook knows`);
    }
  },
};
