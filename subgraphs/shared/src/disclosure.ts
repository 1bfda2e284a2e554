import { intFromEnv } from './config.ts';

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

/**
 * The largest count that is suppressed: SUPPRESSION_THRESHOLD, 4 unless set. Every process must
 * use the same; below 1 nothing would be suppressed, so such a setting stops the process.
 */
export function suppressionThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const threshold = intFromEnv('SUPPRESSION_THRESHOLD', 4, env);
  if (threshold < 1) throw new Error('SUPPRESSION_THRESHOLD must be 1 or more: counts from 1 to it are suppressed');
  return threshold;
}

export const DEFAULT_THRESHOLD = suppressionThreshold();

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
 * single hidden value, one other non-zero value, until every line hides none or at least two.
 * It prefers a value whose other line also hides a single value (one hiding mends two lines),
 * then one whose other line already hides two or more, and among those the smallest.
 */
export function protectTable(counts: number[][], threshold = DEFAULT_THRESHOLD, hiddenRowTotals: readonly boolean[] = []): ProtectedTable {
  const rows = counts.length;
  const columns = counts[0]?.length ?? 0;
  // The extended grid, flat: row r, column c at r * width + c; the last column holds the row
  // totals, the last row the column totals and the grand total.
  const width = columns + 1;
  const grid = new Float64Array((rows + 1) * width);
  counts.forEach((row, r) => row.forEach((count, c) => {
    grid[r * width + c] = count;
    grid[r * width + columns]! += count;
    grid[rows * width + c]! += count;
    grid[rows * width + columns]! += count;
  }));
  const hidden = new Uint8Array(grid.length);
  grid.forEach((count, i) => {
    const isRowTotal = i % width === columns && i < rows * width;
    if (isSmall(count, threshold) || (isRowTotal && count > 0 && hiddenRowTotals[Math.floor(i / width)] === true)) hidden[i] = 1;
  });

  // Lines are the grid's rows (0..rows) and columns (rows+1..rows+1+columns); each counts its
  // hidden values, and only a line whose count just became 1 needs another look.
  const line = (l: number) => (l <= rows ? { start: l * width, step: 1, length: width } : { start: l - rows - 1, step: width, length: rows + 1 });
  const hiddenIn = Array.from({ length: rows + columns + 2 }, (_, l) => {
    const { start, step, length } = line(l);
    let n = 0;
    for (let k = 0, i = start; k < length; k++, i += step) n += hidden[i]!;
    return n;
  });
  const waiting = hiddenIn.flatMap((n, l) => (n === 1 ? [l] : []));
  while (waiting.length > 0) {
    const l = waiting.pop()!;
    if (hiddenIn[l] !== 1) continue;
    const { start, step, length } = line(l);
    // The other line through a candidate decides what hiding it costs: one that already hides a
    // single value is mended by it too, one that hides none would need yet another value hidden.
    const crossingOf = (i: number) => (l <= rows ? rows + 1 + (i % width) : Math.floor(i / width));
    const cost = (i: number) => [hiddenIn[crossingOf(i)] === 1 ? 0 : hiddenIn[crossingOf(i)]! > 1 ? 1 : 2, grid[i]!] as const;
    let pick = -1;
    let pickCost: readonly [number, number] = [3, 0];
    for (let k = 0, i = start; k < length; k++, i += step) {
      if (hidden[i] || grid[i]! === 0) continue;
      const c = cost(i);
      if (pick < 0 || c[0] < pickCost[0] || (c[0] === pickCost[0] && c[1] < pickCost[1])) [pick, pickCost] = [i, c];
    }
    if (pick < 0) continue;
    hidden[pick] = 1;
    for (const crossing of [Math.floor(pick / width), rows + 1 + (pick % width)]) {
      hiddenIn[crossing]! += 1;
      if (hiddenIn[crossing] === 1) waiting.push(crossing);
    }
  }
  const cell = (r: number, c: number): ProtectedCount => (hidden[r * width + c] ? { value: null, suppressed: true } : { value: grid[r * width + c]!, suppressed: false });
  return {
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => cell(r, c))),
    rowTotals: Array.from({ length: rows }, (_, r) => cell(r, columns)),
    columnTotals: Array.from({ length: columns }, (_, c) => cell(rows, c)),
    total: cell(rows, columns),
  };
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
