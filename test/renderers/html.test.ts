import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CSP, escapeHtml, renderHtml, timelineSvg } from '../../src/renderers/html.js';
import { EVIL, FIXTURES, highRiskPlan, hostilePlan } from './plans.js';

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('renderHtml', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: snapshot, deterministic`, () => {
      const html = renderHtml(make());
      expect(html).toBe(renderHtml(make()));
      expect(html).toMatchSnapshot();
    });

    it(`${name}: self-contained, with a CSP that allows exactly its own style and script`, () => {
      const html = renderHtml(make());
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/\s(src|href|srcset|action)=/i);
      expect(html).not.toMatch(/@import|url\(/);
      expect(html.match(/<script[\s>]/g)).toHaveLength(1);
      expect(html.match(/<style[\s>]/g)).toHaveLength(1);
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
      const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
      expect(CSP).toBe(
        `default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; img-src 'none'; base-uri 'none'; form-action 'none'`,
      );
      expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toContain('@media print');
    });

    it(`${name}: one timeline bar per step, every gate a checkbox`, () => {
      const plan = make();
      const html = renderHtml(plan);
      expect(html.match(/<g class="step-bar"/g) ?? []).toHaveLength(plan.runbook.length);
      expect(html.match(/<input type="checkbox"/g) ?? []).toHaveLength(plan.gates.length);
      expect(html).toContain('data-copy="trigger-command-1"');
      expect(html).toContain(`<code id="trigger-command-1">${escapeHtml(plan.trigger.command)}</code>`);
    });
  }

  it('escapes every hostile string: no markup from the plan survives', () => {
    const plan = hostilePlan();
    const html = renderHtml(plan);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;');
    for (const s of [
      plan.service.name,
      plan.runbook[0]!.title,
      plan.gates[1]!.title,
      plan.comms.updates[1]!.text,
    ])
      expect(html).toContain(escapeHtml(s));
    // No quote from the plan can close an attribute: every attribute value is one of ours.
    for (const m of html.matchAll(/\s([a-z-]+)="([^"]*)"/g)) expect(m[2]).not.toContain('PWNED');
    expect(EVIL).toContain('"');
  });

  it('escapeHtml escapes the five characters and neutralises control characters', () => {
    expect(escapeHtml(`<a href='x'>"&"</a>\u001b[31m`)).toBe(
      '&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;\\x1b[31m',
    );
  });

  it('marks the blanks only the incident commander can fill', () => {
    const html = renderHtml(highRiskPlan());
    expect(html).toContain('<mark class="fill">[FILL IN: incident start]</mark>');
    expect(html).toContain('Fill in every highlighted blank before sending');
  });

  it('the timeline starts each step where the previous expected one ends', () => {
    const plan = highRiskPlan();
    const svg = timelineSvg(plan.runbook);
    const xs = [...svg.matchAll(/<rect class="bar-worst" x="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(2);
    // span = max(0 + 900, 240 + 630) = 900; inner width 360 - 8 - 12 = 340; step 2 starts at 240 s.
    expect(xs[0]).toBe(8);
    expect(xs[1]).toBeCloseTo(8 + (240 / 900) * 340, 1);
  });
});
