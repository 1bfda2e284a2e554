import { isIsoDate } from '../../../shared/src/dates.ts';
import { failure, success, valueOrThrow, type Result } from '../../../shared/src/errors.ts';
import type { CoordinationContext } from '../context.ts';
import { participationsForFollowUp } from '../data.ts';
import { ageBand, followUpReport, type Dimension } from '../follow-up.ts';

interface FollowUpArgs {
  from: string;
  to: string;
  groupBy?: Dimension | null;
  filter?: { interventionIds?: string[] | null; municipalityCodes?: string[] | null; sex?: string | null; ageBand?: string | null; priorityGroup?: string | null } | null;
}

function checkedPeriod(ctx: CoordinationContext, args: FollowUpArgs): Result<{ from: string; to: string }> {
  if (ctx.caller.role !== 'analyst') return failure('FORBIDDEN', 'Intervention follow-up is for the analyst role.');
  if (!isIsoDate(args.from) || !isIsoDate(args.to)) return failure('BAD_USER_INPUT', 'from and to are dates written YYYY-MM-DD.');
  if (args.from > args.to) return failure('BAD_USER_INPUT', 'from is after to.');
  return success({ from: args.from, to: args.to });
}

export const followUpResolvers = {
  Query: {
    async interventionFollowUp(_root: unknown, args: FollowUpArgs, ctx: CoordinationContext) {
      const period = valueOrThrow(checkedPeriod(ctx, args));
      const filter = args.filter ?? {};
      const rows = (await participationsForFollowUp(ctx.db, period.from, period.to, {
        interventionIds: filter.interventionIds ?? undefined, municipalityCodes: filter.municipalityCodes ?? undefined, sex: filter.sex ?? undefined,
      })).filter((row) => (!filter.ageBand || ageBand(row.birth_date, row.registered_in) === filter.ageBand)
        && (!filter.priorityGroup || (JSON.parse(row.priority_groups) as string[]).includes(filter.priorityGroup)));
      const groupBy = args.groupBy ?? 'INTERVENTION';
      return { ...period, groupBy, ...followUpReport(rows, groupBy) };
    },
  },
};
