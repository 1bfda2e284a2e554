import type { Page } from 'playwright-core';
import { tabToSelector } from '../../../support/browser.ts';

/** Moving between the client's screens with the keyboard, shared by the steps of the working day. */

/** To the caseload with the keyboard, from a person's page or from the caseload itself (shown afresh). */
export async function toCaseload(page: Page): Promise<void> {
  if ((await page.locator('h1').innerText()) === 'Ärendelista') {
    // Through a person and back, so the caseload is asked for again.
    await page.locator('body').focus();
    await tabToSelector(page, 'table.caseload tbody a');
    await page.keyboard.press('Enter');
    await page.locator('h2#signals-heading').waitFor();
  }
  await page.locator('body').focus();
  await tabToSelector(page, 'a[href="#/"]');
  await page.keyboard.press('Enter');
  await page.locator('section.worklist').waitFor();
}
