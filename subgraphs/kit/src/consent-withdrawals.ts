import type { IncomingMessage, ServerResponse } from 'node:http';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { AGENCY_TABLE, isAgency, type Agency } from './agencies.ts';
import { subgraphUrl } from './config.ts';
import { WITHDRAWALS_PATH } from './consent.ts';
import { readBody, sendJson } from './http.ts';
import type { Logger } from './logger.ts';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-key.ts';
import { connectionFailure, internalAgent } from './tls.ts';
import { claimedForbund, EMBEDDED_FORBUND_ID, forbundId, type TrustedForbund } from './trusted-forbund.ts';

/**
 * Coordination's withdrawal feed (docs/release-basis.md, "A withdrawal holds at once"). A release
 * basis carries the person's consents as they stood when coordination signed it, and lives a
 * minute; a withdrawal made within that minute must still stop the release. So coordination tells
 * each agency which consents were withdrawn lately, signed with the key that signs the bases:
 *
 * - pushed, to the agency the withdrawal is for, before revokeConsent answers (the ordinary case:
 *   the very next request is refused);
 * - pulled by the agency, at most WITHDRAWALS_FRESH_SECONDS after the last view it holds, and
 *   before the next release once that bound has passed; an agency that cannot get a view within
 *   the bound releases nothing under a consent in force (BASIS_WITHDRAWALS_UNKNOWN): it fails closed.
 *
 * The feed holds the withdrawals of the last WITHDRAWAL_WINDOW_SECONDS for one agency: the consent's
 * id (as the basis names it), the controller it named and when. Nothing else: no personnummer, as
 * the id names the consent exactly and a basis issued after the withdrawal carries it withdrawn
 * anyway. A withdrawal older than the window cannot matter: every basis signed before it has expired.
 */
export { WITHDRAWALS_PATH };
/** How old an agency's view of coordination's withdrawals may be when it releases: the bound when a push is lost. */
export const WITHDRAWALS_FRESH_SECONDS = 10;
/** How far back a feed reaches: well beyond a basis's life (60 s and 5 s of clock tolerance) and the bound. */
export const WITHDRAWAL_WINDOW_SECONDS = 300;
/** How long an agency waits for coordination's feed, and coordination for an agency to take a push. */
export const WITHDRAWALS_TIMEOUT_MS = 2_000;
const FEED_TYPE = 'finsam-withdrawals+jwt';
const ISSUER = 'finsam-coordination';
/** Clock difference between coordination and an agency that is tolerated, as for bases. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** One withdrawn consent, as the feed names it. */
export interface ConsentWithdrawal {
  /** The consent's id, as the release basis names it (ConsentEvidence.id). */
  consent: string;
  agency: Agency;
  /** The data controller the consent named (a kommunkod, a länskod), null for an agency that is one authority. */
  controller: string | null;
  /** When it was withdrawn (ISO 8601). */
  at: string;
}

/** Coordination's side: the feed for one agency, signed now, with the withdrawals of the window. */
export function signWithdrawalFeed(
  key: Pick<SigningKey, 'kid' | 'privateKey'>, agency: Agency, withdrawals: readonly ConsentWithdrawal[], now = Date.now(), forbund = EMBEDDED_FORBUND_ID,
): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ kind: 'withdrawals', forbund, withdrawals: withdrawals.filter((w) => w.agency === agency) })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: FEED_TYPE })
    .setIssuer(ISSUER).setAudience(agency).setIssuedAt(issuedAt).setExpirationTime(issuedAt + WITHDRAWAL_WINDOW_SECONDS)
    .sign(key.privateKey);
}

/** The oldest withdrawal a feed signed at `now` holds (ISO 8601, compared as text with consent.revoked_at). */
export const windowStart = (now = Date.now()): string => new Date(now - WITHDRAWAL_WINDOW_SECONDS * 1000).toISOString();

/**
 * Coordination's GET route: `?agency=CARE` gives that agency's feed. It names no person, and it is
 * signed, so it needs no token: an agency of any förbund on the graph's network asks it.
 */
