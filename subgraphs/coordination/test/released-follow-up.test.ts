import { describe, expect, it } from 'vitest';
import { compactRelease, type CompactRelease, type ProtectedTable, type StatisticsRelease } from '@finsam/kit/statistics-release';
import { releasedFilter, releasedReport, releasesForPeriod, monthsOf, type Catalogue, type FollowUpFigure, type ReleasedQuestion } from '../src/released-follow-up.ts';
import { ENDED, STARTED, priorityGroupMeasure } from '../src/statistics-release-job.ts';

/** Hand-made releases: the report is post-processing, so its rules are tested on tables whose every cell is known. */
const catalogue: Catalogue = {
  interventions: [{ id: 'i1', name: 'Steget', start_date: '2020-01-01', end_date: null }, { id: 'i2', name: 'Vägen', start_date: '2024-06-01', end_date: '2025-01-31' }],
  municipalities: [{ code: '1480', name: 'Göteborg', forbund_id: 'f1' }, { code: '1401', name: 'Härryda', forbund_id: 'f1' }, { code: '1441', name: 'Lerum', forbund_id: 'f2' }],
  forbund: [{ id: 'f1', name: 'Väst' }, { id: 'f2', name: 'Öst' }],
};
const domains = {
  intervention: ['i1', 'i2'], municipality: ['1401', '1441', '1480'], sex: ['FEMALE', 'MALE'],
  occupationBefore: ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT'], occupationAfter: ['FORVARVSARBETE', 'STUDIER', 'AKTIVT_ARBETSSOKANDE', 'OVRIGT', 'NOT_RECORDED'],
};

/** A table whose cell of index i (in the cross product's order) holds count(i). */
function table(measure: string, dimensions: string[], count: (i: number) => number): ProtectedTable {
  let cells: Record<string, string>[] = [{}];
  for (const d of dimensions) cells = cells.flatMap((c) => domains[d as keyof typeof domains].map((v) => ({ ...c, [d]: v })));
  return { measure, dimensions, rho: 0.1, sigmaSquared: '5/1', sigma: Math.sqrt(5), contributionsPerPerson: 1, cells: cells.map((values, i) => ({ values, count: count(i) })) };
}

function release(period: string, scale: number): StatisticsRelease {
  return {
    period, computedAt: `${period}-20T02:00:00.000Z`, rhoRequested: 1, rho: 1, mechanism: 'discrete Gaussian, zCDP, one row per person per table',
    privacy: {} as StatisticsRelease['privacy'],
    workload: { domains, marginals: [] },
    tables: [
      table(STARTED, [], () => 100 * scale),
      table(STARTED, ['intervention'], (i) => (40 + i) * scale),
      table(STARTED, ['municipality'], (i) => (10 + i) * scale),
      table(STARTED, ['sex'], (i) => (50 + i) * scale),
      table(STARTED, ['occupationBefore', 'municipality'], (i) => i * scale),
      table(ENDED, [], () => 30 * scale),
      table(ENDED, ['intervention'], (i) => (14 + i) * scale),
      table(ENDED, ['occupationAfter'], (i) => (5 + i) * scale),
      table(ENDED, ['occupationAfter', 'intervention'], (i) => (i % 3) * scale),
      table(priorityGroupMeasure('MENTAL_ILL_HEALTH'), [], () => 20 * scale),
    ],
  };
}

/** January to March with counts × 1, 2 and 3, April to December × 1, and the year 2025 released on its own (× 50). */
const released = new Map<string, CompactRelease>(([
  ['2025-01', release('2025-01', 1)], ['2025-02', release('2025-02', 2)], ['2025-03', release('2025-03', 3)],
  ...monthsOf('2025-04', '2025-12').map((m) => [m, release(m, 1)] as [string, StatisticsRelease]),
  ['2025', release('2025', 50)],
] as [string, StatisticsRelease][]).map(([period, r]) => [period, compactRelease(r)]));
/** A question whose groups and total select the same figures (`figures`), unless `groupFigures` and `totalFigures` say otherwise. */
const question = (q: Partial<Omit<ReleasedQuestion, 'figures'>> & { figures?: Set<FollowUpFigure>; groupFigures?: Set<FollowUpFigure>; totalFigures?: Set<FollowUpFigure> }): ReleasedQuestion => {
  const { figures = new Set<FollowUpFigure>(['started']), groupFigures, totalFigures, ...rest } = q;
  return { fromMonth: '2025-01', toMonth: '2025-03', groupBy: 'INTERVENTION', filter: {}, ...rest, figures: { groups: groupFigures ?? figures, total: totalFigures ?? figures } };
};
const answer = (q: Parameters<typeof question>[0]) => {
  const full = question(q);
  const releases = releasesForPeriod(released, full.fromMonth, full.toMonth);
  if (!releases.ok) return releases;
  return releasedReport(full, releases.value, catalogue);
};
const valueOf = <T>(result: { ok: true; value: T } | { ok: false }) => {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value;
};

