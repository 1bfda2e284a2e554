/**
 * A signed consent form (samtycke) as checked before anything is written: its dates, reference and
 * the data controllers it names. Apart from the mutation that records it, so that the client's
 * tests can hold its refusals to the Swedish the client shows for them.
 */
import { addDays, dateProblem } from '@finsam/kit/dates';
import { failure, success, type Result } from '@finsam/kit/errors';
import type { ConsentGrant, NewConsent } from './data.ts';
import { consentControllerKind, forbundControllers, homeController, kindOfCode, type ControllerKind } from './consent-controllers.ts';
import type { Agency, RecordConsentInput } from './generated/resolvers-types.ts';
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
export const KIND_WORDS: Record<ControllerKind, string> = { MUNICIPALITY: 'a kommunkod (a municipality)', REGION: 'a länskod (a region)' };

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

/** A consent cannot start before the person was born (the only bound that needs the person). */
export function withinLifetime(validFrom: string, birthDate: string): Result<void> {
  return validFrom < birthDate ? refuse('input.validFrom', 'validFrom is before the person was born.') : success(undefined);
}
