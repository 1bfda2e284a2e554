import { describe, expect, it } from 'vitest';
import { dateProblem, isIsoDate } from '../src/dates.ts';

describe('dateProblem', () => {
  it('accepts real days, leap days included', () => {
    for (const date of ['2025-01-31', '2024-02-29', '2000-02-29', '2025-12-31']) expect(dateProblem('from', date)).toBeNull();
  });

  it('tells a day that does not exist from a wrong shape, naming the argument', () => {
    expect(dateProblem('validFrom', '2025-02-30')).toBe('validFrom: the date 2025-02-30 does not exist (2025-02 has 28 days).');
    expect(dateProblem('to', '1900-02-29')).toMatch(/^to: .*does not exist \(1900-02 has 28 days\)/);
    expect(dateProblem('from', '2025-13-01')).toMatch(/^from: .*does not exist \(there is no month 13\)/);
    expect(dateProblem('from', '2025-04-00')).toMatch(/does not exist/);
    for (const shape of ['2025-2-3', '20250203', '2025-02-03T00:00', '']) expect(dateProblem('from', shape)).toBe('from is a calendar date written YYYY-MM-DD.');
    expect(isIsoDate('2025-02-30')).toBe(false);
    expect(isIsoDate('2025-02-28')).toBe(true);
  });
});
