import type { GraphQLResolveInfo } from 'graphql';
import type { AuditEntry } from '@finsam/kit/audit';
import { failure, success, type RefusalReason, type Result } from '@finsam/kit/errors';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { parsePersonnummer } from '@finsam/kit/personnummer';
import type { CoordinationContext } from './context.ts';
import { personnummerOfId, type PersonRow } from './data.ts';
import { PERSON_ID } from './migrations.ts';

export const isProtected = (row: PersonRow) => row.identity_protection !== 'NONE';

/** Person fields that never leave this subgraph for a person with protected identity (person.ts). */
const WITHHELD_WHEN_PROTECTED = ['name', 'address'];

/**
 * The record of a read of a person's row: the fields asked for (paths under `prefix`, e.g.
 * `person.`) split into those released and those withheld, so that the log extract does not
 * claim a protected identity's name and address were given out.
 */
export function personReadEntry(row: PersonRow, fields: string[], prefix: string): Omit<AuditEntry, 'agency'> {
  const protectedIdentity = isProtected(row);
  const withheld = protectedIdentity ? fields.filter((f) => WITHHELD_WHEN_PROTECTED.some((name) => f === `${prefix}${name}`)) : [];
  return {
    personnummer: row.personnummer, fields: fields.filter((f) => !withheld.includes(f)), withheldFields: withheld,
    decision: 'RELEASED', reason: null, protectedIdentity,
  };
}

/** Why a person is not read: the same for a person outside the caseload and one nobody has. */
type NotReadable = Extract<RefusalReason, 'ROLE_NOT_ALLOWED' | 'NOT_IN_CASELOAD'>;

/** How a client names a person: by Person.id or by personnummer, exactly one (the argument names differ by field). */
export interface PersonReference {
  id?: string | null;
  personnummer?: string | null;
}

/**
 * The personnummer a reference names. An id nobody has gets the same refusal as a person outside
 * the caseload (null here), so ids cannot be used to learn who is known to the association.
 */
async function personnummerOf(ctx: CoordinationContext, ref: PersonReference, idArgument: string): Promise<Result<string | null>> {
  const byId = ref.id !== null && ref.id !== undefined;
  const byNumber = ref.personnummer !== null && ref.personnummer !== undefined;
  // recordConsent names its fields under `input.`; `person` and `revokeConsent` at the top.
  const numberArgument = idArgument.startsWith('input.') ? 'input.personnummer' : 'personnummer';
  if (byId === byNumber) {
    return failure('BAD_USER_INPUT', `Give exactly one of ${idArgument} and ${numberArgument}.`, { argument: byId ? `${idArgument}, ${numberArgument}` : idArgument });
  }
  if (byId) {
    if (!PERSON_ID.test(ref.id!)) return failure('BAD_USER_INPUT', `${idArgument} is not a person id this API returned (Person.id).`, { argument: idArgument });
    return success(await personnummerOfId(ctx.db, ref.id!));
  }
  const parsed = parsePersonnummer(ref.personnummer!);
  if (!parsed.ok) return failure('BAD_USER_INPUT', `Invalid personnummer: ${parsed.reason}`, { argument: numberArgument });
  return success(parsed.value);
}

/**
 * The entry check for person data: the caller is a coordinator and the person is assigned to
 * them today. Outside the caseload the answer is the same whether or not the person exists, so
 * the graph cannot be used to learn who is known to the association. Refusals are logged with
 * the personnummer asked for: a person's log extract shows who tried.
 */
async function personInCaseload(
  ctx: CoordinationContext, ref: PersonReference, idArgument: string, fields: string[], messages: Record<NotReadable, string>,
): Promise<Result<PersonRow>> {
  const personnummer = await personnummerOf(ctx, ref, idArgument);
  if (!personnummer.ok) return personnummer;
  const found = personnummer.value;
  const row = ctx.caller.role === 'coordinator' && found !== null ? await ctx.loaders.person.load(found) : null;
  if (!row) {
    const reason: NotReadable = ctx.caller.role === 'coordinator' ? 'NOT_IN_CASELOAD' : 'ROLE_NOT_ALLOWED';
    if (found !== null) ctx.audit.record({ personnummer: found, fields, decision: 'REFUSED', reason, protectedIdentity: false });
    return failure('FORBIDDEN', messages[reason], { reason });
  }
  return success(row);
}

/** A person to read, through `person`: the check above, and the release logged. */
export async function personForCaller(ctx: CoordinationContext, ref: PersonReference, info: GraphQLResolveInfo): Promise<Result<PersonRow>> {
  const fields = selectedFieldPaths(info);
  const found = await personInCaseload(ctx, ref, 'id', fields, {
    ROLE_NOT_ALLOWED: 'Only a coordinator can read a person, and only in their own caseload.',
    NOT_IN_CASELOAD: 'The person is not in your caseload.',
  });
  if (found.ok) ctx.audit.record(personReadEntry(found.value, fields, 'person.'));
  return found;
}

/** The checked person for a change (a consent, an obstacle: `what` the refusal names); the change itself is logged with it. */
export function personToChange(ctx: CoordinationContext, ref: PersonReference, idArgument: string, fields: string[], what = 'change their consents'): Promise<Result<PersonRow>> {
  const refusal = `Only the person's own coordinator can ${what}.`;
  return personInCaseload(ctx, ref, idArgument, fields, { ROLE_NOT_ALLOWED: refusal, NOT_IN_CASELOAD: refusal });
}
