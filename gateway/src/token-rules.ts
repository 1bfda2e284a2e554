import { PURPOSES_BY_ROLE, defaultPurpose, isPurposeOf, type Purpose, type Role } from '@finsam/kit/caller';
import { failure, refusal, success, type Result } from '@finsam/kit/errors';
import { isForbundId } from '@finsam/kit/trusted-forbund';

/**
 * What the gateway requires of a user token beyond its signature (docs/tokens-and-consent.md).
 * A token lives at most a working day: one that is stolen, or minted by mistake with a far
 * expiry, stops working by the next morning. The dev issuer applies the same rules to what it
 * mints, so `npm run token` never hands out a token the gateway refuses.
 */
export const USER_TOKEN_MAX_LIFETIME_SECONDS = 12 * 3600;
/** How far the issuer's clock and the gateway's may differ, for `exp` and for `iat`. */
export const USER_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** The times of a token whose signature holds: `iat` required, not ahead of now, and at most 12 h to `exp`. */
export function checkTokenTimes(claims: { iat?: unknown; exp?: unknown }, nowSeconds: number): Result<void> {
  const { iat, exp } = claims;
  if (typeof exp !== 'number') return failure('UNAUTHENTICATED', 'The token has no expiry (exp).');
  if (typeof iat !== 'number') return failure('UNAUTHENTICATED', 'The token has no issue time (iat); it is required.');
  if (iat > nowSeconds + USER_TOKEN_CLOCK_TOLERANCE_SECONDS) return failure('UNAUTHENTICATED', 'The token\'s issue time (iat) is in the future.');
  if (exp - iat > USER_TOKEN_MAX_LIFETIME_SECONDS) {
    return failure('UNAUTHENTICATED', 'The token\'s lifetime (exp − iat) is longer than the maximum of 12 h.');
  }
  return success(undefined);
}

/** The purpose a token gives, or the role's default when it gives none; only one of the role's own. */
export function purposeOfToken(role: Role, claimed: unknown): Result<Purpose> {
  if (claimed === undefined || claimed === '') return success(defaultPurpose(role));
  if (isPurposeOf(role, claimed)) return success(claimed);
  return failure('UNAUTHENTICATED', `The token's purpose is not one the ${role} role may give (${PURPOSES_BY_ROLE[role].join(', ')}).`);
}

/**
 * The samordningsförbund a token's user works for (`forbund`): the gateway serves its own
 * (FORBUND_ID) only. An organisation's issuer (JWKS_URL) may serve several förbund, so its tokens
 * must name one; the dev issuer's name none (it serves the embedded default alone), and a token
 * that names one is held to it all the same. Another förbund's user is refused 403 FORBIDDEN
 * TOKEN_OTHER_FORBUND, before anything is parsed; a claim that is no förbund id, 401. The
 * messages quote nothing of the token.
 */
export function checkTokenForbund(claimed: unknown, own: string, required: boolean): Result<void> {
  if (claimed === undefined) {
    return required ? failure('UNAUTHENTICATED', 'The token names no samordningsförbund (forbund claim); tokens from the organisation\'s issuer must.') : success(undefined);
  }
  if (!isForbundId(claimed)) return failure('UNAUTHENTICATED', 'The token\'s forbund claim is not a förbund id (lower-case letters, digits and hyphens).');
  if (claimed === own) return success(undefined);
  return {
    ok: false,
    refusal: refusal({
      code: 'FORBIDDEN', reason: 'TOKEN_OTHER_FORBUND', status: 403,
      message: 'The token is for a user of another samordningsförbund (forbund claim) than the one this gateway serves.',
    }),
  };
}
