/**
 * A differentially private statistics release (docs/statistics-release.md): protected tables of
 * counts computed once per period from a stated workload of marginals, with discrete Gaussian
 * noise and privacy loss accounted in zCDP. Coordination's release job stores one release per month
 * and per year; the intervention follow-up is answered from them (coordination's released-follow-up.ts).
 * Each agency releases its own categories over a period's cohort the same way (agency-workload.ts),
 * and answers analysts' cohorts from its stored releases (../agency-statistics-release.ts).
 */
export {
  bernoulliExp, cryptoRandom, discreteGaussian, discreteLaplace, integerSqrt, seededRandom, type RandomSource, type Rational,
} from './discrete-gaussian.ts';
export {
  DEFAULT_DELTA, DEFAULT_RHO_PER_RELEASE, RELEASES_PER_YEAR, RELEASES_PER_YEAR_WITH_YEAR, RHO_PER_YEAR_OF_SCHEDULE, RHO_PER_YEAR_RELEASE, SIGMA_SQUARED_DENOMINATOR,
  epsilonFromRho, noiseForRho, privacyStatement, rhoOfPeriod, splitRho, type PrivacyStatement,
} from './accounting.ts';
export {
  DEFAULT_MEASURE, NOT_KNOWN, boundContributions, boundValues, figure, protectTables,
  type Figure, type Marginal, type MeasureFilter, type ParticipationRow, type ProtectedCell, type ProtectedTable, type ReleaseOptions, type StatisticsRelease, type Workload,
} from './tables.ts';
export { compactRelease, type CompactRelease } from './compact.ts';
export { isReleasePeriod, monthBounds, monthsOf, nextMonth, periodBounds, releasesForPeriod, wholeMonths } from './periods.ts';
export {
  NO_PRIORITY_GROUP, RELEASE_AGE_BANDS, RELEASE_PRIORITY_GROUPS, RELEASE_SEXES, agencyFigures, agencyPriorityGroupMeasure, agencyReleaseRows, agencyReleaseWorkload,
  memberListProblem, priorityGroupAttribute, type AgencyFiguresFilter, type ReleaseKindDomain, type ReleasedCategory,
} from './agency-workload.ts';
export * from './agency-release.ts';
export { filteredCounts, groupKey, summedTable, tableFor, type ReleaseFilter, type SummedTable } from './read.ts';
