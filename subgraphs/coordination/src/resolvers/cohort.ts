import { todayIso } from '../../../shared/src/dates.ts';
import { failure, valueOrThrow } from '../../../shared/src/errors.ts';
import { loadEach } from '../../../shared/src/loaders.ts';
import { cohortSignalFigures, type ReleasedSectors } from '../cohort-signals.ts';
import type { CoordinationContext } from '../context.ts';
import { cohortDefinition, matchingParticipations } from './follow-up.ts';

/**
 * Signal counts move each member's facts from four agencies through the gateway, and each agency
 * logs every member it releases: at 100,000 persons, 22,000 members took 10 s (docs/performance.md).
 * Past this size the analyst is asked to narrow the cohort, rather than wait for a timeout.
 */
export const MAX_SIGNAL_COHORT = 2000;
const tooLargeForSignals = (members: number) => members > MAX_SIGNAL_COHORT;

export const cohortResolvers = {
  Cohort: {
    __resolveReference: (ref: { id: string }) => ref,
    /** The consents go to each agency with the members, so that each decides the release itself. */
    async memberReleaseBases(cohort: { members: string[] }, _args: unknown, ctx: CoordinationContext) {
      if (ctx.caller.role !== 'analyst') valueOrThrow(failure('FORBIDDEN', 'Cohorts are for the analyst role.'));
      if (tooLargeForSignals(cohort.members.length)) {
        valueOrThrow(failure('BAD_USER_INPUT', `Signal counts are for cohorts of at most ${MAX_SIGNAL_COHORT} members; this one has more. Narrow the period or the filter.`, { reason: 'COHORT_TOO_LARGE_FOR_SIGNALS' }));
      }
      const consents = await loadEach(ctx.loaders.consentsByPerson, cohort.members);
      return JSON.stringify(consents.map((list) => ({
        consents: list.map((c) => ({ agency: c.agency, validFrom: c.valid_from, validTo: c.valid_to, revokedAt: c.revoked_at })),
        // Members never include persons with protected identity (see Query.cohort).
        protectedIdentity: false,
      })));
    },
    async signals(cohort: { id: string } & ReleasedSectors, _args: unknown, ctx: CoordinationContext) {
      const { rows } = await matchingParticipations(ctx, valueOrThrow(cohortDefinition(cohort.id)));
      const members = rows.filter((r) => r.identity_protection === 'NONE');
      // Refused at memberReleaseBases, where the analyst was told why; the agencies released nothing.
      if (tooLargeForSignals(new Set(members.map((r) => r.personnummer)).size)) return null;
      ctx.audit.record({ personnummer: null, fields: ['cohort.signals'], decision: 'RELEASED', reason: `AGGREGATE_OF_${new Set(members.map((r) => r.personnummer)).size}`, protectedIdentity: false });
      return cohortSignalFigures(members, cohort, todayIso());
    },
  },
};
