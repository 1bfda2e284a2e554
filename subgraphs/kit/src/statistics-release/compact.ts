import type { StatisticsRelease } from './tables.ts';

/**
 * A stored release as a reader keeps it in memory: each table's protected counts in one typed array,
 * in the order the release job lists a table's cells (its dimensions' cross product, the first
 * dimension outermost), and the domains that order comes from. At 100,000 persons a release holds
 * 48,724 cells; kept as objects, a year and a half of releases took some hundreds of MB of small
 * objects and a third of a report's time went to collecting them.
 */
export interface CompactRelease {
  period: string;
  domains: Readonly<Record<string, readonly string[]>>;
  tables: readonly { measure: string; dimensions: readonly string[]; counts: Int32Array }[];
}

/** The release's tables as typed arrays; throws if a table's cells are not in the cross product's order (a release the job did not make). */
export function compactRelease(release: StatisticsRelease): CompactRelease {
  const { domains } = release.workload;
  return {
    period: release.period ?? '',
    domains,
    tables: release.tables.map((table) => {
      const sizes = table.dimensions.map((d) => domains[d]!.length);
      const total = sizes.reduce((n, k) => n * k, 1);
      if (table.cells.length !== total) throw new RangeError(`release ${release.period}: table ${table.measure} by [${table.dimensions.join(', ')}] has ${table.cells.length} cells, not ${total}`);
      const counts = new Int32Array(total);
      table.cells.forEach((cell, i) => {
        let rest = i;
        for (let j = table.dimensions.length - 1; j >= 0; j--) {
          const d = table.dimensions[j]!;
          if (cell.values[d] !== domains[d]![rest % sizes[j]!]) throw new RangeError(`release ${release.period}: table ${table.measure} is not in the cross product's order at cell ${i}`);
          rest = Math.floor(rest / sizes[j]!);
        }
        counts[i] = cell.count;
      });
      return { measure: table.measure, dimensions: [...table.dimensions], counts };
    }),
  };
}
