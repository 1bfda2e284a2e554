import { describe, expect, it } from 'vitest';
import { ExpiringCache } from '../src/expiring-cache.ts';

describe('ExpiringCache', () => {
  it('holds what is still live and forgets what has expired', () => {
    let now = 0;
    const cache = new ExpiringCache<string>(() => now);
    cache.set('a', 'A', 1_000);
    expect(cache.get('a')).toBe('A');
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
  });

  /**
   * The soak (docs/performance.md, "Soak"): agencies keep each verified release basis, and a
   * basis is one request's, for its minute of life. Keys that are never asked for again must
   * not stay until the cache is full: it would then hold up to its capacity of dead entries
   * (10,000 release bases, each its signed token) however few are live.
   */
  it('does not keep expired entries that are never asked for again, with distinct keys set steadily', () => {
    let now = 0;
    const cache = new ExpiringCache<string>(() => now);
    const lifeMs = 60_000;
    const everyMs = 50;
    // 20 requests a second for 6 minutes: 1,200 bases live at any moment, 7,200 in all.
    for (let i = 0; i < 7_200; i++) {
      cache.set(`basis-${i}`, 'claims', now + lifeMs);
      now += everyMs;
    }
    const live = lifeMs / everyMs;
    // At most the live ones and those that expired since the last sweep (another minute's worth).
    expect(cache.size).toBeLessThanOrEqual(2 * live + 1);
  });

  it('keeps the bound when every entry is live', () => {
    let now = 0;
    const cache = new ExpiringCache<number>(() => now, 100);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, i, 1_000_000);
    expect(cache.size).toBeLessThanOrEqual(100);
  });
});
