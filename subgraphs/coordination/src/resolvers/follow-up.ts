import { isIsoDate } from '../../../shared/src/dates.ts';
import { failure, success, valueOrThrow, type Result } from '../../../shared/src/errors.ts';
import type { CoordinationContext } from '../context.ts';
import { participationsForFollowUp } from '../data.ts';
import { protectedCount } from '../../../shared/src/cohort.ts';
import { ageBand, followUpReport, type Dimension } from '../follow-up.ts';

export interface FollowUpArgs {
  from: string;
  to: string;
  groupBy?: Dimension | null;
  filter?: { interventionIds?: string[] | null; municipalityCodes?: string[] | null; sex?: string | null; ageBand?: string | null; priorityGroup?: string | null } | null;
}

function checkedPeriod(ctx: CoordinationContext, args: Pick<FollowUpArgs, 'from' | 'to'>): Result<{ from: string; to: string }> {
  if (ctx.caller.role !== 'analyst') return failure('FORBIDDEN', 'Intervention follow-up and cohorts are for the analyst role.');
  if (!isIsoDate(args.from) || !isIsoDate(args.to)) return failure('BAD_USER_INPUT', 'from and to are dates written YYYY-MM-DD.');
  if (args.from > args.to) return failure('BAD_USER_INPUT', 'from is after to.');
  return success({ from: args.from, to: args.to });
}

/** The participations in the period that match the filter: the ones SQL can narrow there, the rest here. */
export async function matchingParticipations(ctx: CoordinationContext, args: Pick<FollowUpArgs, 'from' | 'to' | 'filter'>) {
  const period = valueOrThrow(checkedPeriod(ctx, args));
  const filter = args.filter ?? {};
  const rows = (await participationsForFollowUp(ctx.db, period.from, period.to, {
    interventionIds: filter.interventionIds ?? undefined, municipalityCodes: filter.municipalityCodes ?? undefined, sex: filter.sex ?? undefined,
  })).filter((row) => (!filter.ageBand || ageBand(row.birth_date, row.registered_in) === filter.ageBand)
    && (!filter.priorityGroup || row.priority_groups.includes(filter.priorityGroup)));
  return { period, rows };
}

export const followUpResolvers = {
  Query: {
    async interventionFollowUp(_root: unknown, args: FollowUpArgs, ctx: CoordinationContext) {
      const { period, rows } = await matchingParticipations(ctx, args);
      const groupBy = args.groupBy ?? 'INTERVENTION';
      return { ...period, groupBy, ...followUpReport(rows, groupBy) };
    },
    /**
     * A cohort's members go to the agencies through the query plan only, each agency getting
     * those whose consent covers it (resolvers/cohort.ts); persons with protected identity are
     * counted in its size but left out of the members the agencies break down.
     */
    async cohort(_root: unknown, args: Pick<FollowUpArgs, 'from' | 'to' | 'filter'>, ctx: CoordinationContext) {
      const { rows } = await matchingParticipations(ctx, args);
      const everyone = new Set(rows.map((r) => r.personnummer));
      const members = [...new Set(rows.filter((r) => r.identity_protection === 'NONE').map((r) => r.personnummer))].sort();
      return {
        id: cohortId(args),
        size: protectedCount(everyone.size),
        members,
      };
    },
  },
};

type CohortDefinition = Pick<FollowUpArgs, 'from' | 'to' | 'filter'>;

/** A cohort's id is its definition, so any subgraph call about it can find its members again. */
function cohortId(definition: CohortDefinition): string {
  return Buffer.from(JSON.stringify([definition.from, definition.to, definition.filter ?? null])).toString('base64url');
}

export function cohortDefinition(id: string): Result<CohortDefinition> {
  try {
    const [from, to, filter] = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as [string, string, FollowUpArgs['filter']];
    if (typeof from === 'string' && typeof to === 'string' && (filter === null || typeof filter === 'object')) return success({ from, to, filter });
  } catch {
    // Falls through to the refusal below.
  }
  return failure('BAD_USER_INPUT', 'Not a cohort id.');
}
