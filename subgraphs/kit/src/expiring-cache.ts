/**
 * Values that hold until a moment, such as a verified token until it expires. Bounded: when
 * full, expired entries go, and if every entry is still live the lot goes, which only costs
 * each one being worked out again.
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly capacity = 10_000) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, expiresAt: number): void {
    if (this.entries.size >= this.capacity) {
      const now = this.now();
      for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
      if (this.entries.size >= this.capacity) this.entries.clear();
    }
    this.entries.set(key, { value, expiresAt });
  }

  /** Forgets the key if it still holds this value (a failed computation must not stay). */
  delete(key: string, value: T): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}
