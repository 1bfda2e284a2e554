import { randomUUID } from 'node:crypto';
import { releasedSet, type AuditLog } from '@finsam/kit/audit';
import { addDays, daysBetween } from '@finsam/kit/dates';
import {
  DEFAULT_RHO_PER_RELEASE, NOT_KNOWN, RHO_PER_YEAR_RELEASE, cryptoRandom, monthBounds, periodBounds, protectTables, type Marginal, type MeasureFilter, type ParticipationRow, type RandomSource, type StatisticsRelease, type Workload,
} from '@finsam/kit/statistics-release';
import {
  anonymousParticipationsForRelease, firstRegistration, participationsForRelease, releaseDomains, releasedPeriods, storeRelease,
  type CoordinationDb, type Db, type ReleaseAnonymousRow, type ReleaseParticipationRow,
} from './data.ts';
import { INCOME_SOURCES, OCCUPATIONS, ageBand } from './follow-up.ts';

/** Where periods' days are reckoned, shared with the agencies' releases. */
export { monthBounds, periodBounds };

/**
 * The statistics release job (issue 20; docs/statistics-release.md): for each whole month and each
 * whole calendar year that has ended and settled, the follow-up workload's tables protected once
 * with discrete Gaussian noise (@finsam/kit/statistics-release) and stored. A period once released
 * is never computed again: a second draw would spend its budget a second time. Run by
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

/**
 * Weight of the tables whose cells are largest and that every report reads (2: σ ≈ 2.96 at ρ = 1);
 * every other table weighs 1 (σ ≈ 4.18, and 7.25 for the income tables, k = 3).
 */
export const MAIN_TABLE_WEIGHT = 2;

/**
 * k of the multi-valued income sources (incomeBefore, incomeAfter): the most sources one person
 * contributes to a table (the first 3 in INCOME_SOURCES' order). In the seed nobody has more than
 * 3, so none is truncated: 93 % have one source and 7 % two (SJUKPENNING with FORSORJNINGSSTOD;
 * subgraphs/devkit/src/population/builders.ts), 0 % more than 3. Three leaves room for the
 * combinations real registers hold (lön, a-kassa and försörjningsstöd in one month) at σ √3 times
 * a single-valued table's; a larger k would add noise to every cell for persons the seed has none of.
 */
export const INCOME_SOURCES_PER_PERSON = 3;

/**
 * Time in intervention, days from registered in to registered out, in bands: the domain of the
 * dimension `daysBand` of participations registered out in the month. The last band is open.
 */
export const DAYS_BANDS = ['D0_29', 'D30_59', 'D60_89', 'D90_119', 'D120_179', 'D180_269', 'D270_364', 'D365_539', 'D540_'] as const;
export type DaysBand = (typeof DAYS_BANDS)[number];
/** The first day of each band; the band ends the day before the next begins, the last (open) is read as ending at 719 by medianDaysFromBands. */
const DAYS_BAND_FROM = [0, 30, 60, 90, 120, 180, 270, 365, 540] as const;
const OPEN_BAND_END = 720;
/** The daysBand of a participation not registered out in the month: outside DAYS_BANDS, and never counted, as only ended rows are in the tables of daysBand. */
export const NOT_ENDED_IN_MONTH = 'NOT_ENDED';

/** The band of a time in intervention (a registration out dated before the registration in is read as 0 days). */
export function daysBand(days: number): DaysBand {
  let band = 0;
  while (band + 1 < DAYS_BANDS.length && days >= DAYS_BAND_FROM[band + 1]!) band++;
  return DAYS_BANDS[band]!;
}

/**
 * The median time in intervention from protected counts of the daysBand table(s) (post-processing:
 * no privacy spent): the band where the cumulative count reaches half of the counted total, and
 * linear interpolation within it (the grouped median, L + (N/2 − F)/f · w), the open last band read
 * as 540–719. Rounded to 10 days; null when fewer than 10 are counted (the noise would be most of
 * the figure). Bands missing from `counts` count 0; a key that is no band throws (the wrong table).
 */
