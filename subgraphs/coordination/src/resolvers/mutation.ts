import { AGENCIES } from '../../../shared/src/population/types.ts';
import { isIsoDate, todayIso } from '../../../shared/src/dates.ts';
import { failure, success, valueOrThrow, type Result } from '../../../shared/src/errors.ts';
import { isProtected, personToChange } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import { consentsOfPersons, recordConsent, revokeConsent, type Db, type NewConsent } from '../data.ts';
import { consentView } from './person.ts';

interface RecordConsentInput {
  personnummer: string;
  agencies: string[];
  validFrom: string;
  validTo: string;
  formReference: string;
}

const FORM_REFERENCE = /^[\p{L}\p{N} ._\/-]{1,100}$/u;

/** Everything but the person is checked before anything is read, so bad input costs no statement. */
function validConsent(input: RecordConsentInput, today: string): Result<Omit<NewConsent, 'personnummer' | 'recordedBy'>> {
  if (input.agencies.length === 0) return failure('BAD_USER_INPUT', 'Name at least one agency the consent covers.');
  if (!isIsoDate(input.validFrom) || !isIsoDate(input.validTo)) return failure('BAD_USER_INPUT', 'validFrom and validTo are dates written YYYY-MM-DD.');
  if (input.validFrom > input.validTo) return failure('BAD_USER_INPUT', 'validFrom is after validTo.');
  if (input.validTo < today) return failure('BAD_USER_INPUT', 'validTo is in the past: the consent would never be in force.');
  const formReference = input.formReference.trim();
  if (!FORM_REFERENCE.test(formReference)) return failure('BAD_USER_INPUT', 'formReference is 1–100 letters, digits, spaces or . _ / -.');
  return success({ agencies: [...new Set(input.agencies)], validFrom: input.validFrom, validTo: input.validTo, formReference });
}

async function consentsAfter(ctx: CoordinationContext, personnummer: string) {
  return (await consentsOfPersons(ctx.db, [personnummer])).map(consentView);
}

export const mutationResolvers = {
  Mutation: {
    async recordConsent(_root: unknown, args: { input: RecordConsentInput }, ctx: CoordinationContext) {
      const today = todayIso();
      const consent = valueOrThrow(validConsent(args.input, today));
      const fields = consent.agencies.map((agency) => `consent.${agency}`);
      const person = valueOrThrow(await personToChange(ctx, args.input.personnummer, fields));
      await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => recordConsent(trx, { ...consent, personnummer: person.personnummer, recordedBy: ctx.caller.actorId }, new Date().toISOString()),
        (recorded) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'RECORDED', protectedIdentity: isProtected(person),
          reason: recorded.length === consent.agencies.length ? null : `ALREADY_RECORDED: ${consent.agencies.filter((a) => !recorded.includes(a)).join(',')}`,
        }]);
      return consentsAfter(ctx, person.personnummer);
    },
    async revokeConsent(_root: unknown, args: { personnummer: string; agency: string }, ctx: CoordinationContext) {
      if (!(AGENCIES as readonly string[]).includes(args.agency)) valueOrThrow(failure('BAD_USER_INPUT', 'Unknown agency.'));
      const fields = [`consent.${args.agency}`];
      const person = valueOrThrow(await personToChange(ctx, args.personnummer, fields));
      await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => revokeConsent(trx, person.personnummer, args.agency, new Date().toISOString()),
        (revoked) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'REVOKED', protectedIdentity: isProtected(person),
          reason: revoked === 0 ? 'NOTHING_IN_FORCE' : null,
        }]);
      return consentsAfter(ctx, person.personnummer);
    },
  },
};
