import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/** Debian's chromium (installed by .ci/run); without it the browser test is skipped outside CI. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`${CHROMIUM} not found (apt-get install -y chromium): skipping the browser test.`);

const QUERY = '{ interventionFollowUp(from: "2025-01-01", to: "2025-12-31", groupBy: SEX) { groups { key started { value suppressed } } } }';

describe('GraphiQL at /graphql for analysts', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 300, subgraphs: ['coordination'] });
  });
  afterAll(() => graph?.close());

  it('is served to a browser, and the page and its assets reference no other host', async () => {
    const page = await fetch(`${graph.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The browser itself is told to load and connect to this origin only.
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:/);
    const html = await page.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(references.length).toBeGreaterThanOrEqual(5);
    for (const reference of references) {
      expect(reference, reference).toMatch(/^\/[^/]/);
      const asset = await fetch(`${graph.gatewayUrl}${reference}`);
      expect(asset.status, reference).toBe(200);
      if (reference.endsWith('.css')) expect(await asset.text()).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
    }
    // JSON clients still get GraphQL at the same address.
    const json = await fetch(`${graph.gatewayUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(401);
  });

  describe.skipIf(!haveChromium && !process.env.CI)('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        // The closed network here refuses Chromium's own background connections: turn them off.
        // (Playwright gives each launch a fresh, empty profile of its own.)
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('runs an analyst query with the token typed into the page, loading nothing from another host', async () => {
      const page = await browser.newPage();
      const requested: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
      page.on('pageerror', (error) => problems.push(error.message));

      await page.goto(`${graph.gatewayUrl}/graphql`);
      await page.fill('#token', await graph.token('analyst', 'analyst-1'));
      await page.dispatchEvent('#token', 'change');
      // GraphiQL's editors are CodeMirror; the query goes in through its API, as typing would.
      const editor = page.locator('.graphiql-query-editor .CodeMirror');
      await editor.waitFor();
      await page.evaluate((query) => {
        (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(query);
      }, QUERY);
      await page.click('.graphiql-execute-button');
      const result = page.locator('.graphiql-response .CodeMirror');
      await expect.poll(async () => result.innerText(), { timeout: 15_000 }).toContain('interventionFollowUp');
      const text = await page.evaluate(() => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
      const answer = JSON.parse(text);
      expect(answer.errors).toBeUndefined();
      expect(answer.data.interventionFollowUp.groups.length).toBeGreaterThan(0);

      const origin = new URL(graph.gatewayUrl).origin;
      expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
      expect(problems).toEqual([]);
    }, 60_000);
  });
});
