import { cohortDefinition } from '@finsam/kit/cohort';
import { valueOrThrow, type Result } from '@finsam/kit/errors';
import { releasesForPeriod } from '@finsam/kit/statistics-release';
import { analystsOnly, releasedCohortQuestion } from '../analyst-question.ts';
import type { CoordinationContext } from '../context.ts';
import { releasesOf } from '../data.ts';
import { releasedCohortSize, releasedSignals, type ReleasedSignals } from '../released-cohort.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** A cohort as its resolvers see it: its id is its definition (kit/src/cohort.ts), read again wherever it is resolved. */
export interface CohortParent { id: string }

/** A cohort's signal counts, each breakdown read from the signal releases when it is asked for. */
export type CohortSignalsParent = ReleasedSignals;

/** The cohort's definition from its id, for an analyst only: the role is checked before the id is read. */
function definitionOf(ctx: CoordinationContext, cohort: CohortParent) {
  valueOrThrow(analystsOnly(ctx));
  return valueOrThrow(cohortDefinition(cohort.id));
}

const answer = <T>(result: Result<T>): T => valueOrThrow(result);

export const cohortResolvers = {
  Cohort: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    async size(cohort: CohortParent, _args: unknown, ctx: CoordinationContext) {
      const { period, filter } = await releasedCohortQuestion(ctx, definitionOf(ctx, cohort));
      const releases = valueOrThrow(releasesForPeriod(await releasesOf(ctx.db), period.fromMonth, period.toMonth));
      return valueOrThrow(releasedCohortSize(releases, filter));
    },
    async signals(cohort: CohortParent, _args: unknown, ctx: CoordinationContext) {
      const { period, filter, catalogue } = await releasedCohortQuestion(ctx, definitionOf(ctx, cohort));
      const releases = valueOrThrow(releasesForPeriod(await releasesOf(ctx.db, 'signal_release'), period.fromMonth, period.toMonth, 'month of signal counts'));
      // One record for the read, without any personnummer: only protected counts leave.
      ctx.audit.record({ personnummer: null, fields: ['cohort.signals'], decision: 'RELEASED', reason: 'SIGNAL_STATISTICS', protectedIdentity: false });
      return releasedSignals(releases, filter, catalogue, period);
    },
  },
  CohortSignals: {
    byCode: (signals: CohortSignalsParent) => answer(signals.byCode()),
    byMunicipality: (signals: CohortSignalsParent) => answer(signals.byMunicipality()),
    byIntervention: (signals: CohortSignalsParent) => answer(signals.byIntervention()),
  },
} satisfies Resolvers;
