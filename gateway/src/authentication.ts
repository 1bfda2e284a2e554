import type { IncomingHttpHeaders } from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { bearerToken, isCompactJws } from '@finsam/kit/bearer';
import { isRole, type Purpose, type Role } from '@finsam/kit/caller';
import { failure, success, type Result } from '@finsam/kit/errors';
import { ExpiringCache } from '@finsam/kit/expiring-cache';
import { forbundId } from '@finsam/kit/trusted-forbund';
import { DEFAULT_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, loadOrCreateDevIssuer } from './dev-issuer.ts';
import { checkTokenForbund, checkTokenTimes, purposeOfToken, USER_TOKEN_CLOCK_TOLERANCE_SECONDS } from './token-rules.ts';

/** The end user as the gateway's token check established them. */
export interface AuthenticatedUser {
  id: string;
  role: Role;
  purpose: Purpose;
}

export type Authenticator = (headers: IncomingHttpHeaders) => Promise<Result<AuthenticatedUser>>;

interface VerifierSettings {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  algorithms: string[];
  /** Whether a token must name its user's förbund (`forbund`): an organisation's issuer may serve several. */
  forbundRequired: boolean;
}

/**
 * Verifies the user's bearer JWT: signature against the issuer's keys, issuer, audience, expiry,
 * and an algorithm from an explicit list (no `none`, no switching to a symmetric algorithm);
 * then the gateway's own rules (token-rules.ts): at most 12 h of life, issued not in the future,
 * a purpose from the fixed list of the role, and the gateway's own förbund (FORBUND_ID) in the
 * `forbund` claim (required of an external issuer, whose tokens may be for several förbund).
 * JWKS_URL selects an external OIDC issuer; otherwise the embedded dev issuer in DATA_DIR, whose
 * tokens the gateway then does not accept (another issuer, a key not in JWKS_URL's set).
 */
export async function createAuthenticator(env: NodeJS.ProcessEnv, dataDir: string, now: () => number = Date.now): Promise<Authenticator> {
  const settings: VerifierSettings = env.JWKS_URL
    ? {
        keys: createRemoteJWKSet(new URL(env.JWKS_URL)),
        issuer: required(env, 'OIDC_ISSUER'),
        audience: env.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE,
        algorithms: (env.JWT_ALGORITHMS ?? 'RS256,ES256,PS256').split(',').map((a) => a.trim()),
        forbundRequired: true,
      }
    : {
        keys: createLocalJWKSet({ keys: [(await loadOrCreateDevIssuer(dataDir)).publicJwk] }),
        issuer: DEV_ISSUER,
        audience: DEFAULT_AUDIENCE,
        algorithms: [DEV_ALGORITHM],
        forbundRequired: false,
      };
  const ownForbund = forbundId(env);

  // A user sends the same token with every request until it expires: its signature is checked
  // once, and the token is remembered by its exact text until its expiry (without the tolerance).
  const verified = new ExpiringCache<AuthenticatedUser>(now);
  return async (headers) => {
    // One JWS has one spelling (jwsBearerToken): anything else is refused before a cache or a verifier sees it.
    const token = bearerToken(headers.authorization);
    if (token === null) return failure('UNAUTHENTICATED', 'A bearer token is required: Authorization: Bearer <token>.');
    if (!isCompactJws(token)) return failure('UNAUTHENTICATED', 'The bearer token is not a JWT in compact form (three base64url parts, no padding).');
    const known = verified.get(token);
    if (known) return success(known);
    try {
      const { payload } = await jwtVerify(token, settings.keys, {
        issuer: settings.issuer, audience: settings.audience, algorithms: settings.algorithms, clockTolerance: USER_TOKEN_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'], currentDate: new Date(now()),
      });
      const role = payload.role ?? (Array.isArray(payload.roles) ? payload.roles[0] : undefined);
      if (typeof payload.sub !== 'string' || payload.sub === '') return failure('UNAUTHENTICATED', 'The token has no subject (sub).');
      if (!isRole(role)) return failure('UNAUTHENTICATED', 'The token carries no known role (coordinator, analyst, auditor).');
      const times = checkTokenTimes(payload, Math.floor(now() / 1000));
      if (!times.ok) return times;
      const purpose = purposeOfToken(role, payload.purpose);
      if (!purpose.ok) return purpose;
      const forbund = checkTokenForbund(payload.forbund, ownForbund, settings.forbundRequired);
      if (!forbund.ok) return forbund;
      const user = { id: payload.sub, role, purpose: purpose.value };
      verified.set(token, user, payload.exp! * 1000);
      return success(user);
    } catch (error) {
      return failure('UNAUTHENTICATED', describe(error));
    }
  };
}

/** Why a token was refused, in words that help the caller but name no key material. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm that is not accepted.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token is signed by an unknown key.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid.';
  return 'The token is not a valid signed JWT.';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when JWKS_URL is set`);
  return value;
}
