import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import type { TestGraph } from '../../../support/graph.ts';
import { checkScreen, tabTo, tabToSelector } from '../../../support/browser.ts';

/**
 * The client trustworthy at a glance (issue 23): the coordinator's name in the header, a
 * withdrawal of consent that asks first, a consent about to expire flagged, and a print view for
 * a meeting. Keyboard only.
 */

const root = path.join(import.meta.dirname, '../../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const CASELOAD = fs.readFileSync(path.join(root, 'schema/operations/Caseload.graphql'), 'utf8');

/** Opens a person's page by the opaque id in the address (as a link from the caseload does). */
export async function openPerson(page: Page, graph: TestGraph, personnummer: string): Promise<void> {
  const token = await graph.token('coordinator', 'coordinator-1');
  const answer = await graph.query<{ person: { id: string } }>(token, PERSON_OVERVIEW, { personnummer });
  const id = answer.body.data!.person.id;
  await page.evaluate((personId) => { window.location.hash = `#/person/${personId}`; }, id);
  await page.locator('.identity dd', { hasText: `${personnummer.slice(0, 8)}-${personnummer.slice(8)}` }).waitFor();
}

const isoDaysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The header names the signed-in coordinator (Coordinator.name), not their user id. */
export async function headerNamesCoordinator(page: Page, graph: TestGraph): Promise<void> {
  const token = await graph.token('coordinator', 'coordinator-1');
  // The graph takes a coordinator's registered operations alone.
  const me = await graph.query<{ me: { name: string } }>(token, CASELOAD, { first: 1 });
  const name = me.body.data!.me.name;
  const header = await page.locator('header.bar').innerText();
  expect(header).toContain(`Inloggad: ${name}`);
  expect(header).not.toContain('coordinator-1');
}

/**
 * A consent recorded to run out in ten days is flagged on the person's page; withdrawing it asks
 * first, cancelling (Escape, or "Avbryt") leaves it in force and gives the focus back to the
 * button, and only the confirmation withdraws it.
 */
export async function flagsExpiringConsentAndConfirmsWithdrawal(page: Page, graph: TestGraph): Promise<void> {
  await openPerson(page, graph, FIXTURE_PERSONS.lacksEmployment);
  const expires = isoDaysFromToday(10);
  // Dates read 2026-12-07 in every browser: not the browser's own date field, which writes the
  // browser's format (12/07/2026 in this English Chromium).
  for (const label of ['Giltigt från', 'Giltigt till']) expect(await page.getByLabel(label).getAttribute('type'), label).toBe('text');
  expect(await page.getByLabel('Giltigt från').inputValue()).toBe(isoDaysFromToday(0));
  await page.getByRole('checkbox', { name: 'Arbetsförmedlingen' }).check();
  await page.getByLabel('Giltigt från').fill(isoDaysFromToday(0));
  await page.getByLabel('Giltigt till').fill(expires);
  await page.getByLabel('Blankettens referens').fill('SAMTYCKE-KORT-1');
  await page.getByRole('button', { name: 'Registrera samtycke' }).click();
  await page.getByText('Samtycket är registrerat.').waitFor();

  const row = page.locator('table.consents tbody tr').filter({ has: page.locator('th', { hasText: 'Arbetsförmedlingen' }) });
  expect(await row.innerText()).toContain(`Går ut om 10 dagar`);
  // Said once near the top too, where the coordinator looks first.
  const notice = page.locator('.expiring');
  expect(await notice.innerText()).toContain(`Samtycket för Arbetsförmedlingen går ut ${expires}`);
  await checkScreen(page, 'consent-expiring');

  // Keyboard: from the heading, Tab to "Återkalla" and Enter: a dialog, not a withdrawal.
  const withdraw = 'button[aria-label="Återkalla samtycket för Arbetsförmedlingen"]';
  await page.locator('main h1').focus();
  await tabToSelector(page, withdraw);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: 'Återkalla samtycket?' });
  await dialog.waitFor();
  expect(await dialog.innerText()).toContain('Arbetsförmedlingen');
  // The focus is in the dialog, on the harmless choice.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Avbryt');
  await checkScreen(page, 'consent-withdraw-confirm');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await row.innerText()).toContain('I kraft');
  expect(await page.evaluate((s) => document.activeElement?.matches(s), withdraw)).toBe(true);

  // "Avbryt" with Enter: still in force.
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  expect(await row.innerText()).toContain('I kraft');

  // Confirmed: Tab from "Avbryt" to the withdrawal, Enter.
  await page.locator(withdraw).focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await tabTo(page, 'the confirming button', () => page.evaluate(() => document.activeElement?.textContent === 'Återkalla samtycket'), 3);
  await page.keyboard.press('Enter');
  await page.getByText('Samtycket för Arbetsförmedlingen är återkallat.').waitFor();
  expect(await row.first().innerText()).toContain('Återkallat');
  expect(await page.locator('.expiring').count()).toBe(0);
}

/**
 * The person's page printed for a meeting: no buttons, forms, navigation or links to follow, but
 * the person, signals, sectors and consents; "Skriv ut" is reached with the keyboard.
 */
export async function printsPersonForMeeting(page: Page, graph: TestGraph): Promise<void> {
  await openPerson(page, graph, FIXTURE_PERSONS.allConsent);
  await page.evaluate(() => { (window as unknown as { printed: number }).printed = 0; window.print = () => { (window as unknown as { printed: number }).printed++; }; });
  await page.locator('main h1').focus();
  await tabTo(page, 'Skriv ut', () => page.evaluate(() => document.activeElement?.textContent === 'Skriv ut'));
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  await page.emulateMedia({ media: 'print' });
  try {
    expect(await page.locator('button:visible, form:visible, nav:visible, input:visible, .skip:visible').count()).toBe(0);
    for (const shown of ['h1', '.identity', '#signals-heading', '.sectors', 'table.timeline', 'table.consents']) {
      expect(await page.locator(`${shown}:visible`).count(), shown).toBeGreaterThan(0);
    }
    // The printout says when it was printed and by whom it may be read.
    expect(await page.locator('.print-only:visible').innerText()).toMatch(/Utskrift \d{4}-\d{2}-\d{2}/);
    await checkScreen(page, 'person-print');
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
  expect(await page.locator('.print-only:visible').count()).toBe(0);
}
