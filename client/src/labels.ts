import type { Benefit, CaseStatus, Programme } from './gql/graphql';

/** The agencies' own Swedish names for their code values (the API's enums are written without å, ä, ö). */
export const BENEFITS: Record<Benefit, string> = {
  SJUKPENNING: 'Sjukpenning',
  AKTIVITETSERSATTNING: 'Aktivitetsersättning',
  SJUKERSATTNING: 'Sjukersättning',
  REHABILITERINGSPENNING: 'Rehabiliteringspenning',
};

export const CASE_STATUSES: Record<CaseStatus, string> = {
  APPLICATION_RECEIVED: 'ansökan inkommen',
  INVESTIGATION: 'under utredning',
  GRANTED: 'beviljad',
  REFUSED: 'avslagen',
  WITHDRAWN: 'återkallad',
  ENDED: 'avslutad',
};

export const PROGRAMMES: Record<Programme, string> = {
  FORBEREDANDE_INSATSER: 'Förberedande insatser',
  ARBETSTRANING: 'Arbetsträning',
  JOBB_OCH_UTVECKLINGSGARANTIN: 'Jobb- och utvecklingsgarantin',
  JOBBGARANTIN_FOR_UNGDOMAR: 'Jobbgarantin för ungdomar',
  RUSTA_OCH_MATCHA: 'Rusta och matcha',
  ARBETSMARKNADSUTBILDNING: 'Arbetsmarknadsutbildning',
  INTRODUKTIONSJOBB: 'Introduktionsjobb',
  NYSTARTSJOBB: 'Nystartsjobb',
  LONEBIDRAG: 'Lönebidrag',
  SKYDDAT_ARBETE: 'Skyddat arbete',
  SIUS: 'Särskilt introduktions- och uppföljningsstöd (SIUS)',
};

/** Newest first by the date `of` gives (ISO dates sort as text); the agencies send them so, this keeps it so. */
export function newestFirst<T>(items: readonly T[], of: (item: T) => string): T[] {
  return [...items].sort((a, b) => of(b).localeCompare(of(a)));
}
