import type { EducationLevel, EndReason, IncomeSource, Occupation } from './gql/graphql';
import { errorMessages } from './format';

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

/** The server's refusals in Swedish, by the reason it gives; the server's own (English) message is never shown. */
const BY_REASON: Record<string, string> = {
  DATE_IN_FUTURE: 'Datumet ligger efter i dag: en registrering gäller det som redan har hänt.',
  END_BEFORE_START: 'Utregistreringen kan inte vara före inregistreringen.',
  UNKNOWN_INTERVENTION: 'Insatsen finns inte hos ditt samordningsförbund.',
  INTERVENTION_STRUCTURAL: 'Insatsen är strukturinriktad och har inga deltagare.',
  INTERVENTION_NOT_RUNNING: 'Insatsen pågick inte det datumet.',
  ALREADY_PARTICIPATING: 'Personen deltar redan i insatsen.',
  ALREADY_ENDED: 'Deltagandet är redan avslutat.',
  ANONYMOUS_REQUIRED: 'Personen har skyddad identitet och kan bara registreras som anonym deltagare.',
  SUBMISSION_KEY_REUSED: 'Formuläret har redan skickats med andra uppgifter. Ladda om sidan och fyll i det igen.',
  SEARCH_TOO_SHORT: 'Skriv minst två bokstäver eller siffror.',
  SEARCH_TOO_LONG: 'Sökningen får vara högst 100 tecken.',
  NOT_IN_CASELOAD: 'Personen eller deltagandet finns inte i din ärendelista.',
  ROLE_NOT_ALLOWED: 'Din roll får inte göra detta.',
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

/** What the coordinator reads of a failed request: one Swedish sentence per refusal, never the server's English. */
export function refusalsInSwedish(error: unknown, fallback: string): string {
  const texts = errorMessages(error).map((e) => {
    const reason = typeof e.extensions?.reason === 'string' ? e.extensions.reason : null;
    const argument = typeof e.extensions?.argument === 'string' ? e.extensions.argument : null;
    return (reason && BY_REASON[reason]) ?? (argument && BY_ARGUMENT[argument]) ?? fallback;
  });
  return [...new Set(texts)].join(' ') || fallback;
}
