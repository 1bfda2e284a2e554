import type { CountCell } from '@finsam/kit/cohort';
import { ageOn } from './resolvers/person.ts';

/**
 * The intervention follow-up's vocabulary (SUS): occupations, income sources, age bands and the
 * groups a participation belongs to. The report itself is read from the statistics release
 * (released-follow-up.ts).
 */
export const OCCUPATIONS = ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'] as const;
export const INCOME_SOURCES = [
  'LON', 'A_KASSA', 'AKTIVITETSSTOD', 'UTVECKLINGSERSATTNING', 'ETABLERINGSERSATTNING', 'SJUKPENNING', 'REHABILITERINGSPENNING',
  'SJUKERSATTNING', 'AKTIVITETSERSATTNING', 'FORSORJNINGSSTOD', 'INGEN_OFFENTLIG', 'OKAND',
] as const;
export type Dimension = 'INTERVENTION' | 'FORBUND' | 'MUNICIPALITY' | 'SEX' | 'AGE_BAND' | 'PRIORITY_GROUP';

const AGE_BANDS: [string, number, number][] = [
  ['FROM_16_TO_24', 16, 24], ['FROM_25_TO_29', 25, 29], ['FROM_30_TO_44', 30, 44], ['FROM_45_TO_64', 45, 64], ['FROM_65', 65, 200],
];

export function ageBand(birthDate: string, on: string): string {
  const age = ageOn(birthDate, on);
  return AGE_BANDS.find(([, min, max]) => age >= min && age <= max)?.[0] ?? 'FROM_16_TO_24';
}

export const sexLabel = (sex: string) => (sex === 'MALE' ? 'Män' : 'Kvinnor');
/** A priority group's label; NONE is the group of persons in none. */
export const priorityGroupLabel = (group: string) => (group === 'NONE' ? 'Ingen prioriterad grupp' : group);

export const ageBandLabel = (band: string) => band.replace('FROM_', '').replace('_TO_', '–').replace('65', '65+');

export interface FollowUpGroupFigures {
  key: string;
  label: string;
  started: CountCell;
  ended: CountCell;
  occupationBefore: { category: string; count: CountCell }[];
  occupationAfter: { category: string; count: CountCell }[];
  incomeSourcesBefore: { category: string; count: CountCell }[];
  incomeSourcesAfter: { category: string; count: CountCell }[];
  inWorkOrStudiesAfter: CountCell;
  shareInWorkOrStudiesAfter: number | null;
  medianDaysInIntervention: number | null;
}
