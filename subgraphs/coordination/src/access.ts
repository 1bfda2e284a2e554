import type { GraphQLResolveInfo } from 'graphql';
import { failure, success, type Result } from '../../shared/src/errors.ts';
import { selectedFieldPaths } from '../../shared/src/field-paths.ts';
import { parsePersonnummer } from '../../shared/src/personnummer.ts';
import type { CoordinationContext } from './context.ts';
import type { PersonRow } from './data.ts';

export const isProtected = (row: PersonRow) => row.identity_protection !== 'NONE';

/**
 * The entry check for person data: the caller is a coordinator and the person is assigned to
 * them today. Outside the caseload the answer is the same whether or not the person exists, so
 * the graph cannot be used to learn who is known to the association. Refusals are logged with
 * the personnummer asked for: a person's log extract shows who tried.
 */
export async function personForCaller(ctx: CoordinationContext, input: string, info: GraphQLResolveInfo): Promise<Result<PersonRow>> {
  const parsed = parsePersonnummer(input);
  if (!parsed.ok) return failure('BAD_USER_INPUT', `Invalid personnummer: ${parsed.reason}`);
  const fields = selectedFieldPaths(info);
  const refuse = (reason: string, message: string) => {
    ctx.audit.record({ personnummer: parsed.value, fields, decision: 'REFUSED', reason, protectedIdentity: false });
    return failure<PersonRow>('FORBIDDEN', message, { reason });
  };
  if (ctx.caller.role !== 'coordinator') return refuse('ROLE_NOT_ALLOWED', 'Only a coordinator can read a person, and only in their own caseload.');
  const row = await ctx.loaders.person.load(parsed.value);
  if (!row) return refuse('NOT_IN_CASELOAD', 'The person is not in your caseload.');
  ctx.audit.record({ personnummer: row.personnummer, fields, decision: 'RELEASED', reason: null, protectedIdentity: isProtected(row) });
  return success(row);
}

/** The checked person for a change (consent): parsed, and in the caller's caseload. */
export async function personToChange(ctx: CoordinationContext, input: string, fields: string[]): Promise<Result<PersonRow>> {
  const parsed = parsePersonnummer(input);
  if (!parsed.ok) return failure('BAD_USER_INPUT', `Invalid personnummer: ${parsed.reason}`);
  const row = ctx.caller.role === 'coordinator' ? await ctx.loaders.person.load(parsed.value) : null;
  if (!row) {
    ctx.audit.record({ personnummer: parsed.value, fields, decision: 'REFUSED', reason: ctx.caller.role === 'coordinator' ? 'NOT_IN_CASELOAD' : 'ROLE_NOT_ALLOWED', protectedIdentity: false });
    return failure('FORBIDDEN', 'Only the person\'s own coordinator can change their consents.');
  }
  return success(row);
}

