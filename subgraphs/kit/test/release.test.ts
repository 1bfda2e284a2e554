import { generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestAudit } from '../src/audit.ts';
import type { Caller } from '../src/caller.ts';
import type { PersonEvidence } from '../src/release-basis.ts';
import { releaseSector, type PersonWithBasis } from '../src/release.ts';
import { memoryAuditStore, type MemoryAuditStore } from './support/memory-audit-store.ts';
import {
  NOW, OTHER_PERSON, PERSON, TODAY, coordinationAndAgency, coordinator, resolveInfo, sha256Hex, validConsent,
} from './support/release-fixtures.ts';

/**
 * An agency's release of its sector of a person (release.ts) with the real parts: bases signed
 * with coordination's key, the agency's verifier of them, the request's audit written to the
 * store's hash-chained log (in memory). What a coordinator sees (released or FORBIDDEN with a
 * reason) and what an auditor later reads in the agency's log are both asserted.
 */
const CARE = 'CARE';
const INFO = resolveInfo('{ care { certificates { issuedOn } diagnoses { code } } }');
const FIELDS = ['care.certificates.issuedOn', 'care.diagnoses.code'];

const evidence = (over: Partial<PersonEvidence> = {}): PersonEvidence =>
  ({ personnummer: PERSON, consents: [validConsent(CARE)], protectedIdentity: false, ...over });

