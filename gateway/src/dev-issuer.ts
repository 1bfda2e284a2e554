import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from '@finsam/kit/caller';
import { checkTokenTimes, purposeOfToken } from './token-rules.ts';

/**
 * The embedded default's stand-in for the agencies' OIDC provider: a key pair created in
 * DATA_DIR at first start, so that `npm run token` can mint tokens the gateway accepts.
 * Production sets JWKS_URL and never reads this file.
 */
export const DEV_ISSUER = 'finsam-dev-issuer';
export const DEFAULT_AUDIENCE = 'finsam-graph';
export const DEV_ALGORITHM = 'ES256';

/**
 * The fixture analysts, known to a gateway on the dev issuer from its first start
 * (known-analysts.ts seedDevAnalysts), as the seeded coordinators are to coordination;
 * `npm run token -- --role analyst` mints for the first.
 */
export const DEV_ANALYSTS = ['analyst-1', 'analyst-2', 'analyst-3'] as const;

interface DevIssuerFile {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

const fileOf = (dataDir: string) => path.join(dataDir, 'dev-issuer-key.json');

export async function loadOrCreateDevIssuer(dataDir: string): Promise<DevIssuerFile> {
  const file = fileOf(dataDir);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DevIssuerFile;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const created: DevIssuerFile = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALGORITHM },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: DEV_ALGORITHM, use: 'sig' },
  };
  try {
    // 'wx': when the gateway and `npm run token` race at first start, one file wins and both use it.
    fs.writeFileSync(file, JSON.stringify(created), { flag: 'wx', mode: 0o600 });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DevIssuerFile;
  }
}

export interface DevTokenRequest {
  sub: string;
  role: Role;
  purpose?: string;
  expiresIn?: string;
}

/**
 * A token under the gateway's rules (token-rules.ts): a purpose of the role, at most 12 h of
 * life. A request outside them throws, naming the rule, and nothing is minted.
 */
export async function mintDevToken(dataDir: string, request: DevTokenRequest): Promise<string> {
  const purpose = purposeOfToken(request.role, request.purpose);
  if (!purpose.ok) throw new Error(purpose.refusal.message);
  const issuer = await loadOrCreateDevIssuer(dataDir);
  const key = await importJWK(issuer.privateJwk, DEV_ALGORITHM);
  const token = await new SignJWT({ role: request.role, ...(request.purpose ? { purpose: request.purpose } : {}) })
    .setProtectedHeader({ alg: DEV_ALGORITHM, kid: issuer.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject(request.sub)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '8h')
    .sign(key);
  // `expiresIn` is jose's duration text ("8h", "90m", "100y"): checked on what it came to.
  const times = checkTokenTimes(decodeJwt(token), Math.floor(Date.now() / 1000));
  if (!times.ok) throw new Error(times.refusal.message);
  return token;
}
