import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/crds-in-templates.js';
import { expectNone, messagesOf, service, where } from '../../helpers/rules.js';
import { ev, wl } from './build.js';

describe('crds-in-templates', () => {
  it('fires on CRDs shipped in templates/', () => {
    const svc = service({
      workloads: [
        wl({
          name: 'payments',
          platform: 'helm',
          helm: { release: 'payments', chart: 'payments' },
          crds: [
            { name: 'routes.payments.acme.io', inTemplates: true, at: ev('chart/templates/crd.yaml', 2) },
            {
              name: 'providers.payments.acme.io',
              inTemplates: false,
              at: ev('chart/crds/providers.yaml', 2),
            },
          ],
        }),
      ],
    });
    const found = rule.check(svc);
    expect(where(found)).toEqual([
      'crds-in-templates@chart/templates/crd.yaml:2 payments CustomResourceDefinition/routes.payments.acme.io',
    ]);
    expect(found[0]).toMatchObject({ revertLossless: false, touchesData: true });
    expect(messagesOf(rule, svc)).toMatchSnapshot();
  });

  it('stays quiet on crds/ only', () => {
    expectNone(rule, service({ workloads: [wl({ crds: [{ name: 'x.io', inTemplates: false }] })] }));
  });
});
