import type { IncomingHttpHeaders } from 'node:http';
import { jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { jwsBearerToken } from './bearer.ts';
import { isPurposeOf, isRole, type Caller } from './caller.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { keySetFile, loadOrCreateSigningKey, publishedKeySet, SIGNING_ALGORITHM, type SigningKey, type SigningKeyRing } from './signing-key.ts';
import { claimedForbund, EMBEDDED_FORBUND_ID, isForbundId, trustedForbund, type TrustedForbund } from './trusted-forbund.ts';

/**
 * Subgraphs trust only the gateway. For every subgraph request the gateway signs a short-lived
 * token for that subgraph (aud = subgraph name) that carries the end user, role, purpose and
 * request id; a subgraph answers nothing without one. A token stolen from one subgraph's traffic
 * is useless at another, and useless a minute later. It names the förbund the gateway serves
 * (`forbund`), and a subgraph checks it with that förbund's keys, if the förbund is on its list
 * (trusted-forbund.ts).
 */
export const GATEWAY_ISSUER = 'finsam-gateway';
export const GATEWAY_TOKEN_ALGORITHM = SIGNING_ALGORITHM;
export const GATEWAY_TOKEN_LIFETIME_SECONDS = 60;

/** The public half, for subgraphs on the same machine (the embedded default). */
export const gatewayKeySetFile = (dataDir: string) => keySetFile(dataDir, 'gateway');

export type GatewaySigningKey = SigningKey;

/** The gateway's signing key, created at first start; its public key set is written beside it. */
export const loadOrCreateGatewayKey = (dataDir: string): Promise<GatewaySigningKey> => loadOrCreateSigningKey(dataDir, 'gateway');

/**
 * The gateway's public keys, for whatever checks what the gateway signed (its tokens at the
 * subgraphs, its audit checkpoints): GATEWAY_JWKS_URL (the gateway's /.well-known/jwks.json,
 * fetched with the configured CA), or on one machine the key set file in DATA_DIR.
 */
export const gatewayPublicKeys = (env: NodeJS.ProcessEnv, dataDir: string): JWTVerifyGetKey =>
  publishedKeySet(env.GATEWAY_JWKS_URL, gatewayKeySetFile(dataDir), env);

/**
 * Whom a gateway token speaks for: the end user, in a role, for a purpose. The request id
 * travels beside it (`x-request-id`), so that one token can serve the same user's requests
 * to a subgraph until it is close to expiring.
 */
export type TokenSubject = Omit<Caller, 'requestId'>;

export function signGatewayToken(key: GatewaySigningKey, subject: TokenSubject, audience: string, forbund: string = EMBEDDED_FORBUND_ID): Promise<string> {
  return new SignJWT({ role: subject.role, purpose: subject.purpose, forbund })
    .setProtectedHeader({ alg: GATEWAY_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(GATEWAY_ISSUER)
    .setAudience(audience)
    .setSubject(subject.actorId)
    .setIssuedAt()
    .setExpirationTime(`${GATEWAY_TOKEN_LIFETIME_SECONDS}s`)
    .sign(key.privateKey);
}

/** A token is handed out again for half its life, so it always has at least 30 s left when sent. */
const TOKEN_REUSE_MS = (GATEWAY_TOKEN_LIFETIME_SECONDS * 1000) / 2;

/**
 * The gateway's tokens, one per user, role, purpose and subgraph, reused while young. Signing
 * per subgraph call cost the gateway about a tenth of its CPU under load (docs/performance.md);
 * a token is no more use to a thief for being reused, as its lifetime is the same.
 */
export class GatewayTokens {
  private readonly tokens: ExpiringCache<Promise<string>>;

  /** `key` a ring (signing-key.ts) when the gateway's key may rotate while it runs: each token is signed with the key in use. */
  constructor(private readonly key: GatewaySigningKey | SigningKeyRing, private readonly now: () => number = Date.now, private readonly forbund: string = EMBEDDED_FORBUND_ID) {
    this.tokens = new ExpiringCache(now);
  }

  async for(subject: TokenSubject, audience: string): Promise<string> {
    const key = 'current' in this.key ? await this.key.current() : this.key;
    // By key id too: after a switch to a new key no token of the old one is handed out again.
    const id = [key.kid, audience, subject.actorId, subject.role, subject.purpose].join('\n');
    const cached = this.tokens.get(id);
    if (cached) return cached;
    const token = signGatewayToken(key, subject, audience, this.forbund);
    this.tokens.set(id, token, this.now() + TOKEN_REUSE_MS);
    token.catch(() => this.tokens.delete(id, token));
    return token;
  }
}

/** Why a subgraph does not answer a request: no token, one it cannot verify, or a förbund it does not answer. */
const FORBUND_REFUSALS = ['FORBUND_NOT_TRUSTED', 'FORBUND_CUT_OFF', 'FORBUND_LIST_INVALID'] as const;
type ForbundRefusal = (typeof FORBUND_REFUSALS)[number];
export type TokenRefusal = 'no token' | 'token not valid' | ForbundRefusal;
/** A refusal of a förbund (reasons in the error catalogue, sent to the caller and logged) rather than of a token. */
export const isForbundRefusal = (reason: TokenRefusal): reason is ForbundRefusal => (FORBUND_REFUSALS as readonly string[]).includes(reason);

export type TokenCheck =
  | { ok: true; caller: Caller }
  | { ok: false; reason: TokenRefusal;
    /** The förbund the token names: for FORBUND_CUT_OFF verified with its own keys; for FORBUND_NOT_TRUSTED only claimed. */
    forbund?: string; actorId?: string };

export type GatewayTokenVerifier = (headers: IncomingHttpHeaders, requestId: string) => Promise<TokenCheck>;

/**
 * Verifies the gateway's token on a subgraph request, with the keys of the förbund it names, if
 * that förbund is on the subgraph's list (trusted-forbund.ts). A key set is a URL (the gateway's
 * /.well-known/jwks.json) or, on one machine, a key set file, re-read when a token names a key id
 * it does not hold (the gateway rotated its key). A token verified once is remembered, by its
 * exact text, until it expires (the gateway reuses tokens), but the förbund's standing is looked
 * up on every request, so a cut-off holds from the next one.
 */
export function createGatewayTokenVerifier(
  audience: string, env: NodeJS.ProcessEnv, dataDir: string, now: () => number = Date.now, trusted: TrustedForbund = trustedForbund(env, dataDir),
): GatewayTokenVerifier {
  const verified = new ExpiringCache<VerifiedToken>(now);
  return async (headers, requestId) => {
    const token = jwsBearerToken(headers.authorization);
    if (token === null) return { ok: false, reason: 'no token' };
    const claimed = claimedForbund(token);
    if (claimed === null) return { ok: false, reason: 'token not valid' };
    const standing = trusted.standing(claimed);
    if (standing.standing === 'LIST_INVALID') return { ok: false, reason: 'FORBUND_LIST_INVALID', forbund: claimed };
    if (standing.standing === 'NOT_TRUSTED') return { ok: false, reason: 'FORBUND_NOT_TRUSTED', forbund: claimed };
    let subject = verified.get(token);
    if (!subject) {
      const checked = await verifiedSubject(token, standing.gatewayKeys, audience, now);
      if (!checked) return { ok: false, reason: 'token not valid' };
      // Verified with the keys of the förbund it names, so the claim is that förbund's.
      verified.set(token, checked, checked.exp * 1000);
      subject = checked;
    }
    if (standing.standing === 'CUT_OFF') return { ok: false, reason: 'FORBUND_CUT_OFF', forbund: claimed, actorId: subject.actorId };
    return { ok: true, caller: { actorId: subject.actorId, role: subject.role, purpose: subject.purpose, forbund: subject.forbund, requestId } };
  };
}

interface VerifiedToken extends Omit<Caller, 'requestId' | 'forbund'> { forbund: string; exp: number }

async function verifiedSubject(token: string, keys: JWTVerifyGetKey, audience: string, now: () => number): Promise<VerifiedToken | null> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: GATEWAY_ISSUER, audience, algorithms: [GATEWAY_TOKEN_ALGORITHM],
      maxTokenAge: `${GATEWAY_TOKEN_LIFETIME_SECONDS}s`, clockTolerance: 5, currentDate: new Date(now()),
    });
    if (typeof payload.sub !== 'string' || !isRole(payload.role) || !isPurposeOf(payload.role, payload.purpose) || typeof payload.exp !== 'number' || !isForbundId(payload.forbund)) return null;
    return { actorId: payload.sub, role: payload.role, purpose: payload.purpose, forbund: payload.forbund, exp: payload.exp };
  } catch {
    return null;
  }
}
