import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { AGENCY_TABLE, type Agency } from './agencies.ts';
import { envPrefix } from './config.ts';
import type { Caller } from './caller.ts';
import type { ConsentEvidence } from './consent.ts';
import type { BasisRefusal } from './error-catalogue.ts';
import { STATISTICS_RELEASE_ACTOR, statisticsReleaseRequestId } from './statistics-release/agency-release.ts';
import { ExpiringCache } from './expiring-cache.ts';
import type { WithdrawalView } from './consent-withdrawals.ts';
import {
  CONTENT_ENCRYPTION, KEY_AGREEMENT_ALGORITHM, loadOrCreateSigningKey, SIGNING_ALGORITHM,
  recipientKeys, type DecryptionKey, type RecipientKey, type SigningKey,
} from './signing-key.ts';
import { claimedForbund, EMBEDDED_FORBUND_ID, isForbundId, trustedForbund, type TrustedForbund } from './trusted-forbund.ts';

/**
 * The release basis (underlag för utlämnande): what coordination, which alone knows caseloads
 * and consents, signs for an agency so that the agency can verify, not trust, why it may release.
 *
 * - For persons: each person's evidence for that agency only (its consent records and whether
 *   the person has protected identity). The persons of one call share ONE signature: the
 *   signed claims hold the root of a Merkle tree over the persons' evidence, and each person's
 *   basis carries its evidence and the path to the root. A caseload page of 50 costs one
 *   signature per agency, yet each basis can be checked on its own.
 * - For a statistics release: a period's member list for the agency's own release, encrypted to
 *   that agency's published key (JWE, ECDH-ES with X25519, A256GCM) so that only it can read who
 *   takes part, and signed once over the digest of the ciphertext.
 *
 * Both are bound to the agency (aud), the förbund whose coordination signed it (`forbund`, whose
 * keys the agency checks it with if that förbund is on its list: trusted-forbund.ts) and a short
 * expiry; a person's basis to the end user (sub), the gateway's request id (rid) and the förbund
 * the request came through, a statistics basis to the release job and the period. So a
 * basis taken from one request is worth nothing in another, at another agency, for another user
 * or period, or a minute later. A gateway token alone (one leaked secret or a compromised
 * gateway) therefore releases nothing.
 */
export const COORDINATION_ISSUER = 'finsam-coordination';
export const RELEASE_BASIS_LIFETIME_SECONDS = 60;
/** The part whose key signs release bases: its key files are `coordination-*.json` in DATA_DIR. */
const SIGNER = 'coordination';
const BASIS_TYPE = 'finsam-release-basis+jwt';

export const loadOrCreateCoordinationKey = (dataDir: string): Promise<SigningKey> => loadOrCreateSigningKey(dataDir, SIGNER);

/**
 * Each agency's published encryption key, as coordination seals member lists to it: at
 * <NAME>_JWKS_URL, else in the key set file the agency writes in DATA_DIR.
 */
export function agencyRecipientKeys(env: NodeJS.ProcessEnv, dataDir: string): (agency: Agency) => Promise<RecipientKey> {
  const keys = recipientKeys(env, dataDir);
  return (agency) => {
    const { subgraph } = AGENCY_TABLE[agency];
    return keys(subgraph, env[`${envPrefix(subgraph)}_JWKS_URL`]);
  };
}

/** One person's evidence for one agency, as coordination signs it. */
export interface PersonEvidence {
  personnummer: string;
  /** This agency's consent records, whatever their state: the agency decides validity itself. */
  consents: ConsentEvidence[];
  protectedIdentity: boolean;
}

/** Whom and what a basis is for, besides the agency. */
export interface BasisBinding {
  actorId: string;
  requestId: string;
  /** The förbund whose coordination signs (FORBUND_ID); `embedded` when not given. */
  forbund?: string;
}

/** A person's basis on the wire: the shared signed claims, the person's evidence (exact bytes) and its path to the signed root. */
interface PersonBasisWire {
  basis: string;
  entry: string;
  proof: string[];
}

