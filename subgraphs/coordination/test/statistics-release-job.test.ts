import { describe, expect, it } from 'vitest';
import { protectTables, seededRandom } from '@finsam/kit/statistics-release';
import type { ReleaseParticipationRow } from '../src/data.ts';
import { INCOME_SOURCES } from '../src/follow-up.ts';
import {
  ENDED, MAIN_TABLE_WEIGHT, NOT_RECORDED, PRIORITY_GROUPS, STARTED, endedPriorityGroupMeasure, followUpWorkload, monthBounds, priorityGroupMeasure, releasableMonths, releaseRow,
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
    expect([june.started, june.ended, june.occupationAfter, june['incomeAfter.INGEN_OFFENTLIG'], june['incomeAfter.LON']]).toEqual(['NO', 'YES', 'STUDIER', 'YES', 'NO']);
    // The age band is the one at registration in, as in the follow-up.
    expect(june.ageBand).toBe('FROM_30_TO_44');
    expect(releaseRow(row({ registered_out: '2026-05-30' }), '2026-05-01', '2026-05-31').attributes.occupationAfter).toBe(NOT_RECORDED);
  });

  it('income sources and priority groups are one yes/no attribute each; no group is NONE', () => {
    const attributes = releaseRow(row(), '2026-05-01', '2026-05-31').attributes;
    expect(INCOME_SOURCES.filter((s) => attributes[`incomeBefore.${s}`] === 'YES')).toEqual(['SJUKPENNING', 'FORSORJNINGSSTOD']);
    expect(PRIORITY_GROUPS.filter((g) => attributes[`priorityGroup.${g}`] === 'YES')).toEqual(['NONE']);
    const two = releaseRow(row({ priority_groups: '["MENTAL_ILL_HEALTH","LONG_TERM_SICK_LISTED"]' }), '2026-05-01', '2026-05-31').attributes;
    expect(PRIORITY_GROUPS.filter((g) => two[`priorityGroup.${g}`] === 'YES')).toEqual(['LONG_TERM_SICK_LISTED', 'MENTAL_ILL_HEALTH']);
  });

  it('the workload: 23 tables the analysts\' operations read, each of sensitivity 1, every measure defined, the main tables weighing more', () => {
    const workload = followUpWorkload({ interventions: ['I1', 'I2'], municipalities: ['1280', '1281'] });
    const tables = workload.marginals.map((m) => `${m.measure} [${m.dimensions.join(', ')}]${m.weight === undefined ? '' : ` ×${m.weight}`}`);
    expect(tables).toEqual([
      `started [] ×${MAIN_TABLE_WEIGHT}`, `started [intervention] ×${MAIN_TABLE_WEIGHT}`, `started [municipality] ×${MAIN_TABLE_WEIGHT}`,
      `started [sex] ×${MAIN_TABLE_WEIGHT}`, `started [ageBand] ×${MAIN_TABLE_WEIGHT}`, `started [occupationBefore] ×${MAIN_TABLE_WEIGHT}`,
      'started [occupationBefore, municipality]',
      `ended [] ×${MAIN_TABLE_WEIGHT}`, 'ended [intervention]', 'ended [municipality]', 'ended [sex]', 'ended [ageBand]',
      'ended [occupationAfter]', 'ended [occupationAfter, intervention]', 'ended [occupationAfter, municipality]',
      ...PRIORITY_GROUPS.map((g) => `${priorityGroupMeasure(g)} []`),
      `${priorityGroupMeasure('MENTAL_ILL_HEALTH')} [municipality]`, `${priorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} [sex]`,
      `${endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')} []`,
    ]);
    const measures = new Set(workload.marginals.map((m) => m.measure));
    expect(measures).toEqual(new Set(Object.keys(workload.measures!)));
    expect(measures).toEqual(new Set([STARTED, ENDED, ...PRIORITY_GROUPS.map(priorityGroupMeasure), endedPriorityGroupMeasure('YOUNG_WITH_ACTIVITY_COMPENSATION')]));
    // ρ = 1 over the weights: σ ≈ 2.74 for the main tables, 3.87 for the others; spent never above 1.
    const release = protectTables([], workload, 1, seededRandom(1));
    expect(release.rho).toBeLessThanOrEqual(1);
    expect(release.tables[0]!.sigma).toBeCloseTo(2.74, 2);
    expect(release.tables.at(-1)!.sigma).toBeCloseTo(3.87, 2);
    // A person with two participations and two groups counts once in each table, in one cell.
    const rows = [row(), row({ id: 'SF-D-0000002', registered_in: '2026-05-20', intervention_id: 'I2', priority_groups: '["MENTAL_ILL_HEALTH","YOUNG_WITH_DISABILITY"]' })]
      .map((r) => releaseRow(r, '2026-05-01', '2026-05-31'));
    const exact = protectTables(rows, workload, 1e7, seededRandom(1));
    for (const table of exact.tables) expect(table.cells.reduce((n, c) => n + c.count, 0)).toBeLessThanOrEqual(1);
    const byIntervention = exact.tables.find((t) => t.measure === STARTED && t.dimensions.join() === 'intervention')!;
    expect(byIntervention.cells.filter((c) => c.count === 1).map((c) => c.values)).toEqual([{ intervention: 'I1' }]);
  });
});
