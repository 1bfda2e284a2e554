import { MAX_SIGNAL_COHORT, tooLargeForSignals, type MembersForAgency } from '../../../shared/src/cohort.ts';
import { consentCovers } from '../../../shared/src/consent.ts';
import { todayIso } from '../../../shared/src/dates.ts';
import { failure, valueOrThrow } from '../../../shared/src/errors.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import type { Agency } from '../../../shared/src/population/types.ts';
import { cohortSignalFigures, type ReleasedSectors } from '../cohort-signals.ts';
import type { CoordinationContext } from '../context.ts';
import { consentEvidence } from './person.ts';
import { cohortDefinition, matchingParticipations } from './follow-up.ts';

/**
 * Each agency gets only the members whose consent covers it: that a person takes part in an
 * intervention (under a priority group such as mental ill health) is itself coordination's data
 * about the person, and leaves it only under consent, as a person's data does.
 */
function membersFor(agency: Agency) {
  return async (cohort: { members: string[] }, _args: unknown, ctx: CoordinationContext): Promise<string> => {
    if (ctx.caller.role !== 'analyst') valueOrThrow(failure('FORBIDDEN', 'Cohorts are for the analyst role.'));
    const today = todayIso();
    const consents = await loadEach(ctx.loaders.consentsByPerson, cohort.members);
    const handedOver: MembersForAgency = {
      memberCount: cohort.members.length,
      members: cohort.members.flatMap((personnummer, i) => {
        const evidence = consents[i]!.map(consentEvidence);
        return consentCovers(evidence, agency, today).covered ? [{ personnummer, consents: evidence.filter((c) => c.agency === agency) }] : [];
      }),
    };
    return JSON.stringify(handedOver);
  };
}

export const cohortResolvers = {
  Cohort: {
    __resolveReference: (ref: { id: string }) => ref,
    sicknessInsuranceMembers: membersFor('SICKNESS_INSURANCE'),
    employmentMembers: membersFor('EMPLOYMENT'),
    socialServicesMembers: membersFor('SOCIAL_SERVICES'),
    careMembers: membersFor('CARE'),
    async signals(cohort: { id: string } & ReleasedSectors, _args: unknown, ctx: CoordinationContext) {
      const { rows } = await matchingParticipations(ctx, valueOrThrow(cohortDefinition(cohort.id)));
      const members = rows.filter((r) => r.identity_protection === 'NONE');
      const memberCount = new Set(members.map((r) => r.personnummer)).size;
      // The agencies saw the same count and released nothing; the other figures still arrive.
      if (tooLargeForSignals(memberCount)) {
        valueOrThrow(failure('BAD_USER_INPUT', `Signal counts are for cohorts of at most ${MAX_SIGNAL_COHORT} members; this one has more. Narrow the period or the filter.`, { reason: 'COHORT_TOO_LARGE_FOR_SIGNALS' }));
      }
      ctx.audit.record({ personnummer: null, fields: ['cohort.signals'], decision: 'RELEASED', reason: `AGGREGATE_OF_${memberCount}`, protectedIdentity: false });
      return cohortSignalFigures(members, cohort, todayIso());
    },
  },
};
