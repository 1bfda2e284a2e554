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

/**
 * Why a sector is missing, in words, from the error at that sector's path (or, for an agency
 * that did not answer at all, from the error naming its service).
 */
export function sectorRefusal(sector: (typeof SECTORS)[number], errors: readonly ErrorItem[]): string | null {
  const atPath = errors.find((e) => e.path?.[0] === 'person' && e.path[1] === sector.field);
  const ofService = errors.find((e) => e.extensions?.serviceName === sector.service);
  const error = atPath ?? ofService;
  if (!error) return null;
  const reason = String(error.extensions?.reason ?? '');
  const code = String(error.extensions?.code ?? '');
  if (reason === 'NO_CONSENT') return 'Samtycke saknas';
  if (reason === 'CONSENT_REVOKED') return 'Samtycket är återkallat';
  if (reason === 'CONSENT_EXPIRED') return 'Samtycket har gått ut';
  if (code === 'SUBGRAPH_UNAVAILABLE' || code === 'SUBGRAPH_TIMEOUT') return `${sector.authority} svarar inte just nu`;
  if (code === 'FORBIDDEN') return 'Uppgifterna får inte lämnas ut';
  return 'Uppgifterna kunde inte hämtas';
}
