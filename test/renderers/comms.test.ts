import { describe, expect, it } from 'vitest';
import { commsBlanks, renderComms } from '../../src/renderers/comms.js';
import { FIXTURES, highRiskPlan, lowRiskPlan } from './plans.js';

describe('renderComms', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: snapshot, deterministic`, () => {
      const text = renderComms(make());
      expect(text).toBe(renderComms(make()));
      expect(text).toMatchSnapshot();
    });
  }

  it('lists the blanks first, then each phase in a status-page and a chat form', () => {
    const text = renderComms(highRiskPlan());
    expect(commsBlanks(highRiskPlan())).toEqual([
      '[FILL IN: incident start]',
      '[FILL IN: incident commander]',
      '[FILL IN: customer impact]',
    ]);
    const order = [
      'BEFORE SENDING',
      '=== IDENTIFIED',
      '--- status page ---',
      '--- chat (#inc-checkout) ---',
      '=== MONITORING',
      '=== RESOLVED',
    ];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('orders phases canonically whatever the plan order, and says when there is nothing to fill', () => {
    const plan = lowRiskPlan();
    plan.comms.updates.reverse();
    for (const u of plan.comms.updates) {
      u.text = u.text.replace(/\[FILL IN:[^\]]*\]/g, 'x');
      u.chat = u.chat.replace(/\[FILL IN:[^\]]*\]/g, 'x');
    }
    const text = renderComms(plan);
    expect(text.indexOf('=== IDENTIFIED')).toBeLessThan(text.indexOf('=== MONITORING'));
    expect(text.indexOf('=== MONITORING')).toBeLessThan(text.indexOf('=== RESOLVED'));
    expect(text).toContain('No blanks to fill: the texts below are complete.');
  });
});
