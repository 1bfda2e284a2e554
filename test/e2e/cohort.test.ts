import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells } from '../support/counts.ts';
import { startGraph, type TestGraph } from '../support/graph.ts';

const COUNT = '{ value suppressed }';
const COHORT = `query($filter: FollowUpFilter) {
  cohort(from: "2020-01-01", to: "2030-12-31", filter: $filter) {
    size ${COUNT}
    sicknessInsurance { benefitsNow { category count ${COUNT} } sickLeaveByDegree { category count ${COUNT} } }
    employment { registeredNow ${COUNT} inProgrammeNow { category count ${COUNT} } }
    socialServices { assistanceMonthsLast12 { category count ${COUNT} } }
    care { certificatesByChapter { category count ${COUNT} } }
  }
}`;

describe('cross-sector cohorts for analysts', () => {
  let graph: TestGraph;
  let analyst: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 2000 });
    analyst = await graph.token('analyst', 'analyst-1');
  });
  afterAll(() => graph?.close());

  it('returns aggregates from all four sectors in one request, with no count from 1 to 4', async () => {
    const response = await graph.query(analyst, COHORT);
    expect(response.body.errors).toBeUndefined();
    const cohort = response.body.data!.cohort;
    expect(cohort.size.value).toBeGreaterThan(1000);
    for (const sector of ['sicknessInsurance', 'employment', 'socialServices', 'care']) expect(cohort[sector], sector).not.toBeNull();
    const bands = cohort.socialServices.assistanceMonthsLast12 as { count: { value: number | null } }[];
    // Every member falls in exactly one band: published bands cannot exceed the cohort.
    expect(bands.reduce((s, b) => s + (b.count.value ?? 0), 0)).toBeLessThanOrEqual(cohort.size.value);
    expect(cohort.care.certificatesByChapter.some((c: { category: string }) => c.category.startsWith('F00-F99'))).toBe(true);
    for (const cell of countCells(cohort)) {
      if (cell.suppressed) expect(cell.value).toBeNull();
      else expect(cell.value === 0 || cell.value! > 4, JSON.stringify(cell)).toBe(true);
    }
  });

  it('suppresses a small cohort rather than describe a few persons', async () => {
    const response = await graph.query(analyst, COHORT, { filter: { sex: 'FEMALE', ageBand: 'FROM_65' } });
    expect(response.body.errors).toBeUndefined();
    const cells = countCells(response.body.data!.cohort);
    expect(cells.every((c) => c.suppressed || c.value === 0 || c.value! > 4)).toBe(true);
  });

  it('never lets the member list out of the graph', async () => {
    const response = await graph.query(analyst, '{ cohort(from: "2020-01-01", to: "2030-12-31") { members } }');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).not.toMatch(/\d{12}/);
  });

  it('is for analysts only', async () => {
    const response = await graph.query(await graph.token('coordinator', 'coordinator-1'), COHORT);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
