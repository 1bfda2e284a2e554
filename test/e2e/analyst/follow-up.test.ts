import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells } from '../../support/counts.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const COUNT = '{ value suppressed }';
const CATEGORIES = `{ category count ${COUNT} }`;
/** What each grouping's released tables hold (docs/analysts.md): the figures a report by it may ask for. */
const RELEASED: Record<string, string> = {
  INTERVENTION: `started ${COUNT} ended ${COUNT} occupationAfter ${CATEGORIES} inWorkOrStudiesAfter ${COUNT} shareInWorkOrStudiesAfter medianDaysInIntervention`,
  MUNICIPALITY: `started ${COUNT} ended ${COUNT} occupationBefore ${CATEGORIES} occupationAfter ${CATEGORIES}`,
  FORBUND: `started ${COUNT} ended ${COUNT} occupationBefore ${CATEGORIES} occupationAfter ${CATEGORIES}`,
  SEX: `started ${COUNT} ended ${COUNT}`,
  AGE_BAND: `started ${COUNT} ended ${COUNT}`,
  PRIORITY_GROUP: `started ${COUNT}`,
};
const followUp = (groupFields: string, totalFields = groupFields) => `query($from: String!, $to: String!, $groupBy: FollowUpDimension, $filter: FollowUpFilter) {
  interventionFollowUp(from: $from, to: $to, groupBy: $groupBy, filter: $filter) { groupBy groups { key label ${groupFields} } total { ${totalFields} } }
}`;
const FOLLOW_UP = followUp(`started ${COUNT} ended ${COUNT} occupationBefore ${CATEGORIES}`);

