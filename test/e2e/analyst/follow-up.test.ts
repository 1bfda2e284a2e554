import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells, type CountCell as Cell } from '../../support/counts.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

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
    // The follow-up is coordination's register alone.
    graph = await startGraph({ persons: 2000, subgraphs: ['coordination'], knownAnalysts: ['analyst-differencing'] });
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
      // Perturbed counts add up only roughly: each is within 3 of the truth.
      for (const g of groups) {
        const parts = g.occupationBefore.map((o) => o.count);
        if (!g.started.suppressed && parts.every((p) => !p.suppressed)) {
          expect(Math.abs(parts.reduce((s, p) => s + p.value!, 0) - g.started.value!)).toBeLessThanOrEqual(3 * (parts.length + 1));
        }
        // A group whose own total is withheld publishes no category.
        if (g.started.suppressed) expect(parts.every((p) => p.suppressed)).toBe(true);
      }
      expect(groups.map((g: any) => g.key)).not.toContain('UNDISCLOSED');
    });
  }

  it('answers the same query with the same figures', async () => {
    const first = await graph.query(analyst, FOLLOW_UP, { from: '2024-01-01', to: '2025-12-31', groupBy: 'MUNICIPALITY' });
    const again = await graph.query(analyst, FOLLOW_UP, { from: '2024-01-01', to: '2025-12-31', groupBy: 'MUNICIPALITY' });
    expect(first.body.errors).toBeUndefined();
    expect(again.body).toEqual(first.body);
  });

  it('counts persons with protected identity in no figure: a filtered total equals the unfiltered group', async () => {
    // The attack this defeats: filtered total for municipality m minus the group m of the
    // unfiltered report used to count the persons with protected identity in m.
    const store = graph.store('coordination');
    const protectedIn = (await sql<{ municipality_code: string }>`SELECT DISTINCT person.municipality_code FROM person
      JOIN participation p ON p.personnummer = person.personnummer WHERE person.identity_protection <> 'NONE'`.execute(store).finally(() => store.destroy())).rows;
    expect(protectedIn.length).toBeGreaterThan(0);
    const byMunicipality = (await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'MUNICIPALITY' })).body.data!.interventionFollowUp;
    for (const { municipality_code: m } of protectedIn) {
      const filtered = (await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'MUNICIPALITY', filter: { municipalityCodes: [m] } }))
        .body.data!.interventionFollowUp;
      const group = byMunicipality.groups.find((g: { key: string }) => g.key === m);
      expect(filtered.total.started).toEqual(group.started);
      expect(filtered.total.occupationBefore).toEqual(group.occupationBefore);
      expect(filtered.total.incomeSourcesAfter).toEqual(group.incomeSourcesAfter);
    }
  });

  it('takes periods in whole months and one known value per filter, naming the argument it refuses', async () => {
    const refusals: [Record<string, unknown>, string, RegExp][] = [
      [{ from: '2025-01-02', to: '2025-12-31' }, 'from', /first day of a month/],
      [{ from: '2025-01-01', to: '2025-12-30' }, 'to', /last day of a month/],
      [{ from: '2025-02-30', to: '2025-12-31' }, 'from', /^from: the date 2025-02-30 does not exist/],
      [{ from: '2025-03-01', to: '2025-02-28' }, 'from', /after/],
      [{ from: '2025-01-01', to: '2025-12-31', filter: { municipalityCodes: ['1480', '1481'] } }, 'filter.municipalityCodes', /one value/],
      [{ from: '2025-01-01', to: '2025-12-31', filter: { municipalityCodes: ['9999'] } }, 'filter.municipalityCodes', /"9999" is not a known kommunkod/],
      [{ from: '2025-01-01', to: '2025-12-31', filter: { interventionIds: ['insats-nope'] } }, 'filter.interventionIds', /"insats-nope" is not a known intervention/],
    ];
    for (const [variables, argument, message] of refusals) {
      const response = await graph.query(analyst, FOLLOW_UP, variables);
      expect(response.body.data).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.extensions?.argument).toBe(argument);
      expect(response.body.errors?.[0]?.message).toMatch(message);
    }
  });

  it('refuses the second of two queries whose persons differ by fewer than 10, and says why', async () => {
    // Differencing: an intervention's report to the end of one month, then to the end of the next,
    // when few persons registered in that next month: the pair would describe those few.
    const store = graph.store('coordination');
    const months = (await sql<{ intervention_id: string; month: string; persons: number }>`
      SELECT p.intervention_id, substr(p.registered_in, 1, 7) AS month, count(DISTINCT p.personnummer) AS persons
      FROM participation p JOIN person ON person.personnummer = p.personnummer
      WHERE person.identity_protection = 'NONE' GROUP BY 1, 2 ORDER BY 1, 2`.execute(store).finally(() => store.destroy())).rows;
    const pick = months.find((m, i) => i > 0 && months[i - 1]!.intervention_id === m.intervention_id && m.persons >= 1 && m.persons <= 3)!;
    expect(pick).toBeDefined();
    const endOf = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const previous = `${Number(pick.month.slice(0, 4)) - (pick.month.slice(5) === '01' ? 1 : 0)}-${pick.month.slice(5) === '01' ? '12' : String(Number(pick.month.slice(5)) - 1).padStart(2, '0')}`;
    const guarded = await graph.token('analyst', 'analyst-differencing');
    const ask = (to: string) => graph.query(guarded, FOLLOW_UP, { from: '2020-01-01', to, groupBy: 'INTERVENTION', filter: { interventionIds: [pick.intervention_id] } });
    const first = await ask(endOf(previous));
    expect(first.body.errors).toBeUndefined();
    const second = await ask(endOf(pick.month));
    expect(second.body.data).toBeNull();
    expect(second.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'QUERY_TOO_CLOSE' });
    // Asking the first again is answered, with the same figures.
    const again = await ask(endOf(previous));
    expect(again.body, JSON.stringify(again.body.errors)).toEqual(first.body);
  });

  it('narrows by filter', async () => {
    const all = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'SEX' });
    const women = await graph.query(analyst, FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31', groupBy: 'SEX', filter: { sex: 'FEMALE' } });
    const womenGroups = women.body.data!.interventionFollowUp.groups.map((g: { key: string }) => g.key);
    expect(womenGroups).toEqual(['FEMALE']);
    expect(women.body.data!.interventionFollowUp.total.started.value).toBeLessThan(all.body.data!.interventionFollowUp.total.started.value);
  });

  it('is for analysts only, and checks its dates', async () => {
    for (const role of ['coordinator', 'auditor'] as const) {
      const refused = await graph.query(await graph.token(role, role === 'coordinator' ? 'coordinator-1' : 'auditor-1'), FOLLOW_UP, { from: '2020-01-01', to: '2030-12-31' });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const [from, to] of [['2020-13-01', '2030-01-31'], ['2030-01-01', '2020-01-31']]) {
      const bad = await graph.query(analyst, FOLLOW_UP, { from, to });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
