import { toGraphQLError } from '@finsam/kit/errors';

/**
 * Query-set overlap control: an analyst is not answered a statistic over a set of persons that
 * shares persons with a set one of their earlier statistics covered and differs from it by 1 to
 * MIN_SET_DIFFERENCE - 1 persons (docs/disclosure-control.md).
 *
 * Perturbation hides one person's contribution in a single pair of cells, but an analyst who finds
 * many pairs of queries whose persons differ by exactly the target (periods a month apart, with
 * ever other filters) can average the differences and get the person back. Every such pair has
 * two base sets (a cohort's members, a report group's participants, an agency's consenting
 * members) that overlap and differ by very few persons; refusing the second query of any such
 * pair takes the pairs away, whatever other queries the analyst has asked. Equal sets are
 * answered: they give the same figures (the cell key method), so repeating teaches nothing. Sets
 * with no person in common are answered too: nothing cancels out between them.
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

/** One set of persons a statistic was computed over. */
export interface BaseSet {
  /** Which set of the query it is: `members`, `group <key>`, `members whose consent covers …` */
  label: string;
  persons: ReadonlySet<string>;
  /**
   * Sets of one query with the same value publish the same kinds of figure (a report's total and
   * its groups), so that two of them side by side in one answer are a pair too.
   */
  sameFiguresAs?: string;
}

interface KnownSet {
  at: number;
  /** Sorted, for the merge that compares two sets. */
  persons: string[];
  description: string;
}

/**
 * Sets found by their first MIN_SET_DIFFERENCE persons (in sorted order). If two overlapping sets
 * differ by fewer than that, some person among the first ones of either set is in the other: so a
 * new set need only look up each of its persons here, not compare itself with every set.
 */
class PrefixIndex {
  private readonly sets = new Map<string, KnownSet[]>();

  constructor(private readonly prefix: number) {}

  add(set: KnownSet): void {
    for (const person of set.persons.slice(0, this.prefix)) {
      const list = this.sets.get(person);
      if (list) list.push(set);
      else this.sets.set(person, [set]);
    }
  }

  /** The sets whose first persons include one of `persons`. */
  near(persons: readonly string[]): Set<KnownSet> {
    const found = new Set<KnownSet>();
    for (const person of persons) for (const set of this.sets.get(person) ?? []) found.add(set);
    return found;
  }
}

interface AnalystMemory {
  sets: KnownSet[];
  index: PrefixIndex;
  /** Persons in all of `sets`. */
  held: number;
}

/** The sets each analyst's answered statistics covered, per coordination process. */
export class DifferencingGuard {
  private readonly byAnalyst = new Map<string, AnalystMemory>();

  constructor(private readonly minDifference = MIN_SET_DIFFERENCE, private readonly now = () => Date.now()) {}

  /**
   * Throws FORBIDDEN (reason QUERY_TOO_CLOSE) if a new set is too close to a remembered one or,
   * for sets publishing the same figures, to another set of the same query; otherwise remembers
   * the new sets.
   */
  admit(analyst: string, description: string, sets: readonly BaseSet[]): void {
    const now = this.now();
    const memory = this.memoryOf(analyst, now);
    const fresh = sets.filter((s) => s.persons.size > 0)
      .map((s) => ({ label: s.label, sameFiguresAs: s.sameFiguresAs, known: { at: now, persons: [...s.persons].sort(), description: `${description}, ${s.label}` } }));
    const alongside = new Map<string, PrefixIndex>();
    for (const set of fresh) {
      if (set.sameFiguresAs === undefined) continue;
      const index = alongside.get(set.sameFiguresAs) ?? alongside.set(set.sameFiguresAs, new PrefixIndex(this.minDifference)).get(set.sameFiguresAs)!;
      index.add(set.known);
    }
    const toRemember: KnownSet[] = [];
    for (const set of fresh) {
      const persons = set.known.persons;
      const earlier = [...memory.index.near(persons)].map((known) => ({ known, ...this.compare(known.persons, persons) }));
      // A set already answered gives the same figures again (cell key method): nothing new to compare.
      if (earlier.some((e) => e.difference === 0)) continue;
      const sameAnswer = set.sameFiguresAs === undefined ? [] : [...alongside.get(set.sameFiguresAs)!.near(persons)]
        .filter((known) => known !== set.known).map((known) => ({ known, ...this.compare(known.persons, persons) }));
      const close = [...earlier, ...sameAnswer].find((e) => e.common > 0 && e.difference > 0 && e.difference < this.minDifference);
      if (close) {
        const other = earlier.includes(close) ? `the persons of your earlier query (${close.known.description})` : `this query's ${close.known.description.split(', ').pop()}`;
        throw toGraphQLError({
          code: 'FORBIDDEN', reason: 'QUERY_TOO_CLOSE',
          message: `This query's ${set.label} differs from ${other} by fewer than ${this.minDifference} persons; `
            + 'two such statistics side by side could describe those few persons. Widen the period or drop a filter.',
        });
      }
      toRemember.push(set.known);
    }
    for (const known of toRemember) this.remember(memory, known);
  }

  /** |a △ b| (counted up to the limit only) and whether they have anyone in common. */
  private compare(a: readonly string[], b: readonly string[]): { difference: number; common: number } {
    if (Math.abs(a.length - b.length) >= this.minDifference) return { difference: this.minDifference, common: 1 };
    let i = 0;
    let j = 0;
    let difference = 0;
    let common = 0;
    while ((i < a.length || j < b.length) && difference < this.minDifference) {
      if (j >= b.length || (i < a.length && a[i]! < b[j]!)) { difference += 1; i += 1; }
      else if (i >= a.length || b[j]! < a[i]!) { difference += 1; j += 1; }
      else { common += 1; i += 1; j += 1; }
    }
    return { difference, common };
  }

  private memoryOf(analyst: string, now: number): AnalystMemory {
    const memory = this.byAnalyst.get(analyst);
    if (memory && memory.sets.every((s) => now - s.at < REMEMBERED_MS)) return memory;
    // Some sets are too old (or none yet): rebuild the index from those still remembered.
    const rebuilt: AnalystMemory = { sets: [], index: new PrefixIndex(this.minDifference), held: 0 };
    for (const set of memory?.sets ?? []) if (now - set.at < REMEMBERED_MS) this.remember(rebuilt, set);
    this.byAnalyst.set(analyst, rebuilt);
    return rebuilt;
  }

  private remember(memory: AnalystMemory, set: KnownSet): void {
    memory.sets.push(set);
    memory.index.add(set);
    memory.held += set.persons.length;
    if (memory.held <= MAX_REMEMBERED_PERSONS) return;
    // Bounded memory: the oldest sets go first.
    while (memory.held > MAX_REMEMBERED_PERSONS && memory.sets.length > 1) memory.held -= memory.sets.shift()!.persons.length;
    memory.index = new PrefixIndex(this.minDifference);
    for (const s of memory.sets) memory.index.add(s);
  }
}
