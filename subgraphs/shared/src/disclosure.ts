/**
 * Disclosure control for statistics about persons: a count from 1 to the threshold could point
 * at someone, so it is published as suppressed, not as a number. Suppressing it alone is not
 * enough when totals are published too (total minus the other cells gives it back), so a
 * table is suppressed until no published line (a row or a column with its total) has exactly
 * one hidden cell: complementary suppression.
 */
export interface ProtectedCount {
  /** The count, or null when suppressed. */
  value: number | null;
  suppressed: boolean;
}

export const DEFAULT_THRESHOLD = 4;

export const isSmall = (count: number, threshold: number) => count >= 1 && count <= threshold;

export interface ProtectedTable {
  cells: ProtectedCount[][];
  rowTotals: ProtectedCount[];
  columnTotals: ProtectedCount[];
  total: ProtectedCount;
}

/**
 * Protects a table of counts (rows × columns) published with its row totals, column totals and
 * grand total. Primary suppression hides every count from 1 to `threshold` (and the row totals
 * that `hiddenRowTotals` marks); complementary suppression then hides, in each line left with a
 * single hidden value, the smallest other non-zero value, until every line hides none or at
 * least two.
 */
export function protectTable(counts: number[][], threshold = DEFAULT_THRESHOLD, hiddenRowTotals: readonly boolean[] = []): ProtectedTable {
  const rows = counts.length;
  const columns = counts[0]?.length ?? 0;
  // An extended grid: the last column holds row totals, the last row column totals and the grand total.
  const grid = [...counts.map((row) => [...row, sum(row)]), [...Array.from({ length: columns }, (_, c) => sum(counts.map((r) => r[c]!))), sum(counts.flat())]];
  const hidden = grid.map((row, r) => row.map((count, c) => isSmall(count, threshold) || (c === columns && count > 0 && hiddenRowTotals[r] === true)));

  const lines: [number, number][][] = [
    ...Array.from({ length: rows + 1 }, (_, r) => Array.from({ length: columns + 1 }, (_, c) => [r, c] as [number, number])),
    ...Array.from({ length: columns + 1 }, (_, c) => Array.from({ length: rows + 1 }, (_, r) => [r, c] as [number, number])),
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      const hiddenInLine = line.filter(([r, c]) => hidden[r]![c]);
      if (hiddenInLine.length !== 1) continue;
      const candidates = line.filter(([r, c]) => !hidden[r]![c] && grid[r]![c]! > 0).sort(([ra, ca], [rb, cb]) => grid[ra]![ca]! - grid[rb]![cb]!);
      const pick = candidates[0];
      if (!pick) continue;
      hidden[pick[0]]![pick[1]] = true;
      changed = true;
    }
  }
  const cell = (r: number, c: number): ProtectedCount => (hidden[r]![c] ? { value: null, suppressed: true } : { value: grid[r]![c]!, suppressed: false });
  return {
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => cell(r, c))),
    rowTotals: Array.from({ length: rows }, (_, r) => cell(r, columns)),
    columnTotals: Array.from({ length: columns }, (_, c) => cell(rows, c)),
    total: cell(rows, columns),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Protects tables that break the same rows down different ways (the members with a signal by
 * municipality and by intervention). Their row totals are the same counts, or could be added up
 * to them, so a total hidden in one table is hidden in all, or another table would give it back
 * and with it the cells it protects.
 */
export function protectTablesSharingRows(tables: number[][][], threshold = DEFAULT_THRESHOLD): ProtectedTable[] {
  let hiddenTotals: boolean[] = [];
  // Hidden totals only grow, so this ends; when nothing grows, every table hides the same totals.
  for (;;) {
    const protectedTables = tables.map((table) => protectTable(table, threshold, hiddenTotals));
    const union = (tables[0] ?? []).map((_, r) => protectedTables.some((t) => t.rowTotals[r]!.suppressed));
    if (union.every((h, r) => h === (hiddenTotals[r] ?? false))) return protectedTables;
    hiddenTotals = union;
  }
}
