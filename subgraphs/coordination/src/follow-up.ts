import { daysBetween } from '../../shared/src/dates.ts';
import { DEFAULT_THRESHOLD, isSmall, protectTable, type ProtectedCount } from '../../shared/src/disclosure.ts';
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

export const UNDISCLOSED = { key: 'UNDISCLOSED', label: 'Ej redovisat: skyddade personuppgifter' };

const AGE_BANDS: [string, number, number][] = [
  ['FROM_16_TO_24', 16, 24], ['FROM_25_TO_29', 25, 29], ['FROM_30_TO_44', 30, 44], ['FROM_45_TO_64', 45, 64], ['FROM_65', 65, 200],
];

export function ageBand(birthDate: string, on: string): string {
  const age = ageOn(birthDate, on);
  return AGE_BANDS.find(([, min, max]) => age >= min && age <= max)?.[0] ?? 'FROM_16_TO_24';
}

interface Group {
  key: string;
  label: string;
  rows: FollowUpRow[];
}

/** The groups a participation belongs to; protected identities go to the one undisclosed group. */
function groupsOf(row: FollowUpRow, dimension: Dimension): { key: string; label: string }[] {
  if (row.identity_protection !== 'NONE') return [UNDISCLOSED];
  switch (dimension) {
    case 'INTERVENTION': return [{ key: row.intervention_id, label: row.intervention_name }];
    case 'FORBUND': return [{ key: row.forbund_id, label: row.forbund_name }];
    case 'MUNICIPALITY': return [{ key: row.municipality_code, label: row.municipality_name }];
    case 'SEX': return [{ key: row.sex, label: row.sex === 'MALE' ? 'Män' : 'Kvinnor' }];
    case 'AGE_BAND': {
      const band = ageBand(row.birth_date, row.registered_in);
      return [{ key: band, label: band.replace('FROM_', '').replace('_TO_', '–').replace('65', '65+') }];
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

const SUPPRESSED: ProtectedCount = { value: null, suppressed: true };

export interface FollowUpFigures {
  suppressionThreshold: number;
  groups: FollowUpGroupFigures[];
  total: FollowUpGroupFigures;
}

/** What a group's figures are made of, counted in one pass over its participations. */
interface Tally {
  occupationBefore: number[];
  occupationAfter: number[];
  incomeBefore: number[];
  incomeAfter: number[];
  daysInIntervention: number[];
}

function tally(rows: readonly FollowUpRow[]): Tally {
  const t: Tally = {
    occupationBefore: OCCUPATIONS.map(() => 0), occupationAfter: OCCUPATIONS.map(() => 0),
    incomeBefore: INCOME_SOURCES.map(() => 0), incomeAfter: INCOME_SOURCES.map(() => 0), daysInIntervention: [],
  };
  const count = (counts: number[], list: readonly string[], value: string | null) => {
    const i = value === null ? -1 : list.indexOf(value);
    if (i >= 0) counts[i]! += 1;
  };
  for (const row of rows) {
    count(t.occupationBefore, OCCUPATIONS, row.occupation_before);
    for (const source of row.income_sources_before) count(t.incomeBefore, INCOME_SOURCES, source);
    if (row.registered_out === null) continue;
    count(t.occupationAfter, OCCUPATIONS, row.occupation_after);
    for (const source of row.income_sources_after ?? []) count(t.incomeAfter, INCOME_SOURCES, source);
    t.daysInIntervention.push(daysBetween(row.registered_in, row.registered_out));
  }
  return t;
}

export function followUpReport(rows: FollowUpRow[], dimension: Dimension, threshold = DEFAULT_THRESHOLD): FollowUpFigures {
  const byKey = new Map<string, Group>();
  for (const row of rows) {
    for (const { key, label } of groupsOf(row, dimension)) {
      const group = byKey.get(key) ?? { key, label, rows: [] };
      group.rows.push(row);
      byKey.set(key, group);
    }
  }
  const groups = [...byKey.values()].sort((a, b) => b.rows.length - a.rows.length || a.key.localeCompare(b.key));
  const tallies = groups.map((g) => tally(g.rows));

  // Occupation before and after are each one table whose row totals are started and ended.
  const before = protectTable(tallies.map((t) => t.occupationBefore), threshold);
  const after = protectTable(tallies.map((t) => t.occupationAfter), threshold);
  // A person may have several income sources: each source is its own column of counts.
  const incomeTable = (pick: (t: Tally) => number[]) => INCOME_SOURCES.map((_, i) => protectTable(tallies.map((t) => [pick(t)[i]!]), threshold));
  const incomeBefore = incomeTable((t) => t.incomeBefore);
  const incomeAfter = incomeTable((t) => t.incomeAfter);

  const figures = (
    key: string, label: string, daysInIntervention: number[], started: ProtectedCount, endedCount: ProtectedCount,
    occupationBefore: ProtectedCount[], occupationAfter: ProtectedCount[], sourcesBefore: ProtectedCount[], sourcesAfter: ProtectedCount[],
  ): FollowUpGroupFigures => {
    const [work, studies] = occupationAfter;
    const inWork = work && studies && !work.suppressed && !studies.suppressed && !isSmall(work.value! + studies.value!, threshold)
      ? { value: work.value! + studies.value!, suppressed: false } : work?.value === 0 && studies?.value === 0 ? { value: 0, suppressed: false } : SUPPRESSED;
    const days = [...daysInIntervention].sort((a, b) => a - b);
    return {
      key, label, started, ended: endedCount,
      occupationBefore: OCCUPATIONS.map((category, i) => ({ category, count: occupationBefore[i]! })),
      occupationAfter: OCCUPATIONS.map((category, i) => ({ category, count: occupationAfter[i]! })),
      incomeSourcesBefore: INCOME_SOURCES.map((category, i) => ({ category, count: sourcesBefore[i]! })),
      incomeSourcesAfter: INCOME_SOURCES.map((category, i) => ({ category, count: sourcesAfter[i]! })),
      inWorkOrStudiesAfter: inWork,
      shareInWorkOrStudiesAfter: inWork.suppressed || endedCount.suppressed || !endedCount.value ? null : inWork.value! / endedCount.value,
      medianDaysInIntervention: endedCount.suppressed || days.length === 0 ? null : days[Math.floor(days.length / 2)]!,
    };
  };

  return {
    suppressionThreshold: threshold,
    groups: groups.map((g, i) => figures(
      g.key, g.label, tallies[i]!.daysInIntervention, before.rowTotals[i]!, after.rowTotals[i]!, before.cells[i]!, after.cells[i]!,
      incomeBefore.map((t) => t.cells[i]![0]!), incomeAfter.map((t) => t.cells[i]![0]!),
    )),
    // With PRIORITY_GROUP a person can be in several groups; the total counts each person once.
    total: dimension === 'PRIORITY_GROUP'
      ? followUpReport(rows, 'SEX', threshold).total
      : figures('TOTAL', 'Totalt', tallies.flatMap((t) => t.daysInIntervention), before.total, after.total, before.columnTotals, after.columnTotals,
          incomeBefore.map((t) => t.total), incomeAfter.map((t) => t.total)),
  };
}
