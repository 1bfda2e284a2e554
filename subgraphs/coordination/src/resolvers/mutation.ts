import type { GraphQLResolveInfo } from 'graphql';
import { selectedFieldPaths } from '@finsam/kit/field-paths';
import { isAgency } from '@finsam/kit/agencies';
import { addDays, dateProblem, todayIso } from '@finsam/kit/dates';
import { failure, success, valueOrThrow, type Result } from '@finsam/kit/errors';
import { isProtected, personReadEntry, personToChange } from '../access.ts';
import type { CoordinationContext } from '../context.ts';
import {
  consentsById, consentsOfForm, recordConsent, recordSignalHandling, revokeConsent, type ConsentGrant, type Db, type NewConsent, type PersonRow,
} from '../data.ts';
import { consentControllerKind, forbundControllers, homeController, kindOfCode, type ControllerKind } from '../consent-controllers.ts';
import type { PersonParent } from './person.ts';
import { checkedHandling } from '../signal-handling.ts';
import type { Agency, MutationHandleSignalArgs, MutationRecordConsentArgs, MutationRevokeConsentArgs, RecordConsentInput, Resolvers } from '../generated/resolvers-types.ts';

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

/** The agency whose consents name controllers of each kind. */
const AGENCY_OF_KIND: Record<ControllerKind, Agency> = { MUNICIPALITY: 'SOCIAL_SERVICES', REGION: 'CARE' };
const KIND_WORDS: Record<ControllerKind, string> = { MUNICIPALITY: 'a kommunkod (a municipality)', REGION: 'a länskod (a region)' };

/** A signed form as checked without reading anything: the controllers it names, by kind, are checked against the förbund and resolved later (consentGrants). */
export type CheckedConsent = Omit<NewConsent, 'personnummer' | 'recordedBy' | 'grants'> & {
  agencies: Agency[];
  /** The controllers named, each once, by kind; null when the form names none (`controllers` omitted). */
  controllers: { code: string; kind: ControllerKind }[] | null;
};

/** The same calendar day `years` later (29 February becomes 1 March). */
function addYears(date: string, years: number): string {
  return addDays(`${Number(date.slice(0, 4)) + years}-${date.slice(5, 7)}-01`, Number(date.slice(8, 10)) - 1);
}

/**
 * Everything but the person and the förbund's members is checked before anything is read, so bad
 * input costs no statement.
 */
export function validConsent(input: RecordConsentInput, today: string): Result<CheckedConsent> {
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
  const agencies = [...new Set(input.agencies)];
  const controllers = validControllers(input.controllers, agencies);
  if (!controllers.ok) return controllers;
  return success({ agencies, validFrom: input.validFrom, validTo: input.validTo, formReference, controllers: controllers.value });
}

/**
 * The controllers a form names, each a kommunkod or a länskod, and each of an agency the form
 * names: a municipality's consent without the social services, or a region's without care, is
 * not what the person signed.
 */
function validControllers(codes: readonly string[] | null | undefined, agencies: readonly Agency[]): Result<CheckedConsent['controllers']> {
  if (codes === null || codes === undefined) return success(null);
  const controllers: { code: string; kind: ControllerKind }[] = [];
  for (const code of new Set(codes.map((c) => c.trim()))) {
    const kind = kindOfCode(code);
    if (!kind) {
      // Not quoted: what was typed there may be anything, a personnummer too.
      return failure('BAD_USER_INPUT', 'controllers names a code that is neither a kommunkod (four digits) nor a länskod (two digits) of a Swedish municipality or region.',
        { argument: 'input.controllers', reason: 'CONTROLLER_NOT_IN_FORBUND' });
    }
    if (!agencies.includes(AGENCY_OF_KIND[kind])) {
      return failure('BAD_USER_INPUT', `controllers names ${code}, ${KIND_WORDS[kind]}, but agencies does not name ${AGENCY_OF_KIND[kind]}.`,
        { argument: 'input.controllers', reason: 'CONTROLLER_WITHOUT_AGENCY' });
    }
    controllers.push({ code, kind });
  }
  return success(controllers);
}

/**
 * The consents of the form, one per agency and controller: the controllers it names, each a
 * member municipality of the coordinator's förbund or the region of one; for an agency of many
 * the form names none of, the person's home municipality or its region (what a form named before
 * controllers were asked for).
 */
export function consentGrants(consent: CheckedConsent, homeMunicipality: string, memberMunicipalities: readonly string[] | null): Result<ConsentGrant[]> {
  if (consent.controllers && memberMunicipalities) {
    const members = forbundControllers(memberMunicipalities);
    const outside = consent.controllers.find((c) => !members.has(c.code));
    if (outside) {
      return failure('BAD_USER_INPUT', `controllers names ${outside.code}, which is not ${outside.kind === 'MUNICIPALITY' ? 'a member municipality of your samordningsförbund' : 'the region of a member municipality of your samordningsförbund'}.`,
        { argument: 'input.controllers', reason: 'CONTROLLER_NOT_IN_FORBUND' });
    }
  }
  return success(consent.agencies.flatMap((agency): ConsentGrant[] => {
    const kind = consentControllerKind(agency);
    if (!kind) return [{ agency, controller: null }];
    const named = (consent.controllers ?? []).filter((c) => c.kind === kind).map((c) => c.code);
    return (named.length > 0 ? named : [homeController(kind, homeMunicipality)]).map((controller) => ({ agency, controller }));
  }));
}

/** The kommunkoder of the förbund the coordinator works for (coordination's municipality table). */
async function memberMunicipalities(ctx: CoordinationContext): Promise<string[]> {
  const coordinator = await ctx.loaders.coordinator.load(ctx.caller.actorId);
  if (!coordinator) return [];
  return (await ctx.loaders.municipalitiesByForbund.load(coordinator.forbund_id)).map((m) => m.code);
}

/** A consent cannot start before the person was born (the only bound that needs the person). */
export function withinLifetime(validFrom: string, birthDate: string): Result<void> {
  return validFrom < birthDate ? refuse('input.validFrom', 'validFrom is before the person was born.') : success(undefined);
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
