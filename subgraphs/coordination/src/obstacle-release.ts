import { randomUUID } from 'node:crypto';
import { AGENCIES } from '@finsam/kit/agencies';
import { releasedSet, type AuditLog } from '@finsam/kit/audit';
import { failure, success, type Result } from '@finsam/kit/errors';
import {
  cryptoRandom, filteredCounts, groupKey, monthsOf, periodBounds, protectTables, releasesForPeriod,
  type CompactRelease, type ParticipationRow, type ReleaseFilter, type RandomSource, type StatisticsRelease, type Workload,
} from '@finsam/kit/statistics-release';
import {
  obstaclesForRelease, releaseDomains, releasedPeriods, storeRelease, type CoordinationDb, type Db, type ReleaseObstacleRow,
} from './data.ts';
import { OBSTACLE_CODES } from './obstacles.ts';
import type { Catalogue } from './released-follow-up.ts';

/**
 * The obstacle release (docs/statistics-release.md, "Obstacles"): for every period the follow-up
 * is released for (months, then calendar years), the persons with at least one obstacle in rules
 * and steering recorded during it, counted by obstacle code, agency involved and home
 * municipality, protected once with coordination's own ρ for obstacles (0.15 a month, 0.3 a year) and
 * stored in `obstacle_release`. An obstacle is dated by when it was recorded, always today, so no
 * record lands in a month already released (months are released SETTLE_DAYS after their end).
 */

/**
 * ρ of a month's obstacle release and of a year's. What bounds them is the attack in
 * test/e2e/analyst/follow-up.test.ts: an analyst who knows every other person's obstacles reads a
 * target's code from the month's code cells and the year's (each by differencing, the others
 * subtracted). With code by municipality in the workload and ρ 1 a month, one read of σ 3 named
 * the target's code 66 times of 276 against a bound of 66 from the published shares; what such an
 * attacker learns grows with 1/σ² summed over the reads, so the code cells must carry σ ≈ 4 for
 * the month and the year together. ρ 0.15 a month and 0.3 a year give σ ≈ 7.1 and 5.0 per code
 * cell (about 4 together), the persons' totals σ ≈ 2.9 and 2.0. A förbund reports obstacles by
 * year, and its counts grow with its size while the noise does not.
 */
export const OBSTACLE_RHO_PER_MONTH = 0.15;
export const OBSTACLE_RHO_PER_YEAR = 0.3;
export const obstacleRhoOfPeriod = (period: string) => (period.length === 4 ? OBSTACLE_RHO_PER_YEAR : OBSTACLE_RHO_PER_MONTH);

/** The measure: persons with at least one obstacle recorded in the period. */
export const WITH_OBSTACLE = 'withObstacle';

/**
 * k of `code`: the most codes one person contributes to a table grouped by code, the first three
 * of theirs in OBSTACLE_CODES' order. One person with many obstacles in a month (a coordinator
 * recording every refusal) then moves at most three cells by one each, however many records;
 * the table's noise is scaled for it (σ² = 3/(2ρ)).
 */
export const OBSTACLE_CODES_PER_PERSON = 3;
/** k of `agency`: all four (an obstacle names one to four agencies; four values is the whole domain). */
export const OBSTACLE_AGENCIES_PER_PERSON = AGENCIES.length;

/**
 * The tables (weights: the persons' total 2, every other 1). No table crosses code with
 * municipality: a person's code would then be read twice more per period (by the municipality's
 * cells as well as the code's), and the budget above would be split over one more table.
 */
export function obstacleWorkload(municipalities: readonly string[]): Workload {
  return {
    domains: { code: [...OBSTACLE_CODES], agency: [...AGENCIES], municipality: [...municipalities] },
    multiValued: { code: OBSTACLE_CODES_PER_PERSON, agency: OBSTACLE_AGENCIES_PER_PERSON },
    measures: { [WITH_OBSTACLE]: {} },
    marginals: [
      { measure: WITH_OBSTACLE, dimensions: [], weight: 2 },
      { measure: WITH_OBSTACLE, dimensions: ['code'] },
      { measure: WITH_OBSTACLE, dimensions: ['agency'] },
      { measure: WITH_OBSTACLE, dimensions: ['municipality'] },
    ],
  };
}