describe('intervention follow-up for analysts, answered from the statistics releases', () => {
  let graph: TestGraph;
  let analyst: string;
  /** The first and the last day of the released months. */
  let from: string;
  let to: string;
  let latest: string;
  const endOf = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);

  beforeAll(async () => {
    // The follow-up is coordination's register alone; startGraph runs the release job as npm start does.
    graph = await startGraph({ persons: 2000, subgraphs: ['coordination'], env: { ANALYST_REQUESTS_PER_MINUTE: '1000' } });
    analyst = await graph.token('analyst', 'analyst-1');
    const store = graph.store('coordination');
    const periods = (await sql<{ first: string; last: string }>`SELECT min(period) AS first, max(period) AS last FROM statistics_release WHERE length(period) = 7`.execute(store).finally(() => store.destroy())).rows[0]!;
    latest = periods.last;
    from = `${periods.first}-01`;
    to = endOf(latest);
  });
  afterAll(() => graph?.close());

  for (const [groupBy, fields] of Object.entries(RELEASED)) {
    it(`by ${groupBy}: every figure its tables hold, none negative or suppressed, every group listed`, async () => {
      const response = await graph.query(analyst, followUp(fields), { from, to, groupBy });
      expect(response.body.errors).toBeUndefined();
      const report = response.body.data!.interventionFollowUp;
      expect(report.total.started.value).toBeGreaterThan(1000);
      const cells = countCells(report);
      expect(cells.length).toBeGreaterThan(report.groups.length);
      for (const cell of cells) {
        expect(cell.suppressed).toBe(false);
        expect(cell.value, JSON.stringify(cell)).toBeGreaterThanOrEqual(0);
      }
      const expectedGroups = { SEX: 2, AGE_BAND: 5, PRIORITY_GROUP: 5 }[groupBy];
      if (expectedGroups) expect(report.groups).toHaveLength(expectedGroups);
      if (groupBy === 'INTERVENTION') {
        const medians = report.groups.map((g: { medianDaysInIntervention: number | null }) => g.medianDaysInIntervention).filter((m: number | null) => m !== null);
        expect(medians.length).toBeGreaterThan(0);
        for (const m of medians) expect(m % 10).toBe(0);
      }
    });
  }

  it('answers the same query with the same figures, and the same figure reached by two queries with the same value', async () => {
    const ask = (variables: Record<string, unknown>) => graph.query(analyst, FOLLOW_UP.replace(`ended ${COUNT} occupationBefore`, 'occupationBefore'), variables);
    const first = await ask({ from, to, groupBy: 'MUNICIPALITY' });
    expect(first.body.errors).toBeUndefined();
    expect((await ask({ from, to, groupBy: 'MUNICIPALITY' })).body).toEqual(first.body);
    // Persons with protected identity are in no table: the filtered total is the group, not the group plus them.
    const store = graph.store('coordination');
    const protectedIn = (await sql<{ municipality_code: string }>`SELECT DISTINCT person.municipality_code FROM person
      JOIN participation p ON p.personnummer = person.personnummer WHERE person.identity_protection <> 'NONE'`.execute(store).finally(() => store.destroy())).rows;
    expect(protectedIn.length).toBeGreaterThan(0);
    for (const { municipality_code: m } of protectedIn) {
      const filtered = (await ask({ from, to, groupBy: 'MUNICIPALITY', filter: { municipalityCodes: [m] } })).body.data!.interventionFollowUp;
      const group = first.body.data!.interventionFollowUp.groups.find((g: { key: string }) => g.key === m);
      expect(filtered.total.started).toEqual(group.started);
      expect(filtered.total.occupationBefore).toEqual(group.occupationBefore);
    }
    // A filter listing two municipalities sums their figures.
    const [a, b] = first.body.data!.interventionFollowUp.groups as { key: string; started: { value: number } }[];
    const both = (await ask({ from, to, groupBy: 'MUNICIPALITY', filter: { municipalityCodes: [a!.key, b!.key] } })).body.data!.interventionFollowUp;
    expect(both.total.started.value).toBe(a!.started.value + b!.started.value);
    expect(both.groups.map((g: { key: string }) => g.key).sort()).toEqual([a!.key, b!.key].sort());
  });

  it('lists by intervention the interventions that ran on some day of the period (the public catalogue), not every one ever released', async () => {
    const store = graph.store('coordination');
    const ran = async (a: string, b: string) => (await sql<{ id: string }>`SELECT id FROM intervention WHERE start_date <= ${b} AND (end_date IS NULL OR end_date >= ${a}) ORDER BY id`
      .execute(store)).rows.map((r) => r.id);
    try {
      for (const [a, b] of [[from, to], ['2025-01-01', '2025-03-31']] as const) {
        const report = (await graph.query(analyst, followUp(`started ${COUNT}`), { from: a, to: b, groupBy: 'INTERVENTION' })).body.data!.interventionFollowUp;
        expect(report.groups.map((g: { key: string }) => g.key).sort(), `${a} – ${b}`).toEqual(await ran(a, b));
      }
      const all = (await sql<{ n: number }>`SELECT count(*) AS n FROM intervention`.execute(store)).rows[0]!.n;
      expect((await ran('2025-01-01', '2025-03-31')).length).toBeLessThan(Number(all));
    } finally {
      await store.destroy();
    }
  });

  it('reads the groups\' figures and the total\'s each from their own selection: a figure asked of the total only is not read by group', async () => {
    // Occupation before is released in total, not by intervention.
    const response = await graph.query(analyst, followUp(`started ${COUNT}`, `started ${COUNT} occupationBefore ${CATEGORIES}`), { from, to, groupBy: 'INTERVENTION' });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.interventionFollowUp.total.occupationBefore).toHaveLength(4);
  });

  it('gives the same figures after coordination restarts: nothing depends on the process', async () => {
    const variables = { from, to, groupBy: 'INTERVENTION' };
    const query = followUp(RELEASED.INTERVENTION!);
    const before = await graph.query(analyst, query, variables);
    expect(before.body.errors).toBeUndefined();
    await graph.restartSubgraphProcess('coordination');
    const after = await graph.query(analyst, query, variables);
    expect(after.body).toEqual(before.body);
  });

  it('refuses a period it cannot answer whole, a figure the release does not hold and unknown values, naming the argument', async () => {
    const next = new Date(Date.UTC(Number(latest.slice(0, 4)), Number(latest.slice(5, 7)), 1)).toISOString().slice(0, 7);
    const refusals: [string, Record<string, unknown>, string, RegExp][] = [
      [FOLLOW_UP, { from: '2025-01-02', to }, 'from', /first day of a month/],
      [FOLLOW_UP, { from, to: '2025-12-30' }, 'to', /last day of a month/],
      [FOLLOW_UP, { from: '2025-02-30', to }, 'from', /^from: the date 2025-02-30 does not exist/],
      [FOLLOW_UP, { from: '2025-03-01', to: '2025-02-28' }, 'from', /after/],
      [FOLLOW_UP, { from, to: endOf(next) }, 'to', new RegExp(`${next} is not released yet; the latest released month is ${latest}`)],
      [FOLLOW_UP, { from, to, filter: { municipalityCodes: ['1480', '9999'] } }, 'filter.municipalityCodes', /"9999" is not a known kommunkod/],
      [FOLLOW_UP, { from, to, filter: { interventionIds: ['insats-nope'] } }, 'filter.interventionIds', /"insats-nope" is not a known intervention/],
      // Occupation before is released by municipality, not by sex.
      [FOLLOW_UP, { from, to, groupBy: 'SEX' }, 'groupBy', /occupationBefore by SEX is not in the statistics release/],
      [FOLLOW_UP, { from, to, groupBy: 'MUNICIPALITY', filter: { sex: 'MALE' } }, 'filter', /occupationBefore filtered on sex is not in the statistics release/],
      [followUp(`started ${COUNT}`, `ended ${COUNT}`), { from, to, groupBy: 'PRIORITY_GROUP', filter: { priorityGroup: 'MENTAL_ILL_HEALTH' } }, 'filter.priorityGroup', /ended for priority group MENTAL_ILL_HEALTH is not in the statistics release/],
    ];
    for (const [query, variables, argument, message] of refusals) {
      const response = await graph.query(analyst, query, variables);
      expect(response.body.data, JSON.stringify(variables)).toBeNull();
      expect(response.body.errors, JSON.stringify(variables)).toHaveLength(1);
      expect(response.body.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.extensions?.argument, JSON.stringify(variables)).toBe(argument);
      expect(response.body.errors?.[0]?.message).toMatch(message);
    }
  });

  it('narrows by filter', async () => {
    const query = followUp(`started ${COUNT} ended ${COUNT}`);
    const all = await graph.query(analyst, query, { from, to, groupBy: 'SEX' });
    const women = await graph.query(analyst, query, { from, to, groupBy: 'SEX', filter: { sex: 'FEMALE' } });
    expect(women.body.errors).toBeUndefined();
    const womenReport = women.body.data!.interventionFollowUp;
    expect(womenReport.groups.map((g: { key: string }) => g.key)).toEqual(['FEMALE']);
    expect(womenReport.total.started.value).toBeLessThan(all.body.data!.interventionFollowUp.total.started.value);
    expect(womenReport.total.started).toEqual(all.body.data!.interventionFollowUp.groups.find((g: { key: string }) => g.key === 'FEMALE').started);
  });

  it('is for analysts only, and checks its dates', async () => {
    for (const role of ['coordinator', 'auditor'] as const) {
      const refused = await graph.query(await graph.token(role, role === 'coordinator' ? 'coordinator-1' : 'auditor-1'), FOLLOW_UP, { from, to });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const [badFrom, badTo] of [['2020-13-01', '2030-01-31'], ['2030-01-01', '2020-01-31']]) {
      const bad = await graph.query(analyst, FOLLOW_UP, { from: badFrom, to: badTo });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
