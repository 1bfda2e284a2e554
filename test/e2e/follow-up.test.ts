import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells, type CountCell as Cell } from '../support/counts.ts';
import { startGraph, type TestGraph } from '../support/graph.ts';

const COUNT = '{ value suppressed }';
const GROUP = `key label started ${COUNT} ended ${COUNT} inWorkOrStudiesAfter ${COUNT} shareInWorkOrStudiesAfter medianDaysInIntervention
  occupationBefore { category count ${COUNT} } occupationAfter { category count ${COUNT} }
  incomeSourcesBefore { category count ${COUNT} } incomeSourcesAfter { category count ${COUNT} }`;
const FOLLOW_UP = `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) { groupBy suppressionThreshold groups { ${GROUP} } total { ${GROUP} } }
}`;

describe('intervention follow-up for analysts', () => {
  let graph: TestGraph;
  let analyst: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 2000 });
    analyst = await graph.token('analyst', 'analyst-1');
  });
  afterAll(() => graph?.close());

  for (const groupBy of ['INTERVENTION', 'FORBUND', 'MUNICIPALITY', 'SEX', 'AGE_BAND', 'PRIORITY_GROUP']) {
    it(`by ${groupBy}: figures with no count from 1 to 4, suppressed cells marked, totals that add up`, async () => {
      const response = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy });
      expect(response.body.errors).toBeUndefined();
      const report = response.body.data!.interventionFollowUp;
      expect(report.total.started.value).toBeGreaterThan(100);
      for (const cell of countCells(report)) {
        if (cell.suppressed) expect(cell.value).toBeNull();
        else expect(cell.value === 0 || cell.value! > 4, JSON.stringify(cell)).toBe(true);
      }
      const groups = report.groups as { started: Cell; occupationBefore: { count: Cell }[] }[];
      // Each group's occupation before adds up to its started, when nothing in it is hidden.
      for (const g of groups) {
        const parts = g.occupationBefore.map((o) => o.count);
        if (!g.started.suppressed && parts.every((p) => !p.suppressed)) expect(parts.reduce((s, p) => s + p.value!, 0)).toBe(g.started.value);
      }
      if (groupBy !== 'PRIORITY_GROUP' && groups.every((g) => !g.started.suppressed)) {
        expect(groups.reduce((s, g) => s + g.started.value!, 0)).toBe(report.total.started.value);
      }
    });
  }

  it('keeps persons with protected identity out of every breakdown', async () => {
    const response = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'MUNICIPALITY' });
    const keys = response.body.data!.interventionFollowUp.groups.map((g: { key: string }) => g.key);
    expect(keys).toContain('UNDISCLOSED');
    expect(keys.filter((k: string) => !/^\d{4}$/.test(k))).toEqual(['UNDISCLOSED']);
  });

  it('narrows by filter', async () => {
    const all = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'SEX' });
    const women = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'SEX', filter: { sex: 'FEMALE' } });
    const womenGroups = women.body.data!.interventionFollowUp.groups.map((g: { key: string }) => g.key);
    expect(womenGroups.filter((k: string) => k !== 'UNDISCLOSED')).toEqual(['FEMALE']);
    expect(women.body.data!.interventionFollowUp.total.started.value).toBeLessThan(all.body.data!.interventionFollowUp.total.started.value);
  });

  it('is for analysts only, and checks its dates', async () => {
    for (const role of ['coordinator', 'auditor'] as const) {
      const refused = await graph.query(await graph.token(role, role === 'coordinator' ? 'coordinator-1' : 'auditor-1'), FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31' });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const [from, to] of [['2020-13-01', '2030-01-01'], ['2030-01-01', '2020-01-01']]) {
      const bad = await graph.query(analyst, FOLLOW_UP, { from, to });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
