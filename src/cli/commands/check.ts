import { check } from '../../check/index.js';
import {
  defaultFindingsFormat,
  FINDINGS_FORMATS,
  FINDINGS_RENDERERS,
} from '../../renderers/findings/index.js';
import { EXIT, emit, exitCode, type Io, oneOf, parseCommand } from '../io.js';

const USAGE = `Usage: rollbook check [dir] [--base REF] [--format text|json|sarif|github|gitlab] [--out FILE]

Reviews the change in dir (default: .) against the next rollback: the migrations added or edited,
the manifests, flag files, ConfigMaps/Secrets and workflows changed since the base, each finding
with what makes the rollback unsafe, the expand/contract alternative, and where the previous
version's code still uses what the change drops or renames.

--base REF   compare with REF's merge-base with HEAD (default: GITHUB_BASE_REF in a GitHub pull
             request, CI_MERGE_REQUEST_DIFF_BASE_SHA in a GitLab merge request, else origin/HEAD,
             main, master)
--format     text (default; github inside GitHub Actions), json, sarif (SARIF 2.1.0), github
             (workflow-command annotations), gitlab (Code Quality report)

Ignore a finding with a reason: "-- rollbook-ignore drop-column: <why>" (SQL) or
"# rollbook-ignore mutable-image-tag: <why>" (YAML) on the line before; rollbook.yaml rules/ignore.
Exit 0: nothing makes the next rollback unsafe; 1: an error finding, or something could not be
checked; 2: bad usage or input (unknown base, shallow clone without it, binary file, unknown rule).`;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    args,
    { base: { type: 'string' }, format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
    USAGE,
    io,
  );
  if (!parsed) return EXIT.ok;
  const { values, positionals } = parsed;
  const env = process.env;
  const format = oneOf(
    values.format as string | undefined,
    FINDINGS_FORMATS,
    '--format',
    defaultFindingsFormat(env),
  );
  const report = await check(positionals[0], {
    cwd: io.cwd,
    env,
    ...(values.base !== undefined ? { base: values.base as string } : {}),
  });
  emit(
    io,
    (FINDINGS_RENDERERS[format] as (r: typeof report) => string)(report),
    values.out as string | undefined,
  );
  return exitCode(report.outcome);
}
