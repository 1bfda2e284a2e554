import { failure, success, type Result } from '../errors.ts';
import { DEFAULT_DELTA, noiseForRho, privacyStatement, splitRho, type PrivacyStatement } from './accounting.ts';
import { discreteGaussian, type RandomSource } from './discrete-gaussian.ts';

/**
 * A release of protected tables of counts from a stated workload of marginals, and the look-up of
 * an analyst's figure in it. Pure: rows in, a release out, no I/O; the randomness is handed in.
 */

/** One participation: who (a key never published), which (a stable id), when, and what it is. */
export interface ParticipationRow {
  /** The person's key within the release job (a pseudonym will do): contribution bounding groups by it. */
  person: string;
  /** A stable id of the participation: breaks ties between a person's participations on the same day. */
  id: string;
  /** When the participation began (ISO date): a person's earliest participation is the one counted. */
  at: string;
  /** The participation's value of each dimension (and of whatever a measure selects by). */
  attributes: Readonly<Record<string, string>>;
  /**
   * The participation's values of each multi-valued dimension (`Workload.multiValued`): a person
   * with several income sources has them all here, in any order. `[]` is none: the person is then
   * in no cell of that dimension's tables.
   */
  sets?: Readonly<Record<string, readonly string[]>>;
}

/** The rows a measure counts, by attribute values (`{ ended: 'YES' }`); no filter counts every row. */
export type MeasureFilter = Readonly<Record<string, string>>;

/** The measure of a marginal when it names none: persons with a participation in the period. */
export const DEFAULT_MEASURE = 'participants';

/** One table of the workload: counts of a measure over the full cross product of its dimensions' domains. */
export interface Marginal {
  /** Which rows it counts (a key of `Workload.measures`); DEFAULT_MEASURE, every row, when absent. */
  measure?: string;
  /** The dimensions it is grouped by; `[]` is the total. */
  dimensions: readonly string[];
  /** Its share of the release's ρ, relative to the other tables' (1 when absent). */
  weight?: number;
}

export interface Workload {
  /** Every value of every dimension: every cell of a table is listed and noised, true zeros too. */
  domains: Readonly<Record<string, readonly string[]>>;
  /** Measures other than DEFAULT_MEASURE, each the rows it counts. */
  measures?: Readonly<Record<string, MeasureFilter>>;
  /**
   * The multi-valued dimensions, each with k: the most of its values one person contributes (read
   * from `ParticipationRow.sets`). A table grouped by one counts a person once in the cell of each
   * of its values, at most k of them, so it has L2 sensitivity √k and σ² = k/(2ρ_table). A table
   * groups by at most one multi-valued dimension.
   */
  multiValued?: Readonly<Record<string, number>>;
  marginals: readonly Marginal[];
}

export interface ProtectedCell {
  /** The cell's value of each of its table's dimensions. */
  values: Readonly<Record<string, string>>;
  /** The protected count: a non-negative integer, never the true count on purpose. */
  count: number;
}

export interface ProtectedTable {
  measure: string;
  dimensions: readonly string[];
  /**
   * The most cells one person is in (k of its multi-valued dimension; 1 without one): its L2
   * sensitivity is √k, and `rho` = k/(2σ²) exactly. Releases stored before multi-valued
   * dimensions existed lack it: 1.
   */
  contributionsPerPerson: number;
  /** The ρ this table spends (zCDP), after rounding σ² up: k/(2σ²). */
  rho: number;
  /** The exact noise variance as `num/den`, and σ for reading. */
  sigmaSquared: string;
  sigma: number;
  cells: ProtectedCell[];
}

/** A release as it is stored: the tables and every parameter needed to state and check its guarantee. */
export interface StatisticsRelease {
  /** The period it covers (`2026-11`), as the release job names it. */
  period: string | null;
  /** When it was computed (ISO timestamp). */
  computedAt: string;
  /** The ρ asked for and the ρ spent (the sum of the tables', never above the asked). */
  rhoRequested: number;
  rho: number;
  /** Per release and per year at δ. */
  privacy: PrivacyStatement;
  mechanism: 'discrete Gaussian, zCDP, one row per person per table';
  workload: Workload;
  tables: ProtectedTable[];
}

