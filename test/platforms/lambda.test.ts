import { describe, expect, test } from 'vitest';
import type { LambdaFacts } from '../../src/model/facts.js';
import { lambda } from '../../src/platforms/lambda.js';
import { byRule, ctxOf, renderCommand, rules, runbook } from './helpers.js';

const fn = (facts: Partial<LambdaFacts> = {}) =>
  ctxOf('lambda', {
    kind: 'Function',
    name: 'thumbnailer',
    lambda: { function: 'thumbnailer', alias: 'live', ...facts },
  });

describe('lambda', () => {
  test('commands and flags', () => {
    const ctx = fn({ region: 'us-east-1' });
    expect(renderCommand(lambda.history(ctx))).toBe(
      'aws lambda list-versions-by-function --function-name=thumbnailer --region=us-east-1',
    );
    expect(renderCommand(lambda.status(ctx))).toBe(
      'aws lambda get-alias --function-name=thumbnailer --name=live --region=us-east-1',
    );
    const r = lambda.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: aws lambda update-alias --function-name=thumbnailer --name=live --function-version "\${TARGET_VERSION}" --region=us-east-1
      input TARGET_VERSION: aws lambda list-versions-by-function --function-name=thumbnailer --region=us-east-1
      [lambda-update-alias] 5s/60s
        rw $ aws lambda update-alias --function-name=thumbnailer --name=live --function-version "\${TARGET_VERSION}" --region=us-east-1
        check $ aws lambda get-alias --function-name=thumbnailer --name=live --region=us-east-1 --output json (timeout 30s, retries 2)"
    `);
  });

  test('no alias known: input + hazard', () => {
    const ctx = ctxOf('lambda', { name: 'thumbnailer' });
    const r = lambda.rollback(ctx);
    expect(r.inputs.map((i) => i.name)).toEqual(['LAMBDA_ALIAS', 'TARGET_VERSION']);
    expect(rules(lambda.hazards(ctx))).toEqual(['lambda-no-alias', 'lambda-unversioned-config']);
  });

  test('duration: atomic alias switch; provisioned concurrency adds allocation time', () => {
    expect([lambda.duration(fn()).expectedSeconds, lambda.duration(fn()).maxSeconds]).toEqual([5, 60]);
    const pc = lambda.duration(fn({ provisionedConcurrency: 50 }));
    expect([pc.expectedSeconds, pc.maxSeconds]).toEqual([125, 960]);
    expect(pc.drivers.find((d) => d.name === 'provisionedConcurrency')?.value).toBe('50');
  });

  test('unversioned config hazard names the function', () => {
    const h = byRule(lambda.hazards(fn()), 'lambda-unversioned-config');
    expect(h.message).toMatchInlineSnapshot(
      `"Moving the alias of thumbnailer restores code and the version's environment only: event source mappings (triggers), destinations and async invoke config, reserved and provisioned concurrency are not versioned and stay as the bad deploy left them."`,
    );
    expect(h.evidence).toEqual([{ file: 'deploy/k8s/deployment.yaml', line: 1 }]);
  });
});
