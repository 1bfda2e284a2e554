import { generateKeyPair } from 'jose';
import type { PersonEvidence } from '@finsam/kit/release-basis';
import { SIGNING_ALGORITHM } from '@finsam/kit/signing-key';
import { verdictOf, type Check, type ConformanceRun } from './check.ts';
import { AGENCY_SECTORS, agencySector, describeAnswer, Implementation, refusalOf, type Speaker } from './implementation.ts';
import { askPerson, basisFor, consentsCoveringToday, coordinatorOf } from './person.ts';

/** One way a call can come without a valid basis, and the reason the reference agencies give (docs/release-basis.md). */
interface Attempt {
  what: string;
  reason: string;
  speaker?: Speaker;
  /** The basis to send, made for the request it is sent in; undefined: none. */
  basis(run: ConformanceRun, requestId: string): Promise<string | undefined>;
}

const OTHER_USER = 'conformance-other-user';

/**
 * The attacks of test/e2e/trust/release-basis.test.ts and attack-release-basis.test.ts, made by the
 * kit with the test deployment's keys: each is a call an attacker holding a valid gateway token
 * could make, and each must release nothing and say why.
 */
export const ATTEMPTS: readonly Attempt[] = [
  { what: 'no basis', reason: 'BASIS_MISSING', basis: async () => undefined },
  {
    what: 'a basis signed with another key', reason: 'BASIS_INVALID',
    async basis(run, requestId) {
      // Under coordination's key id, so that only the signature tells it apart.
      const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519' });
      return basisFor(run, { actorId: run.user, requestId, key: { kid: run.implementation.keys.coordination.kid, privateKey } });
    },
  },
  {
    what: 'a genuine basis whose evidence was altered to show a consent', reason: 'BASIS_INVALID',
    async basis(run, requestId) {
      const wire = JSON.parse(await basisFor(run, { actorId: run.user, requestId, consents: [] })) as { entry: string };
      const entry = JSON.parse(wire.entry) as PersonEvidence;
      return JSON.stringify({ ...wire, entry: JSON.stringify({ ...entry, consents: consentsCoveringToday(agencySector(run.implementation.sector).agency) }) });
    },
  },
  {
    what: 'a basis for another agency', reason: 'BASIS_OTHER_AGENCY',
    basis: (run, requestId) => basisFor(run, { actorId: run.user, requestId, agency: AGENCY_SECTORS.find((s) => s.agency !== agencySector(run.implementation.sector).agency)!.agency }),
  },
  { what: 'a basis for another person', reason: 'BASIS_OTHER_PERSON', basis: (run, requestId) => basisFor(run, { actorId: run.user, requestId, personnummer: run.otherPerson }) },
  { what: 'a basis for another user', reason: 'BASIS_OTHER_USER', basis: (run, requestId) => basisFor(run, { actorId: OTHER_USER, requestId }) },
  { what: 'a basis for another request', reason: 'BASIS_OTHER_REQUEST', basis: (run) => basisFor(run, { actorId: run.user, requestId: Implementation.requestId() }) },
  { what: 'an expired basis', reason: 'BASIS_EXPIRED', basis: (run, requestId) => basisFor(run, { actorId: run.user, requestId, signedAt: Date.now() - 10 * 60_000 }) },
  { what: 'a genuine basis without a consent', reason: 'NO_CONSENT', basis: (run, requestId) => basisFor(run, { actorId: run.user, requestId, consents: [] }) },
  {
    what: 'a genuine basis with a consent that has expired', reason: 'CONSENT_EXPIRED',
    basis: (run, requestId) => basisFor(run, { actorId: run.user, requestId, consents: consentsCoveringToday(agencySector(run.implementation.sector).agency).map((c) => ({ ...c, validFrom: '2020-01-01', validTo: '2020-12-31' })) }),
  },
  {
    what: 'a genuine basis, asked by an analyst', reason: 'ROLE_NOT_ALLOWED', speaker: { actorId: 'conformance-analyst', role: 'analyst' },
    basis: (run, requestId) => basisFor(run, { actorId: 'conformance-analyst', requestId }),
  },
];

/**
 * Check 3, the consent check: `_entities` releases nothing about the person unless a consent
 * covering today is proven by a release basis coordination signed for this agency, user,
 * request and person; and it says why (FORBIDDEN with the reason). Every attempt is an access
 * the audit check then looks for, refused with that reason.
 */
export const consentCheck: Check = {
  name: 'consent',
  title: '_entities releases nothing without a consent proven by a valid signed release basis, and says why',
  async run(run) {
    const failures: string[] = [];
    for (const attempt of ATTEMPTS) {
      const requestId = Implementation.requestId();
      const { answer, released } = await askPerson(run, { requestId, speaker: attempt.speaker ?? coordinatorOf(run), basis: await attempt.basis(run, requestId) });
      run.accesses.push({ check: 'consent', what: attempt.what, requestId, decision: 'REFUSED', reason: attempt.reason });
      const { code, reason } = refusalOf(answer);
      if (released) failures.push(`released the person's ${agencySector(run.implementation.sector).field} under ${attempt.what}`);
      else if (code !== 'FORBIDDEN' || reason !== attempt.reason) failures.push(`refused ${attempt.what} without saying why: expected FORBIDDEN ${attempt.reason}, got ${describeAnswer(answer)}`);
    }
    return verdictOf(failures, `refused, with the reason, ${ATTEMPTS.length} calls without a valid basis (${ATTEMPTS.map((a) => a.reason).join(', ')})`);
  },
};
