import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  MAX_NOISE, NOISE_PROBABILITIES, RecordKeys, addContributor, cellKeyMigrations, emptyTally, loadRecordKeys, noiseFor,
  protectedMedian, protectedShare, publish, publishWithin, suppressionThreshold, type Tally,
} from '../src/disclosure.ts';
import { SeededRandom } from '../src/random.ts';

const keys = new RecordKeys(Buffer.alloc(32, 7));
const persons = (from: number, n: number) => Array.from({ length: n }, (_, i) => `19800101${String(from + i).padStart(4, '0')}`);

describe('cell key perturbation', () => {
  it('publishes a true zero as 0, never a count from 1 to 4, never a negative one, and stays within ±3', () => {
    expect(publish(emptyTally())).toEqual({ value: 0, suppressed: false });
    const random = new SeededRandom(3);
    for (let i = 0; i < 20_000; i++) {
      const count = 1 + Math.floor(random.next() * 60);
      const tally: Tally = { count, key: Math.floor(random.next() * 2 ** 32) };
      const cell = publish(tally);
      if (cell.suppressed) {
        expect(cell.value).toBeNull();
        expect(count).toBeLessThanOrEqual(4 + MAX_NOISE);
      } else {
        expect(cell.value).toBeGreaterThan(4);
        expect(Math.abs(cell.value! - count)).toBeLessThanOrEqual(MAX_NOISE);
      }
    }
  });

  it('gives the same figure for the same persons, however the cell was reached', () => {
    const a = keys.tally(persons(0, 37));
    const b = keys.tally([...persons(0, 37)].reverse());
    expect(b).toEqual(a);
    expect(publish(b)).toEqual(publish(a));
  });

  it('draws noise from the published table: symmetric, mean zero, 40 % exact', () => {
    const random = new SeededRandom(11);
    const seen = NOISE_PROBABILITIES.map(() => 0);
    const n = 50_000;
    for (let i = 0; i < n; i++) seen[noiseFor({ count: 20 + (i % 50), key: Math.floor(random.next() * 2 ** 32) }) + MAX_NOISE]! += 1;
    seen.forEach((s, i) => expect(Math.abs(s / n - NOISE_PROBABILITIES[i]!)).toBeLessThan(0.01));
    const mean = seen.reduce((sum, s, i) => sum + s * (i - MAX_NOISE), 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
  });

  it('makes the difference of two cells that differ by one person say little about that person', () => {
    // Cohort B, and A = B plus the target; the target is in the category or not. The analyst
    // sees publish(A) - publish(B) and guesses "in" when it is positive.
    const random = new SeededRandom(5);
    let right = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const b = keys.tally(persons(i * 100, 20 + Math.floor(random.next() * 40)));
      const inCategory = random.next() < 0.5;
      const a = inCategory ? addContributor({ ...b }, keys.of(`target-${i}`)) : b;
      const difference = publish(a).value! - publish(b).value!;
      // The best rule for equal priors: "in" when the difference is positive, a coin at zero.
      const guess = difference > 0 || (difference === 0 && random.next() < 0.5);
      if (guess === inCategory) right += 1;
    }
    // Exact counts would give 100 %; the noise leaves the guess close to a coin (about 0.62).
    expect(right / trials).toBeLessThan(0.68);
  });

  it('gives each store its own record keys: one store cannot compute another\'s noise', () => {
    const other = new RecordKeys(randomBytes(32));
    const people = persons(0, 200);
    const same = people.filter((p) => other.of(p) === keys.of(p)).length;
    expect(same).toBe(0);
    expect(() => new RecordKeys(Buffer.alloc(8))).toThrow(/32 bytes/);
  });
});

describe('what is published beside a count', () => {
  it('publishes no category under a hidden total', () => {
    const categories = [keys.tally(persons(0, 30)), emptyTally(), keys.tally(persons(30, 10))];
    expect(publishWithin(keys.tally(persons(0, 3)), categories).every((c) => c.suppressed)).toBe(true);
    // A table published under 10 shows no category either: its zeros would describe a handful.
    for (let n = 5; n <= 9; n++) {
      const small = keys.tally(persons(500, n));
      if (publish(small).value! < 10) expect(publishWithin(small, [small, emptyTally()]).every((c) => c.suppressed)).toBe(true);
    }
    expect(publishWithin(keys.tally(persons(0, 40)), categories)[1]).toEqual({ value: 0, suppressed: false });
  });

  it('changes every category of a table when one person joins it, so the one that moved does not name the person\'s', () => {
    // Table B, and A = B plus the target, who is in category 0 of 4. With each category keyed by
    // its own persons only, categories 1-3 would come back identical and category 0 alone move.
    const random = new SeededRandom(9);
    let identicalOthers = 0;
    let namedByLargestRise = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const groups = [0, 1, 2, 3].map((g) => persons(i * 1000 + g * 100, 10 + Math.floor(random.next() * 30)));
      const target = `target-${i}`;
      const b = groups.map((g) => keys.tally(g));
      const a = groups.map((g, c) => keys.tally(c === 0 ? [...g, target] : g));
      const before = publishWithin(keys.tally(groups.flat()), b);
      const after = publishWithin(keys.tally([...groups.flat(), target]), a);
      if ([1, 2, 3].every((c) => after[c]!.value === before[c]!.value)) identicalOthers += 1;
      const rises = after.map((cell, c) => cell.value! - before[c]!.value!);
      const largest = [0, 1, 2, 3].filter((c) => rises[c] === Math.max(...rises));
      if (largest[Math.floor(random.next() * largest.length)] === 0) namedByLargestRise += 1;
    }
    expect(identicalOthers / trials).toBeLessThan(0.1);
    // A guess among four is right a quarter of the time; the rise of one person lifts that a little.
    expect(namedByLargestRise / trials).toBeLessThan(0.45);
  });

  it('takes medians over ten or more only, rounded to ten days; shares from published counts', () => {
    expect(protectedMedian([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeNull();
    expect(protectedMedian([101, 102, 103, 104, 125, 126, 127, 128, 129, 130])).toBe(130);
    expect(protectedShare({ value: 10, suppressed: false }, { value: 40, suppressed: false })).toBe(0.25);
    expect(protectedShare({ value: null, suppressed: true }, { value: 40, suppressed: false })).toBeNull();
  });
});

describe('suppressionThreshold', () => {
  it('is 4 unless SUPPRESSION_THRESHOLD says otherwise, and never turns suppression off', () => {
    expect(suppressionThreshold({})).toBe(4);
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: '9' })).toBe(9);
    expect(() => suppressionThreshold({ SUPPRESSION_THRESHOLD: '0' })).toThrow(/1 or more/);
    expect(() => suppressionThreshold({ SUPPRESSION_THRESHOLD: 'four' })).toThrow(/whole number/);
    // A threshold of 9 hides what 4 would publish.
    expect(publish({ count: 7, key: 0 }, 9).suppressed).toBe(true);
  });
});

