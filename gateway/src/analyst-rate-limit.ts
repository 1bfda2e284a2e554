import { intFromEnv } from '@finsam/kit/config';
import { refusal, success, type Result } from '@finsam/kit/errors';
import type { AuthenticatedUser } from './authentication.ts';

/**
 * Per-analyst rate limit at the gateway, checked right after the token and before Apollo Server
 * parses, plans or calls any subgraph (docs/analyst-limits.md):
 *
 * - at most ANALYST_CONCURRENT_REQUESTS (2) of one analyst's requests in flight: a third waits
 *   for nothing and costs nothing, it is refused;
 * - a token bucket of ANALYST_REQUESTS_PER_MINUTE (30) per analyst: it holds at most a minute's
 *   worth and refills continuously, so an analyst can send a burst of 30 and then one every 2 s;
 * - at most ANALYST_CONCURRENT_REQUESTS_TOTAL (2) analyst requests in flight in all, whoever sends
 *   them: the per-analyst limits alone let 20 analysts keep 40 statistics requests running, and
 *   on the bench's two cores that starved the coordinators (13 of 101 overviews whole; with 4 in
 *   flight 120 of 129, p50 1.7 s). One at a time would slow coordinators less under 20 analysts
 *   (docs/performance.md), but GraphiQL sends its schema query beside the analyst's own, and one
 *   analyst alone would then be refused: 2 is the least that serves one analyst's page.
 *
 * Refusals are HTTP 429 with a `retry-after` header and a GraphQL error coded RATE_LIMITED.
 * Only the analyst role is limited: coordinators' clients send known operations about one person
 * at a time and must never wait behind statistics. The state is in this gateway's memory; with
 * several gateway replicas each enforces its own share.
 */
export interface AnalystRateLimitSettings {
  requestsPerMinute: number;
  concurrentRequests: number;
  /** Analyst requests in flight in all, across analysts. */
  concurrentRequestsTotal: number;
}

export const RATE_LIMIT_DEFAULTS: AnalystRateLimitSettings = { requestsPerMinute: 30, concurrentRequests: 2, concurrentRequestsTotal: 2 };

export function analystRateLimitSettings(env: NodeJS.ProcessEnv = process.env): AnalystRateLimitSettings {
  return {
    requestsPerMinute: intFromEnv('ANALYST_REQUESTS_PER_MINUTE', RATE_LIMIT_DEFAULTS.requestsPerMinute, env),
    concurrentRequests: intFromEnv('ANALYST_CONCURRENT_REQUESTS', RATE_LIMIT_DEFAULTS.concurrentRequests, env),
    concurrentRequestsTotal: intFromEnv('ANALYST_CONCURRENT_REQUESTS_TOTAL', RATE_LIMIT_DEFAULTS.concurrentRequestsTotal, env),
  };
}

interface AnalystState {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

/** Admitted, with the release to call once the request is answered (at most once counts), or why not. */
export type Admission = Result<() => void>;

const NOTHING_TAKEN = () => {};

export class AnalystRateLimit {
  private readonly analysts = new Map<string, AnalystState>();
  private readonly now: () => number;
  private inFlightTotal = 0;

  constructor(readonly settings: AnalystRateLimitSettings = RATE_LIMIT_DEFAULTS, options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Admits the request (counted in flight until its release is called), or says why not. */
  admit(user: AuthenticatedUser): Admission {
    if (user.role !== 'analyst') return success(NOTHING_TAKEN);
    const { requestsPerMinute, concurrentRequests, concurrentRequestsTotal } = this.settings;
    const now = this.now();
    const state = this.analysts.get(user.id) ?? { tokens: requestsPerMinute, refilledAt: now, inFlight: 0 };
    state.tokens = Math.min(requestsPerMinute, state.tokens + ((now - state.refilledAt) / 60_000) * requestsPerMinute);
    state.refilledAt = now;
    this.analysts.set(user.id, state);
    if (state.inFlight >= concurrentRequests) {
      return refused(1, `At most ${concurrentRequests} requests of one analyst are served at a time; wait for an answer before sending more.`);
    }
    if (state.tokens < 1) {
      const seconds = requestsPerMinute > 0 ? Math.max(1, Math.ceil(((1 - state.tokens) * 60) / requestsPerMinute)) : 60;
      return refused(seconds, `At most ${requestsPerMinute} requests per minute per analyst; try again in ${seconds} s.`);
    }
    if (this.inFlightTotal >= concurrentRequestsTotal) {
      return refused(1, `The graph is serving ${concurrentRequestsTotal} analysts' requests, as many as it takes at a time; try again in a moment.`);
    }
    state.tokens -= 1;
    state.inFlight += 1;
    this.inFlightTotal += 1;
    let released = false;
    return success(() => {
      if (released) return;
      released = true;
      state.inFlight -= 1;
      this.inFlightTotal -= 1;
      // Forget an analyst whose bucket is full again and who has nothing in flight.
      if (state.inFlight === 0 && state.tokens + ((this.now() - state.refilledAt) / 60_000) * requestsPerMinute >= requestsPerMinute) this.analysts.delete(user.id);
    });
  }

  /** Analysts with requests in flight or a bucket not yet full (for tests and metrics). */
  get tracked(): number {
    return this.analysts.size;
  }
}

function refused(retryAfterSeconds: number, message: string): Admission {
  return { ok: false, refusal: refusal({ code: 'RATE_LIMITED', message, headers: { 'retry-after': String(retryAfterSeconds) } }) };
}
