import { describe, expect, it } from 'vitest';
import type { Dependency } from '../../src/model/service.js';
import rule from '../../src/rules/dependency-compatibility.js';
import { expectNone, findingsOf, messagesOf, service, where } from '../helpers/rules.js';

const at = (line: number) => ({ file: 'rollbook.yaml', line, col: 5 });
const svc = (...dependencies: Dependency[]) => service({ descriptor: 'rollbook.yaml', dependencies });

describe('dependency-compatibility', () => {
  it.each([
    {
      dep: {
        name: 'inventory-api',
        relation: 'calls',
        compatibility: 'v2 API only since 2026-10',
        at: at(60),
      },
      says: 'check the target version\'s client for `inventory-api` against "v2 API only since 2026-10"',
    },
    {
      dep: { name: 'payments-gateway', compatibility: 'TLS 1.3 only', at: at(61) },
      says: 'may not speak its current API',
    },
    {
      dep: { name: 'mobile-app', relation: 'called-by', compatibility: 'needs /v3/orders', at: at(62) },
      says: 'may stop serving what `mobile-app` now uses',
    },
  ])('fires: $dep.name', ({ dep, says }) => {
    const found = findingsOf(rule, svc(dep));
    expect(where(found)).toEqual([`dependency-compatibility@rollbook.yaml:${dep.at.line} ${dep.name}`]);
    expect(found[0]).toMatchObject({
      kind: 'dependency',
      severity: 'warning',
      appRollbackSafe: null,
      revertLossless: true,
      touchesData: false,
    });
    expect(`${found[0]?.message} ${found[0]?.mitigation}`).toContain(says);
    expect(found[0]?.mitigation).toContain(`coordinate with the \`${dep.name}\` owners`);
  });

  it.each([
    { name: 'no constraint', dep: { name: 'inventory-api', relation: 'calls' } },
    { name: 'blank constraint', dep: { name: 'inventory-api', compatibility: '  ' } },
  ])('does not fire: $name', ({ dep }) => {
    expectNone(rule, svc(dep));
  });

  it('does not fire without dependencies', () => {
    expectNone(rule, service());
  });

  it('falls back to line 1 of the descriptor', () => {
    const [f] = findingsOf(
      rule,
      service({ descriptor: 'rollbook.yaml', dependencies: [{ name: 'x', compatibility: 'v1' }] }),
    );
    expect(f?.evidence).toEqual([{ file: 'rollbook.yaml', line: 1 }]);
  });

  it('messages', () => {
    expect(
      messagesOf(
        rule,
        svc(
          {
            name: 'inventory-api',
            relation: 'calls',
            compatibility: 'v2 API only since 2026-10',
            at: at(60),
          },
          { name: 'mobile-app', relation: 'consumed-by', compatibility: 'needs /v3/orders', at: at(62) },
        ),
      ),
    ).toMatchSnapshot();
  });
});
