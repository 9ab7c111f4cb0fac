import type { CheckReport } from '../../model/check.js';
import { cmp } from '../../util/order.js';
import { renderCheckGithub } from './github.js';
import { renderCheckGitlab } from './gitlab.js';
import { renderCheckJson } from './json.js';
import { renderCheckSarif } from './sarif.js';
import { renderCheckText } from './text.js';

export type FindingsRenderer = (report: CheckReport) => string;

/** name → renderer for `rollbook check --format`. The CLI only picks one. */
export const FINDINGS_RENDERERS: Record<string, FindingsRenderer> = {
  github: renderCheckGithub,
  gitlab: renderCheckGitlab,
  json: renderCheckJson,
  sarif: renderCheckSarif,
  text: renderCheckText,
};

export const FINDINGS_FORMATS = Object.keys(FINDINGS_RENDERERS).sort(cmp) as readonly string[];

/**
 * The format when none was asked for: `github` inside GitHub Actions (annotations on the pull
 * request), otherwise `text`.
 */
export function defaultFindingsFormat(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_ACTIONS === 'true' ? 'github' : 'text';
}
