import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '@finsam/client/build';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { writtenForms } from '@finsam/kit/personnummer';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { CHROMIUM, checkScreen, haveChromium, launchChromium, tabTo, tabToSelector } from '../../support/browser.ts';
import { englishIn } from './english.ts';

if (!haveChromium && !process.env.CI) console.warn(`${CHROMIUM} not found (apt-get install -y chromium): skipping the coordinator client browser test.`);

const root = path.join(import.meta.dirname, '../../..');

/** What the person page says for each signal (client/src/signals.ts), as the coordinator reads it. */
const SIGNAL_LABELS: Record<keyof typeof SIGNAL_FIXTURES, string> = {
  SICKNESS_BENEFIT_ENDED_NOT_REGISTERED: 'Sjukpenning upphörd, ej inskriven',
  SICK_LISTED_WITHOUT_BENEFIT: 'Sjukskriven utan ersättning',
  DAY_180_APPROACHING: 'Dag 180 närmar sig',
  SICK_IN_PROGRAMME_NO_CERTIFICATE: 'Sjuk i program utan intyg',
  CONFLICTING_ASSESSMENTS: 'Motstridiga bedömningar',
  LEFT_INSURANCE_ON_SOCIAL_ASSISTANCE: 'Utförsäkrad till försörjningsstöd',
  ACTIVITY_COMPENSATION_NO_ACTIVITY: 'Aktivitetsersättning utan aktivitet',
  LONG_ASSISTANCE_NO_ACTIVITY: 'Långvarigt bistånd utan aktivitet',
};

const CONSENT_GAPS = [
  { personnummer: FIXTURE_PERSONS.lacksCare, sector: 'Hälso- och sjukvården' },
  { personnummer: FIXTURE_PERSONS.lacksSocialServices, sector: 'Socialtjänsten' },
  { personnummer: FIXTURE_PERSONS.lacksEmployment, sector: 'Arbetsförmedlingen' },
  { personnummer: FIXTURE_PERSONS.lacksSicknessInsurance, sector: 'Försäkringskassan' },
];
const SECTOR_TITLES = ['Försäkringskassan', 'Arbetsförmedlingen', 'Socialtjänsten', 'Hälso- och sjukvården'];

const EVERY_WRITTEN_FORM = Object.values(FIXTURE_PERSONS).flatMap((p) => writtenForms(p));