describe('the follow-up read from the statistics releases', () => {
  it('sums each figure over the months of the period', () => {
    const report = valueOf(answer({ figures: new Set(['started', 'ended']) }));
    expect(report.total.started.value).toBe(100 + 200 + 300);
    expect(report.total.ended.value).toBe(30 * 6);
    expect(report.groups.map((g) => [g.key, g.label, g.started.value])).toEqual([['i2', 'Vägen', 41 * 6], ['i1', 'Steget', 40 * 6]]);
    expect(valueOf(answer({ fromMonth: '2025-02', toMonth: '2025-02' })).total.started.value).toBe(200);
    expect(report.total.started.suppressed).toBe(false);
  });

  it('groups by the interventions that ran in the period; the total reads every cell', () => {
    const later = valueOf(answer({ fromMonth: '2025-02', toMonth: '2025-03' }));
    expect(later.groups.map((g) => g.key)).toEqual(['i1']);
    expect(later.total.started.value).toBe(100 * (2 + 3));
  });

  it('gives the same figure by two routes: a group of one report and the total of another filtered to it', () => {
    const grouped = valueOf(answer({ groupBy: 'MUNICIPALITY' }));
    for (const code of ['1401', '1441', '1480']) {
      const filtered = valueOf(answer({ groupBy: 'MUNICIPALITY', filter: { municipality: [code] } }));
      expect(filtered.total.started.value).toBe(grouped.groups.find((g) => g.key === code)!.started.value);
      expect(filtered.groups.map((g) => g.key)).toEqual([code]);
    }
  });

  it('sums the cells of every value a filter lists, and a förbund is the sum of its municipalities', () => {
    const two = valueOf(answer({ groupBy: 'MUNICIPALITY', filter: { municipality: ['1401', '1480'] } }));
    expect(two.total.started.value).toBe((10 + 12) * 6);
    const forbund = valueOf(answer({ groupBy: 'FORBUND' }));
    expect(forbund.groups.map((g) => [g.key, g.started.value])).toEqual([['f1', (10 + 12) * 6], ['f2', 11 * 6]]);
  });

  it('reads work or studies after and the share from the occupation-after cells and the ended count', () => {
    const report = valueOf(answer({ figures: new Set(['ended', 'inWorkOrStudiesAfter', 'shareInWorkOrStudiesAfter', 'occupationAfter']) }));
    const i1 = report.groups.find((g) => g.key === 'i1')!;
    const after = Object.fromEntries(i1.occupationAfter.map((c) => [c.category, c.count.value]));
    expect(i1.inWorkOrStudiesAfter.value).toBe(after.FORVARVSARBETE! + after.STUDIER!);
    expect(i1.shareInWorkOrStudiesAfter).toBeCloseTo(i1.inWorkOrStudiesAfter.value! / i1.ended.value!, 12);
  });

  it('counts the months before the first release as empty, and refuses a month not yet released, naming to', () => {
    expect(valueOf(answer({ fromMonth: '2024-06' })).total.started.value).toBe(600);
    const late = answer({ toMonth: '2026-01' });
    expect(late.ok).toBe(false);
    expect(!late.ok && late.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'to' } });
    expect(!late.ok && late.refusal.message).toContain('latest released month is 2025-12');
    const none = releasesForPeriod(new Map(), '2025-01', '2025-01');
    expect(!none.ok && none.refusal.details).toEqual({ argument: 'to' });
  });

  it('answers a whole calendar year from the year\'s own release, and any other stretch from its months', () => {
    expect(valueOf(answer({ fromMonth: '2025-01', toMonth: '2025-12' })).total.started.value).toBe(100 * 50);
    // The year before the register began holds nobody; the released year is read whole.
    expect(valueOf(answer({ fromMonth: '2024-01', toMonth: '2025-12' })).total.started.value).toBe(100 * 50);
    expect(valueOf(answer({ fromMonth: '2025-01', toMonth: '2025-11' })).total.started.value).toBe(100 * (1 + 2 + 3 + 8));
    expect(valueOf(answer({ fromMonth: '2025-02', toMonth: '2025-12' })).total.started.value).toBe(100 * (2 + 3 + 9));
  });

  it('refuses a combination the release holds no table for, naming the argument and what it holds', () => {
    const byGroup = answer({ groupBy: 'SEX', figures: new Set(['ended']) });
    expect(!byGroup.ok && byGroup.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'groupBy' } });
    // The filter alone is released (started by sex), not with the grouping.
    const withGroup = answer({ groupBy: 'INTERVENTION', filter: { sex: 'MALE' } });
    expect(!withGroup.ok && withGroup.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'groupBy' } });
    expect(!withGroup.ok && withGroup.refusal.message).toMatch(/it holds them by \[\], \[intervention\], \[municipality\], \[sex\]/);
    const byFilter = answer({ groupBy: 'INTERVENTION', filter: { sex: 'MALE' }, figures: new Set(['occupationBefore']) });
    expect(!byFilter.ok && byFilter.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'filter' } });
    const pg = answer({ groupBy: 'INTERVENTION', filter: { priorityGroup: 'YOUNG_WITH_DISABILITY' } });
    expect(!pg.ok && pg.refusal.details).toEqual({ argument: 'filter.priorityGroup' });
  });

  it('sums a finer table over its other dimensions when no table has exactly the figure\'s, always the same one', () => {
    // started by occupation before for one municipality: only [occupationBefore, municipality] holds it.
    const one = valueOf(answer({ groupBy: 'MUNICIPALITY', filter: { municipality: ['1441'] }, figures: new Set(['occupationBefore']) }));
    expect(one.total.occupationBefore.map((c) => c.count.value)).toEqual([1, 4, 7, 10].map((i) => i * 6));
    // occupation after by intervention is exact; without grouping, [occupationAfter] is preferred to summing the finer table.
    const total = valueOf(answer({ figures: new Set(['occupationAfter']) })).total.occupationAfter.map((c) => c.count.value);
    expect(total).toEqual([5, 6, 7, 8].map((i) => i * 6));
  });

  it('reads only the figures asked for, each where it is asked: a figure not selected cannot refuse the report', () => {
    expect(answer({ groupBy: 'SEX', figures: new Set(['started']) }).ok).toBe(true);
    expect(answer({ groupBy: 'SEX', figures: new Set(['started', 'occupationBefore']) }).ok).toBe(false);
    // Occupation before is held in total (summed from [occupationBefore, municipality]), not by sex: asked of the total only, it answers.
    const totalOnly = answer({ groupBy: 'SEX', groupFigures: new Set(['started']), totalFigures: new Set(['started', 'occupationBefore']) });
    expect(valueOf(totalOnly).total.occupationBefore.map((c) => c.count.value)).toHaveLength(4);
    expect(valueOf(totalOnly).groups[0]!.occupationBefore).toEqual([]);
  });

  it('keeps a release compact without changing a cell, and refuses one whose cells are out of the cross product\'s order', () => {
    const r = release('2025-01', 1);
    const compact = compactRelease(r);
    r.tables.forEach((t, i) => expect([...compact.tables[i]!.counts]).toEqual(t.cells.map((c) => c.count)));
    const shuffled = { ...r, tables: [{ ...r.tables[1]!, cells: [...r.tables[1]!.cells].reverse() }] };
    expect(() => compactRelease(shuffled)).toThrow(/not in the cross product's order/);
  });

  it('checks filter values against the catalogues, naming the argument', () => {
    const unknown = releasedFilter({ interventionIds: ['i1', 'nope'] }, catalogue);
    expect(!unknown.ok && unknown.refusal).toMatchObject({ code: 'BAD_USER_INPUT', details: { argument: 'filter.interventionIds' } });
    expect(valueOf(releasedFilter({ municipalityCodes: ['1480', '1401', '1480'], sex: 'MALE' }, catalogue))).toEqual({ municipality: ['1401', '1480'], sex: 'MALE' });
    expect(monthsOf('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});