export function medianDaysFromBands(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>): number | null {
  const entries = counts instanceof Map ? [...counts] : Object.entries(counts);
  const byBand = new Map<string, number>();
  for (const [band, count] of entries) {
    if (!(DAYS_BANDS as readonly string[]).includes(band)) throw new RangeError(`${band} is not a band of DAYS_BANDS`);
    if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`the count of ${band} must be a finite number of 0 or more`);
    byBand.set(band, count);
  }
  const total = DAYS_BANDS.reduce((sum, band) => sum + (byBand.get(band) ?? 0), 0);
  if (total < 10) return null;
  const half = total / 2;
  let below = 0;
  for (const [i, band] of DAYS_BANDS.entries()) {
    const count = byBand.get(band) ?? 0;
    if (count > 0 && below + count >= half) {
      const from = DAYS_BAND_FROM[i]!;
      const to = DAYS_BAND_FROM[i + 1] ?? OPEN_BAND_END;
      return Math.round((from + ((half - below) / count) * (to - from)) / 10) * 10;
    }
    below += count;
  }
  return null; // unreachable: total ≥ 10 reaches half in some band
}

/**
 * The follow-up workload of one month: the tables the analysts' operations read
 * (schema/operations/analyst/, docs/analysts.md), and no others; which operation reads which
 * table is listed in docs/statistics-release.md. 28 tables; every table counts persons (one
 * participation each, the earliest registered in; see boundContributions), so each has
 * sensitivity 1, except the two grouped by income sources (√3, below):
 *
 * - started (registered in during the month): the total and by each of intervention,
 *   municipality, sex, age band and occupation before, weighing MAIN_TABLE_WEIGHT: the report's
 *   totals and groups, the largest cells; occupation before by municipality;
 * - ended (registered out during the month, whenever registered in): the total (weighing
 *   MAIN_TABLE_WEIGHT), by each of intervention, municipality, sex, age band and occupation after,
 *   and occupation after by intervention (in work or studies after, per intervention) and by
 *   municipality;
 * - time in intervention of the ended: by days band (DAYS_BANDS) and intervention, and by days band
 *   alone for the total (a sum of 60 interventions' cells would carry √60 times the noise); the
 *   median is post-processing of the band counts (medianDaysFromBands);
 * - priority groups, which are multi-valued: one yes/no measure per group (and NONE), its total
 *   among started; mental ill health by municipality; young with activity compensation by sex,
 *   and by sex and income source before, among started, and its total, by sex and by sex and
 *   income source after among ended (the operations CohortAcrossSectors and
 *   IncomeSourcesYoungWithActivityCompensation filter by them);
 * - income sources are the multi-valued dimensions incomeBefore and incomeAfter: a person is in
 *   the cell of each of its sources, at most INCOME_SOURCES_PER_PERSON (k = 3) of them, so those
 *   two tables have L2 sensitivity √3 and σ² = 3/(2ρ_table) (σ ≈ 7.25 at ρ = 1, weight 1).
 *
 * Every table but the main ones weighs 1 (35 in all at ρ = 1: σ ≈ 2.96 for the main tables, 4.18
 * for the others). Förbund figures are sums of their municipalities' cells, inWorkOrStudiesAfter
 * the sum of two occupation-after cells and the share a ratio of published counts:
 * post-processing, no table.
 */
export function followUpWorkload(domains: { interventions: readonly string[]; municipalities: readonly string[] }): Workload {
  const measures: Record<string, MeasureFilter> = { [STARTED]: { started: 'YES' }, [ENDED]: { ended: 'YES' } };
  for (const group of PRIORITY_GROUPS) measures[priorityGroupMeasure(group)] = { started: 'YES', [`priorityGroup.${group}`]: 'YES' };
  measures[endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')] = { ended: 'YES', 'priorityGroup.YOUNG_WITH_ACTIVITY_COMPENSATION': 'YES' };
  const main = MAIN_TABLE_WEIGHT;
  const youngWithActivityCompensation = 'YOUNG_WITH_ACTIVITY_COMPENSATION';
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
    { measure: ENDED, dimensions: ['daysBand', 'intervention'] },
    { measure: ENDED, dimensions: ['daysBand'] },
    ...PRIORITY_GROUPS.map((group) => ({ measure: priorityGroupMeasure(group), dimensions: [] })),
    { measure: priorityGroupMeasure('MENTAL_ILL_HEALTH'), dimensions: ['municipality'] },
    { measure: priorityGroupMeasure(youngWithActivityCompensation), dimensions: ['sex'] },
    { measure: priorityGroupMeasure(youngWithActivityCompensation), dimensions: ['sex', 'incomeBefore'] },
    { measure: endedPriorityGroupMeasure(youngWithActivityCompensation), dimensions: [] },
    { measure: endedPriorityGroupMeasure(youngWithActivityCompensation), dimensions: ['sex'] },
    { measure: endedPriorityGroupMeasure(youngWithActivityCompensation), dimensions: ['sex', 'incomeAfter'] },
  ];
  return {
    domains: {
      intervention: [...domains.interventions],
      municipality: [...domains.municipalities],
      sex: [...SEXES],
      ageBand: [...AGE_BANDS],
      occupationBefore: [...OCCUPATIONS],
      occupationAfter: [...OCCUPATIONS, NOT_RECORDED],
      daysBand: [...DAYS_BANDS],
      incomeBefore: [...INCOME_SOURCES],
      incomeAfter: [...INCOME_SOURCES],
    },
    multiValued: { incomeBefore: INCOME_SOURCES_PER_PERSON, incomeAfter: INCOME_SOURCES_PER_PERSON },
    measures,
    marginals,
  };
}

