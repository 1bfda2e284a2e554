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

  // Lines are the extended grid's rows (0..rows) and columns (rows+1..rows+columns+1); each
  // counts its hidden values, and only a line whose count just became 1 needs another look.
  const lineLength = (line: number) => (line <= rows ? columns + 1 : rows + 1);
  const cellOf = (line: number, i: number): [number, number] => (line <= rows ? [line, i] : [i, line - rows - 1]);
  const hiddenIn = Array.from({ length: rows + columns + 2 }, (_, line) => {
    let n = 0;
    for (let i = 0; i < lineLength(line); i++) {
      const [r, c] = cellOf(line, i);
      if (hidden[r]![c]) n++;
    }
    return n;
  });
  const waiting = hiddenIn.flatMap((n, line) => (n === 1 ? [line] : []));
  while (waiting.length > 0) {
    const line = waiting.pop()!;
    if (hiddenIn[line] !== 1) continue;
    let pick: [number, number] | null = null;
    for (let i = 0; i < lineLength(line); i++) {
      const [r, c] = cellOf(line, i);
      if (!hidden[r]![c] && grid[r]![c]! > 0 && (pick === null || grid[r]![c]! < grid[pick[0]]![pick[1]]!)) pick = [r, c];
    }
    if (!pick) continue;
    const [r, c] = pick;
    hidden[r]![c] = true;
    for (const crossing of [r, rows + 1 + c]) {
      hiddenIn[crossing]! += 1;
      if (hiddenIn[crossing] === 1) waiting.push(crossing);
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
