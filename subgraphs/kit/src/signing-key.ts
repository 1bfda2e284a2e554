import fs from 'node:fs';
import path from 'node:path';
import {
  createLocalJWKSet, exportJWK, generateKeyPair, importJWK,
  type CryptoKey, type JWK, type JWTVerifyGetKey, type KeyObject,
} from 'jose';
import { fetch as undiciFetch } from 'undici';
import { internalAgent, remoteKeySet } from './tls.ts';

/**
 * The keys of the graph's parts, each kept in the part's own DATA_DIR (0600) with its public half
 * published beside it (a JWK set file) and at `/.well-known/jwks.json`:
 * - Ed25519 signing keys: the gateway signs its tokens to subgraphs and its audit checkpoints,
 *   coordination the release bases it hands agencies;
 * - X25519 encryption keys of the agencies: coordination encrypts a cohort's member list to the
 *   one agency it is for, so that nobody on the way (the gateway, whoever holds a gateway token)
 *   reads who takes part in an intervention.
 */
export const SIGNING_ALGORITHM = 'EdDSA';
export const KEY_AGREEMENT_ALGORITHM = 'ECDH-ES';
export const CONTENT_ENCRYPTION = 'A256GCM';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

/** An agency's key pair for member lists: coordination encrypts to the public half. */
export type DecryptionKey = SigningKey;

const KINDS = {
  signing: { alg: SIGNING_ALGORITHM, crv: 'Ed25519', use: 'sig', privateSuffix: 'signing-key', publicSuffix: 'jwks' },
  encryption: { alg: KEY_AGREEMENT_ALGORITHM, crv: 'X25519', use: 'enc', privateSuffix: 'encryption-key', publicSuffix: 'encryption-jwks' },
} as const;

/** The public half of an owner's signing key, for the parts on the same machine (the embedded default). */
export const keySetFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-${KINDS.signing.publicSuffix}.json`);
/** Where an owner's signing key (private half) is kept: what an operator hands a tool that must sign as that owner (the conformance kit). */
export const signingKeyFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-${KINDS.signing.privateSuffix}.json`);
/** The public half of an agency's encryption key, likewise. */
export const encryptionKeySetFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-${KINDS.encryption.publicSuffix}.json`);

/** The owner's key of a kind, created at first start (by whichever process gets there first); its public key set is written beside it. */
async function loadOrCreateKey(dataDir: string, owner: string, kind: keyof typeof KINDS): Promise<SigningKey> {
  const { alg, crv, use, privateSuffix, publicSuffix } = KINDS[kind];
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, `${owner}-${privateSuffix}.json`);
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { crv, extractable: true });
    const kid = `${owner}-${use}-${Date.now().toString(36)}`;
    const stored = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use },
    };
    try {
      fs.writeFileSync(file, JSON.stringify(stored), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = await readStoredKey(file, alg);
  fs.writeFileSync(path.join(dataDir, `${owner}-${publicSuffix}.json`), JSON.stringify({ keys: [stored.publicJwk] }), { mode: 0o600 });
  return stored;
}

async function readStoredKey(file: string, alg: string): Promise<SigningKey> {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
  return { kid: stored.kid, privateKey: await importJWK(stored.privateJwk, alg) as CryptoKey | KeyObject, publicJwk: stored.publicJwk };
}

/**
 * An owner's existing signing key, or null: read only, nothing created or written, for a tool
 * that signs as that owner beside running processes that read its published key set (the
 * conformance kit).
 */
export async function readSigningKey(dataDir: string, owner: string): Promise<SigningKey | null> {
  const file = signingKeyFile(dataDir, owner);
  return fs.existsSync(file) ? readStoredKey(file, SIGNING_ALGORITHM) : null;
}

export const loadOrCreateSigningKey = (dataDir: string, owner: string): Promise<SigningKey> => loadOrCreateKey(dataDir, owner, 'signing');
export const loadOrCreateEncryptionKey = (dataDir: string, owner: string): Promise<DecryptionKey> => loadOrCreateKey(dataDir, owner, 'encryption');

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

export interface RecipientKey {
  kid: string;
  key: CryptoKey | KeyObject | Uint8Array;
}

const RECIPIENT_KEY_MS = 5 * 60_000;

/**
 * The encryption keys agencies publish, as coordination finds them: at the agency's
 * `/.well-known/jwks.json` when `url` is given (fetched trusting TLS_CA_FILE), else in the key
 * set file the agency writes in DATA_DIR. Kept five minutes, so a rotated key is picked up.
 */
export function recipientKeys(env: NodeJS.ProcessEnv, dataDir: string) {
  const known = new Map<string, { at: number; key: Promise<RecipientKey> }>();
  let connections: ReturnType<typeof internalAgent> | undefined;
  const load = async (owner: string, url: string | undefined): Promise<RecipientKey> => {
    const set = url
      ? await (await undiciFetch(url, { dispatcher: (connections ??= internalAgent(env)), signal: AbortSignal.timeout(5000) })).json() as { keys?: JWK[] }
      : JSON.parse(fs.readFileSync(encryptionKeySetFile(dataDir, owner), 'utf8')) as { keys?: JWK[] };
    const jwk = set.keys?.find((k) => k.use === 'enc' && k.alg === KEY_AGREEMENT_ALGORITHM);
    if (!jwk?.kid) throw new Error(`${owner} publishes no encryption key`);
    return { kid: jwk.kid, key: await importJWK(jwk, KEY_AGREEMENT_ALGORITHM) };
  };
  return (owner: string, url: string | undefined): Promise<RecipientKey> => {
    const cached = known.get(owner);
    if (cached && Date.now() - cached.at < RECIPIENT_KEY_MS) return cached.key;
    const key = load(owner, url);
    known.set(owner, { at: Date.now(), key });
    key.catch(() => known.delete(owner));
    return key;
  };
}
