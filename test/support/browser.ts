import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium (installed by .ci/run); without it browser tests are skipped outside CI. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);

const root = path.join(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(root, 'docs/screenshots');
const AXE_SOURCE = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** Headless Chromium that fetches nothing on its own (no updates, no sync, no QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core's violations on the page as it is now, as `rule: targets` lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Through the DevTools protocol: the page's own CSP refuses an injected <script>, as it should.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/**
 * Asserts that axe finds nothing and takes a full-page screenshot. The pictures in
 * docs/screenshots are rewritten only with UPDATE_SCREENSHOTS=1, so that a test run leaves the
 * working tree as it found it.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  const picture = await page.screenshot({ fullPage: true });
  expect(picture.length, `screenshot of ${name}`).toBeGreaterThan(1000);
  if (process.env.UPDATE_SCREENSHOTS === '1') fs.writeFileSync(path.join(SCREENSHOTS, `${name}.png`), picture);
}

/** Presses Tab until `isFocused` holds (at most `limit` times: a person's page with its forms has over a hundred stops, and focus may start at its end); fails when it never does. */
export async function tabTo(page: Page, what: string, isFocused: () => Promise<boolean>, limit = 200): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await isFocused()) return;
    await page.keyboard.press('Tab');
  }
  expect(await isFocused(), `Tab reaches ${what}`).toBe(true);
}

/** Tab until the element matching `selector` (a CSS selector) has the focus. */
export const tabToSelector = (page: Page, selector: string, limit?: number) =>
  tabTo(page, selector, () => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector), limit);
