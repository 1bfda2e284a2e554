import { defaultPurpose } from '@finsam/kit/caller';
import { createReleaseBasisVerifier } from '@finsam/kit/release-basis';
import { fail, verdictOf, type Check } from './check.ts';
import { AGENCY_SECTORS, describeAnswer, Implementation } from './implementation.ts';
import { askPerson, coordinatorOf } from './person.ts';

/**
 * Coordination's check 4: to the person's coordinator it gives the person and, for each agency,
 * a release basis that the agencies' own verifier (release-basis.ts, the one every reference
 * agency uses) accepts: signed with the deployment's coordination key, for that agency, that
 * user, that request and that person.
 */
export const basisSignedCheck: Check = {
  name: 'release-basis-signed',
  title: 'to the person\'s coordinator it gives the person and a basis each agency accepts',
  async run(run) {
    const requestId = Implementation.requestId();
    const speaker = coordinatorOf(run);
    const { answer } = await askPerson(run, { requestId, speaker });
    run.accesses.push({ check: 'release-basis-signed', what: 'the person read by their coordinator', requestId, decision: 'RELEASED', reason: null });
    const entity = (answer.data?._entities?.[0] ?? null) as Record<string, unknown> | null;
    if (!entity?.consents) return fail(`gave the person's coordinator no consents (${describeAnswer(answer)}); is the person in --user's caseload?`);
    const verifier = createReleaseBasisVerifier({}, run.implementation.keys.dataDir);
    const caller = { ...speaker, purpose: defaultPurpose(speaker.role), requestId };
    const failures: string[] = [];
    for (const sector of AGENCY_SECTORS) {
      const checked = await verifier.person(sector.agency, run.person, entity[sector.basisField], caller);
      if (!checked.ok) failures.push(`${sector.basisField} would be refused by the agency: ${checked.reason}`);
    }
    return verdictOf(failures, `gave the person's consents and ${AGENCY_SECTORS.length} release bases the agencies accept`);
  },
};
