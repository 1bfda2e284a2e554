import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bundle } from '@finsam/client/build';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { checkScreen, haveChromium, launchChromium, tabToSelector } from '../../support/browser.ts';
import { endParticipation, findPersonByName, registerIntoIntervention } from './working-day/participations.steps.ts';
import * as signals from './working-day/signals.steps.ts';
import * as clientUx from './working-day/client-ux.steps.ts';
import { recordObstacle } from './working-day/obstacles.steps.ts';
import { personTimeline } from './working-day/timeline.steps.ts';

/**
 * A coordinator's working day in the client, keyboard only, against the real graph as `npm
 * start` serves it (registered operations only). Each part of the day is a step module under
 * working-day/, run in order on one graph and one page, so the day costs one graph start.
 */
describe.skipIf(!haveChromium && !process.env.CI)('a coordinator\'s working day in headless Chromium, keyboard only', () => {
  let graph: TestGraph;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await bundle();
    graph = await startGraph({ persons: 300, registeredOperations: true });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('signs in as coordinator-1 with the keyboard and sees the caseload', async () => {
    await page.goto(`${graph.gatewayUrl}/`);
    await page.locator('#coordinator-number').waitFor();
    await page.locator('body').focus();
    await tabToSelector(page, '#coordinator-number');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.locator('table.caseload tbody tr').first().waitFor();
    // The rows come before their signals; the day goes on from the sorted list.
    await page.locator('table.caseload[aria-busy="false"]').waitFor();
    await checkScreen(page, 'working-day-caseload');
  });

  // Steps of the day (working-day/*.steps.ts) are called here in order.
  it('names the coordinator in the header', () => clientUx.headerNamesCoordinator(page, graph));
  it('flags a consent about to expire, and withdraws it only when the coordinator confirms', () => clientUx.flagsExpiringConsentAndConfirmsWithdrawal(page, graph));
  it('prints a person\'s page for a meeting without buttons, forms or navigation', () => clientUx.printsPersonForMeeting(page, graph));

  // Participations (SUS): find a person by name, register them in, register them out.
  let intervention = '';
  it('finds a person of the caseload by name from the search box', () => findPersonByName(page, 'Karin Exempelsson'));
  it('registers the person into an intervention with the SUS fields', async () => { intervention = await registerIntoIntervention(page); });
  it('registers the person out of the intervention', () => endParticipation(page, intervention));
  it('handles a signal from the work list (att göra) and sees it leave the list', () => signals.handleSignalFromWorkList(page));
  it('reads the signals of a person in Swedish and handles one there', () => signals.signalTextsInSwedish(page));
  it('shows a person\'s timeline from the sectors released, newest first, and names a sector missing', () => personTimeline(page));
  // Last: it stops Arbetsförmedlingen for a moment.
  it('with Arbetsförmedlingen stopped, the caseload names it once and still shows the other signals', () => signals.caseloadNamesAgencyNotAnswering(page, graph));

  it('records an obstacle in rules and steering on a person, keyboard only', () => recordObstacle(page, graph));

  it('met no script error on the way', () => {
    expect(problems).toEqual([]);
  });
});
