import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells } from '../../support/counts.ts';
import { clampedLogLikelihood, describeScore, simulateAttack } from '../../support/attacker.ts';
import { capturedOutput } from '@finsam/kit/command-output';
import { reportCommand } from '@finsam/coordination/obstacle-report';
import { runTool } from '../../support/run-tool.ts';
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

  describe('obstacles in rules and steering (obstacleStatistics), from the obstacle releases', () => {
    const CODES = ['BENEFIT_ENDED_NO_TRANSITION', 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS', 'REQUIREMENT_CANNOT_BE_MET', 'WAITING_TIME',
      'NO_ONE_RESPONSIBLE', 'COMBINATION_NOT_ALLOWED', 'TIME_LIMIT', 'INFORMATION_NOT_SHARED', 'OTHER'];
    const STATISTICS = `query($from: String!, $to: String!, $m: [String!]) { obstacleStatistics(from: $from, to: $to, municipalityCodes: $m) {
      persons { value suppressed } byCode { code count { value } } byMunicipality { code name count { value } } } }`;
    const PERSONS_BY_MUNICIPALITY = 'query($from: String!, $to: String!, $m: [String!]) { obstacleStatistics(from: $from, to: $to, municipalityCodes: $m) { persons { value } byMunicipality { code count { value } } } }';
    const BY_CODE = 'query($from: String!, $to: String!, $m: [String!]) { obstacleStatistics(from: $from, to: $to, municipalityCodes: $m) { byCode { code count { value } } } }';
    const BY_AGENCY = 'query($from: String!, $to: String!, $m: [String!]) { obstacleStatistics(from: $from, to: $to, municipalityCodes: $m) { byAgency { agency count { value } } } }';
    type Truth = { person: string; municipality: string; codes: string[]; agencies: string[] };
    type Table = { measure: string; dimensions: string[]; sigma: number; cells: { values: Record<string, string>; count: number }[] };
    /** Per period (month or year): one entry per person, their codes and agencies of the period together, as the release bounds them. */
    let truth: Map<string, Truth[]>;
    let released: Map<string, Table[]>;

    beforeAll(async () => {
      const store = graph.store('coordination');
      try {
        const rows = (await sql<{ personnummer: string; code: string; agencies: string; recorded_at: string; municipality_code: string }>`
          SELECT o.personnummer, o.code, o.agencies, o.recorded_at, p.municipality_code FROM obstacle o JOIN person p ON p.personnummer = o.personnummer
          WHERE p.identity_protection = 'NONE' ORDER BY o.recorded_at`.execute(store)).rows;
        const stored = (await sql<{ period: string; release: string }>`SELECT period, release FROM obstacle_release ORDER BY period`.execute(store)).rows;
        released = new Map(stored.map((r) => [r.period, (JSON.parse(r.release) as { tables: Table[] }).tables]));
        truth = new Map();
        for (const period of released.keys()) {
          const persons = new Map<string, Truth>();
          for (const row of rows.filter((r) => r.recorded_at.startsWith(period))) {
            const entry = persons.get(row.personnummer) ?? persons.set(row.personnummer, { person: row.personnummer, municipality: row.municipality_code, codes: [], agencies: [] }).get(row.personnummer)!;
            if (!entry.codes.includes(row.code)) entry.codes.push(row.code);
            for (const a of JSON.parse(row.agencies) as string[]) if (!entry.agencies.includes(a)) entry.agencies.push(a);
          }
          // A person counts in at most three codes: the first three in the code list's order.
          for (const entry of persons.values()) entry.codes = CODES.filter((c) => entry.codes.includes(c)).slice(0, 3);
          truth.set(period, [...persons.values()]);
        }
      } finally {
        await store.destroy();
      }
    });

    const trueCount = (period: string, dimensions: string[], values: Record<string, string>) => truth.get(period)!.filter((t) => dimensions.every((d) =>
      d === 'code' ? t.codes.includes(values[d]!) : d === 'agency' ? t.agencies.includes(values[d]!) : t.municipality === values[d])).length;

    it('releases every period the follow-up is released for, each person once per table, scored against the truth with its noise', async () => {
      expect([...released.keys()].length).toBeGreaterThan(20);
      const withTwo = [...truth.values()].flat().filter((t) => t.codes.length > 1).length;
      expect(withTwo, 'the seed has persons with several codes in one period').toBeGreaterThan(5);
      let cells = 0; let within2Sigma = 0; let exact = 0;
      for (const [period, tables] of released) {
        expect(tables.map((t) => t.dimensions.join('×')).sort()).toEqual(['', 'agency', 'code', 'municipality']);
        for (const table of tables) {
          for (const cell of table.cells) {
            const error = Math.abs(cell.count - trueCount(period, table.dimensions, cell.values));
            cells++;
            if (error <= 2 * table.sigma) within2Sigma++;
            if (error === 0) exact++;
            expect(error, `${period} ${table.dimensions.join('×')} ${JSON.stringify(cell.values)}`).toBeLessThanOrEqual(6 * table.sigma);
          }
        }
      }
      // Clamping at 0 never moves a count further from the truth than its noise did: ≥ 95.4 % within 2σ is expected.
      expect(within2Sigma / cells).toBeGreaterThan(0.92);
      // And there is noise: a release of exact counts would fail here.
      expect(exact / cells).toBeLessThan(0.5);
    });

    it('answers a period as the sum of its releases\' cells, the same every time, the year from the year\'s release', async () => {
      const year = [...released.keys()].find((p) => p.length === 4)!;
      const asked = await graph.query(analyst, STATISTICS, { from: `${year}-01-01`, to: `${year}-12-31` });
      expect(asked.body.errors).toBeUndefined();
      const stats = asked.body.data!.obstacleStatistics;
      const cellOf = (dims: string[], values: string[]) => released.get(year)!.find((t) => t.dimensions.join() === dims.join())!.cells.find((c) => dims.every((d, i) => c.values[d] === values[i]))!.count;
      expect(stats.persons).toEqual({ value: cellOf([], []), suppressed: false });
      for (const { code, count } of stats.byCode) expect(count.value).toBe(cellOf(['code'], [code]));
      expect(stats.byCode.map((c: { code: string }) => c.code)).toEqual(CODES);
      expect(stats.persons.value).toBeGreaterThan(50);
      expect((await graph.query(analyst, STATISTICS, { from: `${year}-01-01`, to: `${year}-12-31` })).body).toEqual(asked.body);
      const municipality = stats.byMunicipality[0];
      const filtered = await graph.query(analyst, PERSONS_BY_MUNICIPALITY, { from: `${year}-01-01`, to: `${year}-12-31`, m: [municipality.code] });
      expect(filtered.body.errors).toBeUndefined();
      expect(filtered.body.data!.obstacleStatistics.persons.value).toBe(municipality.count.value);
      expect(filtered.body.data!.obstacleStatistics.byMunicipality).toEqual([{ code: municipality.code, count: municipality.count }]);
      const agencies = await graph.query(analyst, BY_AGENCY, { from: `${year}-01-01`, to: `${year}-12-31` });
      expect(agencies.body.data!.obstacleStatistics.byAgency.map((a: { agency: string }) => a.agency)).toEqual(['SICKNESS_INSURANCE', 'EMPLOYMENT', 'SOCIAL_SERVICES', 'CARE']);
    });

    it('refuses what the releases do not hold and periods not released, naming the argument; analysts only', async () => {
      const month = [...released.keys()].filter((p) => p.length === 7).at(-1)!;
      const [from_, to_] = [`${month}-01`, endOf(month)];
      const refusal = async (query: string, variables: Record<string, unknown>, token = analyst) =>
        (await graph.query(token, query, variables)).body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument ?? e.extensions?.reason]);
      expect(await refusal(BY_AGENCY, { from: from_, to: to_, m: ['1480'] })).toEqual([['BAD_USER_INPUT', 'municipalityCodes']]);
      expect(await refusal(BY_CODE, { from: from_, to: to_, m: ['1480'] })).toEqual([['BAD_USER_INPUT', 'municipalityCodes']]);
      expect(await refusal(PERSONS_BY_MUNICIPALITY, { from: from_, to: to_, m: ['9999'] })).toEqual([['BAD_USER_INPUT', 'municipalityCodes']]);
      expect(await refusal(STATISTICS, { from: from_, to: endOf(`${Number(month.slice(0, 4)) + 2}-01`) })).toEqual([['BAD_USER_INPUT', 'to']]);
      expect(await refusal(STATISTICS, { from: `${month}-02`, to: to_ })).toEqual([['BAD_USER_INPUT', 'from']]);
      expect(await refusal(STATISTICS, { from: from_, to: to_ }, await graph.token('coordinator', 'coordinator-1'))).toEqual([['FORBIDDEN', 'ROLE_NOT_ALLOWED']]);
    });

    it('exports the förbund\'s report of a period as CSV and as a printable page, the analysts\' figures exactly', async () => {
      const year = [...released.keys()].find((p) => p.length === 4)!;
      const [from_, to_] = [`${year}-01-01`, `${year}-12-31`];
      const asked = (await graph.query(analyst, `query($from: String!, $to: String!) { obstacleStatistics(from: $from, to: $to) {
        persons { value } byCode { code count { value } } byAgency { agency count { value } } byMunicipality { code name count { value } } byMonth { month persons { value } } } }`, { from: from_, to: to_ })).body.data!.obstacleStatistics;
      const csvOut = capturedOutput();
      expect(await reportCommand(['obstacles', '--from', from_, '--to', to_, '--format', 'csv'], { ...process.env, ...graph.storeEnv }, csvOut)).toBe(0);
      const csv = csvOut.stdout();
      expect(csv.startsWith('\uFEFFperiod;tabell;kod;namn;personer\r\n')).toBe(true);
      const rows = csv.replace('\uFEFF', '').trim().split('\r\n').map((line) => line.split(';'));
      const count = (table: string, code: string) => Number(rows.find((r) => r[1] === table && r[2] === code)![4]);
      expect(Number(rows.find((r) => r[1] === 'totalt')![4])).toBe(asked.persons.value);
      for (const c of asked.byCode) expect(count('hinder', c.code)).toBe(c.count.value);
      for (const a of asked.byAgency) expect(count('myndighet', a.agency)).toBe(a.count.value);
      for (const m of asked.byMunicipality) expect(count('kommun', m.code)).toBe(m.count.value);
      expect(rows.filter((r) => r[1] === 'månad')).toHaveLength(12);
      expect(rows.find((r) => r[2] === 'WAITING_TIME')![3]).toBe('Väntetid');
      // Nothing of a person: no personnummer, no note, no coordinator.
      expect(csv).not.toMatch(/\d{8}-?\d{4}|coordinator-/);

      const htmlOut = capturedOutput();
      expect(await reportCommand(['obstacles', '--from', from_, '--to', to_, '--format', 'html'], { ...process.env, ...graph.storeEnv }, htmlOut)).toBe(0);
      const page = htmlOut.stdout();
      expect(page).toMatch(/^<!doctype html>\n<html lang="sv">/);
      expect(page).toContain('@media print');
      expect(page).not.toMatch(/<script|<link|https?:\/\//);
      expect(page).toContain(`Personer med minst ett hinder: ${asked.persons.value}`);
      for (const m of asked.byMunicipality) expect(page).toContain(`<th scope="row">${m.name}</th><td class="n">${m.count.value}</td>`);

      // As a user runs it: a period not released is refused with exit 1 and a reason, a wrong format is a usage error.
      const notReleased = await runTool('subgraphs/coordination/src/obstacle-report-cli.ts', ['obstacles', '--from', '2099-01-01', '--to', '2099-12-31', '--format', 'csv'], graph.storeEnv);
      expect(notReleased.code).toBe(1);
      expect(notReleased.stderr).toMatch(/not released|released/i);
      expect(notReleased.stdout).toBe('');
      const usage = capturedOutput();
      expect(await reportCommand(['obstacles', '--from', from_, '--to', to_, '--format', 'pdf'], { ...process.env, ...graph.storeEnv }, usage)).toBe(2);
      expect(usage.stderr()).toMatch(/Usage: npm run report/);
    });

    /**
     * The attacker singles out one person's obstacle: for each target (a person with one code in a
     * month, and no other in that month's year), it reads the month's code counts by differencing
     * two periods ([m − 1, m] and [m − 1, m − 1]) and, where the year is released, the year's by
     * asking exactly that year: two independent noisy reads. It subtracts every other person's
     * codes (differential privacy's worst case: it knows them all) and weighs each code with the
     * clamped Gaussian likelihood of both reads, the published year's code shares as its prior. It
     * must be right no more often than the same reading is on releases with exactly their stated
     * noise (simulateAttack, E + 3 standard deviations); with
     * the true counts in place of the published ones it names every target, so the test fails a
     * release without enough noise.
     */
    it('an analyst differencing periods cannot single out one person\'s obstacle', async () => {
      const months = [...released.keys()].filter((p) => p.length === 7);
      const years = new Set([...released.keys()].filter((p) => p.length === 4));
      const previous = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
      const sigmaOf = (period: string) => released.get(period)!.find((t) => t.dimensions.join() === 'code')!.sigma;
      const codesOf = (r: { body: { data?: Record<string, any> | null } }) =>
        new Map<string, number>(r.body.data!.obstacleStatistics.byCode.map((c: { code: string; count: { value: number } }) => [c.code, c.count.value]));
      const year = [...years][0]!;
      const prior = codesOf(await graph.query(analyst, BY_CODE, { from: `${year}-01-01`, to: `${year}-12-31` }));
      for (const [code, n] of prior) prior.set(code, Math.max(n, 1));
      const priorTotal = [...prior.values()].reduce((a, b) => a + b, 0);
      const marginGuess = [...prior].sort((a, b) => b[1] - a[1])[0]![0];
      const reads = new Map<string, Map<string, number>>();
      const readPeriod = async (period: string) => {
        if (!reads.has(period)) {
          if (period.length === 4) {
            const answer = await graph.query(analyst, BY_CODE, { from: `${period}-01-01`, to: `${period}-12-31` });
            expect(answer.body.errors, period).toBeUndefined();
            reads.set(period, codesOf(answer));
          } else {
            const ask = (to_: string) => graph.query(analyst, BY_CODE, { from: `${previous(period)}-01`, to: to_ });
            const [both, before] = await Promise.all([ask(endOf(period)), ask(endOf(previous(period)))]);
            expect([both.body.errors, before.body.errors], period).toEqual([undefined, undefined]);
            const [b, a] = [codesOf(both), codesOf(before)];
            reads.set(period, new Map(CODES.map((c) => [c, b.get(c)! - (a.get(c) ?? 0)])));
          }
        }
        return reads.get(period)!;
      };
      /** Each target: the periods it is read in, its code, and how many others have each code there. */
      const plans: { periods: string[]; code: string; othersIn: (period: string, c: string) => number }[] = [];
      for (const month of months.slice(1)) {
        const inYear = years.has(month.slice(0, 4)) ? month.slice(0, 4) : null;
        for (const target of truth.get(month)!.filter((t) => t.codes.length === 1)) {
          const theirYear = inYear ? truth.get(inYear)!.find((t) => t.person === target.person)! : null;
          if (theirYear && theirYear.codes.join() !== target.codes.join()) continue;
          const periods = inYear ? [month, inYear] : [month];
          for (const period of periods) await readPeriod(period);
          plans.push({ periods, code: target.codes[0]!, othersIn: (period, c) => truth.get(period)!.filter((o) => o.person !== target.person && o.codes.includes(c)).length });
        }
      }
      // Under the hypothesis that the target's code is h, each read's cell c holds the others' count plus 1 when c is h.
      const guess = (plan: (typeof plans)[number], counts: (period: string, c: string) => number, sigma: (period: string) => number) => CODES.map((h) => ({
        code: h,
        score: Math.log(prior.get(h)! / priorTotal) + plan.periods.reduce((sum, period) => sum
          + CODES.reduce((inner, c) => inner + clampedLogLikelihood(counts(period, c), plan.othersIn(period, c) + (c === h ? 1 : 0), sigma(period)), 0), 0),
      })).sort((x, y) => y.score - x.score)[0]!.code;
      /** A cell's true count: the others with that code, and the target when it is theirs (the same for every target reading it). */
      const trueCount = (plan: (typeof plans)[number], period: string, c: string) => plan.othersIn(period, c) + (c === plan.code ? 1 : 0);
      const targets = plans.length;
      const right = plans.filter((plan) => guess(plan, (period, c) => reads.get(period)!.get(c)!, sigmaOf) === plan.code).length;
      // A release without enough noise: exact counts, read as if σ were a tenth of a person.
      const rightWithTruth = plans.filter((plan) => guess(plan, (period, c) => trueCount(plan, period, c), () => 0.1) === plan.code).length;
      const marginRight = plans.filter((plan) => plan.code === marginGuess).length;
      expect(targets).toBeGreaterThan(100);
      expect(rightWithTruth, 'power: exact counts name every target').toBe(targets);
      // Scored as the attack files are (docs/disclosure-control.md): against what this reading gets right on
      // releases carrying exactly their stated noise, not against the margin guess, which a person alone in
      // a cell beats by design (67 right against a margin bound of 63 failed a correct run).
      const honest = simulateAttack(plans.map((plan) => plan.code),
        (i, publish) => guess(plans[i]!, (period, c) => publish(`${period}|${c}`, trueCount(plans[i]!, period, c), sigmaOf(period)), sigmaOf)).score();
      console.info(`obstacle attack: ${right} of ${targets} right, ${describeScore(honest)}, margin guess ${marginRight}`);
      expect(right).toBeLessThanOrEqual(honest.bound);
    });
  });
});
