/**
 * What any deployment of a stock gateway in front of these subgraphs must add, and no more: the
 * user's bearer token verified (jose, against the dev issuer's key in DATA_DIR, as our gateway
 * checks it without JWKS_URL), and on each subgraph call the token the subgraphs require
 * (GatewayTokens, as SubgraphSource signs and reuses them) and an x-request-id. No audit, no
 * registered operations, no limits, no tracing: the peers are measured as they come.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { defaultPurpose, isPurposeOf, isRole, type Role } from '@finsam/kit/caller';
import { SUBGRAPH_NAMES, envPrefix, subgraphUrl, type SubgraphName } from '@finsam/kit/config';
import { GatewayTokens, loadOrCreateGatewayKey } from '@finsam/kit/gateway-token';
import { forbundId } from '@finsam/kit/trusted-forbund';
import { DEFAULT_AUDIENCE, DEV_ALGORITHM, DEV_ISSUER, loadOrCreateDevIssuer } from '@finsam/gateway/dev-issuer';

export interface PeerUser {
  actorId: string;
  role: Role;
  purpose: string;
  requestId: string;
}

export interface Glue {
  /** The user of a request's Authorization header, or null (the peer answers 401). */
  verify(authorization: string | null | undefined): Promise<PeerUser | null>;
  /** The headers a subgraph call on the user's behalf carries. */
  headersFor(user: PeerUser, subgraph: string): Promise<Record<string, string>>;
}

export async function createGlue(dataDir: string): Promise<Glue> {
  const keys = createLocalJWKSet({ keys: [(await loadOrCreateDevIssuer(dataDir)).publicJwk] });
  const tokens = new GatewayTokens(await loadOrCreateGatewayKey(dataDir), Date.now, forbundId(process.env));
  return {
    async verify(authorization) {
      const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
      if (!token) return null;
      try {
        // Each request's token checked again: a stock deployment keeps no cache of verified tokens.
        const { payload } = await jwtVerify(token, keys, { issuer: DEV_ISSUER, audience: DEFAULT_AUDIENCE, algorithms: [DEV_ALGORITHM], requiredClaims: ['exp', 'iat'] });
        if (typeof payload.sub !== 'string' || !isRole(payload.role)) return null;
        const purpose = payload.purpose === undefined ? defaultPurpose(payload.role) : payload.purpose;
        if (!isPurposeOf(payload.role, purpose)) return null;
        return { actorId: payload.sub, role: payload.role, purpose, requestId: randomUUID() };
      } catch {
        return null;
      }
    },
    async headersFor({ requestId, ...subject }, subgraph) {
      return { authorization: `Bearer ${await tokens.for(subject, subgraph)}`, 'x-request-id': requestId };
    },
  };
}

/** The committed supergraph with each subgraph's URL from `<NAME>_URL`, as our gateway reads them. */
export function supergraphSdl(file: string): string {
  let sdl = fs.readFileSync(file, 'utf8');
  for (const name of SUBGRAPH_NAMES as readonly SubgraphName[]) {
    const at = new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`);
    if (!at.test(sdl)) throw new Error(`the supergraph names no subgraph ${name} (${envPrefix(name)}_URL)`);
    sdl = sdl.replace(at, `$1${subgraphUrl(name)}$2`);
  }
  return sdl;
}
