import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { codeEntry, isErrorCode, isRefusalReason, reasonEntry, type ErrorCode, type RefusalReason } from '@finsam/kit/error-catalogue';

/**
 * Every error the coordinator client shows, in Swedish. The graph's messages are English and
 * name API arguments ("validTo is before validFrom."): they are for developers and logs, and are
 * never shown. What is shown is chosen from the error's `extensions` alone: `reason`, then
 * `argument` (in the words of the form that sent it), then `code`; a network failure or an HTTP
 * status without a GraphQL error has its own text.
 *
 * A form passes its own words for its arguments (`fields`); the rest have a text here. The error
 * catalogue's Swedish (`shown`, @finsam/kit/error-catalogue) is used where it has one, so the
 * sectors' refusals and these read the same.
 */

export interface GraphQLErrorItem { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }

/** A form's words for the arguments it sends: a text, or one chosen from the error (and the form's own state). */
export type FieldTexts = Readonly<Record<string, string | ((error: GraphQLErrorItem) => string)>>;

export const NETWORK_FAILURE = 'Servern kunde inte nås. Kontrollera nätverksanslutningen och försök igen.';
const UNEXPECTED = 'Något gick fel. Försök igen om en stund.';

/** Reasons without a text of their own in the catalogue. */
const REASON_TEXTS: Partial<Record<RefusalReason, string>> = {
  ROLE_NOT_ALLOWED: 'Din roll får inte se detta.',
  UNKNOWN_COORDINATOR: 'Kontot är inte en känd samordnare. Kontakta förbundets administratör.',
  DEV_SIGN_IN_LOCAL_ONLY: 'Testinloggningen fungerar bara på gatewayens egen dator. Logga in via organisationens inloggning.',
  UNKNOWN_ANALYST: 'Kontot är inte en känd analytiker. Kontakta förbundets administratör.',
  TOKEN_OTHER_FORBUND: 'Kontot hör till ett annat samordningsförbund. Logga in med ett konto i det här förbundet.',
  NOT_IN_CASELOAD: 'Personen finns inte i din ärendelista.',
  NOT_OWN_CASELOAD: 'Du kan bara se din egen ärendelista.',
  STATISTICS_OTHER_FORBUND: 'Myndighetens statistik finns inte för ert förbund ännu.',
  FORBUND_NOT_TRUSTED: 'Myndigheten svarar inte det här samordningsförbundet.',
  FORBUND_CUT_OFF: 'Myndigheten svarar inte längre det här samordningsförbundet.',
  FORBUND_LIST_INVALID: 'Myndigheten svarar inte just nu.',
  METRICS_OFF: 'Mätvärdena är avstängda.',
  INVALID_PERIOD: 'Perioden gäller inte: kontrollera datumen.',
  NOTHING_IN_FORCE: 'Det finns inget samtycke i kraft att återkalla.',
  CONTROLLER_NOT_IN_FORBUND: 'Samtycket kan bara gälla medlemskommunerna i samordningsförbundet och deras regioner.',
  CONTROLLER_WITHOUT_AGENCY: 'En kommun kan bara anges för Socialtjänsten och en region bara för Hälso- och sjukvården: välj myndigheten också.',
};
/** Any reason about the release basis: the agency could not check the request. */
const BASIS_TEXT = 'Myndigheten kunde inte kontrollera förfrågan. Försök igen, och kontakta supporten om det kvarstår.';

/** Codes without a text of their own in the catalogue. */
const CODE_TEXTS: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Inloggningen har gått ut eller gäller inte längre. Logga ut och logga in igen.',
  BAD_USER_INPUT: 'Uppgifterna godtas inte. Kontrollera fälten och försök igen.',
  RATE_LIMITED: 'För många förfrågningar just nu. Vänta en stund och försök igen.',
  PAYLOAD_TOO_LARGE: 'Uppgifterna är för stora för att skickas.',
  INTERNAL_SERVER_ERROR: 'Ett oväntat fel inträffade i systemet. Försök igen om en stund.',
  INVALID_GRAPHQL: 'Ett oväntat fel inträffade mellan systemets delar. Försök igen om en stund.',
  // The client and the gateway disagree on the operations: a newer gateway than the page.
  OPERATION_NOT_REGISTERED: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  GRAPHQL_VALIDATION_FAILED: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  GRAPHQL_PARSE_FAILED: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  OPERATION_RESOLUTION_FAILURE: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  PERSISTED_QUERY_NOT_FOUND: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  BAD_REQUEST: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen.',
  METHOD_NOT_ALLOWED: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen.',
  UNSUPPORTED_MEDIA_TYPE: 'Förfrågan kunde inte tolkas. Ladda om sidan och försök igen.',
  NOT_FOUND: 'Sidan finns inte. Ladda om sidan och försök igen.',
};

