import { describe, expect, it } from 'vitest';
import { DifferencingGuard } from '../src/differencing-guard.ts';

const persons = (from: number, n: number) => new Set(Array.from({ length: n }, (_, i) => `p${String(from + i).padStart(6, '0')}`));

describe('DifferencingGuard', () => {
  it('refuses a set that differs from an earlier one of the same analyst by 1 to 9 persons', () => {
    const guard = new DifferencingGuard();
    guard.admit('analyst-1', 'January to March', [{ label: 'members', persons: persons(0, 200) }]);
    expect(() => guard.admit('analyst-1', 'January to April', [{ label: 'members', persons: persons(0, 201) }])).toThrow(/fewer than 10 persons/);
    expect(() => guard.admit('analyst-1', 'one swapped', [{ label: 'members', persons: new Set([...persons(1, 199), 'q']) }])).toThrow(/QUERY_TOO_CLOSE|fewer than/);
  });

  it('answers the same set again, sets far apart, and other analysts', () => {
    const guard = new DifferencingGuard();
    guard.admit('analyst-1', 'a', [{ label: 'members', persons: persons(0, 200) }]);
    expect(() => guard.admit('analyst-1', 'a again', [{ label: 'members', persons: persons(0, 200) }])).not.toThrow();
    expect(() => guard.admit('analyst-1', 'ten more', [{ label: 'members', persons: persons(0, 210) }])).not.toThrow();
    expect(() => guard.admit('analyst-2', 'one more', [{ label: 'members', persons: persons(0, 201) }])).not.toThrow();
  });

  it('compares every set of a query (groups, consenting members) with every earlier one', () => {
    const guard = new DifferencingGuard();
    guard.admit('analyst-1', 'report', [{ label: 'participants', persons: persons(0, 500) }, { label: 'group X', persons: persons(0, 40) }]);
    expect(() => guard.admit('analyst-1', 'cohort', [{ label: 'members', persons: persons(1000, 300) }, { label: 'consenting', persons: persons(0, 41) }]))
      .toThrow(/consenting differs/);
  });

  it('answers sets with no person in common however small, as the groups of a report are', () => {
    const guard = new DifferencingGuard();
    const groups = Array.from({ length: 50 }, (_, g) => ({ label: `group ${g}`, persons: persons(g * 3, 3), sameFiguresAs: 'report' }));
    expect(() => guard.admit('analyst-1', 'many small groups', groups)).not.toThrow();
    expect(() => guard.admit('analyst-1', 'another small group', [{ label: 'members', persons: persons(1000, 4) }])).not.toThrow();
  });

  it('forgets after 30 days', () => {
    let now = 0;
    const guard = new DifferencingGuard(10, () => now);
    guard.admit('analyst-1', 'a', [{ label: 'members', persons: persons(0, 200) }]);
    now = 31 * 24 * 3600 * 1000;
    expect(() => guard.admit('analyst-1', 'b', [{ label: 'members', persons: persons(0, 201) }])).not.toThrow();
  });
});

describe('DifferencingGuard within one answer', () => {
  it('refuses a report whose total and one group differ by a few persons, not sets that publish other figures', () => {
    const guard = new DifferencingGuard();
    expect(() => guard.admit('analyst-1', 'by sex', [
      { label: 'participants', persons: persons(0, 100), sameFiguresAs: 'report' },
      { label: 'group FEMALE', persons: persons(0, 99), sameFiguresAs: 'report' },
      { label: 'group MALE', persons: persons(99, 1), sameFiguresAs: 'report' },
    ])).toThrow(/differs from this query's/);
    expect(() => guard.admit('analyst-1', 'cohort', [{ label: 'members', persons: persons(0, 100) }, { label: 'consenting', persons: persons(0, 98) }])).not.toThrow();
  });
});