const yesNo = (yes: boolean) => (yes ? 'YES' : 'NO');

/** A stored participation as a row of the release of [from, to]: who (never published), when, and its attributes. */
export function releaseRow(row: ReleaseParticipationRow, from: string, to: string): ParticipationRow {
  const within = (day: string | null) => day !== null && day >= from && day <= to;
  const before = JSON.parse(row.income_sources_before) as string[];
  const after = row.income_sources_after === null ? [] : (JSON.parse(row.income_sources_after) as string[]);
  const ended = within(row.registered_out);
  const groups = JSON.parse(row.priority_groups) as string[];
  const attributes: Record<string, string> = {
    started: yesNo(within(row.registered_in)),
    ended: yesNo(ended),
    intervention: row.intervention_id,
    municipality: row.municipality_code,
    sex: row.sex,
    ageBand: ageBand(row.birth_date, row.registered_in),
    occupationBefore: row.occupation_before,
    occupationAfter: row.occupation_after ?? NOT_RECORDED,
    daysBand: ended ? daysBand(Math.max(0, daysBetween(row.registered_in, row.registered_out!))) : NOT_ENDED_IN_MONTH,
  };
  for (const group of PRIORITY_GROUPS) attributes[`priorityGroup.${group}`] = yesNo(group === 'NONE' ? groups.length === 0 : groups.includes(group));
  // Income sources are multi-valued: each table by them counts a person once per source, at most INCOME_SOURCES_PER_PERSON.
  return { person: row.personnummer, id: row.id, at: row.registered_in, attributes, sets: { incomeBefore: before, incomeAfter: after } };
}

/**
 * An anonymous participant as a row of the release (SUS: sex and start year only): counted in the
 * totals and by intervention, sex, occupation and income sources, and in no table by municipality
 * or age band (NOT_KNOWN), nor in any priority group's count (not known either). Each anonymous
 * participation is its own person: nothing links two of them, as in SUS.
 */
export function anonymousReleaseRow(row: ReleaseAnonymousRow, from: string, to: string): ParticipationRow {
  const known = releaseRow({
    ...row, personnummer: '', municipality_code: NOT_KNOWN, sex: row.sex, birth_date: row.registered_in, priority_groups: '[]',
  }, from, to);
  const attributes: Record<string, string> = { ...known.attributes, ageBand: NOT_KNOWN };
  for (const group of PRIORITY_GROUPS) attributes[`priorityGroup.${group}`] = 'NO';
  return { ...known, person: `anonymous ${row.id}`, attributes };
}

/** The calendar years from `first`'s to the last whose end is at least `settleDays` before `today`, in order. */
export function releasableYears(first: string, today: string, settleDays = SETTLE_DAYS): string[] {
  const years: string[] = [];
  for (let year = Number(first.slice(0, 4)); addDays(`${year}-12-31`, settleDays) < today; year++) years.push(String(year));
  return years;
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
  /** ρ of each yearly release; RHO_PER_YEAR_RELEASE. */
  yearRho?: number;
  /** cryptoRandom in production; a seeded source in tests only. */
  random?: RandomSource;
  /** When a release is made (its timestamp); the clock by default. */
  now?: () => string;
  /**
   * Coordination's audit log: each month's release is stored in one transaction with a record of
   * the persons it read (the job reads personal data, so it is logged like any access).
   */
  audit: AuditLog;
}

/**
 * ρ of the release of a whole calendar year, beside its twelve monthly ones. Analysts' reports are
 * mostly of whole years (the SUS year), and a year's figure summed from twelve monthly cells has
 * √12 times a month's noise: a count of 25 per intervention and year came out 24–32 % off on the
 * 2,000-person seed. A year released on its own, with twice a month's ρ, has a month's noise
 * divided by √2 (σ ≈ 2.1 persons for the main tables). The year then spends 12 × 1 + 2 = 14.
 */