export interface ReleaseOptions {
  period?: string;
  computedAt?: string;
  delta?: number;
  releasesPerYear?: number;
  /** The yearly ρ of the whole schedule this release belongs to, when its releases differ in ρ. */
  rhoPerYear?: number;
}

const isMultiValued = (workload: Workload, dimension: string) => workload.multiValued !== undefined && Object.hasOwn(workload.multiValued, dimension);
const measureOf = (marginal: Marginal) => marginal.measure ?? DEFAULT_MEASURE;
const sameDimensions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((d) => b.includes(d));

/** A workload that cannot be released is the release job's mistake, not an analyst's: it throws. */
function checkWorkload(workload: Workload): void {
  for (const [dimension, values] of Object.entries(workload.domains)) {
    if (values.length === 0) throw new RangeError(`domain of ${dimension} is empty: its tables would have no cells`);
    if (new Set(values).size !== values.length) throw new RangeError(`domain of ${dimension} lists a value twice`);
  }
  for (const [dimension, k] of Object.entries(workload.multiValued ?? {})) {
    const size = workload.domains[dimension]?.length;
    if (size === undefined) throw new RangeError(`multi-valued dimension ${dimension} has no domain`);
    if (!Number.isSafeInteger(k) || k < 1 || k > size) {
      throw new RangeError(`multi-valued dimension ${dimension}: k = ${k} must be a whole number from 1 to its ${size} values`);
    }
  }
  workload.marginals.forEach((marginal, i) => {
    const measure = measureOf(marginal);
    if (measure !== DEFAULT_MEASURE && !workload.measures?.[measure]) throw new RangeError(`marginal ${i} counts measure ${measure}, which the workload does not define`);
    if (new Set(marginal.dimensions).size !== marginal.dimensions.length) throw new RangeError(`marginal ${i} names a dimension twice`);
    for (const d of marginal.dimensions) if (!workload.domains[d]) throw new RangeError(`marginal ${i} groups by ${d}, which has no domain`);
    const multiValued = marginal.dimensions.filter((d) => isMultiValued(workload, d));
    if (multiValued.length > 1) {
      throw new RangeError(`marginal ${i} groups by ${multiValued.join(' and ')}: a table groups by at most one multi-valued dimension (a person's cells would multiply)`);
    }
    const twin = workload.marginals.findIndex((other, j) => j < i && measureOf(other) === measure && sameDimensions(other.dimensions, marginal.dimensions));
    if (twin >= 0) throw new RangeError(`marginals ${twin} and ${i} are the same table: a figure must have one source`);
  });
}

/** Orders a person's rows: the earliest first, then by id, then by content, so the choice never depends on the rows' order. */
function earlier(a: ParticipationRow, b: ParticipationRow): boolean {
  if (a.at !== b.at) return a.at < b.at;
  if (a.id !== b.id) return a.id < b.id;
  return JSON.stringify(a.attributes) < JSON.stringify(b.attributes);
}

/**
 * Contribution bounding: at most one row per person, the earliest participation (ties by its id).
 * The choice depends on when a participation began, never on what it led to, and not on the order
 * the rows come in; so a person with several participations counts once, and counting them twice
 * cannot leak through the table.
 */
export function boundContributions(rows: readonly ParticipationRow[], filter: MeasureFilter = {}): ParticipationRow[] {
  const chosen = new Map<string, ParticipationRow>();
  const entries = Object.entries(filter);
  for (const row of rows) {
    if (!entries.every(([attribute, value]) => row.attributes[attribute] === value)) continue;
    const held = chosen.get(row.person);
    if (!held || earlier(row, held)) chosen.set(row.person, row);
  }
  return [...chosen.values()];
}

/**
 * The value of a dimension that is not known for a row (an anonymous participant's municipality or
 * age): never in a domain, and the row is left out of every table by that dimension only, so it
 * still counts in the totals and the tables by what is known. A row then contributes to fewer
 * tables, never more, so every table's sensitivity holds.
 */
export const NOT_KNOWN = '~not-known';

/** Every cell of the cross product of the dimensions' domains, in dimension then domain order. */
function cellsOf(dimensions: readonly string[], domains: Workload['domains']): Record<string, string>[] {
  let cells: Record<string, string>[] = [{}];
  for (const d of dimensions) cells = cells.flatMap((cell) => domains[d]!.map((value) => ({ ...cell, [d]: value })));
  return cells;
}

