import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/migrations-before-rollout.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev } from './build.js';

describe('migrations-before-rollout', () => {
  it('fires when a pipeline migrates before the deploy job', () => {
    const svc = service({
      pipelines: [
        {
          provider: 'github-actions',
          file: '.github/workflows/deploy.yml',
          deployJob: 'deploy',
          migratesBeforeDeploy: true,
          at: ev('.github/workflows/deploy.yml', 21),
        },
      ],
    });
    expect(where(rule.check(svc))).toEqual([
      'migrations-before-rollout@.github/workflows/deploy.yml:21 github-actions deploy',
    ]);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet otherwise', () => {
    expectNone(
      rule,
      service({
        pipelines: [{ provider: 'gitlab-ci', file: '.gitlab-ci.yml', migratesBeforeDeploy: false }],
      }),
    );
  });
});
