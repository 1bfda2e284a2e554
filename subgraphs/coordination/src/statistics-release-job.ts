import { addDays } from '@finsam/kit/dates';
import {
  DEFAULT_RHO_PER_RELEASE, cryptoRandom, protectTables, type Marginal, type MeasureFilter, type ParticipationRow, type RandomSource, type StatisticsRelease, type Workload,
} from '@finsam/kit/statistics-release';
import {
  firstRegistration, participationsForRelease, releaseDomains, releasedPeriods, storeRelease, type Db, type ReleaseParticipationRow,
} from './data.ts';
import { INCOME_SOURCES, OCCUPATIONS, ageBand } from './follow-up.ts';

/**
 * The monthly statistics release job (issue 20; docs/statistics-release.md): for each whole month
 * that has ended and settled, the follow-up workload's tables protected once with discrete
 * Gaussian noise (@finsam/kit/statistics-release) and stored. A month once released is never
 * computed again: a second draw would spend its budget a second time. Run by
 * `npm run statistics-release` in its own process, never on a request.
 */

/**
 * Days after a month's end before it is released: registrations (in and out) are entered after
 * the fact, and most within two weeks. A registration dated into a month already released is in
 * no release (it is not moved to a later month: that would change what a month means).
 */
export const SETTLE_DAYS = 14;

export const SEXES = ['FEMALE', 'MALE'] as const;
export const AGE_BANDS = ['FROM_16_TO_24', 'FROM_25_TO_29', 'FROM_30_TO_44', 'FROM_45_TO_64', 'FROM_65'] as const;
export const PRIORITY_GROUPS = ['LONG_TERM_SICK_LISTED', 'YOUNG_WITH_ACTIVITY_COMPENSATION', 'YOUNG_WITH_DISABILITY', 'MENTAL_ILL_HEALTH', 'NONE'] as const;
/** An ended participation with no occupation after recorded still counts as ended, in this category. */
export const NOT_RECORDED = 'NOT_RECORDED';

/** What the release's measures count: participations registered in during the month, and those registered out during it. */
export const STARTED = 'started';
export const ENDED = 'ended';
export const priorityGroupMeasure = (group: string) => `started.priorityGroup.${group}`;
export const endedPriorityGroupMeasure = (group: string) => `ended.priorityGroup.${group}`;

const BY = ['intervention', 'municipality', 'sex', 'ageBand'] as const;

/** Weight of the tables whose cells are largest and that every report reads (2: σ ≈ 2.7 at ρ = 1); every other table weighs 1 (σ ≈ 3.9). */
export const MAIN_TABLE_WEIGHT = 2;

/**
 * The follow-up workload of one month: the tables the analysts' operations read
 * (schema/operations/analyst/, docs/analysts.md), and no others; which operation reads which
 * table is listed in docs/statistics-release.md. Every table counts persons (one participation
 * each, the earliest registered in; see boundContributions), so each has sensitivity 1:
 *
 * - started (registered in during the month): the total and by each of intervention,
 *   municipality, sex, age band and occupation before, weighing MAIN_TABLE_WEIGHT: the report's
 *   totals and groups, the largest cells; occupation before by municipality;
 * - ended (registered out during the month, whenever registered in): the total (weighing
 *   MAIN_TABLE_WEIGHT), by each of intervention, municipality, sex, age band and occupation after,
 *   and occupation after by intervention (in work or studies after, per intervention) and by
 *   municipality;
 * - priority groups, which are multi-valued: one yes/no measure per group (and NONE), its total
 *   among started; mental ill health by municipality, young with activity compensation by sex and
 *   its total among ended (the operations CohortAcrossSectors and
 *   IncomeSourcesYoungWithActivityCompensation filter by them).
 *
 * Income sources are in no table: the one operation that reads them needs them by priority group
 * and sex, and twelve yes/no tables per measure for their totals alone spent half the budget.
 * Förbund figures are sums of their municipalities' cells, inWorkOrStudiesAfter the sum of two
 * occupation-after cells and the share a ratio of published counts: post-processing, no table.
 */
