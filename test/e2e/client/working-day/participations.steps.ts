import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { checkScreen, tabToSelector } from '../../../support/browser.ts';
import { toCaseload } from './navigate.ts';

/**
 * The coordinator's SUS work in the client, keyboard only: find a person of the caseload by name,
 * register them into an intervention with the SUS fields, and register them out again. Choices in
 * a select are made with the arrow keys; the DOM is read only to know how many presses.
 */

/** Presses ArrowDown on the focused select until the option whose text `matches` is chosen (the first is the disabled "Välj…"). */
async function chooseOption(page: Page, selector: string, matches: (text: string) => boolean): Promise<string> {
  await tabToSelector(page, selector, 150);
  const texts = await page.locator(`${selector} option`).allTextContents();
  const index = texts.findIndex((text, i) => i > 0 && matches(text));
  expect(index, `an option of ${selector} to choose`).toBeGreaterThan(0);
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  expect(await page.locator(selector).evaluate((el) => (el as HTMLSelectElement).selectedIndex)).toBe(index);
  return texts[index]!;
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabToSelector(page, selector, 150);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** From the caseload: the search box finds the person by part of the name, and Enter on the hit opens the person's page. */
export async function findPersonByName(page: Page, name: string): Promise<void> {
  const searches: { method: string; url: string }[] = [];
  const watch = (request: { method: () => string; url: () => string; postData: () => string | null }) => {
    if (request.postData()?.includes('FindPerson') || request.url().includes('FindPerson')) searches.push({ method: request.method(), url: request.url() });
  };
  await toCaseload(page);
  page.on('request', watch);
  await typeInto(page, '#find-person', name.toLowerCase());
  await page.keyboard.press('Enter');
  await page.locator('.search-results a').first().waitFor();
  await expect.poll(() => page.locator('.search-results a').allTextContents()).toEqual([name]);
  // Nothing of the search reached an address: it went in a POST body.
  page.off('request', watch);
  expect(searches.length).toBeGreaterThan(0);
  for (const search of searches) {
    expect(search.method).toBe('POST');
    expect(decodeURIComponent(search.url).toLowerCase()).not.toContain(name.toLowerCase().split(' ')[0]!);
  }
  expect(page.url()).not.toContain(name.toLowerCase().split(' ')[0]!);
  await checkScreen(page, 'working-day-find-person');
  await tabToSelector(page, '.search-results a');
  await page.keyboard.press('Enter');
  await page.locator('#participations-heading').waitFor();
  expect(await page.locator('h1').textContent()).toBe(name);
  expect(page.url()).toMatch(/#\/person\/p_[A-Za-z0-9_-]{22}$/);
}

/** On the person's page: registration in with the SUS fields, into a running individual intervention the person is not in. Returns its name. */
export async function registerIntoIntervention(page: Page): Promise<string> {
  const ongoing = await page.locator('table.participations tbody tr').evaluateAll((rows) =>
    rows.filter((row) => row.querySelector('td:last-child')?.textContent === 'Pågår').map((row) => row.querySelector('th')?.textContent ?? ''));
  const intervention = await chooseOption(page, '#participation-intervention', (text) => !ongoing.includes(text));
  await tabToSelector(page, '#income-before-SJUKPENNING', 150);
  await page.keyboard.press('Space');
  await tabToSelector(page, '#income-before-FORSORJNINGSSTOD', 150);
  await page.keyboard.press('Space');
  await chooseOption(page, '#participation-occupation', (text) => text === 'Övrigt');
  await typeInto(page, '#participation-share', '25');
  await chooseOption(page, '#participation-education', (text) => text === 'Gymnasial');
  await typeInto(page, '#participation-years', '3');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('[role="status"].done').textContent()).toBe(`Inregistrerad i ${intervention}.`);
  await expect.poll(() => page.locator('table.participations tbody tr', { hasText: intervention }).filter({ hasText: 'Pågår' }).count()).toBe(1);
  await checkScreen(page, 'working-day-register-participation');
  // The same intervention again: the server refuses, and the page says why in Swedish, not the server's English.
  await chooseOption(page, '#participation-intervention', (text) => text === intervention);
  await tabToSelector(page, '#income-before-OKAND', 150);
  await page.keyboard.press('Space');
  await chooseOption(page, '#participation-occupation', (text) => text === 'Övrigt');
  await chooseOption(page, '#participation-education', (text) => text === 'Gymnasial');
  await tabToSelector(page, '#register-participation-form button[type="submit"]', 150);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#register-error').textContent()).toBe('Personen deltar redan i insatsen.');
  return intervention;
}

/** Registration out of the participation just registered: reason, occupation and income sources after. */
export async function endParticipation(page: Page, intervention: string): Promise<void> {
  await chooseOption(page, '#end-participation', (text) => text.startsWith(`${intervention}, sedan`));
  await chooseOption(page, '#end-reason', (text) => text === 'Planerat avslut');
  await chooseOption(page, '#end-occupation', (text) => text === 'Studier');
  await tabToSelector(page, '#income-after-INGEN_OFFENTLIG', 150);
  await page.keyboard.press('Space');
  await tabToSelector(page, '#end-participation-form button[type="submit"]', 150);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('[role="status"].done').textContent()).toBe(`Utregistrerad från ${intervention}.`);
  await expect.poll(() => page.locator('table.participations tbody tr', { hasText: intervention }).filter({ hasText: 'planerat avslut' }).count()).toBeGreaterThan(0);
  await checkScreen(page, 'working-day-end-participation');
}
