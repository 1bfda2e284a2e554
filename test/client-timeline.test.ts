import { describe, expect, it } from 'vitest';
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MockedProvider } from '@apollo/client/testing/react';

/** A PersonOverview answer's person, as loose as the test needs (its type is the client's, checked by `tsc -p client`). */
type Person = Record<string, unknown>;

// The client's modules are checked by its own tsconfig (`tsc -p client`: JSX, imports without
// extensions); here they are only run, so their paths are strings the root tsconfig does not follow.
const TIMELINE_EVENTS: string = '../client/src/timeline-events.ts';
const TIMELINE_COMPONENT: string = '../client/src/Timeline.tsx';
const { TIMELINE_LIMIT, timelineEvents } = await import(TIMELINE_EVENTS) as {
  TIMELINE_LIMIT: number;
  timelineEvents: (person: Person, participations: unknown[]) => { shownDate: string; sector: string; text: string }[];
};
const { Timeline } = await import(TIMELINE_COMPONENT) as { Timeline: FunctionComponent<{ person: Person; errors: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] }> };

/**
 * The person page's timeline (client/src/Timeline.tsx) without a browser: which rows it makes
 * from an answer, in what order, and the limit before "Visa alla". The browser test
 * (test/e2e/client/working-day/timeline.steps.ts) checks it against the real graph.
 */

const place = (code: string, name: string) => ({ code, name });
const month = (m: string, municipality: { code: string; name: string }) => ({ month: m, reasonForNeed: { label: 'Arbetslös' }, municipality });
const GBG = place('1480', 'Göteborg');
const MOLNDAL = place('1481', 'Mölndal');

function person(overrides: Partial<Person> = {}): Person {
  return {
    id: 'p_1', personnummer: '198503123828', name: 'Anna', address: null, identityProtection: 'NONE', age: 41,
    homeMunicipality: { ...GBG, region: { kind: 'REGION', code: '14', name: 'Västra Götalandsregionen' } }, consents: [],
    sicknessInsurance: null, employment: null, socialServices: null, care: null, signals: null, unseenAgencies: null,
    ...overrides,
  };
}

describe('the timeline of a person', () => {
  it('groups months of ekonomiskt bistånd into runs per municipality, split at a gap', () => {
    const p = person({
      socialServices: {
        assistanceMonthsLast12: 5, notReleased: [],
        assistanceMonths: [month('2026-01', MOLNDAL), month('2025-12', MOLNDAL), month('2026-03', GBG), month('2026-04', GBG), month('2026-06', GBG)],
      },
    });
    expect(timelineEvents(p, []).map((e) => [e.shownDate, e.text])).toEqual([
      ['2026-06', 'Ekonomiskt bistånd från Göteborg, 1 månad: Arbetslös'],
      ['2026-03 – 2026-04', 'Ekonomiskt bistånd från Göteborg, 2 månader: Arbetslös'],
      ['2025-12 – 2026-01', 'Ekonomiskt bistånd från Mölndal, 2 månader: Arbetslös'],
    ]);
  });

  it('puts a case\'s start, decision, degree steps and end newest first, each from Försäkringskassan', () => {
    const p = person({
      sicknessInsurance: {
        ongoingSickLeave: null,
        cases: [{
          id: 'c1', benefit: 'SJUKPENNING', status: 'GRANTED', startDate: '2026-01-01', endDate: '2026-06-30', decisionDate: '2026-01-20', refusalReason: null,
          degreeSteps: [{ from: '2026-01-01', to: '2026-02-28', degree: 100 }, { from: '2026-03-01', to: null, degree: 50 }],
        }],
      },
    });
    expect(timelineEvents(p, []).map((e) => `${e.shownDate} ${e.sector}: ${e.text}`)).toEqual([
      '2026-06-30 Försäkringskassan: Sjukpenning: perioden slutar',
      '2026-03-01 Försäkringskassan: Sjukpenning: omfattning 50 %',
      '2026-01-20 Försäkringskassan: Sjukpenning: beslut, beviljad',
      '2026-01-01 Försäkringskassan: Sjukpenning: perioden börjar',
      '2026-01-01 Försäkringskassan: Sjukpenning: omfattning 100 %',
    ]);
  });

  it('shows the newest rows up to the limit with "Visa alla", and keeps the rest for print', () => {
    const months = Array.from({ length: 2 * (TIMELINE_LIMIT + 10) }, (_, i) => month(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, GBG))
      .filter((_, i) => i % 2 === 0); // every other month: each its own run, one row each
    const p = person({ socialServices: { assistanceMonthsLast12: 0, notReleased: [], assistanceMonths: months } });
    const html = renderToStaticMarkup(createElement(MockedProvider, { mocks: [] }, createElement(Timeline, { person: p, errors: [] })));
    expect(html.match(/<tr[ >]/g)?.length).toBe(TIMELINE_LIMIT + 10 + 1); // and the header row
    expect(html.match(/class="beyond-limit"/g)?.length).toBe(10);
    expect(html).toContain(`Visar de ${TIMELINE_LIMIT} senaste av ${TIMELINE_LIMIT + 10} händelser.`);
    expect(html).toContain('>Visa alla</button>');
  });

  it('names a sector refused in the page\'s words and makes no row of it', () => {
    const errors = [{ message: 'Consent missing', path: ['person', 'care'], extensions: { code: 'FORBIDDEN', reason: 'NO_CONSENT' } }];
    const html = renderToStaticMarkup(createElement(MockedProvider, { mocks: [] }, createElement(Timeline, { person: person(), errors })));
    expect(html).toMatch(/Visas inte i tidslinjen:<\/strong> Hälso- och sjukvården: [^<]+\./);
    expect(html).toContain('Inga händelser att visa.');
  });
});
