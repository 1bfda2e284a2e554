import type { IncomingHttpHeaders } from 'node:http';
import { jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { jwsBearerToken } from './bearer.ts';
import { isPurposeOf, isRole, type Caller } from './caller.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { keySetFile, loadOrCreateSigningKey, publishedKeySet, SIGNING_ALGORITHM, type SigningKey } from './signing-key.ts';

/**
 * Subgraphs trust only the gateway. For every subgraph request the gateway signs a short-lived
 * token for that subgraph (aud = subgraph name) that carries the end user, role, purpose and
 * request id; a subgraph answers nothing without one. A token stolen from one subgraph's traffic
 * is useless at another, and useless a minute later.
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

export function signGatewayToken(key: GatewaySigningKey, subject: TokenSubject, audience: string): Promise<string> {
  return new SignJWT({ role: subject.role, purpose: subject.purpose })
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

  constructor(private readonly key: GatewaySigningKey, private readonly now: () => number = Date.now) {
    this.tokens = new ExpiringCache(now);
  }

  for(subject: TokenSubject, audience: string): Promise<string> {
    const id = [audience, subject.actorId, subject.role, subject.purpose].join('\n');
    const cached = this.tokens.get(id);
    if (cached) return cached;
    const token = signGatewayToken(this.key, subject, audience);
    this.tokens.set(id, token, this.now() + TOKEN_REUSE_MS);
    token.catch(() => this.tokens.delete(id, token));
    return token;
  }
}

export type GatewayTokenVerifier = (headers: IncomingHttpHeaders, requestId: string) => Promise<Caller | null>;

/**
 * Verifies the gateway's token on a subgraph request. Keys come from GATEWAY_JWKS_URL (the
 * gateway's /.well-known/jwks.json) or, on one machine, from the key set file in DATA_DIR,
 * re-read when a token names a key id it does not hold (the gateway rotated its key). A token
 * verified once is remembered, by its exact text, until it expires: the gateway reuses tokens.
 */
export function createGatewayTokenVerifier(audience: string, env: NodeJS.ProcessEnv, dataDir: string, now: () => number = Date.now): GatewayTokenVerifier {
  const keys = gatewayPublicKeys(env, dataDir);
  const verified = new ExpiringCache<TokenSubject>(now);
  return async (headers, requestId) => {
    const token = jwsBearerToken(headers.authorization);
    if (token === null) return null;
    const known = verified.get(token);
    if (known) return { ...known, requestId };
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: GATEWAY_ISSUER, audience, algorithms: [GATEWAY_TOKEN_ALGORITHM],
        maxTokenAge: `${GATEWAY_TOKEN_LIFETIME_SECONDS}s`, clockTolerance: 5, currentDate: new Date(now()),
      });
      if (typeof payload.sub !== 'string' || !isRole(payload.role) || !isPurposeOf(payload.role, payload.purpose) || typeof payload.exp !== 'number') return null;
      const subject: TokenSubject = { actorId: payload.sub, role: payload.role, purpose: payload.purpose };
      verified.set(token, subject, payload.exp * 1000);
      return { ...subject, requestId };
    } catch {
      return null;
    }
  };
}
