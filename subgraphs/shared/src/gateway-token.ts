import fs from 'node:fs';
import path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import {
  createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT,
  type CryptoKey, type JWK, type JWTVerifyGetKey, type KeyObject,
} from 'jose';
import { isPurposeOf, isRole, type Caller } from './caller.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { remoteKeySet } from './tls.ts';

/**
 * Subgraphs trust only the gateway. For every subgraph request the gateway signs a short-lived
 * token for that subgraph (aud = subgraph name) that carries the end user, role, purpose and
 * request id; a subgraph answers nothing without one. A token stolen from one subgraph's traffic
 * is useless at another, and useless a minute later.
 */
export const GATEWAY_ISSUER = 'finsam-gateway';
export const GATEWAY_TOKEN_ALGORITHM = 'EdDSA';
export const GATEWAY_TOKEN_LIFETIME_SECONDS = 60;

const privateKeyFile = (dataDir: string) => path.join(dataDir, 'gateway-signing-key.json');
/** The public half, for subgraphs on the same machine (the embedded default). */
export const gatewayKeySetFile = (dataDir: string) => path.join(dataDir, 'gateway-jwks.json');

export interface GatewaySigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

/** The gateway's signing key, created at first start; its public key set is written beside it. */
export async function loadOrCreateGatewayKey(dataDir: string): Promise<GatewaySigningKey> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = privateKeyFile(dataDir);
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = await generateKeyPair(GATEWAY_TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = `gateway-${Date.now().toString(36)}`;
    const stored = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: GATEWAY_TOKEN_ALGORITHM },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: GATEWAY_TOKEN_ALGORITHM, use: 'sig' },
    };
    try {
      fs.writeFileSync(file, JSON.stringify(stored), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  fs.writeFileSync(gatewayKeySetFile(dataDir), JSON.stringify({ keys: [stored.publicJwk] }), { mode: 0o600 });
  return { kid: stored.kid, privateKey: await importJWK(stored.privateJwk, GATEWAY_TOKEN_ALGORITHM) as CryptoKey | KeyObject, publicJwk: stored.publicJwk };
}

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
  const keys: JWTVerifyGetKey = env.GATEWAY_JWKS_URL ? remoteKeySet(env.GATEWAY_JWKS_URL, env) : localKeySet(gatewayKeySetFile(dataDir));
  const verified = new ExpiringCache<TokenSubject>(now);
  return async (headers, requestId) => {
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(headers.authorization ?? '');
    if (!match) return null;
    const token = match[1]!;
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

function localKeySet(file: string): JWTVerifyGetKey {
  let loadedAt = 0;
  let keySet: JWTVerifyGetKey | null = null;
  const load = () => {
    const mtime = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
    if (mtime !== loadedAt) {
      keySet = mtime === 0 ? null : createLocalJWKSet(JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: JWK[] });
      loadedAt = mtime;
    }
    return keySet;
  };
  return async (header, token) => {
    const current = load();
    if (!current) throw new Error('no gateway key set yet');
    return current(header, token);
  };
}
