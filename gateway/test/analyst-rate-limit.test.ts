import { describe, expect, it } from 'vitest';
import { AnalystRateLimit, analystRateLimitSettings } from '../src/analyst-rate-limit.ts';
import type { AuthenticatedUser } from '../src/authentication.ts';

const analyst = (id: string): AuthenticatedUser => ({ id, role: 'analyst', purpose: 'STATISTICS' });
const coordinator: AuthenticatedUser = { id: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION' };

describe('analyst rate limit', () => {
  it('reads its settings from the env: 30 a minute, 2 in flight per analyst and 2 in all, a fifth of each second in all by default', () => {
    expect(analystRateLimitSettings({})).toEqual({ requestsPerMinute: 30, concurrentRequests: 2, concurrentRequestsTotal: 2, msPerSecondTotal: 200 });
    expect(analystRateLimitSettings({ ANALYST_REQUESTS_PER_MINUTE: '6', ANALYST_CONCURRENT_REQUESTS: '1', ANALYST_CONCURRENT_REQUESTS_TOTAL: '3', ANALYST_MS_PER_SECOND_TOTAL: '500' }))
      .toEqual({ requestsPerMinute: 6, concurrentRequests: 1, concurrentRequestsTotal: 3, msPerSecondTotal: 500 });
  });

  it('refuses a third request in flight of one analyst until one is answered, and no one else', () => {
    const limit = new AnalystRateLimit({ requestsPerMinute: 100, concurrentRequests: 2, concurrentRequestsTotal: 100, msPerSecondTotal: 1000 }, { now: () => 0 });
    const first = limit.admit(analyst('a'));
    const second = limit.admit(analyst('a'));
    expect(first.ok && second.ok).toBe(true);
    const third = limit.admit(analyst('a'));
    expect(third).toMatchObject({ ok: false, refusal: { status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '1' } } });
    expect(limit.admit(analyst('b')).ok).toBe(true);
    for (let i = 0; i < 200; i++) expect(limit.admit(coordinator).ok).toBe(true);
    // Answered: released (the HTTP front calls it once the request is answered, plugins/use-analyst-rate-limit.ts).
    if (first.ok) first.value();
    expect(limit.admit(analyst('a')).ok).toBe(true);
  });

  it('holds a minute\'s worth of requests per analyst and refills continuously', () => {
    let now = 0;
    const limit = new AnalystRateLimit({ requestsPerMinute: 6, concurrentRequests: 100, concurrentRequestsTotal: 100, msPerSecondTotal: 1000 }, { now: () => now });
    for (let i = 0; i < 6; i++) expect(limit.admit(analyst('a')).ok).toBe(true);
    const refused = limit.admit(analyst('a'));
    expect(refused).toMatchObject({ ok: false, refusal: { status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '10' } } });
    expect(!refused.ok && refused.refusal.message).toContain('6 requests per minute');
    now += 9_999;
    expect(limit.admit(analyst('a')).ok).toBe(false);
    now += 1;
    expect(limit.admit(analyst('a')).ok).toBe(true);
    expect(limit.admit(analyst('b')).ok).toBe(true);
  });

  it('holds all analysts together to a total in flight, and coordinators not at all', () => {
    const limit = new AnalystRateLimit({ requestsPerMinute: 100, concurrentRequests: 2, concurrentRequestsTotal: 3, msPerSecondTotal: 1000 }, { now: () => 0 });
    expect(limit.admit(analyst('a')).ok).toBe(true);
    expect(limit.admit(analyst('b')).ok).toBe(true);
    expect(limit.admit(analyst('c')).ok).toBe(true);
    const fourth = limit.admit(analyst('d'));
    expect(fourth).toMatchObject({ ok: false, refusal: { status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '1' } } });
    expect(limit.admit(coordinator).ok).toBe(true);
  });

  it('lets analysts\' answers together take at most their share of each second, measured by how long they took', () => {
    let now = 0;
    const limit = new AnalystRateLimit({ requestsPerMinute: 1000, concurrentRequests: 2, concurrentRequestsTotal: 2, msPerSecondTotal: 200 }, { now: () => now });
    // Cheap answers pass: ten of 20 ms in one second are exactly the share.
    for (let i = 0; i < 10; i++) {
      const admitted = limit.admit(analyst(`a${i}`));
      now += 20;
      if (admitted.ok) admitted.value();
      else throw new Error(`answer ${i} refused`);
    }
    // A slow answer (the cores are busy: 1.5 s) spends the next seconds' share: analysts wait, whoever they are.
    const slow = limit.admit(analyst('b'));
    expect(slow.ok).toBe(true);
    now += 1_500;
    if (slow.ok) slow.value();
    const refused = limit.admit(analyst('c'));
    expect(refused).toMatchObject({ ok: false, refusal: { status: 429, code: 'RATE_LIMITED', headers: { 'retry-after': '6' } } });
    expect(!refused.ok && refused.refusal.message).toContain('200 ms of each second');
    expect(limit.admit(coordinator).ok).toBe(true);
    now += 5_000;
    expect(limit.admit(analyst('c')).ok).toBe(false);
    now += 1_000;
    expect(limit.admit(analyst('c')).ok).toBe(true);
  });

  it('counts an answer\'s time once, however often its release is called', () => {
    let now = 0;
    const limit = new AnalystRateLimit({ requestsPerMinute: 1000, concurrentRequests: 2, concurrentRequestsTotal: 2, msPerSecondTotal: 200 }, { now: () => now });
    const first = limit.admit(analyst('a'));
    now += 399;
    if (first.ok) { first.value(); first.value(); }
    expect(limit.admit(analyst('a')).ok).toBe(true);
  });
});
