import type { Rational } from './discrete-gaussian.ts';

/**
 * Privacy-loss accounting in zero-concentrated differential privacy (zCDP; Bun & Steinke 2016),
 * as the US Census Bureau's 2020 TopDown algorithm states it.
 *
 * - A table of counts in which, after contribution bounding, every person is in at most one cell
 *   changes in one cell by 1 when one person is added or removed: L2 (and L1) sensitivity 1.
 *   Discrete Gaussian noise N_Z(0, σ²) on each cell then gives ρ = 1/(2σ²)-zCDP for the table
 *   (Canonne, Kamath & Steinke 2020, Theorem 4; the other cells' noise does not depend on the
 *   person), so σ² = 1/(2ρ).
 * - A table grouped by a multi-valued dimension (income sources) counts a person in up to k of its
 *   cells, k the dimension's bound: one person changes up to k cells by 1 each, L2 sensitivity √k,
 *   and N_Z(0, σ²) on each cell gives ρ = k/(2σ²) (the same theorem with sensitivity √k), so
 *   σ² = k/(2ρ) for the same ρ.
 * - Tables of one release compose: their ρ add up. So do the releases of a year.
 * - zCDP converts to (ε, δ)-DP by ε = ρ + 2·√(ρ·ln(1/δ)) (Bun & Steinke 2016, Proposition 1.3), a
 *   simple bound that overstates ε somewhat; δ is stated with it.
 */

/** δ stated with every ε: far below 1/n for any population the graph holds (the Census Bureau's choice too). */
export const DEFAULT_DELTA = 1e-10;

/**
 * The default ρ of one monthly release, split over its tables (about 20: ρ = 0.05 each, σ ≈ 3.2
 * persons per cell). Chosen as the smallest round budget that keeps the mean absolute relative
 * error of counts of 20 or more under 10 % on the 2,000-person seed's months (7.5 % at 1, 11 % at
 * 0.5; docs/statistics-release.md). The Census Bureau spent ρ ≈ 2.6 on its 2020 redistricting
 * data for a population of 330 million; a population of thousands needs a budget of the same order
 * for counts of tens.
 */
export const DEFAULT_RHO_PER_RELEASE = 1;

/** Monthly releases: twelve compose in a year. */
export const RELEASES_PER_YEAR = 12;

/**
 * ρ of the release of a whole calendar year, beside its twelve monthly ones: analysts' reports
 * are mostly of whole years, and a year summed from twelve months carries √12 times a month's
 * noise; released on its own with twice a month's ρ it carries a month's divided by √2
 * (docs/statistics-release.md). Coordination's release job and each agency's release spend it alike.
 */
export const RHO_PER_YEAR_RELEASE = 2;

/** A year's schedule: twelve monthly releases and the year's own, composing to 12 × 1 + 2 = 14. */
export const RELEASES_PER_YEAR_WITH_YEAR = RELEASES_PER_YEAR + 1;
export const RHO_PER_YEAR_OF_SCHEDULE = RELEASES_PER_YEAR * DEFAULT_RHO_PER_RELEASE + RHO_PER_YEAR_RELEASE;

/** ρ of one period's release in that schedule: a calendar year (`YYYY`) its own, a month (`YYYY-MM`) DEFAULT_RHO_PER_RELEASE. */
export const rhoOfPeriod = (period: string): number => (/^\d{4}$/.test(period) ? RHO_PER_YEAR_RELEASE : DEFAULT_RHO_PER_RELEASE);

/** σ² is rounded up to a multiple of 1/SIGMA_SQUARED_DENOMINATOR, so that the ρ achieved never exceeds the ρ asked for. */
export const SIGMA_SQUARED_DENOMINATOR = 1_000_000n;

/** ε of (ε, δ)-DP implied by ρ-zCDP: ρ + 2√(ρ ln(1/δ)). */
export function epsilonFromRho(rho: number, delta: number = DEFAULT_DELTA): number {
  if (!(rho >= 0) || !Number.isFinite(rho)) throw new RangeError('ρ must be a finite number of 0 or more');
  if (!(delta > 0 && delta < 1)) throw new RangeError('δ must lie strictly between 0 and 1');
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/**
 * The noise variance for a table given ρ and the most cells one person is in (k: 1 for a table of
 * single-valued dimensions, the bound of its multi-valued dimension otherwise; L2 sensitivity √k),
 * as an exact rational rounded up: σ² = ⌈10⁶·k/(2ρ)⌉/10⁶ (one further millionth guards against
 * the floating-point division), and the ρ it achieves, k/(2σ²) ≤ ρ. The release states the
 * achieved ρ.
 */
export function noiseForRho(rho: number, contributionsPerPerson = 1): { sigmaSquared: Rational; rho: number } {
  if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError('ρ of a table must be a finite number above 0 (ρ = 0 would need infinite noise)');
  const k = contributionsPerPerson;
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError('the cells one person may be in must be a whole number of 1 or more');
  const num = BigInt(Math.ceil((Number(SIGMA_SQUARED_DENOMINATOR) * k) / (2 * rho))) + 1n;
  const sigmaSquared = { num, den: SIGMA_SQUARED_DENOMINATOR };
  return { sigmaSquared, rho: (k * Number(SIGMA_SQUARED_DENOMINATOR)) / (2 * Number(num)) };
}

/** Splits a release's ρ over its tables in proportion to their weights (each above 0). */
export function splitRho(rho: number, weights: readonly number[]): number[] {
  if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError('ρ of a release must be a finite number above 0');
  if (weights.length === 0) throw new RangeError('a release needs at least one table');
  if (weights.some((w) => !(w > 0) || !Number.isFinite(w))) throw new RangeError('every table weight must be a finite number above 0');
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (rho * w) / total);
}

/** What one person risks, for the docs and for storing beside a release. */
export interface PrivacyStatement {
  rhoPerRelease: number;
  releasesPerYear: number;
  rhoPerYear: number;
  delta: number;
  epsilonPerRelease: number;
  epsilonPerYear: number;
}

/** The privacy loss per release and per year (the year's releases compose: ρ adds up) at δ. */
export function privacyStatement(rhoPerRelease: number, options: { releasesPerYear?: number; delta?: number; rhoPerYear?: number } = {}): PrivacyStatement {
  const releasesPerYear = options.releasesPerYear ?? RELEASES_PER_YEAR;
  const delta = options.delta ?? DEFAULT_DELTA;
  // A schedule of releases of different ρ (months and a year) states its own yearly sum.
  const rhoPerYear = options.rhoPerYear ?? rhoPerRelease * releasesPerYear;
  return {
    rhoPerRelease, releasesPerYear, rhoPerYear, delta,
    epsilonPerRelease: epsilonFromRho(rhoPerRelease, delta),
    epsilonPerYear: epsilonFromRho(rhoPerYear, delta),
  };
}