const sha256 = (...parts: (string | Buffer)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
// Leaves and inner nodes are hashed with different prefixes, so an inner node can never pass for evidence.
const leafHash = (entry: string) => sha256('\x00', entry);
const nodeHash = (left: Buffer, right: Buffer) => sha256('\x01', left, right);

/** The root of the tree over the leaves, and each leaf's path: sibling hashes marked L or R of the running hash. */
function merkleTree(leaves: Buffer[]): { root: Buffer; proofs: string[][] } {
  const proofs = leaves.map((): string[] => []);
  let level = leaves.map((hash, i) => ({ hash, members: [i] }));
  while (level.length > 1) {
    const next: typeof level = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      if (!right) {
        next.push(left);
        continue;
      }
      for (const m of left.members) proofs[m]!.push(`R${right.hash.toString('base64url')}`);
      for (const m of right.members) proofs[m]!.push(`L${left.hash.toString('base64url')}`);
      next.push({ hash: nodeHash(left.hash, right.hash), members: [...left.members, ...right.members] });
    }
    level = next;
  }
  return { root: level[0]?.hash ?? sha256(''), proofs };
}

function rootOf(entry: string, proof: readonly string[]): Buffer {
  let hash = leafHash(entry);
  for (const step of proof) {
    const sibling = Buffer.from(step.slice(1), 'base64url');
    hash = step.startsWith('L') ? nodeHash(sibling, hash) : nodeHash(hash, sibling);
  }
  return hash;
}

function signClaims(key: Pick<SigningKey, 'kid' | 'privateKey'>, agency: Agency, binding: BasisBinding, claims: Record<string, unknown>, now: number): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ ...claims, rid: binding.requestId, forbund: binding.forbund ?? EMBEDDED_FORBUND_ID })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: BASIS_TYPE })
    .setIssuer(COORDINATION_ISSUER)
    .setAudience(agency)
    .setSubject(binding.actorId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + RELEASE_BASIS_LIFETIME_SECONDS)
    .sign(key.privateKey);
}

/** A list only the recipient agency can read (JWE, ECDH-ES with X25519, A256GCM). */
const seal = (list: string, recipient: RecipientKey) => new CompactEncrypt(new TextEncoder().encode(list))
  .setProtectedHeader({ alg: KEY_AGREEMENT_ALGORITHM, enc: CONTENT_ENCRYPTION, kid: recipient.kid })
  .encrypt(recipient.key);

/** Coordination's side, for persons: one signature for all the entries, one basis string per entry, in order. */
export async function signPersonBases(
  key: Pick<SigningKey, 'kid' | 'privateKey'>, agency: Agency, binding: BasisBinding, entries: readonly PersonEvidence[], now = Date.now(),
): Promise<string[]> {
  const written = entries.map((entry) => JSON.stringify(entry));
  const tree = merkleTree(written.map(leafHash));
  const basis = await signClaims(key, agency, binding, { kind: 'persons', root: tree.root.toString('base64url') }, now);
  return written.map((entry, i) => JSON.stringify({ basis, entry, proof: tree.proofs[i]! } satisfies PersonBasisWire));
}

/**
 * Coordination's release job's side: a period's member list for an agency's statistics release
 * (statistics-release/agency-release.ts), sealed to the agency and signed, for the job (sub)
 * and the period (rid) rather than a person and a request, so it releases no other period.
 */
export async function signStatisticsBasis(
  key: Pick<SigningKey, 'kid' | 'privateKey'>, agency: Agency, period: string, list: string, recipient: RecipientKey, now = Date.now(), forbund: string = EMBEDDED_FORBUND_ID,
): Promise<string> {
  const sealed = await seal(list, recipient);
  const binding = { actorId: STATISTICS_RELEASE_ACTOR, requestId: statisticsReleaseRequestId(period), forbund };
  const basis = await signClaims(key, agency, binding, { kind: 'statistics', digest: sha256(sealed).toString('base64url') }, now);
  return `${basis}\n${sealed}`;
}

export type Verified<T> = ({ ok: true; digest: string } & T) | { ok: false; reason: BasisRefusal };

export interface ReleaseBasisVerifier {
  /** A person's basis at an agency: the evidence it may decide on, or why it may not decide at all. */
  person(agency: Agency, personnummer: string, wire: unknown, caller: Caller): Promise<Verified<{ evidence: PersonEvidence }>>;
  /** A period's member list for the agency's statistics release, as coordination's release job signed it, and the förbund whose job that is. */
  statistics(agency: Agency, wire: unknown, period: string): Promise<Verified<{ list: string; forbund: string }>>;
}

const PROOF_STEP = /^[LR][A-Za-z0-9_-]{43}$/;
const MAX_PROOF_STEPS = 32;

