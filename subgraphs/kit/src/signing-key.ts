import { randomBytes } from 'node:crypto';
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

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * An owner's key file: the key it signs with and, while a rotation is under way (`npm run keys`),
 * the next key (published beside it so verifiers know it before it is used) and the keys switched
 * away from (published until retired, so tokens they signed still verify until they expire).
 */
interface StoredRing extends StoredKey {
  next?: StoredKey;
  previous?: { publicJwk: JWK; switchedAt: string }[];
}

/** The public keys an owner publishes: the one in use, the next, and those not yet retired. */
const publishedOf = (ring: StoredRing): JWK[] => [ring.publicJwk, ...(ring.next ? [ring.next.publicJwk] : []), ...(ring.previous ?? []).map((p) => p.publicJwk)];

async function newKey(owner: string, kind: keyof typeof KINDS): Promise<StoredKey> {
  const { alg, crv, use } = KINDS[kind];
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv, extractable: true });
  // Time plus randomness: two keys made in one millisecond (a rotation right after a start) differ.
  const kid = `${owner}-${use}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use } };
}

/** Written whole or not at all (a temporary file renamed over the old), so a reader never sees half a key file. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/** The owner's key of a kind, created at first start (by whichever process gets there first); its public key set is written beside it. */
async function loadOrCreateKey(dataDir: string, owner: string, kind: keyof typeof KINDS): Promise<SigningKey> {
  const { alg, privateSuffix, publicSuffix } = KINDS[kind];
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, `${owner}-${privateSuffix}.json`);
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, JSON.stringify(await newKey(owner, kind)), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const ring = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRing;
  writeAtomically(path.join(dataDir, `${owner}-${publicSuffix}.json`), JSON.stringify({ keys: publishedOf(ring) }));
  return readStoredKey(file, alg);
}

async function readStoredKey(file: string, alg: string): Promise<SigningKey> {
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredKey;
  return { kid: stored.kid, privateKey: await importJWK(stored.privateJwk, alg) as CryptoKey | KeyObject, publicJwk: stored.publicJwk };
}

/**
 * A running signer's view of its key file: the key to sign with now and the keys to publish,
 * read again whenever the file changes, so a rotation (`npm run keys`) takes effect in the
 * running process without a restart.
 */
export interface SigningKeyRing {
  current(): Promise<SigningKey>;
  published(): JWK[];
}

export async function signingKeyRing(dataDir: string, owner: string): Promise<SigningKeyRing> {
  await loadOrCreateSigningKey(dataDir, owner);
  const file = signingKeyFile(dataDir, owner);
  let readAt = -1;
  let ring: StoredRing;
  let key: Promise<SigningKey>;
  const fresh = () => {
    const mtime = fs.statSync(file).mtimeMs;
    if (mtime !== readAt) {
      readAt = mtime;
      ring = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRing;
      key = importJWK(ring.privateJwk, SIGNING_ALGORITHM).then((privateKey) => ({ kid: ring.kid, privateKey: privateKey as CryptoKey | KeyObject, publicJwk: ring.publicJwk }));
    }
  };
  return {
    current() {
      fresh();
      return key;
    },
    published() {
      fresh();
      return publishedOf(ring);
    },
  };
}

/** A key's tokens and bases live 60 s and are taken with 5 s of clock tolerance: a key switched away from may be retired after that. */
export const RETIRE_AFTER_MS = 65_000;
export type RotationStep = 'next' | 'switch' | 'retire';

/** The public keys retired from an owner's set, kept to verify what they signed long ago (audit checkpoints), never tokens. */
export const retiredKeySetFile = (dataDir: string, owner: string) => path.join(dataDir, `${owner}-retired-${KINDS.signing.publicSuffix}.json`);

/**
 * One step of rotating an owner's signing key, with the new key beside the old so no request
 * is lost: `next` publishes a new key without using it (verifiers learn it); `switch` signs with
 * it from now on and keeps the old one published; `retire` takes a switched-away key out of the
 * published set once nothing it signed can still be valid (RETIRE_AFTER_MS), keeping its public
 * half in the retired set for old audit checkpoints. Returns what was done, or why not.
 */
export async function rotateSigningKey(dataDir: string, owner: string, step: RotationStep, now = Date.now()): Promise<{ ok: boolean; message: string }> {
  const file = signingKeyFile(dataDir, owner);
  if (!fs.existsSync(file)) return { ok: false, message: `${owner} has no signing key in ${dataDir} yet: start it once first.` };
  const ring = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRing;
  let message: string;
  if (step === 'next') {
    if (ring.next) return { ok: false, message: `${owner} already publishes a next key (${ring.next.kid}): switch to it first.` };
    ring.next = await newKey(owner, 'signing');
    message = `${owner}: next key ${ring.next.kid} published beside ${ring.kid}; it signs nothing yet. Once every verifier has read the key set (a key set URL is read again at most every 30 s), run: npm run keys -- switch ${owner}`;
  } else if (step === 'switch') {
    const { next } = ring;
    if (!next) return { ok: false, message: `${owner} publishes no next key: run "npm run keys -- next ${owner}" first, and give verifiers time to read it.` };
    const old = ring.kid;
    ring.previous = [...(ring.previous ?? []), { publicJwk: ring.publicJwk, switchedAt: new Date(now).toISOString() }];
    Object.assign(ring, { kid: next.kid, privateJwk: next.privateJwk, publicJwk: next.publicJwk });
    delete ring.next;
    message = `${owner}: signs with ${ring.kid} from now on; ${old} stays published until retired (npm run keys -- retire ${owner}, ${RETIRE_AFTER_MS / 1000} s from now at the earliest).`;
  } else {
    const previous = ring.previous ?? [];
    if (previous.length === 0) return { ok: false, message: `${owner} has no key switched away from: nothing to retire.` };
    const due = previous.filter((p) => Date.parse(p.switchedAt) + RETIRE_AFTER_MS <= now);
    if (due.length === 0) {
      const wait = Math.ceil((Math.min(...previous.map((p) => Date.parse(p.switchedAt))) + RETIRE_AFTER_MS - now) / 1000);
      return { ok: false, message: `${owner}: what the old key signed may still be valid for ${wait} s; retire it after that.` };
    }
    ring.previous = previous.filter((p) => !due.includes(p));
    const retiredFile = retiredKeySetFile(dataDir, owner);
    const retired = fs.existsSync(retiredFile) ? (JSON.parse(fs.readFileSync(retiredFile, 'utf8')) as { keys: JWK[] }).keys : [];
    writeAtomically(retiredFile, JSON.stringify({ keys: [...retired, ...due.map((p) => p.publicJwk)] }));
    message = `${owner}: retired ${due.map((p) => p.publicJwk.kid).join(', ')}: no longer published, kept in ${path.basename(retiredFile)} to verify old audit checkpoints.`;
  }
  writeAtomically(file, JSON.stringify(ring));
  writeAtomically(keySetFile(dataDir, owner), JSON.stringify({ keys: publishedOf(ring) }));
  return { ok: true, message };
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

/**
 * A key set and, behind it, the keys retired from it (`npm run keys -- retire`): what verifies old
 * signatures that must stay checkable (audit checkpoints), never a token or a basis.
 */
export function withRetiredKeys(keys: JWTVerifyGetKey, dataDir: string, owner: string): JWTVerifyGetKey {
  const retired = localKeySet(retiredKeySetFile(dataDir, owner));
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (!fs.existsSync(retiredKeySetFile(dataDir, owner))) throw error;
      return retired(header, token);
    }
  };
}