/** Arguments any form may send, in words; a form's own `fields` come first. */
const ARGUMENT_TEXTS: FieldTexts = {
  personnummer: 'Personnumret gäller inte. Kontrollera siffrorna (ÅÅÅÅMMDD-NNNN).',
  after: 'Listan har ändrats sedan den hämtades. Ladda om sidan.',
  agency: 'Välj en myndighet.',
  controller: 'Kommunen eller regionen hör inte till myndigheten.',
};

/** The agency a subgraph answers for, as the coordinator says it; coordination is the förbund's own register. */
function authorityOf(serviceName: unknown): string {
  const row = AGENCY_ROWS.find((r) => r.subgraph === serviceName);
  return row ? row.swedish.authority : 'Samordningsförbundets register';
}

/** The Swedish text for one GraphQL error. */
export function swedishText(error: GraphQLErrorItem, fields: FieldTexts = {}): string {
  const code = String(error.extensions?.code ?? '');
  const reason = String(error.extensions?.reason ?? '');
  const argument = typeof error.extensions?.argument === 'string' ? error.extensions.argument : undefined;
  const text = (() => {
    const words = (texts: FieldTexts) => {
      const own = argument !== undefined && code === 'BAD_USER_INPUT' ? texts[argument] : undefined;
      return typeof own === 'function' ? own(error) : own;
    };
    // The form's words for its own field say most; then the reason's; then any form's words for the argument.
    const byForm = words(fields);
    if (byForm !== undefined) return byForm;
    if (isRefusalReason(reason)) {
      const byReason = reasonEntry(reason).shown ?? REASON_TEXTS[reason] ?? (reason.startsWith('BASIS_') ? BASIS_TEXT : undefined);
      if (byReason) return byReason;
    }
    const byArgument = words(ARGUMENT_TEXTS);
    if (byArgument !== undefined) return byArgument;
    if (isErrorCode(code)) return codeEntry(code).shown ?? CODE_TEXTS[code] ?? UNEXPECTED;
    return UNEXPECTED;
  })();
  const sentence = text.replaceAll('{authority}', authorityOf(error.extensions?.serviceName));
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** What Apollo Client 4 throws or returns: GraphQL errors, or a network or HTTP failure. */
function errorItems(error: unknown): GraphQLErrorItem[] | null {
  if (error && typeof error === 'object' && 'errors' in error && Array.isArray((error as { errors: unknown }).errors)) {
    return (error as { errors: GraphQLErrorItem[] }).errors;
  }
  // A ServerError (a status other than 2xx) whose body holds GraphQL errors, as the gateway's 401, 403, 413 and 429 do.
  if (error && typeof error === 'object' && 'bodyText' in error && typeof (error as { bodyText: unknown }).bodyText === 'string') {
    try {
      const body = JSON.parse((error as { bodyText: string }).bodyText) as { errors?: GraphQLErrorItem[] };
      if (Array.isArray(body.errors) && body.errors.length > 0) return body.errors;
    } catch { /* not JSON: below */ }
  }
  return null;
}

/**
 * The Swedish texts for whatever a query or mutation failed with (each once): the GraphQL
 * errors', or the network's. Empty for no error.
 */
export function swedishErrors(error: unknown, fields: FieldTexts = {}): string[] {
  if (!error) return [];
  const items = errorItems(error);
  if (items) return [...new Set(items.map((item) => swedishText(item, fields)))];
  const status = error && typeof error === 'object' && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : NaN;
  if (status === 401) return [CODE_TEXTS.UNAUTHENTICATED!];
  if (status === 429) return [CODE_TEXTS.RATE_LIMITED!];
  if (status >= 500) return ['Systemet svarar inte just nu. Försök igen om en stund.'];
  if (status >= 400) return [UNEXPECTED];
  // fetch's TypeError ("Failed to fetch"), an aborted request, a body that is not JSON.
  return [NETWORK_FAILURE];
}

/** The texts as one line, or `fallback` when there is nothing to say. */
export function swedishError(error: unknown, fields: FieldTexts = {}, fallback = UNEXPECTED): string {
  return swedishErrors(error, fields).join(' ') || fallback;
}
