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
 *   analyst alone would then be refused: 2 is the least that serves one analyst's page;
 * - analysts' answers together take at most ANALYST_MS_PER_SECOND_TOTAL (200) ms of each second,
 *   counted by how long each took from admission to answer (a bucket holding two seconds' worth).
 *   Two in flight still let analysts take what the cores give them: 20 analysts at 30 a minute
 *   were answered about 30 times a second and left coordinators 1.5× slower. Counting time rather
 *   than requests weighs a whole-year cohort over four agencies above a small follow-up, and
 *   when coordinators keep the cores busy every analyst answer takes longer and fewer are let in.
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
  /** Milliseconds of answering (summed over analysts' requests) per second of the clock, in all. */
  msPerSecondTotal: number;
}

export const RATE_LIMIT_DEFAULTS: AnalystRateLimitSettings = { requestsPerMinute: 30, concurrentRequests: 2, concurrentRequestsTotal: 2, msPerSecondTotal: 200 };

/** How many seconds' share of answering time the analysts may spend at once (after a quiet spell). */
const SHARE_BURST_SECONDS = 2;

export function analystRateLimitSettings(env: NodeJS.ProcessEnv = process.env): AnalystRateLimitSettings {
  return {
    requestsPerMinute: intFromEnv('ANALYST_REQUESTS_PER_MINUTE', RATE_LIMIT_DEFAULTS.requestsPerMinute, env),
    concurrentRequests: intFromEnv('ANALYST_CONCURRENT_REQUESTS', RATE_LIMIT_DEFAULTS.concurrentRequests, env),
    concurrentRequestsTotal: intFromEnv('ANALYST_CONCURRENT_REQUESTS_TOTAL', RATE_LIMIT_DEFAULTS.concurrentRequestsTotal, env),
    msPerSecondTotal: intFromEnv('ANALYST_MS_PER_SECOND_TOTAL', RATE_LIMIT_DEFAULTS.msPerSecondTotal, env),
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
  /** Answering time (ms) analysts in all may still spend; below zero after slow answers. */
  private shareLeft: number;
  private shareRefilledAt: number;

  constructor(readonly settings: AnalystRateLimitSettings = RATE_LIMIT_DEFAULTS, options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.shareLeft = settings.msPerSecondTotal * SHARE_BURST_SECONDS;
    this.shareRefilledAt = this.now();
  }

  private refillShare(now: number): void {
    const { msPerSecondTotal } = this.settings;
    this.shareLeft = Math.min(msPerSecondTotal * SHARE_BURST_SECONDS, this.shareLeft + ((now - this.shareRefilledAt) / 1000) * msPerSecondTotal);
    this.shareRefilledAt = now;
  }

  /** Admits the request (counted in flight until its release is called), or says why not. */
  admit(user: AuthenticatedUser): Admission {
    if (user.role !== 'analyst') return success(NOTHING_TAKEN);
    const { requestsPerMinute, concurrentRequests, concurrentRequestsTotal, msPerSecondTotal } = this.settings;
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
    this.refillShare(now);
    if (this.shareLeft <= 0) {
      const seconds = msPerSecondTotal > 0 ? Math.max(1, Math.ceil((-this.shareLeft + 1) / msPerSecondTotal)) : 60;
      return refused(seconds, `Analysts' requests together are answered in at most ${msPerSecondTotal} ms of each second, to keep the graph free for coordinators, and recent answers have used that share; try again in ${seconds} s.`);
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
      const answeredAt = this.now();
      this.refillShare(answeredAt);
      this.shareLeft -= answeredAt - now;
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
