import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/lambda-no-alias.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('lambda-no-alias', () => {
  it('fires on a function with no published alias', () => {
    const svc = service({
      workloads: [
        wl({
          kind: 'Function',
          name: 'cleanup',
          platform: 'lambda',
          at: ev('template.yaml', 19),
          lambda: { function: 'cleanup', logicalId: 'CleanupFunction' },
        }),
      ],
    });
    expect(where(rule.check(svc))).toEqual(['lambda-no-alias@template.yaml:19 function/cleanup']);
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet with an alias', () => {
    expectNone(
      rule,
      service({
        workloads: [wl({ kind: 'Function', platform: 'lambda', lambda: { function: 'f', alias: 'live' } })],
      }),
    );
  });
});