export function withdrawalFeedRoute(feed: (agency: Agency) => Promise<string>, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET') {
      response.setHeader('allow', 'GET');
      return sendJson(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use GET ${WITHDRAWALS_PATH}?agency=<AGENCY>.` } });
    }
    const agency = new URL(request.url ?? '/', 'http://localhost').searchParams.get('agency') ?? '';
    if (!isAgency(agency)) return sendJson(response, 400, { error: { code: 'BAD_REQUEST', argument: 'agency', message: 'agency must be one of the agencies (CARE, …).' } });
    try {
      return sendJson(response, 200, { feed: await feed(agency) });
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'withdrawal feed failed');
      return sendJson(response, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error.' } });
    }
  };
}

/**
 * Coordination's push: the agency's feed, now, to the agency at its <NAME>_URL (over the graph's
 * TLS trust). True when the agency took it. A push that fails is not an error of the withdrawal,
 * which is done: the agency then learns of it by its own pull, within the bound.
 */
export async function pushWithdrawals(
  agency: Agency, feed: string, env: NodeJS.ProcessEnv = process.env, connections: Dispatcher = sharedConnections(env),
): Promise<{ ok: true } | { ok: false; why: string }> {
  const url = new URL(WITHDRAWALS_PATH, subgraphUrl(AGENCY_TABLE[agency].subgraph, env));
  try {
    const response = await undiciFetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ feed }), dispatcher: connections, signal: AbortSignal.timeout(WITHDRAWALS_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status === 200 ? { ok: true } : { ok: false, why: `${url.origin} answered HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, why: `${url.origin} could not be reached: ${connectionFailure(error)}` };
  }
}

/**
 * The connections of a process's pushes and pulls, kept open between them (one per environment):
 * a withdrawal then costs its coordinator no new TLS handshake, and an agency's pull none either.
 * They are idle between calls and hold nothing open that keeps a process from ending.
 */
const connectionPools = new WeakMap<NodeJS.ProcessEnv, Dispatcher>();
function sharedConnections(env: NodeJS.ProcessEnv): Dispatcher {
  let pool = connectionPools.get(env);
  if (!pool) connectionPools.set(env, (pool = internalAgent(env, { keepAliveTimeout: 10_000 })));
  return pool;
}

/** What an agency knows of one förbund's withdrawals now, or null when its view is older than the bound and no newer one could be had. */
export type WithdrawnConsents = ReadonlyMap<string, string>;

export interface WithdrawalView {
  /** The consents of this förbund withdrawn lately (id to when), as of no longer than the bound ago; null: unknown, release nothing. */
  current(forbund: string): Promise<WithdrawnConsents | null>;
  /** A feed pushed by coordination; false when it does not verify (another agency's, another key's, not a feed). */
  accept(feed: unknown): Promise<boolean>;
}

type FeedClaims = JWTPayload & { kind?: unknown; forbund?: unknown; withdrawals?: unknown };

