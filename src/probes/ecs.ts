/**
 * ECS: `aws ecs describe-task-definition --task-definition FAMILY:REVISION` (taskDefinition.family,
 * .revision, .status ACTIVE/INACTIVE/DELETE_IN_PROGRESS) and `aws ecs describe-services` (services[]
 * with deployments[]: status PRIMARY/ACTIVE, rolloutState IN_PROGRESS/COMPLETED/FAILED,
 * rolloutStateReason; failures[] with reason MISSING for an unknown service).
 * Format: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html and
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html.
 */
import { arr, at, firstLine, isObject, jsonOf, notUnderstood, num, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

/** "family:12" or an ARN ending in task-definition/family:12 → { family, revision }. */
function familyRevision(ref: string | undefined): { family: string; revision: number } | undefined {
  const m = /(?:task-definition\/)?([A-Za-z0-9_-]{1,255}):(\d{1,10})$/.exec((ref ?? '').trim());
  return m ? { family: m[1] as string, revision: Number(m[2]) } : undefined;
}

export const ecsTaskDefinition: Probe = {
  id: 'ecs-task-definition',
  platforms: ['ecs'],
  reads: 'aws ecs describe-task-definition --task-definition FAMILY:REVISION',
  format: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html',
  passes: 'the target task definition revision exists and its status is ACTIVE (not deregistered)',
  wants: true,
  read({ output, exitCode, want }) {
    const target = familyRevision(want);
    if (!target) return unknown(`the target "${want ?? ''}" is not FAMILY:REVISION`);
    if (exitCode !== 0 && /Unable to describe task definition|ClientException/i.test(output))
      return fail(`task definition ${target.family}:${target.revision} does not exist: ${firstLine(output)}`);
    const td = at(jsonOf(output), 'taskDefinition');
    const status = str(at(td, 'status'));
    if (exitCode !== 0 || !status) return notUnderstood('describe-task-definition JSON', exitCode, output);
    const got = `${str(at(td, 'family')) ?? '?'}:${num(at(td, 'revision')) ?? '?'}`;
    if (got !== `${target.family}:${target.revision}`)
      return fail(`asked for ${target.family}:${target.revision}, AWS answered ${got}`);
    if (status !== 'ACTIVE')
      return fail(
        `task definition ${got} is ${status} (deregistered): a service cannot be updated to it; register its JSON again as a new revision`,
      );
    const images = arr(at(td, 'containerDefinitions'))
      .map((c) => str(at(c, 'image')))
      .filter(Boolean);
    return pass(`task definition ${got} is ACTIVE${images.length ? ` (${images.join(', ')})` : ''}`);
  },
};

export const ecsDeployments: Probe = {
  id: 'ecs-deployments',
  platforms: ['ecs'],
  reads: 'aws ecs describe-services --cluster CLUSTER --services SERVICE',
  format: 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html',
  passes:
    "the PRIMARY deployment's rolloutState is COMPLETED (complete) or FAILED (stalled: passes); IN_PROGRESS fails",
  read({ output, exitCode }) {
    const doc = jsonOf(output);
    const failure = arr(at(doc, 'failures')).find(isObject);
    if (failure)
      return fail(`the service is ${str(failure.reason) ?? 'not found'}: ${str(failure.arn) ?? ''}`);
    const svc = arr(at(doc, 'services')).find(isObject);
    const deployments = arr(svc?.deployments).filter(isObject);
    if (exitCode !== 0 || !svc || deployments.length === 0)
      return notUnderstood('describe-services JSON (services[].deployments)', exitCode, output);
    const primary = deployments.find((d) => d.status === 'PRIMARY') ?? deployments[0];
    const state = str(primary?.rolloutState);
    const reason = str(primary?.rolloutStateReason);
    const tasks = `${num(primary?.runningCount) ?? '?'}/${num(primary?.desiredCount) ?? '?'} running, ${num(primary?.failedTasks) ?? 0} failed`;
    const what = `PRIMARY deployment ${str(primary?.taskDefinition)?.replace(/^.*task-definition\//, '') ?? '?'} (${tasks}${reason ? `; ${reason}` : ''})`;
    switch (state) {
      case 'COMPLETED':
        return pass(`complete: ${what}`);
      case 'FAILED':
        return pass(`stalled: ${what} FAILED (circuit breaker): the usual reason to roll back`);
      case 'IN_PROGRESS':
        return fail(
          `progressing: ${what} is IN_PROGRESS; wait, or stop it (aws ecs stop-service-deployment --stop-type ROLLBACK)`,
        );
      case undefined:
        // CODE_DEPLOY / EXTERNAL controllers and Classic Load Balancers have no rolloutState.
        if (deployments.length > 1)
          return fail(
            `progressing: ${deployments.length} deployments are active (no rolloutState: ${what}); wait for one to remain`,
          );
        if (num(primary?.runningCount) === num(primary?.desiredCount))
          return pass(`complete: one deployment, all tasks running (no rolloutState: ${what})`);
        return unknown(
          `one deployment without rolloutState and not every task running (${what}): cannot tell progressing from stalled`,
        );
      default:
        return unknown(`rolloutState ${state} is not one rollbook knows (${what})`);
    }
  },
};
