/** How often a cache drops its expired entries as it is written to. */
const SWEEP_EVERY_MS = 30_000;

/**
 * Values that hold until a moment, such as a verified token until it expires. Bounded: when
 * full, expired entries go, and if every entry is still live the lot goes, which only costs
 * each one being worked out again. Expired entries also go every SWEEP_EVERY_MS as it is
 * written to: keys that are never asked for again (a release basis is one request's) would
 * otherwise stay until the cache is full, thousands of dead entries however few are live (the
 * soak, docs/performance.md).
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private nextSweepAt: number;

  constructor(private readonly now: () => number = Date.now, private readonly capacity = 10_000) {
    this.nextSweepAt = now() + SWEEP_EVERY_MS;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, expiresAt: number): void {
    const now = this.now();
    if (this.entries.size >= this.capacity || now >= this.nextSweepAt) {
      for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
      this.nextSweepAt = now + SWEEP_EVERY_MS;
      if (this.entries.size >= this.capacity) this.entries.clear();
    }
    this.entries.set(key, { value, expiresAt });
  }

  /** Forgets the key if it still holds this value (a failed computation must not stay). */
  delete(key: string, value: T): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

/**
 * A value read at most once per `maxAgeMs`: the last read is reused until it is that old (dated
 * from when the read began, so what is returned is never older), and callers arriving while a
 * read runs share it. A read that fails is not kept: its callers get the failure, the next caller
 * reads again.
 */
export function sharedRead<T>(read: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { value: T; at: number } | null = null;
  let inFlight: Promise<T> | null = null;
  return () => {
    if (last && now() - last.at < maxAgeMs) return Promise.resolve(last.value);
    const startedAt = now();
    inFlight ??= read()
      .then((value) => {
        last = { value, at: startedAt };
        return value;
      })
      .finally(() => { inFlight = null; });
    return inFlight;
  };
}
