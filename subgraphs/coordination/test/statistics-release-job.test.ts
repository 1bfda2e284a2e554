import { describe, expect, it } from 'vitest';
import { protectTables, seededRandom } from '@finsam/kit/statistics-release';
import type { ReleaseParticipationRow } from '../src/data.ts';
import { INCOME_SOURCES } from '../src/follow-up.ts';
import {
  DAYS_BANDS, ENDED, INCOME_SOURCES_PER_PERSON, MAIN_TABLE_WEIGHT, NOT_ENDED_IN_MONTH, NOT_RECORDED, PRIORITY_GROUPS, STARTED, daysBand, endedPriorityGroupMeasure, followUpWorkload,
  medianDaysFromBands, monthBounds, priorityGroupMeasure, releasableMonths, releaseRow,
} from '../src/statistics-release-job.ts';

/** The pure parts of the release job: which months, what a row is, what the workload holds (the job against a store: test/e2e/analyst/statistics-release-job.test.ts). */
const row = (overrides: Partial<ReleaseParticipationRow> = {}): ReleaseParticipationRow => ({
  id: 'SF-D-0000001', personnummer: '199003042383', intervention_id: 'I1', registered_in: '2026-05-06', registered_out: null,
  occupation_before: 'OVRIGT', occupation_after: null, income_sources_before: '["SJUKPENNING","FORSORJNINGSSTOD"]', income_sources_after: null,
  municipality_code: '1280', sex: 'FEMALE', birth_date: '1990-03-04', priority_groups: '[]', ...overrides,
});

