import type { GraphQLResolveInfo } from 'graphql';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { isAgency } from '@finsam/kit/agencies';
import { todayIso } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import { isProtected, personReadEntry, personToChange } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import {
  consentsById, consentsOfForm, recordConsent, recordSignalHandling, revokeConsent, type ConsentGrant, type Db, type PersonRow,
} from '../data.ts';
import { consentControllerKind, kindOfCode } from '../consent-controllers.ts';
import { consentGrants, KIND_WORDS, validConsent, withinLifetime } from '../consent-form.ts';
import type { PersonParent } from './person.ts';
import { checkedHandling } from '../signal-handling.ts';
import type { Agency, MutationHandleSignalArgs, MutationRecordConsentArgs, MutationRevokeConsentArgs, Resolvers } from '../generated/resolvers-types.ts';


/** The kommunkoder of the förbund the coordinator works for (coordination's municipality table). */
async function memberMunicipalities(ctx: CoordinationContext): Promise<string[]> {
  const coordinator = await ctx.loaders.coordinator.load(ctx.caller.actorId);
  if (!coordinator) return [];
  return (await ctx.loaders.municipalitiesByForbund.load(coordinator.forbund_id)).map((m) => m.code);
}


/**
 * Both mutations answer with the person as well as the consents changed: a client's normalized
 * cache then shows the change on the person it already holds, without asking again.
 */
export function personAfter(ctx: CoordinationContext, row: PersonRow, info: GraphQLResolveInfo): PersonParent {
  // What the client reads of the person here is a release like any other, and logged as one.
  const read = selectedFieldPaths(info, '').filter((f) => f.startsWith('.person.')).map((f) => f.slice('.person.'.length));
  if (read.length > 0) ctx.audit.record(personReadEntry(row, read, ''));
  return { personnummer: row.personnummer, row };
}

/** A consent as the audit record's reason names it: `CARE/14`, `EMPLOYMENT`. */
const grantName = (grant: ConsentGrant) => (grant.controller === null ? grant.agency : `${grant.agency}/${grant.controller}`);

/** revokeConsent's controller: none (every consent of the agency), or a code of the agency's kind. */
function revokedController(agency: Agency, controller: string | null | undefined): Result<string | null> {
  if (controller === null || controller === undefined) return success(null);
  const kind = consentControllerKind(agency);
  const code = controller.trim();
  if (!kind) return failure('BAD_USER_INPUT', `controller is given, but a consent for ${agency} names no data controller.`, { argument: 'controller', reason: 'CONTROLLER_WITHOUT_AGENCY' });
  if (kindOfCode(code) !== kind) {
    return failure('BAD_USER_INPUT', `controller must be ${KIND_WORDS[kind]} for ${agency}.`, { argument: 'controller', reason: 'CONTROLLER_WITHOUT_AGENCY' });
  }
  return success(code);
}

export const mutationResolvers = {
  Mutation: {
    async recordConsent(_root: unknown, args: MutationRecordConsentArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      const today = todayIso();
      const checked = valueOrThrow(validConsent(args.input, today));
      const fields = checked.agencies.map((agency) => `consent.${agency}`);
      const person = valueOrThrow(await personToChange(ctx, { id: args.input.personId, personnummer: args.input.personnummer }, 'input.personId', fields));
      valueOrThrow(withinLifetime(checked.validFrom, person.birth_date));
      // The förbund's members are read only for a form that names controllers.
      const grants = valueOrThrow(consentGrants(checked, person.municipality_code, checked.controllers ? await memberMunicipalities(ctx) : null));
      const consent = { validFrom: checked.validFrom, validTo: checked.validTo, formReference: checked.formReference, grants, personnummer: person.personnummer };
      await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => recordConsent(trx, { ...consent, recordedBy: ctx.caller.actorId }, new Date().toISOString()),
        (recorded) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'RECORDED', protectedIdentity: isProtected(person),
          reason: recorded.length === grants.length ? null : `ALREADY_RECORDED: ${grants.filter((g) => !recorded.some((r) => r.agency === g.agency && r.controller === g.controller)).map(grantName).join(',')}`,
        }]);
      ctx.consentsChanged(person);
      return { consents: await consentsOfForm(ctx.db, consent), person: personAfter(ctx, person, info) };
    },
    async revokeConsent(_root: unknown, args: MutationRevokeConsentArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      if (!isAgency(args.agency)) valueOrThrow(failure('BAD_USER_INPUT', 'Unknown agency.', { argument: 'agency' }));
      const controller = valueOrThrow(revokedController(args.agency, args.controller));
      const fields = [`consent.${args.agency}`];
      const person = valueOrThrow(await personToChange(ctx, { id: args.personId, personnummer: args.personnummer }, 'personId', fields));
      const revoked = await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => revokeConsent(trx, person.personnummer, args.agency, controller, new Date().toISOString()),
        (ids) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'REVOKED', protectedIdentity: isProtected(person),
          reason: ids.length === 0 ? 'NOTHING_IN_FORCE' : null,
        }]);
      ctx.consentsChanged(person);
      // Told to the agency before the coordinator hears it is done: a basis signed before it is worth nothing from now on.
      if (revoked.length > 0) await ctx.announceWithdrawal(args.agency);
      // The attempt is in the log; an answer without a consent would read as a withdrawal done.
      if (revoked.length === 0) {
        const what = controller === null ? args.agency : `${args.agency} naming ${controller}`;
        valueOrThrow(failure('BAD_USER_INPUT', `The person has no consent for ${what} in force to withdraw.`, { argument: controller === null ? 'agency' : 'controller', reason: 'NOTHING_IN_FORCE' }));
      }
      const [newest] = await consentsById(ctx.db, revoked);
      return { consent: newest!, person: personAfter(ctx, person, info) };
    },
    async handleSignal(_root: unknown, args: MutationHandleSignalArgs, ctx: CoordinationContext, info: GraphQLResolveInfo) {
      // The code is not known before the id is checked against the person, so the refusal of a
      // person outside the caseload names the field only.
      const found = await personToChange(ctx, { id: args.personId }, 'personId', ['signals.handling'], 'Only the person\'s own coordinator can handle their signals.');
      // The refusal names the argument it is about, as bad input does.
      const person = valueOrThrow(found.ok ? found : { ok: false, refusal: { ...found.refusal, details: { ...found.refusal.details, argument: 'personId' } } });
      const checked = valueOrThrow(checkedHandling(ctx.signingKey, person.personnummer, args, ctx.today()));
      const fields = [`signals.${checked.code}.handling`];
      const { row, fresh } = await ctx.auditLog.changeWithRecords(ctx.caller,
        (trx: Db) => recordSignalHandling(trx, {
          personnummer: person.personnummer, code: checked.code, fingerprint: checked.fingerprint, handled_by: ctx.caller.actorId,
          action: checked.action, follow_up: checked.followUp,
        }, new Date().toISOString()),
        // The record says which signal was handled and when to look again; what was done stays in the store.
        (recorded) => [{
          personnummer: person.personnummer, agency: ctx.audit.agency, fields, decision: 'RECORDED', protectedIdentity: isProtected(person),
          reason: recorded.fresh ? `SIGNAL_HANDLED: follow-up ${checked.followUp}` : 'ALREADY_RECORDED',
        }]);
      if (fresh) ctx.loaders.signalHandlingsByPerson.clear(person.personnummer);
      return { handling: row, person: personAfter(ctx, person, info) };
    },
  },
} satisfies Resolvers;
