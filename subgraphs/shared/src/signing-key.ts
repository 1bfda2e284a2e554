import fs from 'node:fs';
import path from 'node:path';
import {
  createLocalJWKSet, exportJWK, generateKeyPair, importJWK,
  type CryptoKey, type JWK, type JWTVerifyGetKey, type KeyObject,
} from 'jose';
import { remoteKeySet } from './tls.ts';

/**
 * The Ed25519 keys the graph's parts sign with: the gateway its tokens to subgraphs, coordination
 * the release bases it hands agencies. Each part keeps its private key in its own DATA_DIR and
 * publishes the public half (a JWK set) beside it and at `/.well-known/jwks.json`.
 */
export const SIGNING_ALGORITHM = 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

const privateKeyFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-signing-key.json`);
/** The public half, for the parts on the same machine (the embedded default). */
export const keySetFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-jwks.json`);

/** The owner's signing key, created at first start (by whichever process gets there first); its public key set is written beside it. */
export async function loadOrCreateSigningKey(dataDir: string, owner: string): Promise<SigningKey> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = privateKeyFile(dataDir, owner);
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = `${owner}-${Date.now().toString(36)}`;
    const stored = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' },
    };
    try {
      fs.writeFileSync(file, JSON.stringify(stored), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  fs.writeFileSync(keySetFile(dataDir, owner), JSON.stringify({ keys: [stored.publicJwk] }), { mode: 0o600 });
  return { kid: stored.kid, privateKey: await importJWK(stored.privateJwk, SIGNING_ALGORITHM) as CryptoKey | KeyObject, publicJwk: stored.publicJwk };
}

/**
 * Where a verifier finds the signer's public keys: the signer's `/.well-known/jwks.json` when a URL
 * is configured (fetched trusting TLS_CA_FILE, tls.ts), else the key set file in DATA_DIR, read
 * again when it changes (the signer rotated its key, or started after the verifier).
 */
export function publishedKeySet(url: string | undefined, file: string, env: NodeJS.ProcessEnv): JWTVerifyGetKey {
  return url ? remoteKeySet(url, env) : localKeySet(file);
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
    if (!current) throw new Error(`no key set yet at ${path.basename(file)}`);
    return current(header, token);
  };
}
