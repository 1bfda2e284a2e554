import { codeEntry, isErrorCode, isRefusalReason, reasonEntry } from '@finsam/kit/error-catalogue';
import type { Agency } from './gql/graphql';

export type SectorField = 'sicknessInsurance' | 'employment' | 'socialServices' | 'care';

export const SECTORS: readonly { field: SectorField; agency: Agency; service: string; title: string; authority: string }[] = [
  { field: 'sicknessInsurance', agency: 'SICKNESS_INSURANCE', service: 'sickness-insurance', title: 'Försäkringskassan', authority: 'Försäkringskassan' },
  { field: 'employment', agency: 'EMPLOYMENT', service: 'employment', title: 'Arbetsförmedlingen', authority: 'Arbetsförmedlingen' },
  { field: 'socialServices', agency: 'SOCIAL_SERVICES', service: 'social-services', title: 'Socialtjänsten', authority: 'Socialtjänsten' },
  { field: 'care', agency: 'CARE', service: 'care', title: 'Hälso- och sjukvården', authority: 'Regionens vård' },
];

/** Each agency's name as its sector's heading shows it. */
export const AGENCY_NAMES = Object.fromEntries(SECTORS.map((s) => [s.agency, s.title])) as Record<Agency, string>;

export interface ErrorItem { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }

/** Shown for an error the catalogue gives no text of its own (an unexpected one, a masked internal error). */
const NOT_FETCHED = 'Uppgifterna kunde inte hämtas';

/** The catalogue's Swedish text for a reason, else for the code (`{authority}` is the agency's name). */
function shownText(code: string, reason: string): string | undefined {
  return (isRefusalReason(reason) ? reasonEntry(reason).shown : undefined) ?? (isErrorCode(code) ? codeEntry(code).shown : undefined);
}

/**
 * Why a sector is missing, in words, from the error at that sector's path (or, for an agency
 * that did not answer at all, from the error naming its service). The words are the error
 * catalogue's (@finsam/kit/error-catalogue, docs/errors.md), kept with the codes they belong to.
 */
export function sectorRefusal(sector: (typeof SECTORS)[number], errors: readonly ErrorItem[]): string | null {
  const atPath = errors.find((e) => e.path?.[0] === 'person' && e.path[1] === sector.field);
  const ofService = errors.find((e) => e.extensions?.serviceName === sector.service);
  const error = atPath ?? ofService;
  if (!error) return null;
  const text = shownText(String(error.extensions?.code ?? ''), String(error.extensions?.reason ?? ''));
  return text === undefined ? NOT_FETCHED : text.replaceAll('{authority}', sector.authority);
}