describe('releaseSector', () => {
  let parties: Awaited<ReturnType<typeof coordinationAndAgency>>;
  let store: MemoryAuditStore;

  beforeAll(async () => {
    parties = await coordinationAndAgency();
  });
  afterAll(() => parties.close());
  beforeEach(async () => {
    store = await memoryAuditStore();
    parties.clock.now = NOW;
  });
  afterEach(() => store.close());

  /** The agency's decision on one person, its records written to the log as a subgraph writes them before answering. */
  async function release(person: PersonWithBasis, caller: Caller = coordinator) {
    const audit = new RequestAudit(CARE);
    const result = await releaseSector(CARE, person, { caller, audit, releaseBases: parties.verifier }, INFO, TODAY);
    await store.log.append(caller, audit.drain());
    return { result, rows: await store.rows() };
  }

  const withBasis = (basis: string | undefined, personnummer = PERSON): PersonWithBasis =>
    ({ personnummer, ...(basis === undefined ? {} : { careReleaseBasis: basis }) });

  it('releases under a basis coordination signed, and logs RELEASED with the digest of that basis', async () => {
    const [basis] = await parties.sign(CARE, [evidence()]);
    const { result, rows } = await release(withBasis(basis));
    expect(result).toEqual({ ok: true, value: { released: [], notReleased: [] } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      personnummer: PERSON, agency: CARE, decision: 'RELEASED', reason: null, basis_digest: sha256Hex(basis!),
      actor: 'coordinator-1', role: 'coordinator', purpose: 'COORDINATION', request_id: 'request-1',
      fields: JSON.stringify(FIELDS), protected_identity: 0,
    });
  });

  it('logs a release of a person with protected identity as such', async () => {
    const [basis] = await parties.sign(CARE, [evidence({ protectedIdentity: true })]);
    const { result, rows } = await release(withBasis(basis));
    expect(result.ok).toBe(true);
    expect(rows[0]).toMatchObject({ decision: 'RELEASED', protected_identity: 1 });
  });

  type Refusal = { name: string; reason: string; protectedIdentity?: boolean; person: () => Promise<PersonWithBasis>; caller?: Caller };
  const refusals: Refusal[] = [
    { name: 'an analyst, with a genuine basis', reason: 'ROLE_NOT_ALLOWED', caller: { ...coordinator, actorId: 'analyst-1', role: 'analyst', purpose: 'FOLLOW_UP' },
      person: async () => withBasis((await parties.sign(CARE, [evidence()], { actorId: 'analyst-1' }))[0]) },
    { name: 'an auditor, with a genuine basis', reason: 'ROLE_NOT_ALLOWED', caller: { ...coordinator, actorId: 'auditor-1', role: 'auditor', purpose: 'AUDIT' },
      person: async () => withBasis((await parties.sign(CARE, [evidence()], { actorId: 'auditor-1' }))[0]) },
    { name: 'no basis', reason: 'BASIS_MISSING', person: async () => withBasis(undefined) },
    { name: 'an empty basis', reason: 'BASIS_MISSING', person: async () => withBasis('') },
    { name: 'a genuine basis under another agency\'s field', reason: 'BASIS_MISSING',
      person: async () => ({ personnummer: PERSON, employmentReleaseBasis: (await parties.sign(CARE, [evidence()]))[0] }) },
    { name: 'made-up consents, unsigned (what the query plan once carried)', reason: 'BASIS_INVALID',
      person: async () => withBasis(JSON.stringify({ consents: [validConsent(CARE)], protectedIdentity: false })) },
    { name: 'a basis for another person', reason: 'BASIS_OTHER_PERSON',
      person: async () => withBasis((await parties.sign(CARE, [evidence({ personnummer: OTHER_PERSON })]))[0]) },
    { name: 'a basis for another agency', reason: 'BASIS_OTHER_AGENCY',
      person: async () => withBasis((await parties.sign('EMPLOYMENT', [evidence({ consents: [validConsent('EMPLOYMENT'), validConsent(CARE)] })]))[0]) },
    { name: 'a basis for another user', reason: 'BASIS_OTHER_USER',
      person: async () => withBasis((await parties.sign(CARE, [evidence()], { actorId: 'coordinator-2' }))[0]) },
    { name: 'a basis for another request', reason: 'BASIS_OTHER_REQUEST',
      person: async () => withBasis((await parties.sign(CARE, [evidence()], { requestId: 'request-0' }))[0]) },
    { name: 'a basis signed ten minutes ago (expired)', reason: 'BASIS_EXPIRED',
      person: async () => withBasis((await parties.sign(CARE, [evidence()], { signedAt: NOW - 10 * 60_000 }))[0]) },
    { name: 'a basis signed with another key under coordination\'s key id (forged signature)', reason: 'BASIS_INVALID',
      person: async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
        return withBasis((await parties.sign(CARE, [evidence()], { key: { kid: parties.key.kid, privateKey } }))[0]);
      } },
    { name: 'a genuine basis whose consents were altered', reason: 'BASIS_INVALID',
      person: async () => {
        const [basis] = await parties.sign(CARE, [evidence({ consents: [validConsent(CARE, { revokedAt: '2026-03-01T10:00:00.000Z' })] })]);
        const wire = JSON.parse(basis!) as { basis: string; entry: string; proof: string[] };
        return withBasis(JSON.stringify({ ...wire, entry: JSON.stringify(evidence()) }));
      } },
    { name: 'a genuine basis, the consent withdrawn', reason: 'CONSENT_REVOKED',
      person: async () => withBasis((await parties.sign(CARE, [evidence({ consents: [validConsent(CARE, { revokedAt: '2026-03-01T10:00:00.000Z' })] })]))[0]) },
    { name: 'a genuine basis, the consent expired', reason: 'CONSENT_EXPIRED',
      person: async () => withBasis((await parties.sign(CARE, [evidence({ consents: [validConsent(CARE, { validTo: '2026-03-09' })] })]))[0]) },
    { name: 'a genuine basis, consent only for another agency', reason: 'NO_CONSENT',
      person: async () => withBasis((await parties.sign(CARE, [evidence({ consents: [validConsent('EMPLOYMENT')] })]))[0]) },
    { name: 'a genuine basis, the consent withdrawn, protected identity', reason: 'CONSENT_REVOKED', protectedIdentity: true,
      person: async () => withBasis((await parties.sign(CARE, [evidence({ protectedIdentity: true, consents: [validConsent(CARE, { revokedAt: '2026-03-01T10:00:00.000Z' })] })]))[0]) },
  ];

  it.each(refusals)('refuses $name ($reason), and logs REFUSED with the reason', async ({ reason, person, caller = coordinator, protectedIdentity = false }) => {
    const { result, rows } = await release(await person(), caller);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.code).toBe('FORBIDDEN');
    expect(result.refusal.reason).toBe(reason);
    expect(result.refusal.details).toEqual({ agency: CARE });
    // The coordinator is told why in words, never shown the reason code alone.
    expect(result.refusal.message).toMatch(/^The region releases no data for this person: .+\.$/);
    expect(result.refusal.message).not.toContain(reason);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      personnummer: PERSON, agency: CARE, decision: 'REFUSED', reason, basis_digest: null,
      actor: caller.actorId, role: caller.role, request_id: caller.requestId, fields: JSON.stringify(FIELDS),
      protected_identity: protectedIdentity ? 1 : 0,
    });
  });

  it('checks the binding on every use: a basis released once is refused in the next request, for another user, or at another agency', async () => {
    const [basis] = await parties.sign(CARE, [evidence()]);
    expect((await release(withBasis(basis))).result.ok).toBe(true);
    const checks = parties.signatureChecks();
    // The signature is now remembered; what it is bound to is checked again.
    const later = await release(withBasis(basis), { ...coordinator, requestId: 'request-2' });
    expect(later.result).toMatchObject({ ok: false, refusal: { reason: 'BASIS_OTHER_REQUEST' } });
    const otherUser = await release(withBasis(basis), { ...coordinator, actorId: 'coordinator-2' });
    expect(otherUser.result).toMatchObject({ ok: false, refusal: { reason: 'BASIS_OTHER_USER' } });
    const atEmployment = await parties.verifier.person('EMPLOYMENT', PERSON, basis, coordinator);
    expect(atEmployment).toEqual({ ok: false, reason: 'BASIS_OTHER_AGENCY' });
    expect(parties.signatureChecks()).toBe(checks);
    expect((await store.rows()).map((r) => [r.decision, r.reason, r.request_id, r.actor])).toEqual([
      ['RELEASED', null, 'request-1', 'coordinator-1'],
      ['REFUSED', 'BASIS_OTHER_REQUEST', 'request-2', 'coordinator-1'],
      ['REFUSED', 'BASIS_OTHER_USER', 'request-1', 'coordinator-2'],
    ]);
  });

  it('refuses a basis it once accepted after the basis expires, remembered signature or not', async () => {
    const [basis] = await parties.sign(CARE, [evidence()]);
    expect((await release(withBasis(basis))).result.ok).toBe(true);
    // 60 s of life and 5 s of clock tolerance: still good at 64 s, gone at 66 s.
    parties.clock.now = NOW + 64_000;
    expect((await release(withBasis(basis))).result.ok).toBe(true);
    parties.clock.now = NOW + 66_000;
    const { result, rows } = await release(withBasis(basis));
    expect(result).toMatchObject({ ok: false, refusal: { reason: 'BASIS_EXPIRED' } });
    expect(rows.at(-1)).toMatchObject({ decision: 'REFUSED', reason: 'BASIS_EXPIRED' });
  });

  it('judges consent on the day given, not on the day the basis was signed', async () => {
    const [basis] = await parties.sign(CARE, [evidence({ consents: [validConsent(CARE, { validTo: TODAY })] })]);
    const audit = new RequestAudit(CARE);
    const ctx = { caller: coordinator, audit, releaseBases: parties.verifier };
    expect((await releaseSector(CARE, withBasis(basis), ctx, INFO, TODAY)).ok).toBe(true);
    expect(await releaseSector(CARE, withBasis(basis), ctx, INFO, '2026-03-11'))
      .toMatchObject({ ok: false, refusal: { reason: 'CONSENT_EXPIRED' } });
  });
});
