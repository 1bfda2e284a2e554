import { releasedSet } from '@finsam/kit/audit';
import { cohortDefinition, handOverAll } from '@finsam/kit/cohort';
import { failure, valueOrThrow, type ReasonOf } from '@finsam/kit/errors';
import { AGENCIES, AGENCY_TABLE, byAgencyField, type Agency } from '@finsam/kit/agencies';
import { signCohortBasis } from '@finsam/kit/release-basis';
import { cohortSignalFigures, type HandedOverLists, type ReleasedSectors } from '../cohort-signals.ts';
import type { CoordinationContext } from '../context.ts';
import type { GraphQLResolveInfo } from 'graphql';
import { admitCohort, admittedCohorts, cohortMembers, matchingParticipations, reportGroups } from './follow-up.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';
import type { ProtectedCount } from '@finsam/kit/disclosure';

/**
 * The four lists for a cohort's members, made once per request however many agencies are asked:
 * each agency's consenting members with the one consent that covers it (kit/src/cohort.ts).
 */
async function handedOverLists(members: readonly string[], ctx: CoordinationContext): Promise<HandedOverLists> {
  return handOverAll(AGENCIES, members, await ctx.consentsInForceOf(members));
}

/**
 * A Cohort as its resolvers see it: from `cohort`, with its size and members; from the query plan
 * (`_entities`), with only its id and the agencies' answers its `signals` requires. Only a cohort
 * `cohort` made (admittedCohorts) has its members used.
 */
export type CohortParent = { id: string; size?: ProtectedCount; members?: string[] } & ReleasedSectors;

const listsOfRequest = new WeakMap<readonly string[], Promise<HandedOverLists>>();

/**
 * The lists as handed over, kept briefly for the same gateway request's `signals` call (a later
 * fetch to this process): it then reads each agency's answers in exactly the order it was given,
 * without reading the consents again. Bounded in size; a miss (another replica, evicted) makes
 * the lists again, and answers for another list count as not released (their digest differs).
 */
const recentHandOvers = new Map<string, { lists: HandedOverLists; bytes: number; until: number }>();
const RECENT_BYTES = 64_000_000;
const RECENT_MS = 30_000;

function keep(key: string, lists: HandedOverLists): void {
  const now = Date.now();
  const bytes = Object.values(lists).reduce((n, l: string) => n + l.length, 0);
  let total = bytes;
  for (const [k, v] of recentHandOvers) {
    if (v.until < now) recentHandOvers.delete(k);
    else total += v.bytes;
  }
  // Oldest first (a Map keeps insertion order).
  for (const [k, v] of recentHandOvers) {
    if (total <= RECENT_BYTES) break;
    recentHandOvers.delete(k);
    total -= v.bytes;
  }
  if (bytes <= RECENT_BYTES) recentHandOvers.set(key, { lists, bytes, until: now + RECENT_MS });
}

const recentKey = (ctx: CoordinationContext, cohortId: string) => `${ctx.caller.requestId}|${ctx.caller.actorId}|${cohortId}`;

/**
 * Each agency gets only the members whose consent covers it, each with only the one consent that
 * covers it: that a person takes part in an intervention (under a priority group such as mental
 * ill health) is itself coordination's data about the person, and leaves it only under consent,
 * as a person's data does. The list goes signed for that agency, this analyst and this request
 * (kit/src/release-basis.ts): an agency counts no list coordination did not make.
 */
function membersFor(agency: Agency) {
  return async (cohort: CohortParent, _args: unknown, ctx: CoordinationContext): Promise<string> => {
    const refuse = (reason: ReasonOf<'FORBIDDEN'>, message: string) => {
      ctx.audit.record({ personnummer: null, fields: [`cohort.${AGENCY_TABLE[agency].membersField}`], decision: 'REFUSED', reason, protectedIdentity: false });
      return valueOrThrow(failure('FORBIDDEN', message, { reason }));
    };
    if (ctx.caller.role !== 'analyst') return refuse('ROLE_NOT_ALLOWED', 'Cohorts are for the analyst role.');
    // Only with `cohort` itself, never for a cohort written into an `_entities` representation.
    if (!admittedCohorts.has(cohort) || !cohort.members) return refuse('NOT_ADMITTED', 'Member lists are handed over only with the cohort query itself.');
    let lists = listsOfRequest.get(cohort.members);
    if (!lists) {
      lists = handedOverLists(cohort.members, ctx);
      listsOfRequest.set(cohort.members, lists);
      void lists.then((l) => keep(recentKey(ctx, cohort.id), l), () => undefined);
    }
    ctx.metrics.releaseBasisSignatures.inc({ agency });
    return signCohortBasis(ctx.signingKey, agency, ctx.caller, (await lists)[agency], await ctx.recipientKey(agency));
  };
}

export const cohortResolvers = {
  Cohort: {
    __resolveReference: (ref: { id: string }) => ref,
    ...byAgencyField('membersField', membersFor),
    /** Combines the agencies' yes/no answers (cohort-signals.ts), each read against the list the agency was handed. */
    async signals(cohort: CohortParent, _args: unknown, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      if (ctx.caller.role !== 'analyst') valueOrThrow(failure('FORBIDDEN', 'Cohorts are for the analyst role.', { reason: 'ROLE_NOT_ALLOWED' }));
      const { rows, register, definition } = await matchingParticipations(ctx, valueOrThrow(cohortDefinition(cohort.id)));
      const key = recentKey(ctx, cohort.id);
      const handedOver = recentHandOvers.get(key)?.lists;
      // Not handed over in this request here (a hand-made call, another replica, evicted): the cohort passes the analysts' controls again.
      if (!handedOver) await admitCohort(ctx, info, definition, rows);
      // Breakdowns list every municipality and every intervention that ran, 0 where nobody is.
      const categories = {
        municipalities: (await reportGroups(ctx, register, 'MUNICIPALITY', definition)).map((g) => g.key),
        interventions: (await reportGroups(ctx, register, 'INTERVENTION', definition)).map((g) => g.key),
      };
      // The same members as Query.cohort handed over.
      const members = cohortMembers(rows);
      const lists = handedOver ?? await handedOverLists(members, ctx);
      // One record for the whole count, with the set of members whose participation it counted.
      ctx.audit.record({ personnummer: null, fields: ['cohort.signals'], decision: 'RELEASED', reason: 'SIGNAL_STATISTICS', protectedIdentity: false, releasedSet: releasedSet(members) });
      return cohortSignalFigures(rows, cohort, lists, ctx.recordKeys, categories);
    },
  },
} satisfies Resolvers;