describe.skipIf(!haveChromium && !process.env.CI)('the coordinator web client in headless Chromium, against the real graph', () => {
  let graph: TestGraph;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const ids = new Map<string, string>();
  const requested: string[] = [];
  const graphqlBodies: string[] = [];
  const visitedUrls: string[] = [];
  const titles: string[] = [];
  const problems: string[] = [];

  async function check(name: string) {
    titles.push(await page.title());
    visitedUrls.push(page.url());
    await checkScreen(page, name);
  }

  /** What the client shows as an error: each in Swedish, none with an English sentence or an API name. */
  async function shownErrors(): Promise<string[]> {
    const texts = await page.locator('[role="alert"], .error, .refusal').allInnerTexts();
    for (const text of texts) expect(englishIn(text), text).toEqual([]);
    return texts;
  }

  async function openPerson(personnummer: string) {
    const id = ids.get(personnummer)!;
    expect(id, personnummer).toBeTruthy();
    await page.evaluate((personId) => { window.location.hash = `#/person/${personId}`; }, id);
    // This person's page, not the one before it still on screen.
    const shown = `${personnummer.slice(0, 8)}-${personnummer.slice(8)}`;
    await page.locator('.identity dd', { hasText: shown }).waitFor();
  }

  const sector = (title: string) => page.locator('section.sector').filter({ has: page.locator('h3', { hasText: title }) });

  beforeAll(async () => {
    await bundle();
    // As npm start serves it: coordinators get the registered operations only.
    graph = await startGraph({ persons: 300, registeredOperations: true });
    origin = new URL(graph.gatewayUrl).origin;
    const token = await graph.token('coordinator', 'coordinator-1');
    const personOverview = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
    for (const personnummer of Object.values(FIXTURE_PERSONS)) {
      const answer = await graph.query<{ person: { id: string } }>(token, personOverview, { personnummer });
      ids.set(personnummer, answer.body.data!.person.id);
    }
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('request', (request) => {
      requested.push(request.url());
      if (request.url().endsWith('/graphql') && request.method() === 'POST') graphqlBodies.push(request.postData() ?? '');
    });
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) visitedUrls.push(frame.url()); });
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await graph?.close();
  });

  it('signs in with the keyboard alone and shows coordinator-1\'s caseload, most urgent first, 20 a page', async () => {
    await page.goto(`${graph.gatewayUrl}/`);
    await page.locator('#coordinator-number').waitFor();
    await check('sign-in');
    // Keyboard only: Tab to the field, type, Enter.
    await page.locator('body').focus();
    await tabToSelector(page, '#coordinator-number', 10);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.locator('table.caseload tbody tr').first().waitFor();
    // The rows show first; the signals follow, and the list is then sorted by them.
    await page.locator('table.caseload[aria-busy="false"]').waitFor();
    expect(await page.locator('table.caseload tbody tr').count()).toBe(20);
    // Sorted by the most urgent signal: the first row carries one.
    expect(await page.locator('table.caseload tbody tr').first().locator('.badge').count()).toBeGreaterThan(0);
    await check('caseload');

    await page.getByLabel('Har signaler').check();
    const withSignals = await page.locator('table.caseload tbody tr').count();
    expect(withSignals).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < withSignals; i++) expect(await page.locator('table.caseload tbody tr').nth(i).locator('.badge').count()).toBeGreaterThan(0);
    await page.getByLabel('Har signaler').uncheck();
    const protectedShown = `${FIXTURE_PERSONS.protectedIdentity.slice(0, 8)}-${FIXTURE_PERSONS.protectedIdentity.slice(8)}`;
    const protectedRow = page.locator('table.caseload tbody tr').filter({ has: page.locator('td', { hasText: protectedShown }) });
    const rowsOnPage1 = await protectedRow.count();
    await page.getByRole('button', { name: 'Nästa' }).click();
    expect(await page.getByText(/^Sida 2 av \d$/).count()).toBe(1);
    // The protected person is in the list, unnamed, on one of the pages.
    expect(rowsOnPage1 + await protectedRow.count()).toBe(1);
    if (rowsOnPage1 === 0) expect(await protectedRow.locator('th').innerText()).toBe('Skyddad identitet');
    await page.getByRole('button', { name: 'Föregående' }).click();

    // Opening a person with the keyboard: Tab to the first person's link, Enter.
    const firstLink = page.locator('table.caseload tbody tr a').first();
    const href = await firstLink.getAttribute('href');
    await tabTo(page, 'the first person\'s link', () => page.evaluate((h) => document.activeElement?.getAttribute('href') === h, href), 30);
    await page.keyboard.press('Enter');
    await page.locator('h2#consents-heading').waitFor();
    expect(page.url()).toMatch(/#\/person\/[A-Za-z0-9_-]+$/);
    // The keyboard starts at the new screen's heading, not at the top of the page or nowhere.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('shows a person with consent for all four: every sector side by side, no signal', async () => {
    await openPerson(FIXTURE_PERSONS.allConsent);
    for (const title of SECTOR_TITLES) {
      expect(await sector(title).locator('.refusal').count(), title).toBe(0);
      expect(await sector(title).locator('dl').count(), title).toBe(1);
    }
    expect(await page.getByText('Inga signaler.').count()).toBe(1);
    await check('person');
  });

  it('labels a samordningsnummer as such, on the person\'s page and in the caseload', async () => {
    const number = FIXTURE_PERSONS.coordinationNumber;
    const shown = `${number.slice(0, 8)}-${number.slice(8)}`;
    await openPerson(number);
    expect(await page.locator('.identity').innerText()).toMatch(new RegExp(`Samordningsnummer\\s+${shown}`));
    expect(await page.locator('.identity dt', { hasText: /^Personnummer$/ }).count()).toBe(0);
    await openPerson(FIXTURE_PERSONS.allConsent);
    expect(await page.locator('.identity dt').first().innerText()).toBe('Personnummer');
    await page.evaluate(() => { window.location.hash = '#/'; });
    await page.locator('table.caseload[aria-busy="false"]').waitFor();
    let row = page.locator('table.caseload tbody tr').filter({ hasText: shown });
    while (await row.count() === 0) await page.getByRole('button', { name: 'Nästa' }).click();
    expect(await row.locator('td').first().innerText()).toMatch(new RegExp(`${shown}\\s*\\(?samordningsnummer`, 'i'));
  });

  it('shows every item of each sector, newest first, not only the latest', async () => {
    await openPerson(FIXTURE_PERSONS.allConsent);
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    // The seed's ended programme (300 to 200 days ago) beside the current registration.
    const employment = await sector('Arbetsförmedlingen').innerText();
    expect(employment).toContain(`Arbetsträning ${day(-300)} – ${day(-200)}`);
    expect(employment).toContain(`${day(-400)} –`);
    // Every case, every certificate, every month: the lists carry them all.
    expect(await sector('Försäkringskassan').locator('li').count()).toBeGreaterThanOrEqual(1);
    expect(await sector('Hälso- och sjukvården').locator('li').count()).toBeGreaterThanOrEqual(1);
    expect(await sector('Socialtjänsten').locator('li').count()).toBeGreaterThanOrEqual(2);
    // Dates as Swedes write them.
    expect(await page.locator('main').innerText()).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/);
  });

  it('names the missing sector\'s reason for each consent gap, and only there', async () => {
    for (const gap of CONSENT_GAPS) {
      await openPerson(gap.personnummer);
      expect(await sector(gap.sector).locator('.refusal').innerText(), gap.sector).toContain('Samtycke saknas');
      for (const other of SECTOR_TITLES.filter((t) => t !== gap.sector)) expect(await sector(other).locator('.refusal').count(), other).toBe(0);
      // The signals did not see that agency: the page names it and never says "Inga signaler." as if they had.
      expect(await page.locator('.notice.unseen').innerText(), gap.sector).toContain(`${gap.sector} (samtycke saknas)`);
      expect(await page.getByText('Inga signaler.', { exact: true }).count(), gap.sector).toBe(0);
    }
    await check('person-consent-gap');
  });

  it('in the caseload too, says "Inga signaler" only of a person every agency was seen for, and names the one not seen', async () => {
    await page.evaluate(() => { window.location.hash = '#/'; });
    await page.locator('table.caseload[aria-busy="false"]').waitFor();
    const cells = new Map<string, string>();
    // Every page, from the first: the list keeps the page it was left on.
    const pageNumber = async () => Number(/^Sida (\d+)/.exec(await page.locator('.pager [aria-live]').innerText())![1]);
    const previous = page.getByRole('button', { name: 'Föregående' });
    while (!(await previous.isDisabled())) await previous.click();
    for (;;) {
      for (const row of await page.locator('table.caseload tbody tr').all()) cells.set(await row.locator('td').first().innerText(), await row.locator('td').nth(1).innerText());
      const next = page.getByRole('button', { name: 'Nästa' });
      if (await next.isDisabled()) break;
      const before = await pageNumber();
      await next.click();
      await expect.poll(pageNumber).toBe(before + 1);
    }
    for (const gap of CONSENT_GAPS) {
      const cell = cells.get(`${gap.personnummer.slice(0, 8)}-${gap.personnummer.slice(8)}`);
      expect(cell, gap.personnummer).toBeDefined();
      expect(cell, gap.sector).not.toBe('Inga signaler');
      expect(cell, gap.sector).toContain(`${gap.sector} (samtycke saknas)`);
    }
    expect(cells.get(`${FIXTURE_PERSONS.allConsent.slice(0, 8)}-${FIXTURE_PERSONS.allConsent.slice(8)}`)).toBe('Inga signaler');
  });

  it('shows whose months of ekonomiskt bistånd these are, and names each municipality that released nothing and why', async () => {
    // Moved from Mölndal to Göteborg; the seeded consent names Göteborg's social services only.
    await openPerson(FIXTURE_PERSONS.movedBetweenMunicipalities);
    const social = await sector('Socialtjänsten').locator('dl').innerText();
    expect(social).toMatch(/Månader per kommun\s+Göteborg 4/);
    expect(social).not.toContain('Mölndal 4');
    expect(social).toMatch(/Ej utlämnat\s+Mölndal: samtycke saknas; Partille: samtycke saknas/);
  });

  it('never shows the name or address of a person with protected identity, and says why', async () => {
    await openPerson(FIXTURE_PERSONS.protectedIdentity);
    expect(await page.locator('h1').innerText()).toBe('Person med skyddad identitet');
    expect(await page.getByText('Skyddade personuppgifter: namn och adress visas inte.').count()).toBe(1);
    expect(await page.locator('.identity dt', { hasText: 'Adress' }).count()).toBe(0);
    await check('person-protected-identity');
  });

  it('shows each of the eight signals with its facts, dates and what it means', async () => {
    for (const [code, personnummer] of Object.entries(SIGNAL_FIXTURES) as [keyof typeof SIGNAL_FIXTURES, string][]) {
      await openPerson(personnummer);
      const card = page.locator('li.signal').filter({ has: page.locator('h3', { hasText: SIGNAL_LABELS[code] }) });
      expect(await card.count(), code).toBe(1);
      expect(await card.locator('.meaning').innerText(), code).not.toBe('');
      expect(await card.locator('.facts li').count(), code).toBeGreaterThan(0);
      expect(await card.innerText(), code).toMatch(/sedan \d{4}-\d{2}-\d{2}/);
      if (code === 'DAY_180_APPROACHING') await check('person-signal');
    }
  });

  it('records a signed consent and revokes it, the page following each change, with the server\'s validation message', async () => {
    await openPerson(FIXTURE_PERSONS.lacksCare);
    const care = sector('Hälso- och sjukvården');
    expect(await care.locator('.refusal').innerText()).toContain('Samtycke saknas');

    // A form the server refuses: the message is shown beside the form.
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByRole('checkbox', { name: 'Hälso- och sjukvården' }).check();
    await page.getByLabel('Giltigt från').fill(today);
    await page.getByLabel('Giltigt till').fill(yesterday);
    await page.getByLabel('Blankettens referens').fill('SAMTYCKE-TEST-1');
    await page.getByRole('button', { name: 'Registrera samtycke' }).click();
    const formError = page.locator('.consent-form [role="alert"]');
    await formError.waitFor();
    // In Swedish, in the form's own words: not the server's English ("validTo is before validFrom.").
    expect(await formError.innerText()).toBe('«Giltigt till» får inte vara före «Giltigt från».');
    await shownErrors();
    await check('consent-form-error');

    // The network gone: said in Swedish too.
    await page.route('**/graphql', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Registrera samtycke' }).click();
    await page.locator('.consent-form [role="alert"]', { hasText: 'Servern kunde inte nås' }).waitFor();
    await shownErrors();
    await page.unroute('**/graphql');

    const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
    await page.getByLabel('Giltigt till').fill(nextYear);
    await page.getByRole('button', { name: 'Registrera samtycke' }).click();
    await page.getByText('Samtycket är registrerat.').waitFor();
    const careRow = page.locator('table.consents tbody tr').filter({ has: page.locator('th', { hasText: 'Hälso- och sjukvården' }) });
    expect(await careRow.innerText()).toContain('I kraft');
    await expect.poll(() => care.locator('.refusal').count()).toBe(0);
    expect(await care.locator('dl').count()).toBe(1);

    // The consent names care's region, the person's (Göteborg's): Västra Götalandsregionen.
    expect(await careRow.innerText()).toContain('Hälso- och sjukvården – Västra Götalandsregionen');
    await page.getByRole('button', { name: 'Återkalla samtycket för Hälso- och sjukvården – Västra Götalandsregionen' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Återkalla samtycket' }).click();
    await page.getByText('Samtycket för Hälso- och sjukvården – Västra Götalandsregionen är återkallat.').waitFor();
    expect(await careRow.first().innerText()).toContain('Återkallat');
    await expect.poll(() => care.locator('.refusal').count()).toBe(1);
    expect(await care.locator('.refusal').innerText()).toContain('Samtycket är återkallat');
    await check('consent-revoked');
  });

  it('records a consent to the social services of the member municipalities chosen, the home municipality first, and withdraws one municipality\'s alone', async () => {
    await openPerson(FIXTURE_PERSONS.lacksSocialServices);
    const social = sector('Socialtjänsten');
    expect(await social.locator('.refusal').innerText()).toContain('Samtycke saknas');
    // Care's region is shown beside care, as the consent will name it.
    expect(await page.locator('#care-region').innerText()).toBe('Regionen: Västra Götalandsregionen');

    // The municipalities appear once the social services are chosen; the home municipality is checked.
    const municipalities = page.getByRole('group', { name: 'Kommuner vars socialtjänst får lämna ut uppgifter' });
    expect(await municipalities.count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Socialtjänsten', exact: true }).check();
    const choice = (name: string) => municipalities.getByRole('checkbox', { name });
    expect(await municipalities.getByRole('checkbox').count()).toBe(3);
    expect(await choice('Göteborg (folkbokförd här)').isChecked()).toBe(true);
    expect(await choice('Mölndal').isChecked()).toBe(false);
    expect(await choice('Partille').isChecked()).toBe(false);
    // With the keyboard: from Göteborg, Tab to Mölndal and Space.
    await choice('Göteborg (folkbokförd här)').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('municipality-1481');
    await page.keyboard.press('Space');
    expect(await choice('Mölndal').isChecked()).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('Giltigt från').fill(today);
    await page.getByLabel('Giltigt till').fill(`${Number(today.slice(0, 4)) + 1}${today.slice(4)}`);
    await page.getByLabel('Blankettens referens').fill('SAMTYCKE-KOMMUNER-1');
    await check('consent-form-controllers');
    await page.getByRole('button', { name: 'Registrera samtycke' }).click();
    await page.getByText('Samtycket är registrerat.').waitFor();
    const row = (label: string) => page.locator('table.consents tbody tr').filter({ has: page.locator('th', { hasText: label }) });
    expect(await row('Socialtjänsten – Göteborg').innerText()).toContain('I kraft');
    expect(await row('Socialtjänsten – Mölndal').innerText()).toContain('I kraft');
    expect(await row('Socialtjänsten – Partille').count()).toBe(0);
    await expect.poll(() => social.locator('.refusal').count()).toBe(0);
    await check('consent-controllers');

    await page.getByRole('button', { name: 'Återkalla samtycket för Socialtjänsten – Mölndal' }).click();
    expect(await page.getByRole('alertdialog').innerText()).toContain('Socialtjänsten – Mölndal');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Återkalla samtycket' }).click();
    await page.getByText('Samtycket för Socialtjänsten – Mölndal är återkallat.').waitFor();
    expect(await row('Socialtjänsten – Mölndal').innerText()).toContain('Återkallat');
    expect(await row('Socialtjänsten – Göteborg').innerText()).toContain('I kraft');
  });

  it('says care is not answering while the other sectors show, when the care subgraph is down', async () => {
    await graph.stopSubgraph('care');
    try {
      await openPerson(FIXTURE_PERSONS.allConsent);
      expect(await sector('Hälso- och sjukvården').locator('.refusal').innerText()).toContain('svarar inte just nu');
      await shownErrors();
      for (const title of SECTOR_TITLES.slice(0, 3)) expect(await sector(title).locator('dl').count(), title).toBe(1);
      await check('person-care-unavailable');
    } finally {
      await graph.restartSubgraph('care');
    }
  });

  it('fits a 390 px wide phone without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openPerson(FIXTURE_PERSONS.day180Approaching);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390).slice(0, 5).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth])).toEqual([390, 390, 390]);
    await check('person-phone');
    await page.evaluate(() => { window.location.hash = '#/'; });
    await page.locator('table.caseload tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs out to an empty page: no token, no cached person', async () => {
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.locator('#coordinator-number').waitFor();
    const text = await page.locator('body').innerText();
    for (const form of EVERY_WRITTEN_FORM) expect(text).not.toContain(form);
    // Back in history to a person: the page asks for sign-in again rather than showing anything.
    await page.evaluate((id) => { window.location.hash = `#/person/${id}`; }, ids.get(FIXTURE_PERSONS.allConsent)!);
    expect(await page.locator('#coordinator-number').count()).toBe(1);
    expect(await page.locator('h2#consents-heading').count()).toBe(0);
  });

  it('names itself to the gateway: the fields it used are counted under finsam-coordinator (npm run usage)', async () => {
    const metrics = await graph.metrics('gateway');
    expect(metrics).toMatch(/^graphql_field_usage_total\{coordinate="Person\.name",operation="Caseload",client="finsam-coordinator"[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^graphql_field_usage_total\{coordinate="Query\.person",operation="PersonOverview",client="finsam-coordinator"[^}]*\} [1-9]/m);
  });

  it('sent every request to the gateway\'s origin and left no personnummer in a URL, title, history or storage', async () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    // Each GraphQL request names a registered operation by its hash (schema/operations/manifest.json).
    const registered = new Set((JSON.parse(fs.readFileSync(path.join(root, 'schema/operations/manifest.json'), 'utf8')) as { operations: { id: string }[] }).operations.map((o) => o.id));
    expect(graphqlBodies.length).toBeGreaterThan(10);
    for (const body of graphqlBodies) expect(registered.has(JSON.parse(body).extensions?.persistedQuery?.sha256Hash), body.slice(0, 400)).toBe(true);
    const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, historyState: history.state }));
    const cookies = JSON.stringify(await context.cookies());
    for (const form of EVERY_WRITTEN_FORM) {
      for (const url of [...requested, ...visitedUrls]) expect(url).not.toContain(form);
      for (const title of titles) expect(title).not.toContain(form);
      expect(storage).not.toContain(form);
      expect(cookies).not.toContain(form);
    }
    expect(storage).toBe(JSON.stringify({ local: {}, session: {}, cookie: '', historyState: null }));
    // Refused requests, and the network cut on purpose for the consent form, are the console's, not script errors.
    expect(problems.filter((p) => !/status of (400|401|403)|ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
  });
});
