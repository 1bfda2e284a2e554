import { addDays, dateProblem } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import type { CohortDefinition } from '@finsam/kit/cohort';
import type { CoordinationContext } from './context.ts';
import { followUpCatalogueOf } from './data.ts';
import { releasedFilter } from './released-follow-up.ts';

/**
 * The checks every analyst question passes before a release is read, whichever field asks:
 * the role, the period (whole months) and the filter's values (known ones).
 */

/** A period of whole months, or the argument that is not. */
export function checkedPeriod(args: { from: string; to: string }): Result<{ from: string; to: string }> {
  for (const argument of ['from', 'to'] as const) {
    const problem = dateProblem(argument, args[argument]);
    if (problem) return failure('BAD_USER_INPUT', `${problem} Periods are whole months.`, { argument });
  }
  if (!args.from.endsWith('-01')) {
    return failure('BAD_USER_INPUT', `from must be the first day of a month (YYYY-MM-01); got "${args.from}". Periods are whole months.`, { argument: 'from' });
  }
  if (addDays(args.to, 1).slice(8) !== '01') {
    return failure('BAD_USER_INPUT', `to must be the last day of a month (e.g. 2025-06-30); got "${args.to}". Periods are whole months.`, { argument: 'to' });
  }
  if (args.from > args.to) return failure('BAD_USER_INPUT', `from (${args.from}) is after to (${args.to}).`, { argument: 'from' });
  return success({ from: args.from, to: args.to });
}

export const analystsOnly = (ctx: CoordinationContext): Result<true> => (ctx.caller.role === 'analyst'
  ? success(true) : failure('FORBIDDEN', 'Intervention follow-up and cohorts are for the analyst role.', { reason: 'ROLE_NOT_ALLOWED' }));

/** The cohort's definition checked as `cohort` checks it, whether it came from `cohort` or from an `_entities` call. */
export async function releasedCohortQuestion(ctx: CoordinationContext, definition: CohortDefinition) {
  valueOrThrow(analystsOnly(ctx));
  const period = valueOrThrow(checkedPeriod(definition));
  const catalogue = await followUpCatalogueOf(ctx.db);
  const filter = valueOrThrow(releasedFilter(definition.filter, catalogue));
  return { period: { fromMonth: period.from.slice(0, 7), toMonth: period.to.slice(0, 7) }, filter, catalogue };
}
