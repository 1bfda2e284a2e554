/**
 * A differentially private statistics release (docs/statistics-release.md): protected tables of
 * counts computed once per period from a stated workload of marginals, with discrete Gaussian
 * noise and privacy loss accounted in zCDP. Coordination's release job stores one release per month
 * and per year; the intervention follow-up is answered from them (coordination's released-follow-up.ts).
 */
export {
  bernoulliExp, cryptoRandom, discreteGaussian, discreteLaplace, integerSqrt, seededRandom, type RandomSource, type Rational,
} from './discrete-gaussian.ts';
export {
  DEFAULT_DELTA, DEFAULT_RHO_PER_RELEASE, RELEASES_PER_YEAR, SIGMA_SQUARED_DENOMINATOR, epsilonFromRho, noiseForRho, privacyStatement, splitRho, type PrivacyStatement,
} from './accounting.ts';
export {
  DEFAULT_MEASURE, boundContributions, boundValues, figure, protectTables,
  type Figure, type Marginal, type MeasureFilter, type ParticipationRow, type ProtectedCell, type ProtectedTable, type ReleaseOptions, type StatisticsRelease, type Workload,
} from './tables.ts';
export { compactRelease, type CompactRelease } from './compact.ts';
export { monthBounds, monthsOf, nextMonth, periodBounds, releasesForPeriod } from './periods.ts';
export * from './agency-release.ts';
export { filteredCounts, groupKey, summedTable, tableFor, type ReleaseFilter, type SummedTable } from './read.ts';
