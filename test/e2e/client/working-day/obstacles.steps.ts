import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { checkScreen, tabToSelector } from '../../../support/browser.ts';
import type { TestGraph } from '../../../support/graph.ts';

const NOTE = 'FK bedömer arbetsförmåga mot hela arbetsmarknaden, vården skriver 100 % nedsatt.';

/**
 * The coordinator records an obstacle in rules and steering (hinder i regelverk och styrning) on
 * the person whose agencies disagree about their work capacity, keyboard only: from the caseload
 * to the person, the code chosen by typing its Swedish name in the select, two agencies ticked
 * with Space, a note typed, Enter on the button; the list shows it with the signal the page
 * showed, and axe finds nothing on the page.
 */
export async function recordObstacle(page: Page, graph: TestGraph): Promise<void> {
  // The graph serves registered operations only: the person's id is read where it is kept.
  const store = graph.store('coordination');
  const { id } = await store.selectFrom('person' as never).select('id' as never).where('personnummer' as never, '=', FIXTURE_PERSONS.conflictingAssessments as never)
    .executeTakeFirstOrThrow().finally(() => store.destroy()) as { id: string };
  // From wherever the day's earlier steps left the page: back to the caseload by its own link.
  if (await page.locator('a[href="#/"]').count() > 0) {
    await tabToSelector(page, 'a[href="#/"]', 200);
    await page.keyboard.press('Enter');
  }
  await page.locator('table.caseload tbody tr').first().waitFor();
  await tabToSelector(page, `a[href="#/person/${id}"]`, 200);
  await page.keyboard.press('Enter');
  // The signals are in before the form takes them along.
  await page.locator('#signals-heading ~ ul.signals').waitFor();
  await tabToSelector(page, 'button[aria-controls="obstacle-form"]', 300);
  await page.keyboard.press('Enter');
  // The form opens with the focus on its first choice.
  await page.locator('#obstacle-code:focus').waitFor();
  await page.keyboard.type('Motstridiga');
  expect(await page.locator('#obstacle-code').inputValue()).toBe('CONFLICTING_WORK_CAPACITY_ASSESSMENTS');
  for (const agency of ['SICKNESS_INSURANCE', 'CARE']) {
    await tabToSelector(page, `#obstacle-agency-${agency}`, 10);
    await page.keyboard.press('Space');
  }
  await tabToSelector(page, '#obstacle-note', 10);
  await page.keyboard.type(NOTE);
  await tabToSelector(page, 'form.obstacle-form button[type="submit"]', 10);
  await checkScreen(page, 'working-day-obstacle-form');
  await page.keyboard.press('Enter');

  await expect.poll(() => page.locator('section[aria-labelledby="obstacles-heading"] [role="status"]').textContent(), { timeout: 15_000 })
    .toBe('Hindret ”Motstridiga bedömningar av arbetsförmågan” är registrerat.');
  const row = page.locator('table.obstacles tbody tr', { hasText: NOTE });
  await row.waitFor();
  expect(await row.locator('th').textContent()).toBe('Motstridiga bedömningar av arbetsförmågan');
  expect(await row.locator('td').nth(1).textContent()).toBe('Försäkringskassan, Hälso- och sjukvården');
  expect(await row.locator('td').nth(3).textContent()).toMatch(/motstridiga/i);
  // The form closes, and the focus is back on the button that opens it.
  expect(await page.locator('#obstacle-form').count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-controls'))).toBe('obstacle-form');
  await checkScreen(page, 'working-day-obstacle');
}