/**
 * One row per person: the codes and agencies of all their obstacles of the period together, so
 * that the kit's contribution bounding (one row per person per table) counts each person once,
 * whatever the number of records, and no code of a later record is dropped for an earlier one.
 */
export function obstacleReleaseRows(obstacles: readonly ReleaseObstacleRow[]): ParticipationRow[] {
  const byPerson = new Map<string, { first: ReleaseObstacleRow; codes: Set<string>; agencies: Set<string> }>();
  for (const o of obstacles) {
    const entry = byPerson.get(o.personnummer) ?? byPerson.set(o.personnummer, { first: o, codes: new Set(), agencies: new Set() }).get(o.personnummer)!;
    entry.codes.add(o.code);
    for (const agency of JSON.parse(o.agencies) as string[]) entry.agencies.add(agency);
  }
  return [...byPerson].map(([person, { first, codes, agencies }]) => ({
    person, id: first.id, at: first.recorded_at.slice(0, 10),
    attributes: { municipality: first.municipality_code },
    sets: { code: [...codes], agency: [...agencies] },
  }));
}

/** One period's obstacle release and the persons it read. */
export async function releaseObstaclePeriod(db: Db, period: string, workload: Workload, random: RandomSource, computedAt: string) {
  const { from, to } = periodBounds(period);
  const read = await obstaclesForRelease(db, from, to);
  const release: StatisticsRelease = protectTables(obstacleReleaseRows(read), workload, obstacleRhoOfPeriod(period), random, {
    period, computedAt, releasesPerYear: 13, rhoPerYear: 12 * OBSTACLE_RHO_PER_MONTH + OBSTACLE_RHO_PER_YEAR,
  });
  return { release, persons: [...new Set(read.map((o) => o.personnummer))] };
}

/** Who the job is in the audit log (the follow-up's job's actor). */
const ACTOR = 'statistics-release-job';

/**
 * Releases the obstacle counts of every period whose follow-up is released and whose obstacles
 * are not: months first, then years. A period once stored is never drawn again. Each period is
 * stored in one transaction with an audit record naming the persons it read.
 */