const cellKey = (dimensions: readonly string[], values: Readonly<Record<string, string>>) => JSON.stringify(dimensions.map((d) => values[d]));

/**
 * The values of a multi-valued dimension a person contributes: its values (each once), at most k,
 * the first k in domain order. The choice depends on the person's own values and the public
 * domain only, never on other persons' rows (not "the k rarest sources", say), so adding or
 * removing one person changes that person's at most k cells and no one else's: L2 sensitivity √k
 * holds. Domain order rather than a random choice keeps a release reproducible from its seed and
 * needs no randomness of its own; the cost is a bias against the values late in the domain among
 * persons with more than k values, which the release job keeps rare by its choice of k.
 */
export function boundValues(values: readonly string[], domain: readonly string[], k: number): string[] {
  const held = new Set(values);
  return domain.filter((value) => held.has(value)).slice(0, k);
}

/**
 * Protects every table of the workload with ρ (zCDP) for the whole release, split over the tables
 * by weight: for each table, one row per person (boundContributions), the true count of every cell
 * of its full cross product, plus discrete Gaussian noise with σ² = 1/(2ρ_table), then made a
 * non-negative integer. A table grouped by a multi-valued dimension of bound k counts each of those
 * persons in the cells of up to k of its values (boundValues), and its noise is σ² = k/(2ρ_table).
 *
 * Clamping at 0 is post-processing of the noisy count, so it costs no privacy. A published 0 is
 * therefore not an exact zero: a cell of true count 0, 1 or 3 is published as 0 whenever its noise
 * takes it to 0 or below, and a true 0 is published above 0 as often as its noise is positive. The
 * clamp biases the smallest cells upwards a little; counts of 20 or more are untouched by it in
 * practice (σ of a few persons).
 */
export function protectTables(
  rows: readonly ParticipationRow[], workload: Workload, rho: number, random: RandomSource, options: ReleaseOptions = {},
): StatisticsRelease {
  checkWorkload(workload);
  const rhos = splitRho(rho, workload.marginals.map((m) => m.weight ?? 1));
  const bounded = new Map<string, ParticipationRow[]>();
  const rowsOf = (measure: string) => {
    if (!bounded.has(measure)) bounded.set(measure, boundContributions(rows, measure === DEFAULT_MEASURE ? {} : workload.measures![measure]!));
    return bounded.get(measure)!;
  };
  const tables = workload.marginals.map((marginal, i): ProtectedTable => {
    const measure = measureOf(marginal);
    const { dimensions } = marginal;
    const multi = dimensions.find((d) => isMultiValued(workload, d));
    const k = multi === undefined ? 1 : workload.multiValued![multi]!;
    const truth = new Map<string, number>();
    for (const row of rowsOf(measure)) {
      // A participant known only in part (SUS's anonymous participant) is in no table by what is not known of them.
      if (dimensions.some((d) => row.attributes[d] === NOT_KNOWN)) continue;
      for (const d of dimensions) {
        if (d === multi) continue;
        const value = row.attributes[d];
        if (value === undefined || !workload.domains[d]!.includes(value)) {
          throw new RangeError(`participation ${row.id} has ${d} = ${value ?? '(none)'}, outside the domain: it would be dropped from the table silently`);
        }
      }
      let cellsOfRow: Readonly<Record<string, string>>[] = [row.attributes];
      if (multi !== undefined) {
        const values = row.sets?.[multi];
        const outside = values === undefined ? '(none)' : values.find((value) => !workload.domains[multi]!.includes(value));
        if (outside !== undefined) {
          throw new RangeError(`participation ${row.id} has ${multi} = ${outside}, outside the domain: it would be dropped from the table silently`);
        }
        cellsOfRow = boundValues(values!, workload.domains[multi]!, k).map((value) => ({ ...row.attributes, [multi]: value }));
      }
      for (const values of cellsOfRow) {
        const key = cellKey(dimensions, values);
        truth.set(key, (truth.get(key) ?? 0) + 1);
      }
    }
    const noise = noiseForRho(rhos[i]!, k);
    const cells = cellsOf(dimensions, workload.domains).map((values) => {
      const noisy = BigInt(truth.get(cellKey(dimensions, values)) ?? 0) + discreteGaussian(noise.sigmaSquared, random);
      return { values, count: noisy > 0n ? Number(noisy) : 0 };
    });
    return {
      measure, dimensions: [...dimensions], contributionsPerPerson: k, rho: noise.rho,
      sigmaSquared: `${noise.sigmaSquared.num}/${noise.sigmaSquared.den}`,
      sigma: Math.sqrt(Number(noise.sigmaSquared.num) / Number(noise.sigmaSquared.den)),
      cells,
    };
  });
  const spent = tables.reduce((sum, t) => sum + t.rho, 0);
  return {
    period: options.period ?? null,
    computedAt: options.computedAt ?? new Date().toISOString(),
    rhoRequested: rho,
    rho: spent,
    privacy: privacyStatement(spent, { delta: options.delta ?? DEFAULT_DELTA, releasesPerYear: options.releasesPerYear, rhoPerYear: options.rhoPerYear }),
    mechanism: 'discrete Gaussian, zCDP, one row per person per table',
    workload,
    tables,
  };
}

