import { describe, expect, test } from 'vitest';
import { heroku } from '../../src/platforms/heroku.js';
import type { PlatformContext } from '../../src/platforms/types.js';
import { byRule, ctxOf, renderCommand, rules, runbook, service, y } from './helpers.js';

describe('heroku', () => {
  test('app from deploy.target when there is no workload', () => {
    const ctx: PlatformContext = {
      service: service({
        deploy: { manifests: [], target: { app: 'acme-checkout' }, at: { file: 'rollbook.yaml', line: 4 } },
      }),
    };
    expect(renderCommand(heroku.history(ctx))).toBe('heroku releases --app=acme-checkout');
    expect(renderCommand(heroku.status(ctx))).toBe('heroku ps --app=acme-checkout');
    const r = heroku.rollback(ctx);
    expect(r.oneCommand).toBe(true);
    expect(runbook(r)).toMatchInlineSnapshot(`
      "oneCommand=true
      start: heroku releases:rollback --app=acme-checkout "\${HEROKU_RELEASE}"
      input HEROKU_RELEASE: heroku releases --app=acme-checkout
      [heroku-rollback] 30s/90s
        rw $ heroku releases:rollback --app=acme-checkout "\${HEROKU_RELEASE}"
        check $ heroku releases --app=acme-checkout --json --num=5 (timeout 120s, retries 2)"
    `);
    expect(heroku.hazards(ctx)[0]?.evidence).toEqual([{ file: 'rollbook.yaml', line: 4 }]);
  });

  test('release phase re-runs: hazard and duration', () => {
    const ctx = ctxOf('heroku', { name: 'acme-checkout' }, { releasePhase: y('rake db:migrate', 9) });
    const h = heroku.hazards(ctx);
    expect(rules(h)).toEqual(['heroku-addons-not-reverted', 'heroku-release-phase-reruns']);
    expect(byRule(h, 'heroku-release-phase-reruns').evidence).toEqual([{ file: 'rollbook.yaml', line: 9 }]);
    expect(byRule(h, 'heroku-release-phase-reruns').message).toContain('(rake db:migrate)');
    const d = heroku.duration(ctx);
    expect([d.expectedSeconds, d.maxSeconds]).toEqual([90, 3690]);
    const plain = heroku.duration(ctxOf('heroku', { name: 'a' }));
    expect([plain.expectedSeconds, plain.maxSeconds]).toEqual([30, 90]);
  });
});