/**
 * A person's basis exactly in the form coordination writes it, or null: three keys, a proof of
 * at most 32 steps (2^32 persons), each L or R and a 32-byte hash. One signed basis has one wire
 * form, so the digest an agency logs names it unambiguously.
 */
function personBasisWire(wire: string): PersonBasisWire | null {
  try {
    const parsed = JSON.parse(wire) as Record<string, unknown>;
    const { basis, entry, proof } = parsed;
    if (typeof basis !== 'string' || typeof entry !== 'string') return null;
    if (!Array.isArray(proof) || proof.length > MAX_PROOF_STEPS || !proof.every((step) => typeof step === 'string' && PROOF_STEP.test(step))) return null;
    // Written back, it must be the very text received: no other keys, order or spacing.
    if (JSON.stringify({ basis, entry, proof }) !== wire) return null;
    return { basis, entry, proof: proof as string[] };
  } catch {
    return null;
  }
}

type Claims = JWTPayload & { kind?: unknown; root?: unknown; digest?: unknown; rid?: unknown; forbund?: unknown };

/**
 * The agencies' side. Signature and expiry are checked once per signed claims and remembered
 * until they expire (the persons of one call share them); the binding to this agency, this user
 * and this request is checked on every use.
 */
export function createReleaseBasisVerifier(
  env: NodeJS.ProcessEnv, dataDir: string,
  options: {
    onSignatureCheck?: () => void; now?: () => number; /** The agency's own key, for the member lists sealed to it. */ decryptionKey?: DecryptionKey;
    /** The förbund whose coordination it takes bases from; by default as the subgraph's own list (trusted-forbund.ts). */ trusted?: TrustedForbund;
    /**
     * Coordination's withdrawals as the agency knows them (consent-withdrawals.ts): a consent the
     * basis carries in force but since withdrawn is judged withdrawn. Every agency subgraph has
     * one (subgraph.ts); without it (a unit test) the evidence is judged as signed.
     */
    withdrawals?: WithdrawalView;
  } = {},
): ReleaseBasisVerifier {
  const now = options.now ?? Date.now;
  const trusted = options.trusted ?? trustedForbund(env, dataDir);
  const verified = new ExpiringCache<Claims>(now);

  /** The persons of one call arrive together with the same signed claims: they wait for one check, and so go on together (their DataLoaders batch). */
  const checking = new Map<string, Promise<{ ok: true; claims: Claims } | { ok: false; reason: BasisRefusal }>>();
  function signatureOf(basis: string) {
    let pending = checking.get(basis);
    if (!pending) {
      options.onSignatureCheck?.();
      const standing = trusted.standing(claimedForbund(basis) ?? '');
      // Checked with the keys of the förbund it names; one not on the list has none here.
      if (standing.standing !== 'TRUSTED' && standing.standing !== 'CUT_OFF') return Promise.resolve({ ok: false as const, reason: 'BASIS_FORBUND_NOT_ANSWERED' as const });
      pending = jwtVerify<Claims>(basis, standing.coordinationKeys, {
        issuer: COORDINATION_ISSUER, algorithms: [SIGNING_ALGORITHM], typ: BASIS_TYPE,
        requiredClaims: ['exp', 'iat', 'sub', 'aud'], clockTolerance: 5, currentDate: new Date(now()),
      }).then(({ payload: claims }) => {
        // A basis may not be issued to live longer than coordination issues them.
        if (claims.exp! - claims.iat! > RELEASE_BASIS_LIFETIME_SECONDS) return { ok: false as const, reason: 'BASIS_INVALID' as const };
        verified.set(basis, claims, claims.exp! * 1000);
        return { ok: true as const, claims };
      }, (error: unknown) => ({ ok: false as const, reason: error instanceof joseErrors.JWTExpired ? 'BASIS_EXPIRED' as const : 'BASIS_INVALID' as const }))
        .finally(() => checking.delete(basis));
      checking.set(basis, pending);
    }
    return pending;
  }

  async function claimsOf(basis: string, kind: string, agency: Agency, caller: Pick<Caller, 'actorId' | 'requestId' | 'forbund'>): Promise<{ ok: true; claims: Claims } | { ok: false; reason: BasisRefusal }> {
    let claims = verified.get(basis);
    if (!claims) {
      const checked = await signatureOf(basis);
      if (!checked.ok) return checked;
      claims = checked.claims;
    }
    // Looked up on every use, so a förbund cut off is refused from its next basis on.
    if (!isForbundId(claims.forbund) || trusted.standing(claims.forbund).standing !== 'TRUSTED') return { ok: false, reason: 'BASIS_FORBUND_NOT_ANSWERED' };
    if (caller.forbund !== undefined && claims.forbund !== caller.forbund) return { ok: false, reason: 'BASIS_OTHER_FORBUND' };
    if (claims.kind !== kind) return { ok: false, reason: 'BASIS_INVALID' };
    if (claims.aud !== agency) return { ok: false, reason: 'BASIS_OTHER_AGENCY' };
    if (claims.sub !== caller.actorId) return { ok: false, reason: 'BASIS_OTHER_USER' };
    if (claims.rid !== caller.requestId) return { ok: false, reason: 'BASIS_OTHER_REQUEST' };
    return { ok: true, claims };
  }

  /**
   * The consents with those withdrawn since the basis was signed marked so, or null when the
   * agency cannot tell (its view too old, coordination not answering). Asked only when a consent
   * is in force as signed: nothing else could be released, and a refusal needs no fresh view.
   */
  async function withdrawnSince(consents: ConsentEvidence[], forbund: string): Promise<ConsentEvidence[] | null> {
    if (!options.withdrawals || !consents.some((c) => c.revokedAt === null && typeof c.id === 'string')) return consents;
    const withdrawn = await options.withdrawals.current(forbund);
    if (!withdrawn) return null;
    return consents.map((c) => {
      const at = c.revokedAt === null && typeof c.id === 'string' ? withdrawn.get(c.id) : undefined;
      return at === undefined ? c : { ...c, revokedAt: at, withdrawnSinceBasis: true as const };
    });
  }

  return {
    async person(agency, personnummer, wire, caller) {
      if (typeof wire !== 'string' || wire === '') return { ok: false, reason: 'BASIS_MISSING' };
      const parsed = personBasisWire(wire);
      if (!parsed) return { ok: false, reason: 'BASIS_INVALID' };
      const checked = await claimsOf(parsed.basis, 'persons', agency, caller);
      if (!checked.ok) return checked;
      if (rootOf(parsed.entry, parsed.proof).toString('base64url') !== checked.claims.root) return { ok: false, reason: 'BASIS_INVALID' };
      const evidence = JSON.parse(parsed.entry) as PersonEvidence;
      if (evidence.personnummer !== personnummer) return { ok: false, reason: 'BASIS_OTHER_PERSON' };
      // Only this agency's records count, whatever else the entry might hold.
      const consents = evidence.consents.filter((c) => c.agency === agency);
      const withdrawn = await withdrawnSince(consents, checked.claims.forbund as string);
      if (withdrawn === null) return { ok: false, reason: 'BASIS_WITHDRAWALS_UNKNOWN' };
      return { ok: true, digest: sha256(wire).toString('hex'), evidence: { ...evidence, consents: withdrawn } };
    },
    statistics: (agency, wire, period) => sealedList('statistics', agency, wire, { actorId: STATISTICS_RELEASE_ACTOR, requestId: statisticsReleaseRequestId(period) }),
  };

  /** A list sealed to this agency after one line of signed claims over the ciphertext's digest. */
  async function sealedList(kind: 'statistics', agency: Agency, wire: unknown, caller: Pick<Caller, 'actorId' | 'requestId' | 'forbund'>): Promise<Verified<{ list: string; forbund: string }>> {
    if (typeof wire !== 'string' || wire === '') return { ok: false, reason: 'BASIS_MISSING' };
    const newline = wire.indexOf('\n');
    if (newline < 0) return { ok: false, reason: 'BASIS_INVALID' };
    const checked = await claimsOf(wire.slice(0, newline), kind, agency, caller);
    if (!checked.ok) return checked;
    const sealed = wire.slice(newline + 1);
    const digest = sha256(sealed);
    if (digest.toString('base64url') !== checked.claims.digest || !options.decryptionKey) return { ok: false, reason: 'BASIS_INVALID' };
    try {
      const { plaintext } = await compactDecrypt(sealed, options.decryptionKey.privateKey, { keyManagementAlgorithms: [KEY_AGREEMENT_ALGORITHM], contentEncryptionAlgorithms: [CONTENT_ENCRYPTION] });
      return { ok: true, digest: digest.toString('hex'), list: new TextDecoder().decode(plaintext), forbund: checked.claims.forbund as string };
    } catch {
      // Sealed to another key (another agency's, or one this agency has since replaced).
      return { ok: false, reason: 'BASIS_INVALID' };
    }
  }
}
