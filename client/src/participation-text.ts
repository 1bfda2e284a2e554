import type { EducationLevel, EndReason, IncomeSource, Occupation } from './gql/graphql';
import { isRefusalReason, reasonEntry } from '@finsam/kit/error-catalogue';
import { swedishError, type FieldTexts, type GraphQLErrorItem } from './errors';

/** The SUS code lists as the coordinator reads them (docs/domain.md); the codes stay as the API has them. */
export const INCOME_SOURCES: Record<IncomeSource, string> = {
  LON: 'Lön',
  A_KASSA: 'Arbetslöshetsersättning (a-kassa)',
  AKTIVITETSSTOD: 'Aktivitetsstöd',
  UTVECKLINGSERSATTNING: 'Utvecklingsersättning',
  ETABLERINGSERSATTNING: 'Etableringsersättning',
  SJUKPENNING: 'Sjukpenning',
  REHABILITERINGSPENNING: 'Rehabiliteringspenning',
  SJUKERSATTNING: 'Sjukersättning',
  AKTIVITETSERSATTNING: 'Aktivitetsersättning',
  FORSORJNINGSSTOD: 'Försörjningsstöd (ekonomiskt bistånd)',
  INGEN_OFFENTLIG: 'Ingen offentlig försörjning',
  OKAND: 'Okänd',
};

export const OCCUPATIONS: Record<Occupation, string> = {
  FORVARVSARBETE: 'Förvärvsarbete (med eller utan stöd)',
  STUDIER: 'Studier',
  AKTIVT_ARBETSSOKANDE: 'Aktivt arbetssökande',
  OVRIGT: 'Övrigt',
};

export const EDUCATION_LEVELS: Record<EducationLevel, string> = {
  FORGYMNASIAL: 'Förgymnasial',
  GYMNASIAL: 'Gymnasial',
  EFTERGYMNASIAL: 'Eftergymnasial',
  OKAND: 'Okänd',
};

export const END_REASONS: Record<EndReason, string> = {
  PLANNED_END: 'Planerat avslut',
  MOVED_ON_EARLY: 'Gick vidare före planerat avslut (arbete, studier eller annan insats)',
  ILL_HEALTH: 'Ohälsa',
  NO_CONTACT: 'Kontakten upphörde',
  REGISTERED_IN_ERROR: 'Felregistrerad (räknas inte i statistiken)',
};

/** By the argument the server names, where the reason alone does not say it. */
const BY_ARGUMENT: Record<string, string> = {
  'input.registeredIn': 'Ange inregistreringsdatum som ÅÅÅÅ-MM-DD.',
  'input.registeredOut': 'Ange utregistreringsdatum som ÅÅÅÅ-MM-DD.',
  'input.incomeSources': 'Välj en till tre försörjningskällor (Okänd kan inte kombineras med andra).',
  'input.occupationShareOfFullTime': 'Omfattningen anges i procent av heltid, 0–100.',
  'input.yearsOnPublicSupport': 'Tid i offentlig försörjning anges i hela år, 0–60.',
  'input.interventionId': 'Välj en insats.',
  'input.participationId': 'Välj ett pågående deltagande.',
  text: 'Skriv en del av ett namn eller ett giltigt person- eller samordningsnummer.',
  first: 'För många träffar begärda.',
};

/**
 * The participation forms' words for the arguments, in errors.ts's one mechanism. A refusal's
 * reason (already participating, a date after today) says more than the field's format hint, so
 * the catalogue's text for the reason comes first here.
 */
const PARTICIPATION_FIELDS: FieldTexts = Object.fromEntries(Object.entries(BY_ARGUMENT).map(([argument, hint]) => [argument, (error: GraphQLErrorItem) => {
  const reason = error.extensions?.reason;
  return (typeof reason === 'string' && isRefusalReason(reason) ? reasonEntry(reason).shown : undefined) ?? hint;
}]));

/** What the coordinator reads of a failed request: one Swedish sentence per refusal, never the server's (English) message. */
export const refusalsInSwedish = (error: unknown, fallback: string): string => swedishError(error, PARTICIPATION_FIELDS, fallback);
