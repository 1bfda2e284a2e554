import { fail, verdictOf, type Check } from './check.ts';
import { agencySector, describeAnswer, Implementation, refusalOf } from './implementation.ts';
import { askPerson, basisFor, consentsCoveringToday } from './person.ts';

/**
 * Check 6: a withdrawal holds from the very next request. The person's data is released under a
 * consent, then the next request's basis shows that consent withdrawn: nothing may be released
 * (no decision remembered from the request before), and the reason says withdrawn.
 */
export const revocationCheck: Check = {
  name: 'revocation',
  title: 'a revocation holds on the next request',
  async run(run) {
    const { agency, field } = agencySector(run.implementation.sector);
    const consents = consentsCoveringToday(agency);
    const before = Implementation.requestId();
    const first = await askPerson(run, { requestId: before, basis: await basisFor(run, { actorId: run.user, requestId: before, consents }) });
    run.accesses.push({ check: 'revocation', what: 'a consent before its withdrawal', requestId: before, decision: 'RELEASED', reason: null });
    if (!first.released) return fail(`released nothing under the consent before it was withdrawn, so a withdrawal cannot be told apart (${describeAnswer(first.answer)})`);

    const after = Implementation.requestId();
    const withdrawn = consents.map((consent) => ({ ...consent, revokedAt: new Date().toISOString() }));
    const next = await askPerson(run, { requestId: after, basis: await basisFor(run, { actorId: run.user, requestId: after, consents: withdrawn }) });
    run.accesses.push({ check: 'revocation', what: 'the consent withdrawn', requestId: after, decision: 'REFUSED', reason: 'CONSENT_REVOKED' });
    const { code, reason } = refusalOf(next.answer);
    const failures: string[] = [];
    if (next.released) failures.push(`released the person's ${field} on the request after the consent was withdrawn`);
    else if (code !== 'FORBIDDEN' || reason !== 'CONSENT_REVOKED') failures.push(`refused after the withdrawal without saying so: expected FORBIDDEN CONSENT_REVOKED, got ${describeAnswer(next.answer)}`);
    return verdictOf(failures, 'released under the consent, then refused the next request, CONSENT_REVOKED, once it was withdrawn');
  },
};