/** An analyst's figure read from a release: the cells of one table, filtered and grouped. */
export interface Figure {
  measure: string;
  filter: Readonly<Record<string, string>>;
  groupBy: readonly string[];
  /** One cell per combination of the grouping dimensions' values (one cell, `values: {}`, without grouping). */
  cells: ProtectedCell[];
}

/**
 * The figure for `filter` grouped by `groupBy`, read from the one table whose dimensions are
 * exactly the filter's and the grouping's (pure post-processing: a figure reached by two routes,
 * a filtered total and the matching group of a grouped report, is the same cell and so the same
 * number). A combination the release holds no table for is refused, naming the argument: an
 * unreleased figure is never computed from other tables on the fly.
 */
export function figure(
  release: StatisticsRelease, filter: Readonly<Record<string, string>>, groupBy: string | readonly string[] | null | undefined = [], measure: string = DEFAULT_MEASURE,
): Result<Figure> {
  const grouping = groupBy == null ? [] : typeof groupBy === 'string' ? [groupBy] : [...groupBy];
  const { domains } = release.workload;
  // Own properties only: a dimension named `constructor` or `toString` would otherwise be found on the prototype.
  const isDimension = (d: string) => Object.hasOwn(domains, d);
  for (const [d, value] of Object.entries(filter)) {
    if (!isDimension(d)) return failure('BAD_USER_INPUT', `filter.${d}: the statistics release has no dimension ${d}.`, { argument: `filter.${d}` });
    if (!domains[d]!.includes(value)) return failure('BAD_USER_INPUT', `filter.${d}: ${value} is not a value of ${d} in the statistics release.`, { argument: `filter.${d}` });
  }
  for (const d of grouping) {
    if (!isDimension(d)) return failure('BAD_USER_INPUT', `groupBy: the statistics release has no dimension ${d}.`, { argument: 'groupBy' });
    if (Object.hasOwn(filter, d)) return failure('BAD_USER_INPUT', `groupBy: ${d} is also filtered on; group by another dimension or drop the filter.`, { argument: 'groupBy' });
  }
  if (new Set(grouping).size !== grouping.length) return failure('BAD_USER_INPUT', 'groupBy names a dimension twice.', { argument: 'groupBy' });
  const ofMeasure = release.tables.filter((t) => t.measure === measure);
  if (ofMeasure.length === 0) return failure('BAD_USER_INPUT', `measure: the statistics release holds no table of ${measure}.`, { argument: 'measure' });
  const wanted = [...Object.keys(filter), ...grouping];
  const table = ofMeasure.find((t) => sameDimensions(t.dimensions, wanted));
  if (!table) {
    const filterReleased = ofMeasure.some((t) => Object.keys(filter).every((d) => t.dimensions.includes(d)));
    const argument = grouping.length > 0 && filterReleased ? 'groupBy' : 'filter';
    const released = ofMeasure.map((t) => `[${t.dimensions.join(', ')}]`).join(', ');
    return failure('BAD_USER_INPUT', `${argument}: the statistics release holds no table of ${measure} by [${wanted.join(', ')}]; it holds ${released}.`, { argument });
  }
  const cells = table.cells
    .filter((cell) => Object.entries(filter).every(([d, value]) => cell.values[d] === value))
    .map((cell) => ({ values: Object.fromEntries(grouping.map((d) => [d, cell.values[d]!])), count: cell.count }));
  return success({ measure, filter: { ...filter }, groupBy: grouping, cells });
}
