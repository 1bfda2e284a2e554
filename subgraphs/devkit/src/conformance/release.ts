import { fail, pass, type Check } from './check.ts';
import { agencySector, describeAnswer, Implementation } from './implementation.ts';
import { askPerson, basisFor } from './person.ts';

/**
 * Check 4: under a valid basis (signed by the deployment's coordination for this agency, user,
 * request and person, with a consent covering today) the sector is released. Without this the
 * refusals of check 3 prove nothing: an implementation that answers nothing would pass them.
 */
export const releaseCheck: Check = {
  name: 'release',
  title: 'with a valid basis it releases',
  async run(run) {
    const requestId = Implementation.requestId();
    const { answer, released } = await askPerson(run, { requestId, basis: await basisFor(run, { actorId: run.user, requestId }) });
    run.accesses.push({ check: 'release', what: 'a valid basis', requestId, decision: 'RELEASED', reason: null });
    const { field } = agencySector(run.implementation.sector);
    return released ? pass(`released the person's ${field} under a valid basis`) : fail(`released no ${field} under a valid basis (${describeAnswer(answer)})`);
  },
};
