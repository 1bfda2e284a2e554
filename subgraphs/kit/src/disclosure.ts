import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { intFromEnv } from './config.ts';
import type { Migrations } from './database.ts';

/**
 * Disclosure control for statistics about persons: the cell key method (docs/disclosure-control.md).
 *
 * Exact counts cannot be published to ad hoc queries: two cohorts that differ by one person give
 * that person's categories back by subtraction, however large the counts are. So every count an
 * analyst sees is perturbed, consistently:
 * - each person has a fixed secret record key per store (an HMAC of the personnummer under a
 *   secret that never leaves the store), so no other party can compute or undo the noise;
 * - a cell's key is the sum of its contributors' record keys (mixed, for a category, with its
 *   table's), and its noise, from -3 to +3, is looked up by (cell key, true count): the same
 *   contributors always give the same figure, so asking again, or asking another way for the same
 *   persons, teaches nothing new;
 * - a true zero is published as 0, and a perturbed count below PUBLICATION_MINIMUM as suppressed,
 *   so no figure from 1 to 4 and none negative is ever published.
 * Differencing two cells then yields the difference plus the difference of two independent noises
 * (standard deviation about 1.9), which hides whether one person is in a category.
 */
export interface ProtectedCount {
  /** The count as published (perturbed), or null when suppressed. */
  value: number | null;
  suppressed: boolean;
}

/** A cell before publication: its true count and the sum of its contributors' record keys (mod 2^32). */
export interface Tally {
  count: number;
  key: number;
}

export const emptyTally = (): Tally => ({ count: 0, key: 0 });

/** Adds one contributor (a person, or one of a person's participations) to a cell. */
export function addContributor(tally: Tally, recordKey: number): Tally {
  tally.count += 1;
  tally.key = (tally.key + recordKey) >>> 0;
  return tally;
}

/**
 * The largest count never published: SUPPRESSION_THRESHOLD, 4 unless set (SCB's and
 * Socialstyrelsen's rule: no counts from 1 to 4). Below 1 nothing would be withheld, so such a
 * setting stops the process.
 */
export function suppressionThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const threshold = intFromEnv('SUPPRESSION_THRESHOLD', 4, env);
  if (threshold < 1) throw new Error('SUPPRESSION_THRESHOLD must be 1 or more: counts from 1 to it are suppressed');
  return threshold;
}

export const DEFAULT_THRESHOLD = suppressionThreshold();

/** The largest noise added to or taken from a count. */
export const MAX_NOISE = 3;

/**
 * The perturbation table: the probability of each noise from -3 to +3. Symmetric, so published
 * counts are unbiased; 40 % of cells are exact, and the mean absolute change is 0.92 (under 5 %
 * of any count of 20 or more).
 */
export const NOISE_PROBABILITIES = [0.04, 0.08, 0.18, 0.40, 0.18, 0.08, 0.04] as const;
const NOISE_CUMULATIVE = NOISE_PROBABILITIES.map((_, i) => NOISE_PROBABILITIES.slice(0, i + 1).reduce((a, b) => a + b, 0));

/** murmur3's finaliser: spreads the cell key and the count over 32 bits before the table look-up. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The noise for a cell: a pure function of its key and true count. */
export function noiseFor(tally: Tally): number {
  const u = mix((tally.key ^ mix(tally.count + 0x9e3779b9)) >>> 0) / 2 ** 32;
  const index = NOISE_CUMULATIVE.findIndex((c) => u < c);
  return (index < 0 ? NOISE_PROBABILITIES.length - 1 : index) - MAX_NOISE;
}

const SUPPRESSED: ProtectedCount = { value: null, suppressed: true };

/** A cell as published: 0 for a true zero, suppressed below the minimum, else the perturbed count. */
export function publish(tally: Tally, threshold = DEFAULT_THRESHOLD): ProtectedCount {
  if (tally.count === 0) return { value: 0, suppressed: false };
  const value = tally.count + noiseFor(tally);
  return value <= threshold ? SUPPRESSED : { value, suppressed: false };
}

/**
 * The categories of a table (a group, a cohort's members at an agency) as published. Each
 * category's noise is looked up with its own key mixed with the table's: with its own key alone,
 * two tables that differ by one person would publish every category that person is not in
 * identically, and the one that moved would name the person's category. The categories of a
 * table whose own total is withheld, or under 10, are withheld too: next to it, a 0 would tell.
 */
export function publishWithin(table: Tally, categories: readonly Tally[], threshold = DEFAULT_THRESHOLD): ProtectedCount[] {
  const total = publish(table, threshold);
  // In a small table a 0 says that none of a handful of persons has the category: such a table
  // (by its published size, so that withholding tells nothing more) shows no category at all.
  if (total.suppressed || total.value! < MIN_TABLE_FOR_CATEGORIES) return categories.map(() => SUPPRESSED);
  const tableKey = mix((table.key ^ mix(table.count + 0x7f4a7c15)) >>> 0);
  return categories.map((c) => publish({ count: c.count, key: (c.key ^ tableKey) >>> 0 }, threshold));
}

/** The smallest published table size under which categories are shown. */
export const MIN_TABLE_FOR_CATEGORIES = 10;

/** Medians and durations are published only over groups of at least this many persons, rounded. */
export const MIN_GROUP_FOR_MEDIAN = 10;
export const MEDIAN_ROUNDING_DAYS = 10;

/** The median of a group's values, rounded to ten days, or null for a group under MIN_GROUP_FOR_MEDIAN. */
export function protectedMedian(values: readonly number[]): number | null {
  if (values.length < MIN_GROUP_FOR_MEDIAN) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! / MEDIAN_ROUNDING_DAYS) * MEDIAN_ROUNDING_DAYS;
}

/** A share from two published counts, never from true ones; null when either is withheld or the base is 0. */
export function protectedShare(part: ProtectedCount, whole: ProtectedCount): number | null {
  if (part.suppressed || whole.suppressed || !whole.value) return null;
  return Math.min(1, part.value! / whole.value);
}

/**
 * One store's record keys: a fixed random 32-bit key per person, derived from the store's own
 * secret, so that a person's key is the same in every query and unknown outside the store.
 */
export class RecordKeys {
  private readonly keys = new Map<string, number>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('A record-key secret needs at least 32 bytes');
  }

  of(personnummer: string): number {
    let key = this.keys.get(personnummer);
    if (key === undefined) {
      key = createHmac('sha256', this.secret).update(personnummer).digest().readUInt32BE(0);
      this.keys.set(personnummer, key);
    }
    return key;
  }

  /** The tally of a set of persons (each counted once). */
  tally(personnummer: Iterable<string>): Tally {
    const t = emptyTally();
    for (const p of personnummer) addContributor(t, this.of(p));
    return t;
  }
}

interface CellKeyDb {
  cell_key_secret: { id: number; secret: string };
}

/** Every store keeps its record-key secret in its own database, beside the data it protects. */
export const cellKeyMigrations: Migrations = {
  '0002_cell_key_secret': {
    async up(db) {
      await db.schema.createTable('cell_key_secret')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/** The store's record keys: its secret, made at first start (random, 32 bytes) and kept from then on. */
export async function loadRecordKeys(db: Kysely<any>): Promise<RecordKeys> {
  const store = db as Kysely<CellKeyDb>;
  // Two processes starting on one empty store race here; the primary key lets only one secret in.
  await store.insertInto('cell_key_secret').values({ id: 1, secret: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('id').doNothing()).execute();
  const row = await store.selectFrom('cell_key_secret').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return new RecordKeys(Buffer.from(row.secret, 'base64'));
}
