import { AGENCY_ROWS } from '@finsam/kit/agencies';
import { ERROR_CODES, codeEntry, isErrorCode, isRefusalReason, reasonEntry } from '@finsam/kit/error-catalogue';

/**
 * Every error the coordinator client shows, in Swedish. The graph's messages are English and
 * name API arguments ("validTo is before validFrom."): they are for developers and logs, and are
 * never shown. What is shown is chosen from the error's `extensions` alone: `reason`, then
 * `argument` (in the words of the form that sent it), then `code`; a network failure or an HTTP
 * status without a GraphQL error has its own text.
 *
 * The texts for codes and reasons are the error catalogue's (`shown`, @finsam/kit/error-catalogue),
 * kept with the codes they belong to, so the sectors' refusals and these read the same and a new
 * reason gets its Swedish where it is added. A form passes its own words for its arguments (`fields`).
 */

export interface GraphQLErrorItem { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }

/** A form's words for the arguments it sends: a text, or one chosen from the error (and the form's own state). */
export type FieldTexts = Readonly<Record<string, string | ((error: GraphQLErrorItem) => string)>>;

export const NETWORK_FAILURE = 'Servern kunde inte nås. Kontrollera nätverksanslutningen och försök igen.';
const UNEXPECTED = 'Något gick fel. Försök igen om en stund.';

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
      const own = argument !== undefined ? texts[argument] : undefined;
      return typeof own === 'function' ? own(error) : own;
    };
    // The form's words for its own field say most; then the reason's; then any form's words for the argument.
    const byForm = words(fields);
    if (byForm !== undefined) return byForm;
    if (isRefusalReason(reason)) {
      const byReason = reasonEntry(reason).shown;
      if (byReason) return byReason;
    }
    const byArgument = words(ARGUMENT_TEXTS);
    if (byArgument !== undefined) return byArgument;
    if (isErrorCode(code)) return codeEntry(code).shown ?? UNEXPECTED;
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
  if (status === 401) return [`${ERROR_CODES.UNAUTHENTICATED.shown}.`];
  if (status === 429) return [`${ERROR_CODES.RATE_LIMITED.shown}.`];
  if (status >= 500) return ['Systemet svarar inte just nu. Försök igen om en stund.'];
  if (status >= 400) return [UNEXPECTED];
  // fetch's TypeError ("Failed to fetch"), an aborted request, a body that is not JSON.
  return [NETWORK_FAILURE];
}

/** The texts as one line, or `fallback` when there is nothing to say. */
export function swedishError(error: unknown, fields: FieldTexts = {}, fallback = UNEXPECTED): string {
  return swedishErrors(error, fields).join(' ') || fallback;
}
