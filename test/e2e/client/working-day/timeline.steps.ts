import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { checkScreen, tabToSelector } from '../../../support/browser.ts';
import { englishIn } from '../english.ts';
import { toCaseload } from './navigate.ts';

/**
 * A person's timeline (issue 23, point 4): the sectors' events and the förbund's participations on
 * one line, newest first, each labelled with its sector, built only from what the graph released.
 * Keyboard only: the person is found by name from the caseload's search box.
 */

const TITLES = Object.fromEntries(AGENCY_ROWS.map((row) => [row.sectorField, row.swedish.title])) as Record<(typeof AGENCY_ROWS)[number]['sectorField'], string>;

async function openByName(page: Page, name: string): Promise<void> {
  await toCaseload(page);
  await tabToSelector(page, '#find-person', 150);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.search-results a').allTextContents()).toEqual([name]);
  await tabToSelector(page, '.search-results a');
  await page.keyboard.press('Enter');
  await page.locator('table.timeline tbody tr').first().waitFor();
  expect(await page.locator('h1').textContent()).toBe(name);
  // The participations come in their own answer: wait for the förbund's rows too.
  await page.locator('table.timeline td', { hasText: 'Inskriven i insatsen' }).first().waitFor();
}

interface Row { date: string; shown: string; sector: string; text: string }

const rows = (page: Page): Promise<Row[]> => page.locator('table.timeline tbody tr').evaluateAll((trs) => trs.map((tr) => {
  const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
  return { date: tr.getAttribute('data-date') ?? '', shown: cells[0]!, sector: cells[1]!, text: cells[2]! };
}));

/** Anna (all four consents) and Bertil (no consent for care): the events of each sector released, in date order, and what is missing named. */
export async function personTimeline(page: Page): Promise<void> {
  await openByName(page, 'Anna Exempelsson');
  const all = await rows(page);
  const sectors = new Set(all.map((r) => r.sector));
  for (const title of [...Object.values(TITLES), 'Samordningsförbundet']) expect(sectors, title).toContain(title);
  // Each sector's kinds of event, as the fixture has them (devkit population/fixtures.ts, wholeSituation).
  const texts = all.map((r) => `${r.sector}: ${r.text}`);
  for (const expected of [
    'Försäkringskassan: Sjukpenning: perioden börjar', 'Försäkringskassan: Sjukpenning: beslut, beviljad',
    'Försäkringskassan: Sjukpenning: omfattning 100 %', 'Försäkringskassan: Sjukpenning: omfattning 50 %',
    'Arbetsförmedlingen: Inskriven som arbetssökande', 'Arbetsförmedlingen: Program börjar: Arbetsträning', 'Arbetsförmedlingen: Program slutar: Arbetsträning',
    'Socialtjänsten: Ekonomiskt bistånd från Göteborg, 2 månader', `${TITLES.care}: Läkarintyg`, `${TITLES.care}: Arbetsförmågan nedsatt 50 %`,
    'Samordningsförbundet: Inskriven i insatsen',
  ]) expect(texts.some((t) => t.startsWith(expected)), expected).toBe(true);
  // Newest first, dates written 2026-12-07 (a month of ekonomiskt bistånd 2026-11), and no English.
  const dates = all.map((r) => r.date);
  expect(dates).toEqual([...dates].sort().reverse());
  for (const r of all) {
    expect(r.shown).toMatch(/^\d{4}-\d{2}(-\d{2})?( – \d{4}-\d{2})?$/);
    expect(englishIn(`${r.sector} ${r.text}`), r.text).toEqual([]);
  }
  expect(await page.locator('.timeline-missing').allInnerTexts()).toEqual([]);
  expect(englishIn(await page.locator('section.timeline-section').innerText())).toEqual([]);

  // Without consent for care: care's events are absent and the timeline names it, in the words of care's own card.
  await openByName(page, 'Bertil Exempelsson');
  const lacking = await rows(page);
  expect(lacking.filter((r) => r.sector === TITLES.care)).toEqual([]);
  for (const title of [TITLES.sicknessInsurance, TITLES.employment, TITLES.socialServices, 'Samordningsförbundet']) {
    expect(lacking.some((r) => r.sector === title), title).toBe(true);
  }
  const cardRefusal = (await page.locator('section.sector', { has: page.locator('h3', { hasText: TITLES.care }) }).locator('.refusal').innerText())
    .replace(/^Visas inte:\s*/, '').replace(/\.$/, '');
  expect(cardRefusal.length).toBeGreaterThan(0);
  const missing = await page.locator('.timeline-missing').innerText();
  expect(missing).toContain(`${TITLES.care}: ${cardRefusal}`);
  for (const title of [TITLES.sicknessInsurance, TITLES.employment, TITLES.socialServices]) expect(missing).not.toContain(title);
  expect(englishIn(missing)).toEqual([]);
  await checkScreen(page, 'person-timeline');
}
