import { verdictOf, type Check } from './check.ts';
import { describeAnswer, Implementation, refusalOf, type Speaker } from './implementation.ts';
import { askPerson } from './person.ts';

const REFUSED_CALLERS: readonly { what: string; speaker: Speaker; reason: string }[] = [
  { what: 'a coordinator whose caseload does not hold the person', speaker: { actorId: 'conformance-other-coordinator', role: 'coordinator' }, reason: 'NOT_IN_CASELOAD' },
  { what: 'an analyst', speaker: { actorId: 'conformance-analyst', role: 'analyst' }, reason: 'ROLE_NOT_ALLOWED' },
];

/**
 * Coordination's check 3. It needs no release basis (it signs them): what it must hold is its
 * caseload rule on the query plan's way in. A person reached through `_entities` is served, and
 * a basis signed, only to a coordinator whose caseload holds the person; anyone else gets
 * nothing, with the reason (docs/release-basis.md, "Coordination's own fields").
 */
export const caseloadCheck: Check = {
  name: 'caseload',
  title: '_entities outside the caller\'s caseload gives neither the person nor a release basis, and says why',
  async run(run) {
    const failures: string[] = [];
    for (const caller of REFUSED_CALLERS) {
      const requestId = Implementation.requestId();
      const { answer, released } = await askPerson(run, { requestId, speaker: caller.speaker });
      run.accesses.push({ check: 'caseload', what: caller.what, requestId, decision: 'REFUSED', reason: caller.reason });
      const { code, reason } = refusalOf(answer);
      if (released) failures.push(`gave the person's consents or a release basis to ${caller.what}`);
      else if (code !== 'FORBIDDEN' || reason !== caller.reason) failures.push(`refused ${caller.what} without saying why: expected FORBIDDEN ${caller.reason}, got ${describeAnswer(answer)}`);
    }
    return verdictOf(failures, `refused ${REFUSED_CALLERS.map((c) => `${c.what} (${c.reason})`).join(' and ')}`);
  },
};
