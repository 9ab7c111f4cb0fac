/**
 * Lambda: `aws lambda list-versions-by-function --function-name F` (Versions[]: Version "$LATEST",
 * "1", "2", …) and `aws lambda get-alias --function-name F --name ALIAS` (FunctionVersion, and
 * RoutingConfig.AdditionalVersionWeights while a weighted shift, e.g. a CodeDeploy canary, runs).
 * Format: https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html and
 * https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html.
 */
import { arr, at, firstLine, isObject, jsonOf, notUnderstood, num, str } from './read.js';
import { fail, type Probe, pass, unknown } from './types.js';

const notFound = (output: string) => /ResourceNotFoundException/.test(output);

export const lambdaVersions: Probe = {
  id: 'lambda-versions',
  platforms: ['lambda'],
  reads: 'aws lambda list-versions-by-function --function-name FUNCTION',
  format: 'https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html',
  passes: 'the published versions include the target version (a number, not $LATEST)',
  wants: true,
  read({ output, exitCode, want }) {
    if (notFound(output)) return fail(`the function does not exist: ${firstLine(output)}`);
    const versions = at(jsonOf(output), 'Versions');
    if (exitCode !== 0 || !Array.isArray(versions))
      return notUnderstood('list-versions-by-function JSON (Versions)', exitCode, output);
    const v = (want ?? '').trim();
    if (!/^\d{1,10}$/.test(v)) return unknown(`the target version "${v}" is not a published version number`);
    const listed = arr(versions)
      .filter(isObject)
      .map((x) => str(x.Version))
      .filter((x): x is string => x !== undefined && x !== '$LATEST');
    if (!listed.includes(v))
      return fail(
        `version ${v} is not published (the function has ${listed.join(', ') || 'no published version'})`,
      );
    return pass(`version ${v} is published`);
  },
};

export const lambdaAlias: Probe = {
  id: 'lambda-alias',
  platforms: ['lambda'],
  reads: 'aws lambda get-alias --function-name FUNCTION --name ALIAS',
  format: 'https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html',
  passes: 'the alias points at one version with no additional weights (no traffic shift in progress)',
  read({ output, exitCode }) {
    if (notFound(output)) return fail(`the alias or function does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const version = str(at(doc, 'FunctionVersion'));
    if (exitCode !== 0 || !version)
      return notUnderstood('get-alias JSON (FunctionVersion)', exitCode, output);
    const weights = at(doc, 'RoutingConfig', 'AdditionalVersionWeights');
    const shifted = isObject(weights) ? Object.entries(weights) : [];
    if (shifted.length > 0)
      return fail(
        `progressing: alias ${str(at(doc, 'Name')) ?? ''} sends ${shifted.map(([k, w]) => `${Math.round((num(w) ?? 0) * 100)}% to version ${k}`).join(', ')} besides version ${version}: a weighted (canary/linear) shift is under way; stop it (CodeDeploy stop-deployment) first`,
      );
    return pass(`complete: alias ${str(at(doc, 'Name')) ?? ''} sends all traffic to version ${version}`);
  },
};

/**
 * After `aws lambda update-alias --function-version N`: get-alias shows FunctionVersion N, and no
 * RoutingConfig.AdditionalVersionWeights (update-alias without --routing-config keeps the alias's
 * routing: a weighted shift left by a CodeDeploy deployment still sends traffic elsewhere).
 * Format: https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html
 */
export const lambdaAliasAt: Probe = {
  id: 'lambda-alias-at',
  platforms: ['lambda'],
  reads: 'aws lambda get-alias --function-name FUNCTION --name ALIAS --output json',
  format: 'https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html',
  passes:
    'FunctionVersion equals the chosen version and RoutingConfig has no additional version weights: all traffic goes to it',
  wants: true,
  read({ output, exitCode, want }) {
    if (notFound(output)) return fail(`the alias or function does not exist: ${firstLine(output)}`);
    const doc = jsonOf(output);
    const version = str(at(doc, 'FunctionVersion'));
    if (exitCode !== 0 || !version)
      return notUnderstood('get-alias JSON (FunctionVersion)', exitCode, output);
    const v = (want ?? '').trim();
    if (!/^\d{1,10}$/.test(v)) return unknown(`the target version "${v}" is not a published version number`);
    const alias = `alias ${str(at(doc, 'Name')) ?? ''}`;
    if (version !== v) return fail(`${alias} points at version ${version}, not ${v}`);
    const weights = at(doc, 'RoutingConfig', 'AdditionalVersionWeights');
    const shifted = isObject(weights) ? Object.entries(weights) : [];
    if (shifted.length > 0)
      return fail(
        `${alias} points at version ${v} but still sends ${shifted.map(([k, w]) => `${Math.round((num(w) ?? 0) * 100)}% to version ${k}`).join(', ')}: clear the routing (update-alias --routing-config AdditionalVersionWeights={}) or stop the CodeDeploy deployment`,
      );
    return pass(`${alias} sends all traffic to version ${v}`);
  },
};
