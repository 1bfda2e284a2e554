/**
 * `npm run bench -- client`: the coordinator client in headless Chromium against the graph as
 * `npm start` runs it, for the coordinator with the largest caseload of the seed (60 at 2,000
 * persons). BENCH_RUNS (5) rounds of: sign in until the first caseload row shows, and on until
 * the list is sorted by its signals (every page of the caseload with its signals fetched: where
 * the client before the split of the caseload showed its first row), and by the page's own clock
 * from the form's submit to the first row; the "Har signaler" filter on
 * and off, the next page, and one person opened until their four sectors show. Each round also
 * takes, in turns, the parts of the sign-in on their own, without the browser: the dev sign-in,
 * and the Caseload operation through the gateway for the whole caseload with and without signals.
 * Prints each step's median and worst. The machine may be busy: compare the lines of one run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildClient } from '@finsam/client/build';
import { intFromEnv } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MANIFEST = path.join(import.meta.dirname, '../../schema/operations/manifest.json');

/** The parts of a sign-in as the client makes them, by HTTP alone: a token, then the Caseload operation by its registered hash. */
async function timedParts(gateway: string, coordinator: string, caseloadHash: string): Promise<Record<string, number>> {
  let started = performance.now();
  const signIn = await fetch(`${gateway}/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ coordinator }) });
  const { token } = await signIn.json() as { token: string };
  const parts: Record<string, number> = { 'dev sign-in (HTTP)': performance.now() - started };
  for (const signals of [false, true]) {
    started = performance.now();
    const response = await fetch(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName: 'Caseload', variables: { first: 100, after: null, signals }, extensions: { persistedQuery: { version: 1, sha256Hash: caseloadHash } } }),
    });
    const body = await response.json() as { data?: { me?: { caseload: { nodes: unknown[] } } } };
    if (!body.data?.me?.caseload.nodes.length) throw new Error(`Caseload answered ${JSON.stringify(body).slice(0, 300)}`);
    parts[signals ? 'Caseload with signals (HTTP)' : 'Caseload, persons alone (HTTP)'] = performance.now() - started;
  }
  return parts;
}

export async function clientCaseload(options: { gateway: string; persons: number }): Promise<void> {
  const runs = intFromEnv('BENCH_RUNS', 5);
  const bundle = await buildClient();
  const population = generatePopulation({ seed: 1, persons: options.persons, referenceDate: todayIso() });
  const sizes = new Map<string, number>();
  for (const p of population.persons) sizes.set(p.coordinatorId, (sizes.get(p.coordinatorId) ?? 0) + 1);
  const [coordinator, caseloadSize] = [...sizes].sort((a, b) => b[1] - a[1])[0]!;
  console.log(`Client bundle: ${(bundle.javascriptGzipBytes / 1024).toFixed(0)} KB of JavaScript gzipped. ${coordinator}: ${caseloadSize} persons.`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const caseloadHash = (JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as { operations: { name: string; id: string }[] }).operations.find((o) => o.name === 'Caseload')!.id;
  const steps: Record<string, number[]> = {
    'sign-in to caseload shown': [], '  in the page, submit to row': [], 'sign-in to signals sorted': [], 'filter on and off': [], 'next page': [], 'person with four sectors': [],
    'dev sign-in (HTTP)': [], 'Caseload, persons alone (HTTP)': [], 'Caseload with signals (HTTP)': [],
  };
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${options.gateway}/`);
      await page.locator('#coordinator-number').fill(coordinator.replace('coordinator-', ''));
      const rows = page.locator('table.caseload tbody tr');
      // The page's own clock, from the form's submit to the first row in the document: the same
      // step without what driving the browser from here costs (Playwright's click, its polling).
      await page.evaluate(() => {
        const marks = window as unknown as { submittedAt?: number; rowAt?: number };
        document.querySelector('form')!.addEventListener('submit', () => { marks.submittedAt = performance.now(); }, { capture: true });
        new MutationObserver((_, observer) => {
          if (document.querySelector('table.caseload tbody tr')) { marks.rowAt = performance.now(); observer.disconnect(); }
        }).observe(document.body, { childList: true, subtree: true });
      });
      let started = performance.now();
      await page.getByRole('button', { name: 'Logga in' }).click();
      await rows.first().waitFor();
      steps['sign-in to caseload shown']!.push(performance.now() - started);
      steps['  in the page, submit to row']!.push(await page.evaluate(() => {
        const marks = window as unknown as { submittedAt: number; rowAt: number };
        return marks.rowAt - marks.submittedAt;
      }));
      await page.locator('table.caseload[aria-busy="false"]').waitFor();
      steps['sign-in to signals sorted']!.push(performance.now() - started);

      started = performance.now();
      await page.getByLabel('Har signaler').check();
      await page.getByLabel('Har signaler').uncheck();
      await rows.nth(19).waitFor();
      steps['filter on and off']!.push(performance.now() - started);

      started = performance.now();
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByText(/^Sida 2 av \d$/).waitFor();
      steps['next page']!.push(performance.now() - started);

      started = performance.now();
      await rows.first().locator('a').first().click();
      await page.locator('.sector').nth(3).waitFor();
      steps['person with four sectors']!.push(performance.now() - started);
      await context.close();
      for (const [part, ms] of Object.entries(await timedParts(options.gateway, coordinator, caseloadHash))) steps[part]!.push(ms);
    }
  } finally {
    await browser.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [step, times] of Object.entries(steps)) {
    console.log(`${step.padEnd(32)} median ${median(times).toFixed(0)} ms, worst ${Math.max(...times).toFixed(0)} ms (${times.length} runs)`);
  }
}
