import { failure, success, type Result } from '../errors.ts';
import type { CompactRelease } from './compact.ts';

/**
 * Reading stored releases: every figure an analyst gets is a sum of protected cells (post-processing),
 * chosen by the question's dimensions alone, never by who asks. Coordination's follow-up and signal
 * counts and each agency's cohort figures read their releases through these.
 */

/** A table summed over the period's months: each cell's values in `dimensions` order, and its count. */
export type SummedTable = { values: string[]; count: number }[];

/**
 * The table that answers `measure` by `dimensions` in one release: the table of exactly those
 * dimensions, else the smallest that holds them all, to be summed over its other dimensions
 * (post-processing: more noise, no more privacy loss). The choice depends only on the release's
 * workload, so a figure always comes from the same cells, whichever query reaches it.
 */
export function tableFor(release: CompactRelease, measure: string, dimensions: readonly string[]) {
  return release.tables
    .filter((t) => t.measure === measure && dimensions.every((d) => t.dimensions.includes(d)))
    .sort((a, b) => a.dimensions.length - b.dimensions.length || a.counts.length - b.counts.length)[0];
}

/**
 * Reads `measure` by `dimensions` from every release of the period and sums them, cell by cell
 * over the union of the releases' domains (an intervention added later is in the later months'
 * domains only). A combination no release holds is refused with BAD_USER_INPUT naming the
 * argument that asked for it (the filter or the grouping), and what the release holds instead.
 */
export function summedTable(releases: readonly CompactRelease[], measure: string, dimensions: readonly string[], blame: () => { argument: string; what: string }): Result<SummedTable> {
  const union = dimensions.map((d) => [...new Set(releases.flatMap((r) => r.domains[d] ?? []))]);
  const position = union.map((values) => new Map(values.map((v, i) => [v, i])));
  const size = union.reduce((n, values) => n * values.length, 1);
  const sums = new Float64Array(size);
  for (const release of releases) {
    const table = tableFor(release, measure, dimensions);
    if (!table) {
      const { argument, what } = blame();
      const held = release.tables.filter((t) => t.measure === measure).map((t) => `[${t.dimensions.join(', ')}]`);
      const holds = held.length === 0 ? 'it holds no table of them' : `it holds them by ${held.join(', ')}`;
      return failure('BAD_USER_INPUT', `${argument}: ${what} is not in the statistics release (${measure} by [${dimensions.join(', ')}]; ${holds}). Ask for fewer dimensions together, or see docs/analysts.md for the released tables.`, { argument });
    }
    // For each of the table's dimensions: its size here, and where each of its values goes in the sum (its place among `dimensions`, and the union's index).
    const sizes = table.dimensions.map((d) => release.domains[d]!.length);
    const strides = dimensions.map((_, k) => union.slice(k + 1).reduce((n, values) => n * values.length, 1));
    const target = table.dimensions.map((d) => {
      const k = dimensions.indexOf(d);
      return k < 0 ? null : release.domains[d]!.map((v) => position[k]!.get(v)! * strides[k]!);
    });
    for (let i = 0; i < table.counts.length; i++) {
      let rest = i;
      let at = 0;
      for (let j = sizes.length - 1; j >= 0; j--) {
        const coordinate = rest % sizes[j]!;
        rest = (rest - coordinate) / sizes[j]!;
        const offsets = target[j];
        if (offsets) at += offsets[coordinate]!;
      }
      sums[at]! += table.counts[i]!;
    }
  }
  const cells: SummedTable = [];
  for (let at = 0; at < size; at++) {
    let rest = at;
    const values = new Array<string>(dimensions.length);
    for (let k = dimensions.length - 1; k >= 0; k--) {
      values[k] = union[k]![rest % union[k]!.length]!;
      rest = Math.floor(rest / union[k]!.length);
    }
    cells.push({ values, count: sums[at]! });
  }
  return success(cells);
}


/** A filter in a release's terms: each dimension with the value kept, or the values summed. */
export type ReleaseFilter = Readonly<Record<string, string | readonly string[]>>;

/** The key of a cell of `filteredCounts` grouped by several dimensions: their values joined in `by`'s order. */
export const groupKey = (...values: readonly string[]) => values.join('\u0000');

/**
 * `measure` summed over the period's releases for the cells that match `filter`, by the values of
 * the dimensions `by` (groupKey of them; '' for the total when `by` is empty). `blame` names the
 * argument when no table holds the filter's and `by`'s dimensions together.
 */
export function filteredCounts(
  releases: readonly CompactRelease[], measure: string, filter: ReleaseFilter, by: readonly string[], blame: () => { argument: string; what: string },
): Result<Map<string, number>> {
  const filterDimensions = Object.keys(filter).sort();
  const dimensions = [...new Set([...filterDimensions, ...by])];
  const summed = summedTable(releases, measure, dimensions, blame);
  if (!summed.ok) return summed;
  const at = new Map(dimensions.map((d, i) => [d, i]));
  const counts = new Map<string, number>();
  for (const { values, count } of summed.value) {
    const kept = filterDimensions.every((d) => {
      const wanted = filter[d]!;
      const value = values[at.get(d)!]!;
      return typeof wanted === 'string' ? value === wanted : wanted.includes(value);
    });
    if (!kept) continue;
    const key = groupKey(...by.map((d) => values[at.get(d)!]!));
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return success(counts);
}
