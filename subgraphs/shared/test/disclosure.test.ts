import { describe, expect, it } from 'vitest';
import { protectTable, protectTablesSharingRows, suppressionThreshold, type ProtectedTable } from '../src/disclosure.ts';
import { SeededRandom } from '../src/random.ts';

const published = (t: ProtectedTable) => [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.total];

/** Every row and column with its total, as a reader would add them up. */
function lines(t: ProtectedTable) {
  const rows = t.cells.map((row, r) => [...row, t.rowTotals[r]!]);
  const columns = [...t.columnTotals.keys()].map((c) => [...t.cells.map((row) => row[c]!), t.columnTotals[c]!]);
  return [...rows, [...t.columnTotals, t.total], ...columns, [...t.rowTotals, t.total]];
}

describe('protectTable', () => {
  it('hides counts from 1 to 4 and keeps zeros and larger counts', () => {
    const t = protectTable([[0, 5, 12], [7, 9, 30]]);
    expect(published(t).map((c) => c.value)).toEqual([0, 5, 12, 7, 9, 30, 17, 46, 7, 14, 42, 63]);
    const small = protectTable([[3, 20, 30], [10, 20, 30]]);
    expect(small.cells[0]![0]).toEqual({ value: null, suppressed: true });
  });

  it('hides a second value in a line so that the first cannot be worked out from the total', () => {
    const t = protectTable([[3, 20, 30], [10, 20, 30]]);
    expect(lines(t).every((line) => line.filter((c) => c.suppressed).length !== 1)).toBe(true);
    // Row 0 must hide one more than the 3; the smallest other (20) is chosen.
    expect(t.cells[0]!.filter((c) => c.suppressed)).toHaveLength(2);
  });

  it('hides a value that mends two lines at once rather than the smallest, so fewer figures are lost', () => {
    // The 3 and the 2 share a row and each needs a partner in its column. Two partners that
    // share a row mend both columns and that row: four hidden values, the two rows 2 × 2. The
    // smallest partner in each column (10, then 13) starts a chain that hides seven.
    const t = protectTable([[20, 13, 7], [10, 17, 19], [3, 2, 13]]);
    expect(published(t).filter((c) => c.suppressed)).toHaveLength(4);
    const hiddenRows = t.cells.map((row) => row.filter((c) => c.suppressed).length);
    expect(hiddenRows.filter((n) => n === 2)).toHaveLength(2);
    expect(t.cells[2]!.map((c) => c.suppressed)).toEqual([true, true, false]);
    expect(lines(t).every((line) => line.filter((c) => c.suppressed).length !== 1)).toBe(true);
  });

  it('hides the whole line when its total is itself small', () => {
    const t = protectTable([[1, 2], [0, 0]]);
    expect(t.total.suppressed).toBe(true);
    expect(t.rowTotals[0]!.suppressed).toBe(true);
  });

  it('never publishes 1–4 and never leaves a line with one hidden value, over 500 random tables', () => {
    const rng = new SeededRandom(42);
    for (let n = 0; n < 500; n++) {
      const columns = rng.int(1, 5);
      const counts = Array.from({ length: rng.int(1, 5) }, () => Array.from({ length: columns }, () => (rng.chance(0.3) ? rng.int(0, 4) : rng.int(0, 40))));
      const t = protectTable(counts);
      for (const cell of published(t)) expect(cell.suppressed || cell.value === 0 || cell.value! > 4, JSON.stringify(counts)).toBe(true);
      for (const line of lines(t)) expect(line.filter((c) => c.suppressed).length, JSON.stringify(counts)).not.toBe(1);
      for (const [r, row] of t.cells.entries()) for (const [c, cell] of row.entries()) if (!cell.suppressed) expect(cell.value).toBe(counts[r]![c]);
    }
  });
});

describe('suppressionThreshold', () => {
  it('is 4 unless SUPPRESSION_THRESHOLD says otherwise, and never turns suppression off', () => {
    expect(suppressionThreshold({})).toBe(4);
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: '9' })).toBe(9);
    expect(() => suppressionThreshold({ SUPPRESSION_THRESHOLD: '0' })).toThrow(/1 or more/);
    expect(() => suppressionThreshold({ SUPPRESSION_THRESHOLD: 'four' })).toThrow(/whole number/);
    // A threshold of 9 hides what 4 would publish.
    expect(protectTable([[7, 30], [20, 30]], 9).cells[0]![0]!.suppressed).toBe(true);
  });
});

describe('protectTablesSharingRows', () => {
  it('hides a row total in every table when one table hides it, so no table gives it back', () => {
    // Alone, the first table hides the small total of row 0 and, as its complement, the total of
    // row 1; the second (one member in two interventions) would publish both.
    const byMunicipality = [[2, 0], [10, 20], [30, 40]];
    const byIntervention = [[6], [30], [70]];
    expect(protectTable(byIntervention).rowTotals.every((t) => !t.suppressed)).toBe(true);
    const [first, second] = protectTablesSharingRows([byMunicipality, byIntervention]);
    expect(second!.rowTotals.map((t) => t.suppressed)).toEqual(first!.rowTotals.map((t) => t.suppressed));
    expect(first!.rowTotals.map((t) => t.suppressed)).toEqual([true, true, false]);
  });

  it('keeps both tables protected and their row totals hidden alike, over 300 random pairs', () => {
    const rng = new SeededRandom(7);
    for (let n = 0; n < 300; n++) {
      const rows = rng.int(1, 6);
      const cell = () => (rng.chance(0.4) ? rng.int(0, 4) : rng.int(0, 30));
      const table = (width: number) => Array.from({ length: rows }, () => Array.from({ length: width }, cell));
      const tableA = table(rng.int(1, 4));
      const b = table(rng.int(1, 4));
      const [pa, pb] = protectTablesSharingRows([tableA, b]);
      for (const t of [pa!, pb!]) {
        for (const line of lines(t)) expect(line.filter((c) => c.suppressed).length, JSON.stringify([tableA, b])).not.toBe(1);
        for (const c of published(t)) expect(c.suppressed || c.value === 0 || c.value! > 4).toBe(true);
      }
      for (let r = 0; r < rows; r++) {
        const hiddenA = pa!.rowTotals[r]!.suppressed;
        const hiddenB = pb!.rowTotals[r]!.suppressed;
        // A zero total is never hidden (there is nothing to protect); otherwise both tables agree.
        if (pa!.rowTotals[r]!.value !== 0 && pb!.rowTotals[r]!.value !== 0) expect(hiddenA, JSON.stringify([tableA, b])).toBe(hiddenB);
      }
    }
  });
});
