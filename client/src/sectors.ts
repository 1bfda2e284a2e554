import { AGENCY_ROWS, type Agency, type AgencyRow } from '@finsam/kit/agencies';
import { codeEntry, isErrorCode, isRefusalReason, reasonEntry } from '@finsam/kit/error-catalogue';

/** Each agency's name as its sector's heading shows it (the agencies' table, `@finsam/kit/agencies`). */
export const AGENCY_NAMES = Object.fromEntries(AGENCY_ROWS.map((row) => [row.agency, row.swedish.title])) as Record<Agency, string>;

export interface ErrorItem { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }

/** Shown for an error the catalogue gives no text of its own (an unexpected one, a masked internal error). */
const NOT_FETCHED = 'Uppgifterna kunde inte hämtas';

/** The catalogue's Swedish text for a reason, else for the code (`{authority}` is the agency's name). */
function shownText(code: string, reason: string): string | undefined {
  return (isRefusalReason(reason) ? reasonEntry(reason).shown : undefined) ?? (isErrorCode(code) ? codeEntry(code).shown : undefined);
}

/** A refusal reason in the catalogue's words (a municipality's `notReleased`), else the reason as sent. */
export function refusalText(reason: string): string {
  return (isRefusalReason(reason) ? reasonEntry(reason).shown : undefined) ?? reason;
}

/**
 * Why a sector is missing, in words, from the error at that sector's path (or, for an agency
 * that did not answer at all, from the error naming its service). The words are the error
 * catalogue's (@finsam/kit/error-catalogue, docs/errors.md), kept with the codes they belong to.
 */
export function sectorRefusal(sector: AgencyRow, errors: readonly ErrorItem[]): string | null {
  const atPath = errors.find((e) => e.path?.[0] === 'person' && e.path[1] === sector.sectorField);
  const ofService = errors.find((e) => e.extensions?.serviceName === sector.subgraph);
  const error = atPath ?? ofService;
  if (!error) return null;
  const text = shownText(String(error.extensions?.code ?? ''), String(error.extensions?.reason ?? ''));
  return text === undefined ? NOT_FETCHED : text.replaceAll('{authority}', sector.swedish.authority);
}
