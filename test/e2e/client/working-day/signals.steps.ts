import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestGraph } from '../../../support/graph.ts';
import { checkScreen, tabToSelector } from '../../../support/browser.ts';
import { toCaseload } from './navigate.ts';

/**
 * The signals part of the working day: the work list (att göra) and an agency that does not
 * answer. Each step starts wherever the day left the page and goes to the caseload by keyboard.
 */

const UNAVAILABLE_EMPLOYMENT = 'Arbetsförmedlingen svarar inte just nu: signaler som bygger på den visas inte.';


/** The first signal on the work list is handled with the keyboard and leaves the list. */
export async function handleSignalFromWorkList(page: Page): Promise<void> {
  await toCaseload(page);
  const items = page.locator('section.worklist li.todo');
  await items.first().waitFor();
  const before = await items.count();
  const first = await items.first().innerText();
  await page.locator('body').focus();
  await tabToSelector(page, 'section.worklist li.todo button.handle-signal');
  await page.keyboard.press('Enter');
  // The text field has the focus as the form opens.
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
  await page.keyboard.type('Ringde personen och bokade avstämningsmöte med Försäkringskassan.');
  await checkScreen(page, 'working-day-work-list-handle');
  // Past the follow-up day (two weeks ahead unless changed; Tab steps through its parts) to Spara.
  await tabToSelector(page, 'form.handle-form button[type="submit"]', 10);
  await page.keyboard.press('Enter');
  await expect.poll(() => items.count()).toBe(before - 1);
  expect(await items.allInnerTexts()).not.toContain(first);
  await checkScreen(page, 'working-day-work-list');
}

/**
 * With Arbetsförmedlingen stopped the caseload says so once, plainly, and still shows the
 * signals that do not need it. Last of the day: the agency is back before the step ends.
 */
export async function caseloadNamesAgencyNotAnswering(page: Page, graph: TestGraph): Promise<void> {
  await graph.stopSubgraph('employment');
  try {
    await toCaseload(page);
    const notice = page.getByText(UNAVAILABLE_EMPLOYMENT);
    await notice.waitFor();
    expect(await notice.count()).toBe(1);
    expect(await page.getByText('Okänt just nu').count()).toBe(0);
    expect(await page.locator('table.caseload .badge').count()).toBeGreaterThan(0);
    await checkScreen(page, 'working-day-agency-not-answering');
  } finally {
    await graph.restartSubgraph('employment');
  }
}

/** Every signal text the client shows is Swedish: no English sentence on a person's page; a signal handled there shows its handling. */
export async function signalTextsInSwedish(page: Page): Promise<void> {
  await toCaseload(page);
  await page.locator('body').focus();
  await tabToSelector(page, 'section.worklist li.todo a');
  await page.keyboard.press('Enter');
  await page.locator('ul.signals li.signal').first().waitFor();
  const texts = await page.locator('ul.signals li.signal').allInnerTexts();
  for (const text of texts) expect(text, text).not.toMatch(ENGLISH);

  // Handled on the person's page too: the signal shows who handled it, what was done and the follow-up day.
  const open = page.locator('ul.signals li.signal').filter({ has: page.locator('button.handle-signal') });
  const before = await open.count();
  expect(before).toBeGreaterThan(0);
  await page.locator('body').focus();
  await tabToSelector(page, 'ul.signals button.handle-signal');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
  await page.keyboard.type('Samordningsmöte bokat.');
  await tabToSelector(page, 'form.handle-form button[type="submit"]', 10);
  await page.keyboard.press('Enter');
  await page.locator('ul.signals .handling').first().waitFor();
  expect(await page.locator('form.handle-form').count()).toBe(0);
  expect(await open.count()).toBe(before - 1);
  expect(await page.locator('ul.signals .handling').allInnerTexts()).toContainEqual(expect.stringMatching(/^Hanterad av .+ \d{4}-\d{2}-\d{2}: Samordningsmöte bokat\. Uppföljning \d{4}-\d{2}-\d{2}\.$/));
}

/** Words of an English sentence that no Swedish signal text has (as in coordination's signal tests). */
const ENGLISH = /\b(the|and|of|no|not|with|since|from|between|day|days|refused|withdrawn|ended|granted|months?|sick|benefit|certificate|registration|programme|work|capacity|reduced|within|ends?|period|reason|need|leave|assessment)\b/i;
