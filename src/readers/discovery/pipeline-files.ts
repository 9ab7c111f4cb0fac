/**
 * Which CI system a file belongs to: the five rollbook reads (each a reader of the shared job
 * model), and those it recognises without reading them (Jenkins, Drone, Buildkite, Travis CI,
 * Google Cloud Build, AWS CodeBuild, Woodpecker) so discover says each was seen and not read, and
 * names the line that may deploy the service as an unknown.
 */
import type { Pipeline, Unknown } from '../../model/service.js';
import { readAzurePipelines } from './azure-pipelines.js';
import { readBitbucketPipelines } from './bitbucket-pipelines.js';
import { readCircleci } from './circleci.js';
import { readGithubWorkflow } from './github-actions.js';
import { readGitlabCi } from './gitlab-ci.js';
import { DEPLOY } from './pipelines.js';
import type { YamlDoc } from './yaml.js';

const READERS: { provider: string; file: RegExp; read: (doc: YamlDoc) => Pipeline[] }[] = [
  { provider: 'github-actions', file: /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/, read: readGithubWorkflow },
  { provider: 'gitlab-ci', file: /(^|\/)\.gitlab-ci\.ya?ml$/, read: readGitlabCi },
  { provider: 'circleci', file: /(^|\/)\.circleci\/config\.ya?ml$/, read: readCircleci },
  {
    provider: 'bitbucket-pipelines',
    file: /(^|\/)bitbucket-pipelines\.ya?ml$/,
    read: readBitbucketPipelines,
  },
  {
    provider: 'azure-pipelines',
    file: /(^|\/)(azure-pipelines[\w.-]*\.ya?ml|\.?azure-pipelines\/[^/]+\.ya?ml)$/,
    read: readAzurePipelines,
  },
];

/** The reader of a CI file rollbook reads, by its path. */
export function pipelineReader(rel: string): (typeof READERS)[number] | undefined {
  return READERS.find((r) => r.file.test(rel));
}

const UNREAD: { system: string; file: RegExp }[] = [
  { system: 'Jenkins', file: /(^|\/)(Jenkinsfile([.-][\w.-]+)?|[\w.-]+\.jenkinsfile)$/ },
  { system: 'Drone', file: /(^|\/)\.drone\.ya?ml$/ },
  { system: 'Buildkite', file: /(^|\/)\.buildkite\/[^/]*pipeline[^/]*\.ya?ml$/ },
  { system: 'Travis CI', file: /(^|\/)\.travis\.ya?ml$/ },
  { system: 'Google Cloud Build', file: /(^|\/)cloudbuild[\w.-]*\.ya?ml$/ },
  { system: 'AWS CodeBuild', file: /(^|\/)buildspec[\w.-]*\.ya?ml$/ },
  { system: 'Woodpecker', file: /(^|\/)\.woodpecker(\.ya?ml|\/[^/]+\.ya?ml)$/ },
];

/** The CI system of a pipeline file rollbook recognises but does not read. */
export function unreadPipelineSystem(rel: string): string | undefined {
  return UNREAD.find((u) => u.file.test(rel))?.system;
}

/**
 * What discover says of a pipeline file it does not read: seen and not read, and, when a line of it
 * runs a deploy command, an unknown naming that line (it may deploy the service, with migrations
 * before it rollbook cannot see).
 */
export function unreadPipeline(
  rel: string,
  system: string,
  text: string,
): { note: string; unknown?: Unknown } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => !/^\s*(#|\/\/)/.test(l) && DEPLOY.test(l));
  const note = `${system} pipeline: seen, not read (rollbook reads GitHub Actions, GitLab CI, CircleCI, Bitbucket Pipelines and Azure Pipelines)`;
  if (i < 0) return { note: `${note}; no deploy command in it` };
  const line = (lines[i] as string).trim().slice(0, 160);
  return {
    note,
    unknown: {
      subject: `${system} pipeline ${rel}`,
      reason: `rollbook does not read ${system} pipelines, and line ${i + 1} runs \`${line}\`: it may deploy this service; which workload it deploys and whether it migrates before deploying are unknown (declare deploy.pipeline in rollbook.yaml and check it by hand)`,
      at: { file: rel, line: i + 1 },
    },
  };
}
