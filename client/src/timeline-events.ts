import type { PersonOverviewQuery, PersonParticipationsQuery } from './gql/graphql';
import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { formatDate } from './format';
import { BENEFITS, CASE_STATUSES, PROGRAMMES } from './labels';
import { END_REASONS } from './participation-text';

/** The timeline's rows from a person's answers (no React: Timeline.tsx shows them, test/client-timeline.test.ts reads them). */

type Person = NonNullable<PersonOverviewQuery['person']>;
type AssistanceMonth = NonNullable<Person['socialServices']>['assistanceMonths'][number];
type Participation = NonNullable<PersonParticipationsQuery['person']>['participations'][number];

/** Coordination's own events (the förbund's participations) are labelled as the förbund's, not an agency's. */
export const COORDINATION = 'Samordningsförbundet';

/** At most this many rows on screen until "Visa alla": a long history stays readable beside the rest of the page. */
export const TIMELINE_LIMIT = 50;

export interface TimelineEvent {
  /** ISO date (or the first day of a month) the event sorts by. */
  sortDate: string;
  /** As shown: an ISO date, or a month span for ekonomiskt bistånd (paid by the month, not by the day). */
  shownDate: string;
  /** The sector that released it. */
  sector: string;
  text: string;
  key: string;
}

/**
 * Months of ekonomiskt bistånd as runs of consecutive months per municipality: one row per month
 * would drown the other sectors' events, and each municipality is its own controller, so a run
 * never spans two of them.
 */
function assistanceRuns(months: readonly AssistanceMonth[]) {
  const byMunicipality = new Map<string, AssistanceMonth[]>();
  for (const m of months) byMunicipality.set(m.municipality.code, [...(byMunicipality.get(m.municipality.code) ?? []), m]);
  const runs: { first: string; last: string; count: number; municipality: string; reasons: Set<string> }[] = [];
  for (const list of byMunicipality.values()) {
    const sorted = [...list].sort((a, b) => a.month.localeCompare(b.month));
    let run: (typeof runs)[number] | null = null;
    for (const m of sorted) {
      if (run && nextMonth(run.last) === m.month) {
        run.last = m.month; run.count += 1; run.reasons.add(m.reasonForNeed.label);
      } else {
        run = { first: m.month, last: m.month, count: 1, municipality: m.municipality.name, reasons: new Set([m.reasonForNeed.label]) };
        runs.push(run);
      }
    }
  }
  return runs;
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The events of the sectors that released data in this answer: nothing is asked for the timeline
 * alone, so a sector refused (or not answering) has nothing here, exactly as on the rest of the page.
 */
export function timelineEvents(person: Person, participations: readonly Participation[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const add = (date: string, sector: string, text: string, key: string, shownDate = formatDate(date)) =>
    events.push({ sortDate: date.slice(0, 10), shownDate, sector, text, key });

  const fk = AGENCY_ROWS.find((r) => r.sectorField === 'sicknessInsurance')!.swedish.title;
  for (const c of person.sicknessInsurance?.cases ?? []) {
    const benefit = BENEFITS[c.benefit];
    add(c.startDate, fk, `${benefit}: perioden börjar`, `fk-start-${c.id}`);
    if (c.decisionDate) add(c.decisionDate, fk, `${benefit}: beslut, ${CASE_STATUSES[c.status]}`, `fk-decision-${c.id}`);
    for (const step of c.degreeSteps) add(step.from, fk, `${benefit}: omfattning ${step.degree} %`, `fk-degree-${c.id}-${step.from}`);
    if (c.endDate) add(c.endDate, fk, `${benefit}: perioden slutar`, `fk-end-${c.id}`);
  }

  const af = AGENCY_ROWS.find((r) => r.sectorField === 'employment')!.swedish.title;
  for (const r of person.employment?.registrations ?? []) {
    add(r.registeredOn, af, `Inskriven som arbetssökande: ${r.jobSeekerCategory.label}, ${r.office}`, `af-in-${r.id}`);
    if (r.deregisteredOn) add(r.deregisteredOn, af, 'Avaktualiserad (utskriven som arbetssökande)', `af-out-${r.id}`);
  }
  for (const p of person.employment?.programmes ?? []) {
    add(p.startDate, af, `Program börjar: ${PROGRAMMES[p.programme]}`, `af-programme-start-${p.id}`);
    if (p.endDate) add(p.endDate, af, `Program slutar: ${PROGRAMMES[p.programme]}`, `af-programme-end-${p.id}`);
  }

  const social = AGENCY_ROWS.find((r) => r.sectorField === 'socialServices')!.swedish.title;
  for (const run of assistanceRuns(person.socialServices?.assistanceMonths ?? [])) {
    const span = run.first === run.last ? run.first : `${run.first} – ${run.last}`;
    const months = run.count === 1 ? '1 månad' : `${run.count} månader`;
    const reason = run.reasons.size === 1 ? `: ${[...run.reasons][0]}` : '';
    add(`${run.first}-01`, social, `Ekonomiskt bistånd från ${run.municipality}, ${months}${reason}`, `social-${run.municipality}-${run.first}`, span);
  }

  const care = AGENCY_ROWS.find((r) => r.sectorField === 'care')!.swedish.title;
  for (const c of person.care?.certificates ?? []) {
    const type = c.type.replace('_', '-');
    add(c.issuedOn, care, `Läkarintyg ${type} utfärdat, ${c.careUnit}`, `care-${c.id}`);
    for (const s of c.workCapacitySteps) add(s.from, care, `Arbetsförmågan nedsatt ${s.reduction} % till ${formatDate(s.to)} (${type})`, `care-${c.id}-${s.from}`);
  }

  for (const p of participations) {
    add(p.registeredIn, COORDINATION, `Inskriven i insatsen ${p.intervention.name}`, `participation-in-${p.id}`);
    if (p.registeredOut) {
      const reason = p.atEnd ? ` (${END_REASONS[p.atEnd.reason].toLowerCase()})` : '';
      add(p.registeredOut, COORDINATION, `Utskriven ur insatsen ${p.intervention.name}${reason}`, `participation-out-${p.id}`);
    }
  }
  // Newest first; a stable sort keeps one day's events in the order above (a case's start before its degree).
  return events.sort((a, b) => b.sortDate.localeCompare(a.sortDate));
}
