import type { Finding } from '../model/index.js';
import { createRule } from './create-rule.js';

export default createRule(
  {
    id: 'lambda-no-alias',
    kind: 'artifact',
    severity: 'error',
    description: 'A Lambda function is invoked without a published alias',
    rationale:
      'A Lambda rollback points an alias back at a previous published version (aws lambda update-alias). Without AutoPublishAlias / a deployment alias, callers use $LATEST and there is no version to go back to.',
    mitigation:
      'Set AutoPublishAlias (SAM) or a deployment alias (serverless canary deployments) and invoke the alias.',
    scope: 'deploy',
  },
  (service, report) => {
    const out: Finding[] = [];
    for (const w of service.workloads) {
      if (w.platform !== 'lambda' || !w.lambda || w.lambda.alias !== undefined) continue;
      const at = w.at ?? { file: service.descriptor ?? 'rollbook.yaml', line: 1 };
      out.push(
        report({
          subject: `function/${w.name}`,
          message: `${w.name} has no published alias: callers run $LATEST and there is no version to roll back to`,
          evidence: [at],
          appRollbackSafe: null,
          revertLossless: true,
          touchesData: false,
          mitigation: `Add AutoPublishAlias: live to ${w.lambda.logicalId ?? w.name} in ${at.file} and point triggers at the alias; roll back with aws lambda update-alias --function-name ${w.name} --name live --function-version <N>.`,
        }),
      );
    }
    return out;
  },
);
