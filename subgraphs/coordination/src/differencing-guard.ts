import { GraphQLError } from 'graphql';

/**
 * Query-set overlap control: an analyst is not answered a statistic over a set of persons that
 * differs from a set one of their earlier statistics covered by 1 to MIN_SET_DIFFERENCE - 1
 * persons (docs/disclosure-control.md).
 *
 * Perturbation hides one person's contribution in a single pair of cells, but an analyst who finds
 * many pairs of queries whose persons differ by exactly the target (periods a month apart, with
 * ever other filters) can average the differences and get the person back. Every such pair has
 * two base sets (a cohort's members, a report group's participants, an agency's consenting
 * members) that differ by very few persons; refusing the second query of any such pair takes the
 * pairs away, whatever other queries the analyst has asked. Equal sets are answered: they give the
 * same figures (the cell key method), so repeating teaches nothing.
 */
export const MIN_SET_DIFFERENCE = 10;

/** How long an analyst's earlier sets are remembered: the query budget's window. */
export const REMEMBERED_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Persons remembered per analyst (references into the snapshot, about 8 bytes each): a few
 * hundred reports at a 100,000-person seed. Past it the oldest sets are forgotten, which the
 * query budget makes slow to exploit.
 */
export const MAX_REMEMBERED_PERSONS = 5_000_000;

/** One set of persons a statistic was computed over, as this module remembers it. */
export interface BaseSet {
  /** Which set of the query it is: `members`, `group:<key>`, `consenting:<agency>`, … */
  label: string;
  persons: ReadonlySet<string>;
  /**
   * Whether the set publishes the same kinds of figure as the query's other sets of this kind (a
   * report's total and its groups), so that two of them side by side in one answer are a pair too.
   */
  sameFiguresAs?: string;
}

interface Remembered {
  at: number;
  /** Sorted, for the merge that counts the difference. */
  persons: string[];
  description: string;
}

/** The sets each analyst's answered statistics covered, per coordination process. */
export class DifferencingGuard {
  private readonly byAnalyst = new Map<string, Remembered[]>();

  constructor(private readonly minDifference = MIN_SET_DIFFERENCE, private readonly now = () => Date.now()) {}

  /**
   * Throws FORBIDDEN (reason QUERY_TOO_CLOSE) if any of the new sets differs from a remembered
   * one by 1 to minDifference - 1 persons; otherwise remembers the new sets.
   */
  admit(analyst: string, description: string, sets: readonly BaseSet[]): void {
    const now = this.now();
    const remembered = (this.byAnalyst.get(analyst) ?? []).filter((r) => now - r.at < REMEMBERED_MS);
    const toRemember: Remembered[] = [];
    for (const set of sets) {
      if (set.persons.size === 0) continue;
      const persons = [...set.persons].sort();
      const near = remembered.filter((r) => Math.abs(r.persons.length - persons.length) < this.minDifference)
        .map((earlier) => ({ earlier, difference: symmetricDifference(earlier.persons, persons, this.minDifference) }));
      // A set already answered gives the same figures again (cell key method): nothing new to compare.
      if (near.some((n) => n.difference === 0)) continue;
      const alongside = set.sameFiguresAs === undefined ? [] : sets
        .filter((other) => other !== set && other.sameFiguresAs === set.sameFiguresAs && Math.abs(other.persons.size - persons.length) < this.minDifference)
        .map((other) => ({ earlier: { description: `this query's ${other.label}`, persons: [...other.persons].sort(), at: now }, difference: 0 }))
        .map((n) => ({ ...n, difference: symmetricDifference(n.earlier.persons, persons, this.minDifference) }))
        .filter((n) => n.difference > 0);
      const close = [...near, ...alongside].find((n) => n.difference < this.minDifference);
      if (close) {
        throw new GraphQLError(
          `This query's ${set.label} differs from the persons of ${close.earlier.description.startsWith('this query') ? close.earlier.description : `your earlier query (${close.earlier.description})`} by fewer than ${this.minDifference} persons; `
          + 'two such statistics side by side could describe those few persons. Widen the period or drop a filter.',
          { extensions: { code: 'FORBIDDEN', reason: 'QUERY_TOO_CLOSE' } },
        );
      }
      // Sets of one query are published together, so they are compared only with earlier queries'.
      if (!toRemember.some((r) => r.persons.length === persons.length && symmetricDifference(r.persons, persons, 1) === 0)) {
        toRemember.push({ at: now, persons, description: `${description}, ${set.label}` });
      }
    }
    remembered.push(...toRemember);
    // Bounded memory: the oldest sets go first once an analyst's sets hold too many persons.
    let held = remembered.reduce((n, r) => n + r.persons.length, 0);
    while (held > MAX_REMEMBERED_PERSONS && remembered.length > 1) held -= remembered.shift()!.persons.length;
    this.byAnalyst.set(analyst, remembered);
  }
}

/** |a △ b| for two sorted lists, counting only up to `limit` (the caller needs no more). */
function symmetricDifference(a: readonly string[], b: readonly string[], limit: number): number {
  let i = 0;
  let j = 0;
  let difference = 0;
  while ((i < a.length || j < b.length) && difference < limit) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) { difference += 1; i += 1; }
    else if (i >= a.length || b[j]! < a[i]!) { difference += 1; j += 1; }
    else { i += 1; j += 1; }
  }
  return difference;
}
