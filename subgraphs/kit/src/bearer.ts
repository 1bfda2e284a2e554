/**
 * The token of an `Authorization: Bearer <token>` header, or null when there is none. One parser
 * for every place that takes one (the gateway's user tokens, the subgraphs' gateway tokens, the
 * audit checkpoints handed to a subgraph, `/metrics`): one credential of RFC 6750's b64token
 * characters, so nothing else reaches a verifier or a cache key. That is wider than a JWS needs
 * (base64url and dots) because `/metrics` takes the operator's METRICS_TOKEN, which is often
 * made in standard base64 (`+`, `/`, `=`); a JWS verifier refuses those characters anyway.
 */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  return match ? match[1]! : null;
}

/** A JWS in compact serialization: three base64url parts without padding (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/**
 * The bearer token when it is a JWS in compact form, else null: for the callers that verify JWS
 * (users' tokens at the gateway, the gateway's tokens and checkpoints at the subgraphs). A
 * base64url decoder ignores padding, so `<token>==` would verify as the same token in another
 * spelling: a miss in every cache keyed by the token's text, and a full verification per
 * spelling for anyone holding one valid token.
 */
export function jwsBearerToken(header: string | string[] | undefined): string | null {
  const token = bearerToken(header);
  return token !== null && isCompactJws(token) ? token : null;
}

/** Whether a bearer credential is a JWS in compact form, for a caller that says which it lacks. */
export const isCompactJws = (token: string): boolean => COMPACT_JWS.test(token);