/** Where a förbund's coordination serves its feed: the list's `withdrawals`, beside its published keys, or (its own förbund) at COORDINATION_URL. */
export function feedLocation(forbund: string, trusted: TrustedForbund, env: NodeJS.ProcessEnv): URL | null {
  const standing = trusted.standing(forbund);
  if (standing.standing !== 'TRUSTED') return null;
  const { entry } = standing;
  if (entry.withdrawals) return new URL(entry.withdrawals);
  if (/^https?:\/\//.test(entry.coordinationJwks)) return new URL(WITHDRAWALS_PATH, entry.coordinationJwks);
  if (forbund === forbundId(env)) return new URL(WITHDRAWALS_PATH, subgraphUrl('coordination', env));
  return null;
}

/**
 * The agency's side: one view per förbund, refreshed from a push or a pull. A view is as old as
 * the moment coordination signed it (`iat`), so a feed replayed later does not make it look fresh.
 * A request that finds the view older than half the bound starts a refresh and goes on with the view
 * it has; one that finds it older than the bound waits for the refresh (one for all who wait).
 */
export function createWithdrawalView(
  agency: Agency, env: NodeJS.ProcessEnv, trusted: TrustedForbund,
  options: { logger?: Logger; now?: () => number; fetchFeed?: (url: URL) => Promise<unknown>; freshSeconds?: number } = {},
): WithdrawalView {
  const now = options.now ?? Date.now;
  const freshMs = (options.freshSeconds ?? WITHDRAWALS_FRESH_SECONDS) * 1000;
  const fetchFeed = options.fetchFeed ?? ((url: URL) => fetchJson(url, env));
  const views = new Map<string, { asOf: number; withdrawn: Map<string, string> }>();
  const refreshing = new Map<string, Promise<boolean>>();

  /** A signed feed for this agency, from a förbund on the list: taken into that förbund's view. */
  async function take(feed: unknown, expectedForbund?: string): Promise<boolean> {
    if (typeof feed !== 'string') return false;
    const forbund = claimedForbund(feed);
    if (!forbund || (expectedForbund !== undefined && forbund !== expectedForbund)) return false;
    const standing = trusted.standing(forbund);
    if (standing.standing !== 'TRUSTED') return false;
    let claims: FeedClaims;
    try {
      ({ payload: claims } = await jwtVerify<FeedClaims>(feed, standing.coordinationKeys, {
        issuer: ISSUER, audience: agency, algorithms: [SIGNING_ALGORITHM], typ: FEED_TYPE, requiredClaims: ['iat', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS, currentDate: new Date(now()),
      }));
    } catch {
      return false;
    }
    if (claims.kind !== 'withdrawals' || claims.forbund !== forbund || !Array.isArray(claims.withdrawals)) return false;
    // Signed in the future beyond the tolerance: not a view of now.
    const signedAt = Math.min(claims.iat! * 1000, now());
    if (claims.iat! * 1000 > now() + CLOCK_TOLERANCE_SECONDS * 1000) return false;
    const view = views.get(forbund) ?? { asOf: 0, withdrawn: new Map<string, string>() };
    for (const w of claims.withdrawals as Partial<ConsentWithdrawal>[]) {
      if (typeof w?.consent === 'string' && w.agency === agency && typeof w.at === 'string') view.withdrawn.set(w.consent, w.at);
    }
    // A withdrawal older than the window is of no basis still alive: forgotten, so the view stays small.
    const forgetBefore = windowStart(now());
    for (const [consent, at] of view.withdrawn) if (at < forgetBefore) view.withdrawn.delete(consent);
    view.asOf = Math.max(view.asOf, signedAt);
    views.set(forbund, view);
    return true;
  }

  const withAgency = (location: URL) => {
    const url = new URL(location);
    url.searchParams.set('agency', agency);
    return url;
  };

  function refresh(forbund: string): Promise<boolean> {
    let pending = refreshing.get(forbund);
    if (!pending) {
      const location = feedLocation(forbund, trusted, env);
      pending = (location
        ? fetchFeed(withAgency(location)).then((body) => take((body as { feed?: unknown } | null)?.feed, forbund))
        : Promise.resolve(false))
        .catch((error: unknown) => {
          options.logger?.warn({ forbund, err: connectionFailure(error) }, 'coordination\'s withdrawal feed could not be read');
          return false;
        })
        .finally(() => refreshing.delete(forbund));
      refreshing.set(forbund, pending);
    }
    return pending;
  }

  return {
    async current(forbund) {
      const age = now() - (views.get(forbund)?.asOf ?? 0);
      if (age > freshMs) {
        await refresh(forbund);
        const view = views.get(forbund);
        return view && now() - view.asOf <= freshMs ? view.withdrawn : null;
      }
      // Half way to the bound: refreshed ahead, so that a steady stream of requests never waits.
      if (age > freshMs / 2) void refresh(forbund);
      return views.get(forbund)!.withdrawn;
    },
    accept: (feed) => take(feed),
  };
}

async function fetchJson(url: URL, env: NodeJS.ProcessEnv): Promise<unknown> {
  const response = await undiciFetch(url, { dispatcher: sharedConnections(env), signal: AbortSignal.timeout(WITHDRAWALS_TIMEOUT_MS) });
  if (response.status !== 200) {
    await response.arrayBuffer();
    throw new Error(`${url.origin} answered HTTP ${response.status}`);
  }
  return response.json();
}

/** The agency's POST route, where coordination pushes a feed: 200 when taken, 403 when it does not verify. */
export function withdrawalPushRoute(view: WithdrawalView) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use POST ${WITHDRAWALS_PATH} with { "feed": <signed feed> }.` } });
    }
    const raw = await readBody(request, 1_000_000);
    let feed: unknown = null;
    try {
      feed = (JSON.parse(raw ?? 'null') as { feed?: unknown } | null)?.feed;
    } catch { /* not JSON: refused below */ }
    if (await view.accept(feed)) return sendJson(response, 200, { taken: true });
    return sendJson(response, 403, { error: { code: 'FORBIDDEN', message: 'Not a withdrawal feed coordination signed for this agency.' } });
  };
}
