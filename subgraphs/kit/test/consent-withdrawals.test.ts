import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentCovers } from '../src/consent.ts';
import {
  createWithdrawalView, signWithdrawalFeed, WITHDRAWALS_FRESH_SECONDS, type ConsentWithdrawal,
} from '../src/consent-withdrawals.ts';
import { createReleaseBasisVerifier, type PersonEvidence } from '../src/release-basis.ts';
import { trustedForbund } from '../src/trusted-forbund.ts';
import { NOW, PERSON, TODAY, coordinationAndAgency, coordinator, validConsent } from './support/release-fixtures.ts';

/**
 * A withdrawal holds at once (consent-withdrawals.ts, docs/release-basis.md): an agency judges the
 * consents a basis carries against coordination's withdrawal feed, pushed at the withdrawal and
 * pulled within the bound; with no view within the bound it releases nothing.
 */
const CARE = 'CARE';
const WITHDRAWN_AT = new Date(NOW + 1_000).toISOString();
// Two care consents of one person, each naming its region (controller): the person withdraws Västra Götaland's only.
const vastraGotaland = validConsent(CARE, { id: 'SF-S-vg', controller: '14' });
const stockholm = validConsent(CARE, { id: 'SF-S-sthlm', controller: '01' });
const evidence: PersonEvidence = { personnummer: PERSON, consents: [vastraGotaland, stockholm], protectedIdentity: false };
const withdrawal: ConsentWithdrawal = { consent: 'SF-S-vg', agency: CARE, controller: '14', at: WITHDRAWN_AT };

describe('an agency\'s view of coordination\'s withdrawals', () => {
  let parties: Awaited<ReturnType<typeof coordinationAndAgency>>;
  beforeAll(async () => {
    parties = await coordinationAndAgency();
  });
  afterAll(() => parties.close());

  /** An agency on the test's clock whose pulls reach a coordination that answers `feed()` (or throws, as one that is down). */
  function agency(feed: () => Promise<string>) {
    let pulls = 0;
    const view = createWithdrawalView(CARE, {}, trustedForbund({}, parties.dataDir), {
      now: () => parties.clock.now,
      fetchFeed: async () => {
        pulls++;
        return { feed: await feed() };
      },
    });
    const verifier = createReleaseBasisVerifier({}, parties.dataDir, { now: () => parties.clock.now, withdrawals: view });
    return { view, verifier, pulls: () => pulls };
  }
  const feedAt = (at: number, withdrawals: ConsentWithdrawal[] = [withdrawal]) => signWithdrawalFeed(parties.key, CARE, withdrawals, at);
  const down = () => Promise.reject(new Error('ECONNREFUSED'));

  it('judges a consent withdrawn since the basis was signed as withdrawn, for its controller only', async () => {
    parties.clock.now = NOW;
    const { view, verifier } = agency(down);
    const [basis] = await parties.sign(CARE, [evidence], { signedAt: NOW });
    // The push of the withdrawal, a second after the basis was signed.
    parties.clock.now = NOW + 2_000;
    expect(await view.accept(await feedAt(NOW + 2_000))).toBe(true);
    const verified = await verifier.person(CARE, PERSON, basis, coordinator);
    if (!verified.ok) throw new Error(verified.reason);
    expect(consentCovers(verified.evidence.consents, CARE, TODAY, '14')).toEqual({ covered: false, reason: 'CONSENT_WITHDRAWN' });
    // The other region's consent is the person's still: its release is unaffected.
    expect(consentCovers(verified.evidence.consents, CARE, TODAY, '01')).toEqual({ covered: true });
  });

  it('pulls before releasing once its view is older than the bound, and refuses BASIS_WITHDRAWALS_UNKNOWN when coordination does not answer', async () => {
    parties.clock.now = NOW;
    let coordinationUp = true;
    const { verifier, pulls } = agency(() => (coordinationUp ? feedAt(parties.clock.now, []) : down()));
    const [basis] = await parties.sign(CARE, [evidence], { signedAt: NOW });
    expect((await verifier.person(CARE, PERSON, basis, coordinator)).ok).toBe(true);
    expect(pulls()).toBe(1);
    // Coordination goes down; within the bound the agency releases on the view it has.
    coordinationUp = false;
    parties.clock.now = NOW + 3_000;
    expect((await verifier.person(CARE, PERSON, basis, coordinator)).ok).toBe(true);
    // Past the bound it cannot tell whether the consent still holds: it fails closed.
    parties.clock.now = NOW + WITHDRAWALS_FRESH_SECONDS * 1000 + 1_000;
    expect(await verifier.person(CARE, PERSON, basis, coordinator)).toEqual({ ok: false, reason: 'BASIS_WITHDRAWALS_UNKNOWN' });
    // Back up: the next release pulls a fresh view and goes on.
    coordinationUp = true;
    expect((await verifier.person(CARE, PERSON, basis, coordinator)).ok).toBe(true);
  });

  it('needs no view to refuse: a basis with no consent in force is judged as signed, coordination down or not', async () => {
    parties.clock.now = NOW;
    const { verifier, pulls } = agency(down);
    const revoked = { ...evidence, consents: [{ ...vastraGotaland, revokedAt: WITHDRAWN_AT }] };
    const [basis] = await parties.sign(CARE, [revoked], { signedAt: NOW });
    const verified = await verifier.person(CARE, PERSON, basis, coordinator);
    expect(verified.ok && consentCovers(verified.evidence.consents, CARE, TODAY)).toEqual({ covered: false, reason: 'CONSENT_REVOKED' });
    expect(pulls()).toBe(0);
  });

  it('asks coordination at most once per bound however many releases, ahead of the bound while requests come', async () => {
    parties.clock.now = NOW;
    const { verifier, pulls } = agency(() => feedAt(parties.clock.now, []));
    const [basis] = await parties.sign(CARE, [evidence], { signedAt: NOW });
    for (let i = 0; i < 200; i++) {
      parties.clock.now = NOW + i * 100; // 20 s of releases, one every 100 ms
      expect((await verifier.person(CARE, PERSON, basis, coordinator)).ok).toBe(true);
    }
    // One pull at the start, then one each half bound (refreshed ahead): a handful, never one per release.
    expect(pulls()).toBeLessThanOrEqual(1 + Math.ceil(20 / (WITHDRAWALS_FRESH_SECONDS / 2)));
  });

  it('is not made fresh by an old feed replayed, nor by a feed of another key or for another agency', async () => {
    parties.clock.now = NOW;
    const { view, verifier } = agency(down);
    const [basis] = await parties.sign(CARE, [evidence], { signedAt: NOW });
    const old = await feedAt(NOW, []);
    expect(await view.accept(old)).toBe(true);
    parties.clock.now = NOW + WITHDRAWALS_FRESH_SECONDS * 1000 + 1_000;
    // Replayed past the bound: the view is as old as the feed was when coordination signed it.
    expect(await view.accept(old)).toBe(true);
    expect(await verifier.person(CARE, PERSON, basis, coordinator)).toEqual({ ok: false, reason: 'BASIS_WITHDRAWALS_UNKNOWN' });
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    expect(await view.accept(await signWithdrawalFeed({ kid: parties.key.kid, privateKey }, CARE, [], parties.clock.now))).toBe(false);
    expect(await view.accept(await signWithdrawalFeed(parties.key, 'EMPLOYMENT', [], parties.clock.now))).toBe(false);
    expect(await view.accept('not a feed')).toBe(false);
    expect(await view.accept({ feed: 1 })).toBe(false);
  });
});
