import { daysBetween } from '@finsam/kit/dates';
import {
  addContributor, DEFAULT_THRESHOLD, emptyTally, protectedMedian, protectedShare, publish, publishWithin, type ProtectedCount, type RecordKeys, type Tally,
} from '@finsam/kit/disclosure';
import type { FollowUpRow } from './data.ts';
import { ageOn } from './resolvers/person.ts';

/**
 * The intervention follow-up (SUS standard report) from participation rows: grouping, counting
 * and disclosure control. Pure, so that the rules can be tested without a database.
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

const ageBandLabel = (band: string) => band.replace('FROM_', '').replace('_TO_', '–').replace('65', '65+');

/** The groups a participation belongs to (several only for priority groups). */
export function groupsOf(row: FollowUpRow, dimension: Dimension): { key: string; label: string }[] {
  switch (dimension) {
    case 'INTERVENTION': return [{ key: row.intervention_id, label: row.intervention_name }];
    case 'FORBUND': return [{ key: row.forbund_id, label: row.forbund_name }];
    case 'MUNICIPALITY': return [{ key: row.municipality_code, label: row.municipality_name }];
    case 'SEX': return [{ key: row.sex, label: row.sex === 'MALE' ? 'Män' : 'Kvinnor' }];
    case 'AGE_BAND': {
      const band = ageBand(row.birth_date, row.registered_in);
      return [{ key: band, label: ageBandLabel(band) }];
    }
    case 'PRIORITY_GROUP': {
      const groups = row.priority_groups;
      return groups.length === 0 ? [{ key: 'NONE', label: 'Ingen prioriterad grupp' }] : groups.map((g) => ({ key: g, label: g }));
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

export interface FollowUpFigures {
  suppressionThreshold: number;
  groups: FollowUpGroupFigures[];
  total: FollowUpGroupFigures;
}

/** What a group's figures are made of: one tally (count and key sum) per published cell, in one pass. */
class GroupTally {
  readonly started = emptyTally();
  readonly ended = emptyTally();
  readonly inWorkOrStudies = emptyTally();
  readonly occupationBefore = OCCUPATIONS.map(emptyTally);
  readonly occupationAfter = OCCUPATIONS.map(emptyTally);
  readonly incomeBefore = INCOME_SOURCES.map(emptyTally);
  readonly incomeAfter = INCOME_SOURCES.map(emptyTally);
  readonly daysInIntervention: number[] = [];

  constructor(readonly key: string, readonly label: string) {}

  add(row: FollowUpRow, recordKey: number): void {
    const count = (tallies: Tally[], list: readonly string[], value: string | null) => {
      const i = value === null ? -1 : list.indexOf(value);
      if (i >= 0) addContributor(tallies[i]!, recordKey);
    };
    addContributor(this.started, recordKey);
    count(this.occupationBefore, OCCUPATIONS, row.occupation_before);
    for (const source of row.income_sources_before) count(this.incomeBefore, INCOME_SOURCES, source);
    if (row.registered_out === null) return;
    addContributor(this.ended, recordKey);
    count(this.occupationAfter, OCCUPATIONS, row.occupation_after);
    if (row.occupation_after === 'FORVARVSARBETE' || row.occupation_after === 'STUDIER') addContributor(this.inWorkOrStudies, recordKey);
    for (const source of row.income_sources_after ?? []) count(this.incomeAfter, INCOME_SOURCES, source);
    this.daysInIntervention.push(daysBetween(row.registered_in, row.registered_out));
  }

  /**
   * The group as published. Every count is perturbed on its own (cell key method), categories
   * are published only under a published total, the share is taken of published counts, and the
   * median only over a group large enough that one person cannot set it.
   */
  publish(threshold: number): FollowUpGroupFigures {
    const started = publish(this.started, threshold);
    const ended = publish(this.ended, threshold);
    const categories = (list: readonly string[], total: Tally, tallies: Tally[]) => {
      const counts = publishWithin(total, tallies, threshold);
      return list.map((category, i) => ({ category, count: counts[i]! }));
    };
    const [inWorkOrStudiesAfter] = publishWithin(this.ended, [this.inWorkOrStudies], threshold);
    return {
      key: this.key, label: this.label, started, ended,
      occupationBefore: categories(OCCUPATIONS, this.started, this.occupationBefore),
      occupationAfter: categories(OCCUPATIONS, this.ended, this.occupationAfter),
      incomeSourcesBefore: categories(INCOME_SOURCES, this.started, this.incomeBefore),
      incomeSourcesAfter: categories(INCOME_SOURCES, this.ended, this.incomeAfter),
      inWorkOrStudiesAfter: inWorkOrStudiesAfter!,
      shareInWorkOrStudiesAfter: protectedShare(inWorkOrStudiesAfter!, ended),
      medianDaysInIntervention: ended.suppressed ? null : protectedMedian(this.daysInIntervention),
    };
  }
}

/**
 * The report over participations (persons with protected identity already left out: they count
 * in no figure). `groupKeys` lists every group the report shows, whether or not anyone is in it,
 * so that a group's presence does not tell that someone is.
 */
export function followUpReport(
  rows: readonly FollowUpRow[], dimension: Dimension, keys: RecordKeys, groupKeys: readonly { key: string; label: string }[], threshold = DEFAULT_THRESHOLD,
): FollowUpFigures {
  const byKey = new Map(groupKeys.map(({ key, label }) => [key, new GroupTally(key, label)]));
  const total = new GroupTally('TOTAL', 'Totalt');
  for (const row of rows) {
    const recordKey = keys.of(row.personnummer);
    total.add(row, recordKey);
    for (const { key, label } of groupsOf(row, dimension)) {
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = new GroupTally(key, label)));
      group.add(row, recordKey);
    }
  }
  // Largest first by the published figure: an order by true counts would tell what the noise hides.
  const groups = [...byKey.values()].map((g) => g.publish(threshold))
    .sort((a, b) => (b.started.value ?? 0) - (a.started.value ?? 0) || a.key.localeCompare(b.key));
  return { suppressionThreshold: threshold, groups, total: total.publish(threshold) };
}

/** Every group a dimension has in the register (the participations of everyone), so that empty groups show as 0. */
export function groupKeysOf(register: readonly FollowUpRow[], dimension: Dimension): { key: string; label: string }[] {
  const keys = new Map<string, string>();
  if (dimension === 'AGE_BAND') for (const [band] of AGE_BANDS) keys.set(band, ageBandLabel(band));
  if (dimension === 'SEX') for (const sex of ['FEMALE', 'MALE']) keys.set(sex, sex === 'MALE' ? 'Män' : 'Kvinnor');
  for (const row of register) for (const { key, label } of groupsOf(row, dimension)) keys.set(key, label);
  return [...keys].map(([key, label]) => ({ key, label })).sort((a, b) => a.key.localeCompare(b.key));
}
