import { success, type Result } from '@finsam/kit/errors';
import { filteredCounts, groupKey, type CompactRelease, type ReleaseFilter } from '@finsam/kit/statistics-release';
import { MEMBERS, memberPriorityGroupMeasure } from './cohort-release-job.ts';
import { SIGNAL_CODES } from './cohort-signals.ts';
import { interventionsThatRan, type Catalogue, type ReleasedFilter } from './released-follow-up.ts';
import { STARTED, priorityGroupMeasure } from './statistics-release-job.ts';
import type { CountCell } from '@finsam/kit/cohort';
import type { SignalCode } from './signals.ts';

/**
 * A cohort's own figures answered from the stored releases (docs/statistics-release.md): its size
 * from the follow-up's `started` tables (the same cells as the follow-up's, so the two agree), its
 * signal counts from the signal releases (cohort-release-job.ts). Pure post-processing of
 * protected cells: asking again, differencing or combining cohorts learns nothing more. The
 * agencies answer their own figures of the cohort from their own releases.
 */

const cell = (count: number): CountCell => ({ value: count, suppressed: false });

/** The dimensions a filter narrows the cells by; its priority group is the measure instead. */
function cellFilter(filter: ReleasedFilter): ReleaseFilter {
  const kept: Record<string, string | readonly string[]> = {};
  for (const d of ['intervention', 'municipality', 'sex', 'ageBand'] as const) if (filter[d] !== undefined) kept[d] = filter[d]!;
  return kept;
}

const filteredOn = (filter: ReleasedFilter) => {
  const on = Object.keys(filter);
  return on.length ? ` filtered on ${on.join(', ')}` : '';
};

/** The cohort's size: persons registered in during the period (each once per month or year released), by the filter. */
export function releasedCohortSize(releases: readonly CompactRelease[], filter: ReleasedFilter): Result<CountCell> {
  const measure = filter.priorityGroup ? priorityGroupMeasure(filter.priorityGroup) : STARTED;
  const counts = filteredCounts(releases, measure, cellFilter(filter), [], () => ({ argument: 'filter', what: `the cohort's size${filteredOn(filter)}` }));
  return counts.ok ? success(cell(counts.value.get('') ?? 0)) : counts;
}

export interface SignalBreakdown { code: SignalCode; counts: { category: string; count: CountCell }[] }

/** Each breakdown of a cohort's signal counts, read only when asked for (a breakdown the release lacks is refused alone). */
export interface ReleasedSignals {
  byCode(): Result<{ code: SignalCode; count: CountCell }[]>;
  byMunicipality(): Result<SignalBreakdown[]>;
  byIntervention(): Result<SignalBreakdown[]>;
}

/**
 * The cohort's signal counts from the signal releases of its period. Categories listed are every
 * municipality of the releases and every intervention that ran in the period, narrowed by the
 * filter, 0 where the noisy sum is 0: which are listed depends on the question, not on who took part.
 */
export function releasedSignals(
  releases: readonly CompactRelease[], filter: ReleasedFilter, catalogue: Catalogue, period: { fromMonth: string; toMonth: string },
): ReleasedSignals {
  const measure = filter.priorityGroup ? memberPriorityGroupMeasure(filter.priorityGroup) : MEMBERS;
  const cells = cellFilter(filter);
  const read = (by: readonly string[], what: string) => filteredCounts(releases, measure, cells, by, () => ({
    argument: 'filter', what: `signal counts${what}${filteredOn(filter)}`,
  }));
  const only = (values: readonly string[], kept: readonly string[] | undefined) => (kept === undefined ? values : values.filter((v) => kept.includes(v)));
  const breakdown = (dimension: 'municipality' | 'intervention', categories: readonly string[]): Result<SignalBreakdown[]> => {
    const counts = read(['signal', dimension], ` by ${dimension}`);
    if (!counts.ok) return counts;
    return success(SIGNAL_CODES.map((code) => ({
      code, counts: categories.map((category) => ({ category, count: cell(counts.value.get(groupKey(code, category)) ?? 0) })),
    })));
  };
  return {
    byCode() {
      const counts = read(['signal'], '');
      return counts.ok ? success(SIGNAL_CODES.map((code) => ({ code, count: cell(counts.value.get(groupKey(code)) ?? 0) }))) : counts;
    },
    byMunicipality() {
      const municipalities = [...new Set(releases.flatMap((r) => r.domains.municipality ?? []))].sort();
      return breakdown('municipality', only(municipalities, filter.municipality));
    },
    byIntervention() {
      const ran = [...interventionsThatRan(catalogue, period.fromMonth, period.toMonth).keys()].sort();
      return breakdown('intervention', only(ran, filter.intervention));
    },
  };
}