export function followUpWorkload(domains: { interventions: readonly string[]; municipalities: readonly string[] }): Workload {
  const measures: Record<string, MeasureFilter> = { [STARTED]: { started: 'YES' }, [ENDED]: { ended: 'YES' } };
  for (const group of PRIORITY_GROUPS) measures[priorityGroupMeasure(group)] = { started: 'YES', [`priorityGroup.${group}`]: 'YES' };
  measures[endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')] = { ended: 'YES', 'priorityGroup.YOUNG_WITH_ACTIVITY_COMPENSATION': 'YES' };
  const main = MAIN_TABLE_WEIGHT;
  const marginals: Marginal[] = [
    { measure: STARTED, dimensions: [], weight: main },
    ...BY.map((d) => ({ measure: STARTED, dimensions: [d], weight: main })),
    { measure: STARTED, dimensions: ['occupationBefore'], weight: main },
    { measure: STARTED, dimensions: ['occupationBefore', 'municipality'] },
    { measure: ENDED, dimensions: [], weight: main },
    ...BY.map((d) => ({ measure: ENDED, dimensions: [d] })),
    { measure: ENDED, dimensions: ['occupationAfter'] },
    { measure: ENDED, dimensions: ['occupationAfter', 'intervention'] },
    { measure: ENDED, dimensions: ['occupationAfter', 'municipality'] },
    ...PRIORITY_GROUPS.map((group) => ({ measure: priorityGroupMeasure(group), dimensions: [] })),
    { measure: priorityGroupMeasure('MENTAL_ILL_HEALTH'), dimensions: ['municipality'] },
    { measure: priorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION'), dimensions: ['sex'] },
    { measure: endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION'), dimensions: [] },
  ];
  return {
    domains: {
      intervention: [...domains.interventions],
      municipality: [...domains.municipalities],
      sex: [...SEXES],
      ageBand: [...AGE_BANDS],
      occupationBefore: [...OCCUPATIONS],
      occupationAfter: [...OCCUPATIONS, NOT_RECORDED],
    },
    measures,
    marginals,
  };
}

const yesNo = (yes: boolean) => (yes ? 'YES' : 'NO');

/** A stored participation as a row of the release of [from, to]: who (never published), when, and its attributes. */
export function releaseRow(row: ReleaseParticipationRow, from: string, to: string): ParticipationRow {
  const within = (day: string | null) => day !== null && day >= from && day <= to;
  const before = new Set(JSON.parse(row.income_sources_before) as string[]);
  const after = new Set(row.income_sources_after === null ? [] : (JSON.parse(row.income_sources_after) as string[]));
  const groups = JSON.parse(row.priority_groups) as string[];
  const attributes: Record<string, string> = {
    started: yesNo(within(row.registered_in)),
    ended: yesNo(within(row.registered_out)),
    intervention: row.intervention_id,
    municipality: row.municipality_code,
    sex: row.sex,
    ageBand: ageBand(row.birth_date, row.registered_in),
    occupationBefore: row.occupation_before,
    occupationAfter: row.occupation_after ?? NOT_RECORDED,
  };
  for (const source of INCOME_SOURCES) {
    attributes[`incomeBefore.${source}`] = yesNo(before.has(source));
    attributes[`incomeAfter.${source}`] = yesNo(after.has(source));
  }
  for (const group of PRIORITY_GROUPS) attributes[`priorityGroup.${group}`] = yesNo(group === 'NONE' ? groups.length === 0 : groups.includes(group));
  return { person: row.personnummer, id: row.id, at: row.registered_in, attributes };
}

/** `YYYY-MM` → its first and last day. */
export function monthBounds(period: string): { from: string; to: string } {
  const from = `${period}-01`;
  const [year, month] = period.split('-').map(Number) as [number, number];
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { from, to: addDays(next, -1) };
}

/** The months from `first`'s to the last whose end is at least `settleDays` before `today`, in order. */
export function releasableMonths(first: string, today: string, settleDays = SETTLE_DAYS): string[] {
  const months: string[] = [];
  for (let period = first.slice(0, 7); ; ) {
    const { to } = monthBounds(period);
    if (addDays(to, settleDays) >= today) break;
    months.push(period);
    period = addDays(to, 1).slice(0, 7);
  }
  return months;
}

export interface ReleaseJobOptions {
  /** The day the job runs on (YYYY-MM-DD). */
  today: string;
  settleDays?: number;
  /** ρ of each monthly release (zCDP); DEFAULT_RHO_PER_RELEASE. */
  rho?: number;
  /** cryptoRandom in production; a seeded source in tests only. */
  random?: RandomSource;
  /** When a release is made (its timestamp); the clock by default. */
  now?: () => string;
}

export interface ReleaseJobResult {
  /** The months released by this run, each with its ρ and how long it took. */
  released: { period: string; rho: number; epsilon: number; tables: number; cells: number; ms: number }[];
  /** The months that had been released before, left as they were. */
  alreadyReleased: string[];
}

/**
 * Releases every month from the register's first registration to the last settled month that is
 * not released yet, and stores each. Idempotent: run daily, it releases a month once, on the
 * first run at least SETTLE_DAYS after the month's end. Months without participations are
 * released too, so that a month's presence tells nothing.
 */
export async function runStatisticsReleaseJob(db: Db, options: ReleaseJobOptions): Promise<ReleaseJobResult> {
  const random = options.random ?? cryptoRandom;
  const rho = options.rho ?? DEFAULT_RHO_PER_RELEASE;
  const now = options.now ?? (() => new Date().toISOString());
  const first = await firstRegistration(db);
  const result: ReleaseJobResult = { released: [], alreadyReleased: [] };
  if (first === null) return result;
  const done = new Set(await releasedPeriods(db));
  const workload = followUpWorkload(await releaseDomains(db));
  for (const period of releasableMonths(first, options.today, options.settleDays ?? SETTLE_DAYS)) {
    if (done.has(period)) {
      result.alreadyReleased.push(period);
      continue;
    }
    const started = Date.now();
    const release = await releaseMonth(db, period, workload, rho, random, now());
    const stored = await storeRelease(db, {
      period, year: period.slice(0, 4), made_at: release.computedAt, rho: release.rho, rho_requested: release.rhoRequested,
      delta: release.privacy.delta, epsilon: release.privacy.epsilonPerRelease, table_count: release.tables.length, release: JSON.stringify(release),
    });
    // Another run stored the month meanwhile: this draw is discarded unpublished, so it spends nothing.
    if (!stored) {
      result.alreadyReleased.push(period);
      continue;
    }
    result.released.push({
      period, rho: release.rho, epsilon: release.privacy.epsilonPerRelease, tables: release.tables.length,
      cells: release.tables.reduce((n, t) => n + t.cells.length, 0), ms: Date.now() - started,
    });
  }
  return result;
}

/** One month's release: its participations (protected identities left out) through the workload. */
export async function releaseMonth(db: Db, period: string, workload: Workload, rho: number, random: RandomSource, computedAt: string): Promise<StatisticsRelease> {
  const { from, to } = monthBounds(period);
  const rows = (await participationsForRelease(db, from, to)).map((row) => releaseRow(row, from, to));
  return protectTables(rows, workload, rho, random, { period, computedAt });
}
