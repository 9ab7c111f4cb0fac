/// <reference lib="dom" />
/**
 * The HTML report in headless Chromium (Debian's, driven by playwright-core): renders without console
 * errors or network requests, the copy button copies the command, one timeline bar per step, readable
 * on a phone, print-friendly. One browser launch for every page. Screenshots go to test/out/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { renderHtml } from '../../src/renderers/html.js';
import { displayText } from '../../src/renderers/text.js';
import { examplePlans } from '../renderers/examples.js';
import { FIXTURES } from '../renderers/plans.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);

const OUT = resolve('test/out');

const pages = new Map<string, { plan: Plan; html: string }>();
for (const [name, make] of Object.entries(FIXTURES))
  pages.set(`fixture-${name}`, { plan: make(), html: renderHtml(make()) });
for (const [name, plan] of Object.entries(await examplePlans()))
  pages.set(name, { plan, html: renderHtml(plan) });

describe.skipIf(!available)('html report in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = createServer((req, res) => {
      const page = pages.get((req.url ?? '').replace(/^\//, '').replace(/\.html$/, ''));
      if (!page) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page.html);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  });

  for (const [name, { plan }] of pages) {
    it(`${name}: renders cleanly, copies the command, one bar per step`, async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${origin}/${name}.html`, { waitUntil: 'load' });

      // The command at the top, copied by its button.
      const button = page.locator('button[data-copy="trigger-command-1"]');
      await button.click();
      await expect.poll(() => button.textContent()).toBe('Copied');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(displayText(plan.trigger.command));

      // One timeline bar per step; each bar has an expected and a worst-case rect.
      expect(await page.locator('svg.timeline g.step-bar').count()).toBe(plan.runbook.length);
      expect(await page.locator('svg.timeline g.step-bar rect.bar-worst').count()).toBe(plan.runbook.length);
      expect(await page.locator('#gates input[type=checkbox]').count()).toBe(plan.gates.length);

      // Phone: at least 16px text, no horizontal scrolling.
      const layout = await page.evaluate(() => ({
        font: Number.parseFloat(getComputedStyle(document.body).fontSize),
        code: Number.parseFloat(getComputedStyle(document.querySelector('code')!).fontSize),
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }));
      expect(layout.font).toBeGreaterThanOrEqual(16);
      expect(layout.code).toBeGreaterThanOrEqual(16);
      expect(layout.scroll).toBeLessThanOrEqual(layout.width);

      const shot = join(OUT, `${name}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`screenshot: ${shot}`);

      // Print: no buttons.
      await page.emulateMedia({ media: 'print' });
      expect(await button.isVisible()).toBe(false);

      expect(errors).toEqual([]);
      expect(requests).toEqual([`${origin}/${name}.html`]);
      await context.close();
    });
  }

  it('the copy button falls back to a textarea when the Clipboard API is missing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });
    });
    await page.goto(`${origin}/fixture-high-risk.html`);
    const button = page.locator('button[data-copy="trigger-command-1"]');
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied');
    expect(await page.locator('textarea').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