describe('the edges of what is published', () => {
  /** The first table of n persons (over successive groups of persons) whose published size is exactly `size`. */
  const tableOfPublishedSize = (size: number): string[] => {
    for (let start = 0; start < 100_000; start += 100) {
      for (let n = size - MAX_NOISE; n <= size + MAX_NOISE; n++) {
        const people = persons(start, n);
        if (publish(keys.tally(people)).value === size) return people;
      }
    }
    throw new Error(`no table published at ${size}`);
  };

  it('shows the categories of a table published at 10, and none of one published at 9', () => {
    const ten = tableOfPublishedSize(10);
    const shown = publishWithin(keys.tally(ten), [keys.tally(ten), emptyTally()]);
    expect(shown[1]).toEqual({ value: 0, suppressed: false });
    const nine = tableOfPublishedSize(9);
    expect(publishWithin(keys.tally(nine), [keys.tally(nine), emptyTally()])).toEqual([{ value: null, suppressed: true }, { value: null, suppressed: true }]);
  });

  it('never publishes a category as 1 to the threshold, however large its table, and applies a raised threshold to categories too', () => {
    const table = keys.tally(persons(0, 400));
    let suppressed = 0;
    for (let n = 1; n <= 8; n++) {
      for (let start = 0; start < 5000; start += 100) {
        const [cell] = publishWithin(table, [keys.tally(persons(start, n))]);
        if (cell!.suppressed) suppressed += 1;
        else expect(cell!.value! > 4 && Math.abs(cell!.value! - n) <= MAX_NOISE).toBe(true);
        const [raised] = publishWithin(table, [keys.tally(persons(start, n + 8))], 12);
        expect(raised!.suppressed || raised!.value! > 12).toBe(true);
      }
    }
    // A true 1 is always withheld (1 + 3 is still 4); the table is not withholding everything.
    expect(suppressed).toBeGreaterThan(50);
    expect(suppressed).toBeLessThan(8 * 50);
  });

  it('gives no share over a withheld or empty whole, and none above 1', () => {
    expect(protectedShare({ value: 10, suppressed: false }, { value: null, suppressed: true })).toBeNull();
    expect(protectedShare({ value: 0, suppressed: false }, { value: 0, suppressed: false })).toBeNull();
    // Noise may publish the part above the whole: the share says all, not more.
    expect(protectedShare({ value: 12, suppressed: false }, { value: 11, suppressed: false })).toBe(1);
  });

  it('takes the median over exactly ten', () => {
    expect(protectedMedian([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toBe(60);
  });
});

describe('a store\'s record keys', () => {
  const memoryStore = async () => {
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => cellKeyMigrations } }).migrateToLatest();
    if (error) throw error;
    return db;
  };

  it('are the same at every start of the store (asking again after a restart teaches nothing), and another store\'s differ', async () => {
    const store = await memoryStore();
    const people = persons(0, 50);
    const first = await loadRecordKeys(store);
    const again = await loadRecordKeys(store);
    expect(people.map((p) => again.of(p))).toEqual(people.map((p) => first.of(p)));
    expect(publish(again.tally(people))).toEqual(publish(first.tally(people)));
    const other = await loadRecordKeys(await memoryStore());
    expect(people.filter((p) => other.of(p) === first.of(p))).toEqual([]);
    await store.destroy();
  });

  it('are one secret when two processes start on an empty store at once', async () => {
    const store = await memoryStore();
    const [a, b] = await Promise.all([loadRecordKeys(store), loadRecordKeys(store)]);
    expect(b.of('198001011001')).toBe(a.of('198001011001'));
    expect((await store.selectFrom('cell_key_secret').selectAll().execute()).length).toBe(1);
    await store.destroy();
  });
});
