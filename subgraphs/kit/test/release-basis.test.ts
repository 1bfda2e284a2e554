import { importJWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReleaseBasisVerifier, signStatisticsBasis, type PersonEvidence } from '../src/release-basis.ts';
import { KEY_AGREEMENT_ALGORITHM, loadOrCreateEncryptionKey, type DecryptionKey, type RecipientKey } from '../src/signing-key.ts';
import { NOW, PERSON, coordinationAndAgency, coordinator, sha256Hex, validConsent } from './support/release-fixtures.ts';
import type { Agency } from '../src/agencies.ts';

/**
 * The release basis as an agency verifies it (release-basis.ts): the persons of one call share
 * one signature over the root of a Merkle tree of their evidence, each person's basis carrying
 * its evidence and its path to that root; a cohort's member list is sealed to the one agency it
 * is for. What is asserted is what an attacker who alters, swaps or re-uses a basis would meet.
 */
const CARE = 'CARE';
const personnummer = (i: number) => `19800101${String(1000 + i).padStart(4, '0')}`;
const evidenceOf = (i: number): PersonEvidence =>
  ({ personnummer: personnummer(i), consents: [validConsent(CARE, { validFrom: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}` })], protectedIdentity: i % 3 === 0 });

type Wire = { basis: string; entry: string; proof: string[] };
const wireOf = (basis: string) => JSON.parse(basis) as Wire;
const written = (wire: Wire) => JSON.stringify({ basis: wire.basis, entry: wire.entry, proof: wire.proof });
/** A proof step with one bit of its hash changed (in the first character, which carries six whole bits). */
const flipped = (step: string) => `${step[0]}${step[1] === 'A' ? 'B' : 'A'}${step.slice(2)}`;

describe('person bases: one signature, a Merkle path per person', () => {
  let parties: Awaited<ReturnType<typeof coordinationAndAgency>>;
  beforeAll(async () => {
    parties = await coordinationAndAgency();
  });
  afterAll(() => parties.close());
  beforeEach(() => {
    parties.clock.now = NOW;
  });

  it.each([1, 2, 3, 5, 8, 13, 50])('verifies every basis of a call of %i persons for its own person, under one signature checked once', async (n) => {
    const entries = Array.from({ length: n }, (_, i) => evidenceOf(i + n * 100));
    const bases = await parties.sign(CARE, entries, { requestId: `round-trip-${n}` });
    const caller = { ...coordinator, requestId: `round-trip-${n}` };
    expect(new Set(bases.map((b) => wireOf(b).basis)).size).toBe(1);
    const checksBefore = parties.signatureChecks();
    for (const [i, basis] of bases.entries()) {
      const verified = await parties.verifier.person(CARE, entries[i]!.personnummer, basis, caller);
      expect(verified).toEqual({ ok: true, digest: sha256Hex(basis), evidence: entries[i] });
    }
    expect(parties.signatureChecks() - checksBefore).toBe(1);
    // A path of at most ceil(log2 n) steps.
    expect(Math.max(...bases.map((b) => wireOf(b).proof.length))).toBe(Math.ceil(Math.log2(n)));
  });

  describe('a tampered basis is refused as BASIS_INVALID', () => {
    const N = 5;
    // A person with protected identity (evidenceOf), whose path has three steps on both sides.
    const TARGET = 3;
    let bases: string[];
    beforeAll(async () => {
      bases = await parties.sign(CARE, Array.from({ length: N }, (_, i) => evidenceOf(i)));
    });
    const verify = (wire: string, person = personnummer(TARGET)) => parties.verifier.person(CARE, person, wire, coordinator);

    it('verifies the untouched basis (the control)', async () => {
      expect(await verify(bases[TARGET]!)).toMatchObject({ ok: true });
    });

    it.each<[string, (wire: Wire, others: Wire[]) => Wire]>([
      ['the evidence changed (protected identity hidden)', (w) => ({ ...w, entry: JSON.stringify({ ...JSON.parse(w.entry), protectedIdentity: false }) })],
      ['the evidence changed (a consent made to last longer)', (w) => ({ ...w, entry: w.entry.replace('2026-12-31', '2099-12-31') })],
      ['the evidence written differently with the same content', (w) => ({ ...w, entry: JSON.stringify(JSON.parse(w.entry), null, 1) })],
      ['another person\'s evidence with this path', (w, others) => ({ ...w, entry: others[0]!.entry })],
      ['a sibling hash changed', (w) => ({ ...w, proof: [flipped(w.proof[0]!), ...w.proof.slice(1)] })],
      ['the last sibling hash changed', (w) => ({ ...w, proof: [...w.proof.slice(0, -1), flipped(w.proof.at(-1)!)] })],
      ['a sibling put on the other side', (w) => ({ ...w, proof: [`${w.proof[0]![0] === 'L' ? 'R' : 'L'}${w.proof[0]!.slice(1)}`, ...w.proof.slice(1)] })],
      ['a step dropped', (w) => ({ ...w, proof: w.proof.slice(1) })],
      ['a step added', (w) => ({ ...w, proof: [...w.proof, w.proof[0]!] })],
      ['the path of another person', (w, others) => ({ ...w, proof: others[0]!.proof })],
      ['no path at all', (w) => ({ ...w, proof: [] })],
    ])('%s', async (_name, tamper) => {
      const wire = wireOf(bases[TARGET]!);
      const others = bases.filter((_, i) => i !== TARGET).map(wireOf);
      expect(await verify(written(tamper(wire, others)))).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    });

    it('takes another person\'s untouched basis as valid but not for this person', async () => {
      expect(await verify(bases[0]!)).toEqual({ ok: false, reason: 'BASIS_OTHER_PERSON' });
    });

    it.each<[string, (wire: Wire) => string]>([
      ['an extra key', (w) => JSON.stringify({ ...w, consents: [validConsent(CARE)] })],
      ['its keys in another order', (w) => JSON.stringify({ entry: w.entry, basis: w.basis, proof: w.proof })],
      ['spaces added', (w) => JSON.stringify(w, null, 1)],
      ['a step that is not a hash', (w) => written({ ...w, proof: ['L' + 'A'.repeat(42), ...w.proof.slice(1)] })],
      ['not JSON', (w) => `${w.basis}.${w.entry}`],
      ['the signature alone', (w) => w.basis],
    ])('refuses a basis in any other form than coordination writes: %s', async (_name, rewrite) => {
      expect(await verify(rewrite(wireOf(bases[TARGET]!)))).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    });

    it('refuses what is not a basis string at all as BASIS_MISSING', async () => {
      for (const wire of [undefined, null, '', 42, { basis: 'x' }, wireOf(bases[TARGET]!)]) {
        expect(await parties.verifier.person(CARE, personnummer(TARGET), wire, coordinator)).toEqual({ ok: false, reason: 'BASIS_MISSING' });
      }
    });
  });

  it('keeps only this agency\'s consents from the evidence, whatever else was signed into it', async () => {
    const [basis] = await parties.sign(CARE, [{ personnummer: PERSON, consents: [validConsent('EMPLOYMENT'), validConsent(CARE)], protectedIdentity: false }]);
    const verified = await parties.verifier.person(CARE, PERSON, basis, coordinator);
    expect(verified.ok && verified.evidence.consents).toEqual([validConsent(CARE)]);
  });
});

describe('statistics bases: a period\'s member list sealed to one agency', () => {
  let parties: Awaited<ReturnType<typeof coordinationAndAgency>>;
  let careKey: DecryptionKey;
  let employmentKey: DecryptionKey;
  const recipient = async (key: DecryptionKey): Promise<RecipientKey> => ({ kid: key.kid, key: await importJWK(key.publicJwk, KEY_AGREEMENT_ALGORITHM) });
  const LIST = [personnummer(1), personnummer(2), personnummer(3)].join('\n');
  const careVerifier = (decryptionKey: DecryptionKey | null = careKey) =>
    createReleaseBasisVerifier({}, parties.dataDir, { now: () => NOW, ...(decryptionKey ? { decryptionKey } : {}) });
  const PERIOD = '2025-03';
  const sealFor = async (agency: Agency, key: DecryptionKey, period = PERIOD) => signStatisticsBasis(parties.key, agency, period, LIST, await recipient(key), NOW);

  beforeAll(async () => {
    parties = await coordinationAndAgency();
    careKey = await loadOrCreateEncryptionKey(parties.dataDir, 'care');
    employmentKey = await loadOrCreateEncryptionKey(parties.dataDir, 'employment');
  });
  afterAll(() => parties.close());

  it('opens the list sealed to this agency, and names the sealed list by its digest', async () => {
    const wire = await sealFor(CARE, careKey);
    const sealed = wire.slice(wire.indexOf('\n') + 1);
    expect(sealed).not.toContain(personnummer(1));
    expect(await careVerifier().statistics(CARE, wire, PERIOD)).toEqual({ ok: true, list: LIST, digest: sha256Hex(sealed), forbund: 'embedded' });
  });

  it('refuses a list sealed to another agency\'s key, though signed for this agency', async () => {
    expect(await careVerifier().statistics(CARE, await sealFor(CARE, employmentKey), PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
  });

  it('refuses a list whose sealed part was changed or swapped', async () => {
    const wire = await sealFor(CARE, careKey);
    const other = await sealFor(CARE, careKey);
    const [signature] = wire.split('\n');
    const swapped = `${signature}\n${other.slice(other.indexOf('\n') + 1)}`;
    expect(await careVerifier().statistics(CARE, swapped, PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    expect(await careVerifier().statistics(CARE, `${wire}x`, PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    expect(await careVerifier().statistics(CARE, signature, PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
  });

  it('refuses a statistics basis for another agency or another period', async () => {
    expect(await careVerifier().statistics(CARE, await sealFor('EMPLOYMENT', careKey), PERIOD)).toEqual({ ok: false, reason: 'BASIS_OTHER_AGENCY' });
    expect(await careVerifier().statistics(CARE, await sealFor(CARE, careKey, '2025-04'), PERIOD)).toEqual({ ok: false, reason: 'BASIS_OTHER_REQUEST' });
    expect(await careVerifier().statistics(CARE, await sealFor(CARE, careKey, '2025'), PERIOD)).toEqual({ ok: false, reason: 'BASIS_OTHER_REQUEST' });
  });

  it('opens nothing without the agency\'s own key', async () => {
    expect(await careVerifier(null).statistics(CARE, await sealFor(CARE, careKey), PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
  });

  it('never takes a statistics basis\'s signature for a person\'s, nor a person\'s for a statistics basis\'s', async () => {
    const cohortWire = await sealFor(CARE, careKey);
    const [personWire] = await parties.sign(CARE, [{ personnummer: PERSON, consents: [validConsent(CARE)], protectedIdentity: false }]);
    const asPerson = written({ ...wireOf(personWire!), basis: cohortWire.split('\n')[0]! });
    expect(await careVerifier().person(CARE, PERSON, asPerson, coordinator)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
    const asCohort = `${wireOf(personWire!).basis}\n${cohortWire.slice(cohortWire.indexOf('\n') + 1)}`;
    expect(await careVerifier().statistics(CARE, asCohort, PERIOD)).toEqual({ ok: false, reason: 'BASIS_INVALID' });
  });
});