describe('the statistics release job, pure parts', () => {
  it('a month is whole: its first and last day, February of a leap year and December included', () => {
    expect(monthBounds('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthBounds('2025-02')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    expect(monthBounds('2025-12')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('releases a month once 14 days have passed since its last day, over the turn of a year, and no month before the first registration', () => {
    expect(releasableMonths('2025-11-20', '2026-01-14')).toEqual(['2025-11']);
    expect(releasableMonths('2025-11-20', '2026-01-15')).toEqual(['2025-11', '2025-12']);
    expect(releasableMonths('2025-11-20', '2026-01-15', 30)).toEqual(['2025-11']);
    expect(releasableMonths('2026-01-03', '2026-01-15')).toEqual([]);
  });

  it('a participation is started in the month it was registered in and ended in the month it was registered out', () => {
    const inMay = releaseRow(row(), '2026-05-01', '2026-05-31').attributes;
    expect([inMay.started, inMay.ended]).toEqual(['YES', 'NO']);
    const endedInJune = row({ registered_out: '2026-06-10', occupation_after: 'STUDIER', income_sources_after: '["INGEN_OFFENTLIG"]' });
    const june = releaseRow(endedInJune, '2026-06-01', '2026-06-30').attributes;
    expect([june.started, june.ended, june.occupationAfter]).toEqual(['NO', 'YES', 'STUDIER']);
    // The age band is the one at registration in, as in the follow-up.
    expect(june.ageBand).toBe('FROM_30_TO_44');
    expect(releaseRow(row({ registered_out: '2026-05-30' }), '2026-05-01', '2026-05-31').attributes.occupationAfter).toBe(NOT_RECORDED);
  });

  it('income sources are the values of the multi-valued incomeBefore and incomeAfter (none after when not ended)', () => {
    expect(releaseRow(row(), '2026-05-01', '2026-05-31').sets).toEqual({ incomeBefore: ['SJUKPENNING', 'FORSORJNINGSSTOD'], incomeAfter: [] });
    const ended = releaseRow(row({ registered_out: '2026-06-10', income_sources_after: '["INGEN_OFFENTLIG"]' }), '2026-06-01', '2026-06-30');
    expect(ended.sets).toEqual({ incomeBefore: ['SJUKPENNING', 'FORSORJNINGSSTOD'], incomeAfter: ['INGEN_OFFENTLIG'] });
    expect(INCOME_SOURCES_PER_PERSON).toBe(3);
  });

  it('the time in intervention is a band of the days from registered in to registered out, on rows registered out in the month only', () => {
    expect(releaseRow(row({ registered_out: '2026-06-10' }), '2026-06-01', '2026-06-30').attributes.daysBand).toBe('D30_59');
    expect(releaseRow(row({ registered_out: '2026-06-10' }), '2026-05-01', '2026-05-31').attributes.daysBand).toBe(NOT_ENDED_IN_MONTH);
    expect(releaseRow(row(), '2026-05-01', '2026-05-31').attributes.daysBand).toBe(NOT_ENDED_IN_MONTH);
    expect(DAYS_BANDS).not.toContain(NOT_ENDED_IN_MONTH);
    const bands = [0, 29, 30, 59, 60, 89, 90, 119, 120, 179, 180, 269, 270, 364, 365, 539, 540, 2000].map(daysBand);
    expect(bands).toEqual(['D0_29', 'D0_29', 'D30_59', 'D30_59', 'D60_89', 'D60_89', 'D90_119', 'D90_119', 'D120_179', 'D120_179',
      'D180_269', 'D180_269', 'D270_364', 'D270_364', 'D365_539', 'D365_539', 'D540_', 'D540_']);
    expect(new Set(bands)).toEqual(new Set(DAYS_BANDS));
  });

  it('the median days from band counts: interpolated within the band where half is reached, the open band as 540–719, rounded to 10 days, none under 10 counted', () => {
    expect(medianDaysFromBands({ D30_59: 10, D60_89: 10 })).toBe(60);
    // 20 counted, half 10: 5 in 0–29, 5 more reach it at the top of 90–119.
    expect(medianDaysFromBands({ D0_29: 5, D90_119: 5, D540_: 10 })).toBe(120);
    // half 5: 3 below 180, 2 of 7 into 180–269 (90 days wide): 180 + 25.7 → 210.
    expect(medianDaysFromBands({ D120_179: 3, D180_269: 7 })).toBe(210);
    expect(medianDaysFromBands({ D0_29: 0, D365_539: 10 })).toBe(450);
    expect(medianDaysFromBands(new Map([['D540_', 12]]))).toBe(630);
    expect(medianDaysFromBands({ D540_: 9 })).toBeNull();
    expect(medianDaysFromBands({})).toBeNull();
    expect(() => medianDaysFromBands({ D0_30: 12 })).toThrow(RangeError);
    expect(() => medianDaysFromBands({ D0_29: -1, D30_59: 20 })).toThrow(RangeError);
  });

  it('priority groups are one yes/no attribute each; no group is NONE', () => {
    const attributes = releaseRow(row(), '2026-05-01', '2026-05-31').attributes;
    expect(PRIORITY_GROUPS.filter((g) => attributes[`priorityGroup.${g}`] === 'YES')).toEqual(['NONE']);
    const two = releaseRow(row({ priority_groups: '["MENTAL_ILL_HEALTH","LONG_TERM_SICK_LISTED"]' }), '2026-05-01', '2026-05-31').attributes;
    expect(PRIORITY_GROUPS.filter((g) => two[`priorityGroup.${g}`] === 'YES')).toEqual(['LONG_TERM_SICK_LISTED', 'MENTAL_ILL_HEALTH']);
  });

  it('the workload: 28 tables the analysts\' operations read, each of sensitivity 1, every measure defined, the main tables weighing more', () => {
    const workload = followUpWorkload({ interventions: ['I1', 'I2'], municipalities: ['1280', '1281'] });
    const tables = workload.marginals.map((m) => `${m.measure} [${m.dimensions.join(', ')}]${m.weight === undefined ? '' : ` ×${m.weight}`}`);
    expect(tables).toEqual([
      `started [] ×${MAIN_TABLE_WEIGHT}`, `started [intervention] ×${MAIN_TABLE_WEIGHT}`, `started [municipality] ×${MAIN_TABLE_WEIGHT}`,
      `started [sex] ×${MAIN_TABLE_WEIGHT}`, `started [ageBand] ×${MAIN_TABLE_WEIGHT}`, `started [occupationBefore] ×${MAIN_TABLE_WEIGHT}`,
      'started [occupationBefore, municipality]',
      `ended [] ×${MAIN_TABLE_WEIGHT}`, 'ended [intervention]', 'ended [municipality]', 'ended [sex]', 'ended [ageBand]',
      'ended [occupationAfter]', 'ended [occupationAfter, intervention]', 'ended [occupationAfter, municipality]',
      'ended [daysBand, intervention]', 'ended [daysBand]',
      ...PRIORITY_GROUPS.map((g) => `${priorityGroupMeasure(g)} []`),
      `${priorityGroupMeasure('MENTAL_ILL_HEALTH')} [municipality]`, `${priorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} [sex]`,
      `${priorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} [sex, incomeBefore]`,
      `${endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} []`, `${endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} [sex]`,
      `${endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} [sex, incomeAfter]`,
    ]);
    expect(workload.multiValued).toEqual({ incomeBefore: 3, incomeAfter: 3 });
    expect(workload.domains.incomeBefore).toEqual([...INCOME_SOURCES]);
    expect(workload.domains.incomeAfter).toEqual([...INCOME_SOURCES]);
    expect(workload.domains.daysBand).toEqual([...DAYS_BANDS]);
    const measures = new Set(workload.marginals.map((m) => m.measure));
    expect(measures).toEqual(new Set(Object.keys(workload.measures!)));
    expect(measures).toEqual(new Set([STARTED, ENDED, ...PRIORITY_GROUPS.map(priorityGroupMeasure), endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')]));
    // ρ = 1 over the weights (35): σ ≈ 2.96 for the main tables, 4.18 for the others, 7.25 for the income tables (k = 3); spent never above 1.
    const release = protectTables([], workload, 1, seededRandom(1));
    expect(release.rho).toBeLessThanOrEqual(1);
    expect(release.rho).toBeGreaterThan(0.9999);
    expect(release.tables[0]!.sigma).toBeCloseTo(2.96, 2);
    expect(release.tables.find((t) => t.dimensions.join() === 'daysBand,intervention')!.sigma).toBeCloseTo(4.18, 2);
    const income = release.tables.filter((t) => t.contributionsPerPerson === 3);
    expect(income.map((t) => t.dimensions.join())).toEqual(['sex,incomeBefore', 'sex,incomeAfter']);
    for (const t of income) expect(t.sigma).toBeCloseTo(7.25, 2);
    // A person with two participations and two groups counts once in each table, in one cell.
    const rows = [row(), row({ id: 'SF-D-0000002', registered_in: '2026-05-20', intervention_id: 'I2', priority_groups: '["MENTAL_ILL_HEALTH","YOUNG_WITH_DISABILITY"]' })]
      .map((r) => releaseRow(r, '2026-05-01', '2026-05-31'));
    const exact = protectTables(rows, workload, 1e7, seededRandom(1));
    for (const table of exact.tables) expect(table.cells.reduce((n, c) => n + c.count, 0)).toBeLessThanOrEqual(table.contributionsPerPerson);
    const byIntervention = exact.tables.find((t) => t.measure === STARTED && t.dimensions.join() === 'intervention')!;
    expect(byIntervention.cells.filter((c) => c.count === 1).map((c) => c.values)).toEqual([{ intervention: 'I1' }]);
    // A young person with activity compensation and two income sources is in two cells of the income table; ended, in the band of its days.
    const young = row({ priority_groups: '["YOUNG_WITH_ACTIVITY_COMPENSATION"]', registered_out: '2026-05-30', occupation_after: 'OVRIGT', income_sources_after: '["SJUKPENNING","FORSORJNINGSSTOD"]' });
    const youngRelease = protectTables([releaseRow(young, '2026-05-01', '2026-05-31')], workload, 1e7, seededRandom(1));
    const counted = (measure: string, dimensions: string) => youngRelease.tables.find((t) => t.measure === measure && t.dimensions.join() === dimensions)!
      .cells.filter((c) => c.count > 0).map((c) => Object.values(c.values).join(' '));
    expect(counted(priorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION'), 'sex,incomeBefore')).toEqual(['FEMALE SJUKPENNING', 'FEMALE FORSORJNINGSSTOD']);
    expect(counted(endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION'), 'sex,incomeAfter')).toEqual(['FEMALE SJUKPENNING', 'FEMALE FORSORJNINGSSTOD']);
    expect(counted(ENDED, 'daysBand,intervention')).toEqual(['D0_29 I1']);
  });
});
