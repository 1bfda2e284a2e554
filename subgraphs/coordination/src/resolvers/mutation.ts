import type { GraphQLResolveInfo } from 'graphql';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { isAgency } from '@finsam/kit/agencies';
import { addDays, dateProblem, todayIso } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import { isProtected, personReadEntry, personToChange } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import { consentsById, consentsOfForm, recordConsent, revokeConsent, type Db, type NewConsent, type PersonRow } from '../data.ts';
import { consentView, type PersonParent } from './person.ts';
import type { MutationRecordConsentArgs, MutationRevokeConsentArgs, RecordConsentInput, Resolvers } from '../generated/resolvers-types.ts';

const FORM_REFERENCE = /^[\p{L}\p{N} ._\/-]{1,100}$/u;

/**
 * The validity a signed consent form can have (docs/tokens-and-consent.md). A consent is recorded
 * when it is signed: a form may reach the coordinator some days after the meeting where it was
 * signed, but a validFrom further back would make reads that happened before it look covered.
 * It may start a little ahead (signed before an intervention starts). It lasts at most three
 * years from its first day, the longest a samordningsförbund asks one samtycke to cover; a
 * longer cooperation asks the person again.
 */
export const CONSENT_BOUNDS = { maxDaysBack: 30, maxDaysAhead: 30, maxYears: 3 } as const;

const refuse = (argument: string, message: string) => failure('BAD_USER_INPUT', message, { argument });

/** The same calendar day `years` later (29 February becomes 1 March). */
function addYears(date: string, years: number): string {
  return addDays(`${Number(date.slice(0, 4)) + years}-${date.slice(5, 7)}-01`, Number(date.slice(8, 10)) - 1);
}

/** Everything but the person is checked before anything is read, so bad input costs no statement. */
export function validConsent(input: RecordConsentInput, today: string): Result<Omit<NewConsent, 'personnummer' | 'recordedBy'>> {
  if (input.agencies.length === 0) return refuse('input.agencies', 'Name at least one agency the consent covers.');
  for (const argument of ['validFrom', 'validTo'] as const) {
    const problem = dateProblem(argument, input[argument]);
    if (problem) return refuse(`input.${argument}`, problem);
  }
  const { maxDaysBack, maxDaysAhead, maxYears } = CONSENT_BOUNDS;
  if (input.validFrom < addDays(today, -maxDaysBack)) {
    return refuse('input.validFrom', `validFrom is more than ${maxDaysBack} days before today: a consent is recorded when it is signed.`);
  }
  if (input.validFrom > addDays(today, maxDaysAhead)) return refuse('input.validFrom', `validFrom is more than ${maxDaysAhead} days after today.`);
  if (input.validFrom > input.validTo) return refuse('input.validTo', 'validTo is before validFrom.');
  if (input.validTo < today) return refuse('input.validTo', 'validTo is in the past: the consent would never be in force.');
  if (input.validTo > addYears(input.validFrom, maxYears)) {
    return refuse('input.validTo', `validTo is more than ${maxYears} years after validFrom, the longest a consent may run.`);
  }
  const formReference = input.formReference.trim();
  if (!FORM_REFERENCE.test(formReference)) return refuse('input.formReference', 'formReference is 1–100 letters, digits, spaces or . _ / -.');
  return success({ agencies: [...new Set(input.agencies)], validFrom: input.validFrom, validTo: input.validTo, formReference });
}

/** A consent cannot start before the person was born (the only bound that needs the person). */
export function withinLifetime(validFrom: string, birthDate: string): Result<void> {
  return validFrom < birthDate ? refuse('input.validFrom', 'validFrom is before the person was born.') : success(undefined);
}

/**
 * Both mutations answer with the person as well as the consents changed: a client's normalized
 * cache then shows the change on the person it already holds, without asking again.
 */
function personAfter(ctx: CoordinationContext, row: PersonRow, info: GraphQLResolveInfo): PersonParent {
  // What the client reads of the person here is a release like any other, and logged as one.
  const read = selectedFieldPaths(info, '').filter((f) => f.startsWith('.person.')).map((f) => f.slice('.person.'.length));
  if (read.length > 0) ctx.audit.record(personReadEntry(row, read, ''));
  return { personnummer: row.personnummer, row };
}

export const mutationResolvers = {
  Mutation: {
    async recordConsent(_root: unknown, args: MutationRecordConsentArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      const today = todayIso();
      const consent = valueOrThrow(validConsent(args.input, today));
      const fields = consent.agencies.map((agency) => `consent.${agency}`);
      const person = valueOrThrow(await personToChange(ctx, { id: args.input.personId, personnummer: args.input.personnummer }, 'input.personId', fields));
      valueOrThrow(withinLifetime(consent.validFrom, person.birth_date));
      await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => recordConsent(trx, { ...consent, personnummer: person.personnummer, recordedBy: ctx.caller.actorId }, new Date().toISOString()),
        (recorded) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'RECORDED', protectedIdentity: isProtected(person),
          reason: recorded.length === consent.agencies.length ? null : `ALREADY_RECORDED: ${consent.agencies.filter((a) => !recorded.includes(a)).join(',')}`,
        }]);
      ctx.consentsChanged(person);
      const consents = await consentsOfForm(ctx.db, { ...consent, personnummer: person.personnummer });
      return { consents: consents.map(consentView), person: personAfter(ctx, person, info) };
    },
    async revokeConsent(_root: unknown, args: MutationRevokeConsentArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      if (!isAgency(args.agency)) valueOrThrow(failure('BAD_USER_INPUT', 'Unknown agency.', { argument: 'agency' }));
      const fields = [`consent.${args.agency}`];
      const person = valueOrThrow(await personToChange(ctx, { id: args.personId, personnummer: args.personnummer }, 'personId', fields));
      const revoked = await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => revokeConsent(trx, person.personnummer, args.agency, new Date().toISOString()),
        (ids) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'REVOKED', protectedIdentity: isProtected(person),
          reason: ids.length === 0 ? 'NOTHING_IN_FORCE' : null,
        }]);
      ctx.consentsChanged(person);
      // The attempt is in the log; an answer without a consent would read as a withdrawal done.
      if (revoked.length === 0) {
        valueOrThrow(failure('BAD_USER_INPUT', `The person has no consent for ${args.agency} in force to withdraw.`, { argument: 'agency', reason: 'NOTHING_IN_FORCE' }));
      }
      const [newest] = await consentsById(ctx.db, revoked);
      return { consent: consentView(newest!), person: personAfter(ctx, person, info) };
    },
  },
} satisfies Resolvers;