export async function runObstacleReleases(db: Db, options: { audit: AuditLog; random?: RandomSource; now?: () => string }): Promise<{ released: { period: string; rho: number; persons: number }[] }> {
  const random = options.random ?? cryptoRandom;
  const now = options.now ?? (() => new Date().toISOString());
  const done = new Set(await releasedPeriods(db, 'obstacle_release'));
  const periods = (await releasedPeriods(db)).filter((p) => !done.has(p)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const released: { period: string; rho: number; persons: number }[] = [];
  if (periods.length === 0) return { released };
  const workload = obstacleWorkload((await releaseDomains(db)).municipalities);
  for (const period of periods) {
    const { release, persons } = await releaseObstaclePeriod(db, period, workload, random, now());
    const row = {
      period, year: period.slice(0, 4), made_at: release.computedAt, rho: release.rho, rho_requested: release.rhoRequested,
      delta: release.privacy.delta, epsilon: release.privacy.epsilonPerRelease, table_count: release.tables.length, release: JSON.stringify(release),
    };
    const actor = { actorId: ACTOR, role: 'job', purpose: 'STATISTICS_RELEASE', requestId: `obstacle-release-${period}-${randomUUID()}` };
    const stored = await options.audit.changeWithRecords<CoordinationDb, boolean>(actor, (trx) => storeRelease(trx, row, 'obstacle_release'), (ok) => (ok ? [{
      personnummer: null, agency: 'COORDINATION', fields: [`obstacleRelease.${period}`], decision: 'RELEASED', reason: 'OBSTACLE_RELEASE',
      protectedIdentity: false, releasedSet: releasedSet(persons),
    }] : []));
    if (stored) released.push({ period, rho: release.rho, persons: persons.length });
  }
  return { released };
}

const cell = (count: number) => ({ value: count, suppressed: false as const });

export interface ObstacleQuestion {
  fromMonth: string;
  toMonth: string;
  /** Kommunkoder kept, or none for every municipality. */
  municipalities: readonly string[] | null;
}

/**
 * The figures of ObstacleStatistics, each read only when asked for (a figure the release holds no
 * table for, by code or agency within municipalities, is refused alone). Every count is a sum of
 * protected cells of the period's releases: post-processing, no privacy spent, the same number
 * whoever asks and however often.
 */
export function releasedObstacles(released: ReadonlyMap<string, CompactRelease>, question: ObstacleQuestion, catalogue: Catalogue) {
  const releases = releasesForPeriod(released, question.fromMonth, question.toMonth, 'month of obstacle counts');
  const filter: ReleaseFilter = question.municipalities ? { municipality: question.municipalities } : {};
  const read = (of: readonly CompactRelease[], by: readonly string[], what: string) =>
    filteredCounts(of, WITH_OBSTACLE, filter, by, () => ({ argument: question.municipalities ? 'municipalityCodes' : 'from', what }));
  const codes = (counts: Map<string, number>) => OBSTACLE_CODES.map((code) => ({ code, count: cell(counts.get(groupKey(code)) ?? 0) }));
  const names = new Map(catalogue.municipalities.map((m) => [m.code, m.name]));
  const then = <T, U>(result: Result<T>, f: (value: T) => U): Result<U> => (result.ok ? success(f(result.value)) : result);
  return {
    /** The period is answerable: every month released (else BAD_USER_INPUT naming `to`). */
    check: (): Result<true> => (releases.ok ? success(true) : releases),
    persons: () => (releases.ok ? then(read(releases.value, [], 'persons with an obstacle'), (c) => cell(c.get('') ?? 0)) : releases),
    byCode: () => (releases.ok ? then(read(releases.value, ['code'], 'obstacles by code'), (c) => codes(c)) : releases),
    byAgency: () => (releases.ok
      ? then(read(releases.value, ['agency'], 'obstacles by agency'), (c) => AGENCIES.map((agency) => ({ agency, count: cell(c.get(groupKey(agency)) ?? 0) })))
      : releases),
    byMunicipality: () => {
      if (!releases.ok) return releases;
      const listed = [...new Set(releases.value.flatMap((r) => r.domains.municipality ?? []))].sort()
        .filter((code) => question.municipalities === null || question.municipalities.includes(code));
      return then(read(releases.value, ['municipality'], 'obstacles by municipality'),
        (totals) => listed.map((code) => ({ code, name: names.get(code) ?? code, count: cell(totals.get(groupKey(code)) ?? 0) })));
    },
    byMonth: () => {
      if (!releases.ok) return releases;
      const months: { month: string; persons: { value: number; suppressed: false }; byCode: ReturnType<typeof codes> }[] = [];
      for (const month of monthsOf(question.fromMonth, question.toMonth)) {
        const release = released.get(month);
        // Months before the register's first are released by no one and hold nobody.
        if (!release) continue;
        const persons = read([release], [], `persons with an obstacle in ${month}`);
        const byCode = read([release], ['code'], `obstacles by code in ${month}`);
        if (!persons.ok) return persons;
        if (!byCode.ok) return byCode;
        months.push({ month, persons: cell(persons.value.get('') ?? 0), byCode: codes(byCode.value) });
      }
      return success(months);
    },
  };
}

/** Checks the kommunkoder asked for against the catalogue, naming the argument (never quoting more than the code). */
export function obstacleMunicipalities(codes: readonly string[] | null | undefined, catalogue: Catalogue): Result<string[] | null> {
  if (!codes || codes.length === 0) return success(null);
  const known = new Set(catalogue.municipalities.map((m) => m.code));
  const unknown = codes.find((c) => !known.has(c));
  if (unknown !== undefined) return failure('BAD_USER_INPUT', `municipalityCodes: "${unknown.slice(0, 8)}" is not a known kommunkod.`, { argument: 'municipalityCodes' });
  return success([...new Set(codes)].sort());
}