export { RHO_PER_YEAR_RELEASE };

/** Who the release job is in the audit log. */
export const RELEASE_JOB_ACTOR = 'statistics-release-job';

export interface ReleaseJobResult {
  /** The months released by this run, each with its ρ and how long it took. */
  released: { period: string; rho: number; epsilon: number; tables: number; cells: number; ms: number }[];
  /** The months that had been released before, left as they were. */
  alreadyReleased: string[];
}

/**
 * Releases every month (then every calendar year) from the register's first registration to the
 * last settled one that is not released yet, and stores each. Idempotent: run daily, it releases a
 * period once, on the first run at least SETTLE_DAYS after its end. Periods without participations
 * are released too, so that a period's presence tells nothing.
 */
export async function runStatisticsReleaseJob(db: Db, options: ReleaseJobOptions): Promise<ReleaseJobResult> {
  const random = options.random ?? cryptoRandom;
  const monthRho = options.rho ?? DEFAULT_RHO_PER_RELEASE;
  const yearRho = options.yearRho ?? RHO_PER_YEAR_RELEASE;
  const rhoPerYear = 12 * monthRho + yearRho;
  const now = options.now ?? (() => new Date().toISOString());
  const first = await firstRegistration(db);
  const result: ReleaseJobResult = { released: [], alreadyReleased: [] };
  if (first === null) return result;
  const done = new Set(await releasedPeriods(db));
  const workload = followUpWorkload(await releaseDomains(db));
  const settle = options.settleDays ?? SETTLE_DAYS;
  const periods = [
    ...releasableMonths(first, options.today, settle).map((period) => ({ period, rho: monthRho })),
    ...releasableYears(first, options.today, settle).map((period) => ({ period, rho: yearRho })),
  ];
  for (const { period, rho } of periods) {
    if (done.has(period)) {
      result.alreadyReleased.push(period);
      continue;
    }
    const started = Date.now();
    const { release, persons } = await releasePeriodRead(db, period, workload, rho, random, now(), rhoPerYear);
    const row = {
      period, year: period.slice(0, 4), made_at: release.computedAt, rho: release.rho, rho_requested: release.rhoRequested,
      delta: release.privacy.delta, epsilon: release.privacy.epsilonPerRelease, table_count: release.tables.length, release: JSON.stringify(release),
    };
    // One record for the period, with the set of persons whose participations it read (kept once
    // in released_member_set), so a person's log extract shows which releases counted them.
    const actor = { actorId: RELEASE_JOB_ACTOR, role: 'job', purpose: 'STATISTICS_RELEASE', requestId: `statistics-release-${period}-${randomUUID()}` };
    const stored = await options.audit.changeWithRecords<CoordinationDb, boolean>(actor, (trx) => storeRelease(trx, row), (done) => (done ? [{
      personnummer: null, agency: 'COORDINATION', fields: [`statisticsRelease.${period}`], decision: 'RELEASED', reason: 'STATISTICS_RELEASE',
      protectedIdentity: false, releasedSet: releasedSet(persons),
    }] : []));
    // Another run stored the period meanwhile: this draw is discarded unpublished, so it spends nothing.
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

/** One period's release (a month or a year): its participations (protected identities left out) through the workload. */
export async function releasePeriod(db: Db, period: string, workload: Workload, rho: number, random: RandomSource, computedAt: string): Promise<StatisticsRelease> {
  return (await releasePeriodRead(db, period, workload, rho, random, computedAt)).release;
}

/** The period's release and the persons whose participations it read. */
async function releasePeriodRead(db: Db, period: string, workload: Workload, rho: number, random: RandomSource, computedAt: string, rhoPerYear?: number) {
  const { from, to } = periodBounds(period);
  const read = await participationsForRelease(db, from, to);
  const anonymous = await anonymousParticipationsForRelease(db, from, to);
  const rows = [...read.map((row) => releaseRow(row, from, to)), ...anonymous.map((row) => anonymousReleaseRow(row, from, to))];
  const release = protectTables(rows, workload, rho, random, {
    period, computedAt, releasesPerYear: 13, rhoPerYear: rhoPerYear ?? 12 * DEFAULT_RHO_PER_RELEASE + RHO_PER_YEAR_RELEASE,
  });
  return { release, persons: [...new Set(read.map((row) => row.personnummer))] };
}
