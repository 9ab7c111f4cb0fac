/**
 * AWS Lambda: point the alias callers use back at a published version
 * (`aws lambda update-alias --function-name F --name ALIAS --function-version N`).
 *
 * Names: function from the lambda.function fact, else workload.name, deploy.target.function /
 * functionName, deploy.workload, service.name. Facts (lambda block, else deploy.target): alias
 * (unknown → operator input LAMBDA_ALIAS), region; provisionedConcurrency (lambda block only: the
 * number configured on the alias, when known).
 */
import type { Finding } from '../model/finding.js';
import type { Arg, Check, Command, Input } from '../model/plan.js';
import * as probes from '../probes/lambda.js';
import {
  Drivers,
  durationModel,
  fact,
  hazard,
  input,
  opt,
  optIf,
  probeCheck,
  read,
  resourceName,
  rollbackOf,
  run,
  timedStep,
} from './common.js';
import type { DurationModel, Platform, PlatformContext, PlatformRollback } from './types.js';

const ALIAS = 'LAMBDA_ALIAS';
const VERSION = 'TARGET_VERSION';

function names(ctx: PlatformContext): { fn: string; alias: Arg; region: string[] } {
  return {
    fn: resourceName(ctx, ctx.workload?.lambda?.function, 'function', 'functionName'),
    alias: fact(ctx, ctx.workload?.lambda?.alias, 'alias') ?? { var: ALIAS },
    region: optIf('--region', fact(ctx, ctx.workload?.lambda?.region, 'region')),
  };
}

function history(ctx: PlatformContext): Command {
  const n = names(ctx);
  return read('aws', 'lambda', 'list-versions-by-function', ...opt('--function-name', n.fn), ...n.region);
}

/** `aws lambda get-alias` (`extra`: e.g. --output json for a probe). */
function status(ctx: PlatformContext, ...extra: string[]): Command {
  const n = names(ctx);
  return read(
    'aws',
    'lambda',
    'get-alias',
    ...opt('--function-name', n.fn),
    ...opt('--name', n.alias),
    ...n.region,
    ...extra,
  );
}

const SAM = 'template.yaml (SAM)';
const SLS = 'serverless.yml';

/** Where the real value of each assumed driver is set or measured. */
const WHERE: Readonly<Record<string, string>> = {
  'alias switch':
    'in no file: update-alias is one atomic API call; aws lambda get-alias shows the new FunctionVersion at once',
  provisionedConcurrency: `ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions of the function in ${SAM} (it applies to the AutoPublishAlias), provisionedConcurrency of the function in ${SLS}; live: aws lambda get-provisioned-concurrency-config --qualifier ALIAS`,
  'traffic shifting': `DeploymentPreference.Type of the function in ${SAM} (CodeDeploy: Canary10Percent5Minutes, Linear10PercentEvery1Minute, AllAtOnce...), deploymentSettings.type in ${SLS} (serverless-plugin-canary-deployments)`,
};

function duration(ctx: PlatformContext): DurationModel {
  const d = new Drivers(ctx, WHERE);
  d.add('alias switch', 'atomic pointer update (5s, worst 60s)', 'default');
  // A deploy shifts traffic as the CodeDeploy preference says; update-alias moves it all at once.
  const shifting = d.get('strategy', 'AllAtOnce', 'traffic shifting');
  const redeploy =
    shifting === 'AllAtOnce'
      ? ''
      : ` (a redeploy through the pipeline would shift traffic ${shifting} instead; update-alias does not)`;
  const set = ctx.workload?.lambda?.provisionedConcurrency;
  const pc = set ?? 0;
  if (set === undefined) d.add('provisionedConcurrency', 0, 'default');
  else
    d.add(
      'provisionedConcurrency',
      set,
      'manifest',
      ctx.workload?.lambda?.provisionedConcurrencyAt ?? ctx.workload?.at,
    );
  if (pc > 0) {
    return durationModel(
      5 + 120,
      60 + 900,
      d,
      `alias update (atomic) + allocating ${pc} provisioned concurrency on the target version (typically 2 min, up to 15 min)${redeploy}`,
    );
  }
  return durationModel(
    5,
    60,
    d,
    `alias update is an atomic pointer change; in-flight invocations finish on the old version, new ones start cold on the target (no provisioned concurrency)${redeploy}`,
  );
}

/** The published versions include the target, read by a probe. */
function revisionCheck(ctx: PlatformContext): Check {
  return probeCheck(history(ctx), probes.lambdaVersions, { var: VERSION });
}

/** The alias's routing: one version, or a weighted shift under way. */
function deployStateCheck(ctx: PlatformContext): Check {
  return probeCheck(status(ctx), probes.lambdaAlias);
}

function rollback(ctx: PlatformContext): PlatformRollback {
  const n = names(ctx);
  const d = duration(ctx);
  const inputs: Input[] = [];
  if (typeof n.alias !== 'string') {
    inputs.push(
      input(
        ALIAS,
        `Alias of ${n.fn} that callers invoke (not named in the repository)`,
        read('aws', 'lambda', 'list-aliases', ...opt('--function-name', n.fn), ...n.region),
      ),
    );
  }
  inputs.push(input(VERSION, `Published version of ${n.fn} to return to`, history(ctx)));
  const step = timedStep(d, {
    id: 'lambda-update-alias',
    title: `Point the alias of ${n.fn} at the chosen version`,
    commands: [
      run(
        'aws',
        'lambda',
        'update-alias',
        ...opt('--function-name', n.fn),
        ...opt('--name', n.alias),
        '--function-version',
        { var: VERSION },
        ...n.region,
      ),
    ],
    check: probeCheck(status(ctx, '--output', 'json'), probes.lambdaAliasAt, { var: VERSION }, 30, 2),
    onFailure: `If the alias does not move or errors continue, check that callers and event sources use the alias ARN, not $LATEST or a version ARN; if the target version fails too, pick the previous good version and escalate.`,
  });
  return rollbackOf(
    true,
    `aws lambda update-alias repoints the alias of ${n.fn} in one atomic call.`,
    [step],
    inputs,
  );
}

function hazards(ctx: PlatformContext): Finding[] {
  const n = names(ctx);
  const out: Finding[] = [
    hazard(ctx, {
      rule: 'lambda-unversioned-config',
      kind: 'config',
      severity: 'warning',
      subject: `function ${n.fn}`,
      message: `Moving the alias of ${n.fn} restores code and the version's environment only: event source mappings (triggers), destinations and async invoke config, reserved and provisioned concurrency are not versioned and stay as the bad deploy left them.`,
      mitigation: `Keep ${n.fn}'s triggers, destinations and concurrency in infrastructure code and revert them there together with the alias change.`,
      appRollbackSafe: null,
      revertLossless: true,
    }),
  ];
  if (typeof n.alias !== 'string') {
    out.push(
      hazard(ctx, {
        rule: 'lambda-no-alias',
        kind: 'artifact',
        severity: 'warning',
        subject: `function ${n.fn}`,
        message: `No alias of ${n.fn} is named in the repository: callers that invoke $LATEST cannot be rolled back by moving an alias.`,
        mitigation: `Publish versions and route every caller through an alias of ${n.fn} (SAM AutoPublishAlias, Serverless aliases), and name it in rollbook.yaml deploy.target.alias.`,
        appRollbackSafe: null,
        revertLossless: null,
      }),
    );
  }
  return out;
}

export const lambda: Platform = {
  id: 'lambda',
  title: 'AWS Lambda',
  history,
  status,
  revisionCheck,
  deployStateCheck,
  rollback,
  duration,
  hazards,
};
