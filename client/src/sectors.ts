import { AGENCY_ROWS, type Agency, type AgencyRow } from '@finsam/kit/agencies';

/** Each agency's name as its sector's heading shows it (the agencies' table, `@finsam/kit/agencies`). */
export const AGENCY_NAMES = Object.fromEntries(AGENCY_ROWS.map((row) => [row.agency, row.swedish.title])) as Record<Agency, string>;

export interface ErrorItem { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }

/**
 * Why a sector is missing, in words, from the error at that sector's path (or, for an agency
 * that did not answer at all, from the error naming its service).
 */
export function sectorRefusal(sector: AgencyRow, errors: readonly ErrorItem[]): string | null {
  const atPath = errors.find((e) => e.path?.[0] === 'person' && e.path[1] === sector.sectorField);
  const ofService = errors.find((e) => e.extensions?.serviceName === sector.subgraph);
  const error = atPath ?? ofService;
  if (!error) return null;
  const reason = String(error.extensions?.reason ?? '');
  const code = String(error.extensions?.code ?? '');
  if (reason === 'NO_CONSENT') return 'Samtycke saknas';
  if (reason === 'CONSENT_REVOKED') return 'Samtycket är återkallat';
  if (reason === 'CONSENT_EXPIRED') return 'Samtycket har gått ut';
  if (code === 'SUBGRAPH_UNAVAILABLE' || code === 'SUBGRAPH_TIMEOUT') return `${sector.swedish.authority} svarar inte just nu`;
  if (code === 'FORBIDDEN') return 'Uppgifterna får inte lämnas ut';
  return 'Uppgifterna kunde inte hämtas';
}
