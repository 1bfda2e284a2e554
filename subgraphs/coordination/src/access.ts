import { todayIso } from '../../shared/src/dates.ts';
import { failure, success, type Result } from '../../shared/src/errors.ts';
import { parsePersonnummer } from '../../shared/src/personnummer.ts';
import type { CoordinationContext } from './context.ts';
import { personInCaseload, type PersonRow } from './data.ts';

/**
 * The entry check for person data: the caller is a coordinator and the person is assigned to
 * them today. Outside the caseload the answer is the same whether or not the person exists, so
 * the graph cannot be used to learn who is known to the association.
 */
export async function personForCaller(ctx: CoordinationContext, input: string): Promise<Result<PersonRow>> {
  if (ctx.caller.role !== 'coordinator') {
    return failure('FORBIDDEN', 'Only a coordinator can read a person, and only in their own caseload.');
  }
  const parsed = parsePersonnummer(input);
  if (!parsed.ok) return failure('BAD_USER_INPUT', `Invalid personnummer: ${parsed.reason}`);
  const row = await personInCaseload(ctx.db, ctx.caller.actorId, parsed.value, todayIso());
  if (!row) return failure('FORBIDDEN', 'The person is not in your caseload.');
  return success(row);
}
