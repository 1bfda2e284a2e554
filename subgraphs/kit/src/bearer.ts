/**
 * The token of an `Authorization: Bearer <token>` header, or null when there is none. One parser
 * for every place that takes one (the gateway's user tokens, the subgraphs' gateway tokens, the
 * audit checkpoints handed to a subgraph, `/metrics`): a token is a JWS in compact form, so only
 * its characters (base64url and dots) are taken, and nothing else reaches a verifier or a cache key.
 */
const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/;

export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  return match ? match[1]! : null;
}
