import type { ProtectedCount } from '@finsam/kit/disclosure';
import type { FollowUpRow } from './data.ts';
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

/** The groups a participation belongs to (several only for priority groups). */
export function groupsOf(row: FollowUpRow, dimension: Dimension): { key: string; label: string }[] {
  switch (dimension) {
    case 'INTERVENTION': return [{ key: row.intervention_id, label: row.intervention_name }];
    case 'FORBUND': return [{ key: row.forbund_id, label: row.forbund_name }];
    case 'MUNICIPALITY': return [{ key: row.municipality_code, label: row.municipality_name }];
    case 'SEX': return [{ key: row.sex, label: sexLabel(row.sex) }];
    case 'AGE_BAND': {
      const band = ageBand(row.birth_date, row.registered_in);
      return [{ key: band, label: ageBandLabel(band) }];
    }
    case 'PRIORITY_GROUP': {
      const groups = row.priority_groups;
      return (groups.length === 0 ? ['NONE'] : groups).map((g) => ({ key: g, label: priorityGroupLabel(g) }));
    }
  }
}

export interface FollowUpGroupFigures {
  key: string;
  label: string;
  started: ProtectedCount;
  ended: ProtectedCount;
  occupationBefore: { category: string; count: ProtectedCount }[];
  occupationAfter: { category: string; count: ProtectedCount }[];
  incomeSourcesBefore: { category: string; count: ProtectedCount }[];
  incomeSourcesAfter: { category: string; count: ProtectedCount }[];
  inWorkOrStudiesAfter: ProtectedCount;
  shareInWorkOrStudiesAfter: number | null;
  medianDaysInIntervention: number | null;
}

/** Every group a dimension has in the register (the participations of everyone), so that empty groups show as 0. */
export function groupKeysOf(register: readonly FollowUpRow[], dimension: Dimension): { key: string; label: string }[] {
  const keys = new Map<string, string>();
  if (dimension === 'AGE_BAND') for (const [band] of AGE_BANDS) keys.set(band, ageBandLabel(band));
  if (dimension === 'SEX') for (const sex of ['FEMALE', 'MALE']) keys.set(sex, sexLabel(sex));
  for (const row of register) for (const { key, label } of groupsOf(row, dimension)) keys.set(key, label);
  return [...keys].map(([key, label]) => ({ key, label })).sort((a, b) => a.key.localeCompare(b.key));
}
