import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCells } from '../../support/counts.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const COUNT = '{ value suppressed }';
const SECTORS = `
    sicknessInsurance { benefitsNow { category count ${COUNT} } sickLeaveByDegree { category count ${COUNT} } }
    employment { registeredNow ${COUNT} inProgrammeNow { category count ${COUNT} } }
    socialServices { assistanceMonthsLast12 { category count ${COUNT} } }
    care { certificatesByChapter { category count ${COUNT} } }`;
const SIGNALS = `signals {
      byCode { code count ${COUNT} }
      byMunicipality { code counts { category count ${COUNT} } }
      byIntervention { code counts { category count ${COUNT} } }
    }`;
const COHORT = `query($from: String!, $to: String!, $filter: FollowUpFilter) {
  cohort(from: $from, to: $to, filter: $filter) { size ${COUNT} ${SECTORS} ${SIGNALS} }
}`;
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

type Cell = { value: number | null; suppressed: boolean };

describe('cross-sector cohorts for analysts, from the statistics releases', () => {
  let graph: TestGraph;
  let analyst: string;
  beforeAll(async () => {
    graph = await startGraph({ cohortReleases: true, persons: 2000, knownAnalysts: ['analyst-other'] });
    analyst = await graph.token('analyst', 'analyst-1');
  });
  afterAll(() => graph?.close());

  it('answers all four sectors and the signal counts in one request: non-negative counts, none suppressed, the same twice and for another analyst', async () => {
    const first = await graph.query(analyst, COHORT, YEAR);
    expect(first.body.errors).toBeUndefined();
    const cohort = first.body.data!.cohort;
    expect(cohort.size.value).toBeGreaterThan(300);
    for (const sector of ['sicknessInsurance', 'employment', 'socialServices', 'care']) expect(cohort[sector], sector).not.toBeNull();
    expect(cohort.care.certificatesByChapter.some((c: { category: string }) => c.category.startsWith('F00-F99'))).toBe(true);
    expect(cohort.signals.byCode).toHaveLength(8);
    // The seed plants people falling between the chairs: some signal shows well above the noise.
    expect(Math.max(...cohort.signals.byCode.map((s: { count: Cell }) => s.count.value!))).toBeGreaterThan(10);
    for (const cell of countCells(cohort)) {
      expect(cell.suppressed).toBe(false);
      expect(Number.isInteger(cell.value) && cell.value! >= 0, JSON.stringify(cell)).toBe(true);
    }
    const again = await graph.query(analyst, COHORT, YEAR);
    expect(again.body.data).toEqual(first.body.data);
    const other = await graph.query(await graph.token('analyst', 'analyst-other'), COHORT, YEAR);
    expect(other.body.data).toEqual(first.body.data);
  });

  it('gives a cohort\'s size and the follow-up\'s started the same number, and a two-municipality filter the sum of each', async () => {
    const followUp = await graph.query(analyst, `{ interventionFollowUp(from: "2025-01-01", to: "2025-06-30", groupBy: MUNICIPALITY) {
      groups { key started { value } } total { started { value } } } }`);
    expect(followUp.body.errors).toBeUndefined();
    const groups = followUp.body.data!.interventionFollowUp.groups as { key: string; started: Cell }[];
    const [a, b] = groups.slice(0, 2);
    const size = async (filter: Record<string, unknown> | undefined) => {
      const response = await graph.query(analyst, 'query($filter: FollowUpFilter) { cohort(from: "2025-01-01", to: "2025-06-30", filter: $filter) { size { value } } }', { filter });
      expect(response.body.errors).toBeUndefined();
      return response.body.data!.cohort.size.value as number;
    };
    expect(await size(undefined)).toBe(followUp.body.data!.interventionFollowUp.total.started.value);
    expect(await size({ municipalityCodes: [a!.key] })).toBe(a!.started.value);
    expect(await size({ municipalityCodes: [a!.key, b!.key] })).toBe(a!.started.value! + b!.started.value!);
  });

  it('gives the same figures after coordination and an agency restart, and reads no person at request time', async () => {
    const before = await graph.query(analyst, COHORT, YEAR);
    const care = graph.store('care');
    try {
      const since = Number((await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(care)).rows[0]!.seq);
      await graph.restartSubgraphProcess('coordination');
      await graph.restartSubgraphProcess('care');
      const after = await graph.query(analyst, COHORT, YEAR);
      expect(after.body.errors).toBeUndefined();
      expect(after.body.data).toEqual(before.body.data);
      // The agency answered from its release: no record names a person, and none is a release.
      const records = (await sql<{ personnummer: string | null; reason: string | null }>`SELECT personnummer, reason FROM audit_log WHERE seq > ${since}`.execute(care)).rows;
      expect(records.every((r) => r.personnummer === null)).toBe(true);
      expect(records.map((r) => r.reason)).not.toContain('STATISTICS_RELEASE');
    } finally {
      await care.destroy();
    }
  });

  it('refuses a period not released, naming `to`, and a filter no table answers, naming `filter`', async () => {
    const late = await graph.query(analyst, COHORT, { from: '2025-01-01', to: '2030-12-31' });
    expect(late.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    expect(late.body.data?.cohort ?? null).toBeNull();
    // Sex and age band together: no table of either release holds both.
    const response = await graph.query(analyst, `{ cohort(from: "2025-01-01", to: "2025-12-31", filter: { sex: FEMALE, ageBand: FROM_30_TO_44 }) {
      care { certificatesByChapter { category } } signals { byCode { code } } } }`);
    const arguments_ = (response.body.errors ?? []).map((e) => e.extensions?.argument);
    expect(arguments_.length).toBeGreaterThan(0);
    expect(new Set(arguments_)).toEqual(new Set(['filter']));
    expect(JSON.stringify(response.body)).not.toMatch(/\d{12}|at \w+ \(/);
  });

  it('handed each agency, for its release of 2025, only the members whose consent covers it, logged as one record with the set', async () => {
    const coordination = graph.store('coordination');
    try {
      const today = new Date().toISOString().slice(0, 10);
      const members = (await sql<{ personnummer: string }>`
        SELECT DISTINCT p.personnummer FROM participation p JOIN person ON person.personnummer = p.personnummer
        WHERE p.registered_in BETWEEN '2025-01-01' AND '2025-12-31' AND person.identity_protection = 'NONE'
          AND (p.end_reason IS NULL OR p.end_reason <> 'REGISTERED_IN_ERROR')`.execute(coordination)).rows.map((r) => r.personnummer);
      const own = (await sql<{ member_count: number; fields: string }>`SELECT member_count, fields FROM audit_log WHERE reason = 'STATISTICS_RELEASE' AND fields LIKE '%signalRelease.2025"%'`.execute(coordination)).rows;
      expect(own.map((r) => Number(r.member_count))).toEqual([members.length]);
      for (const [agency, store] of [['SICKNESS_INSURANCE', 'sickness-insurance'], ['EMPLOYMENT', 'employment'], ['SOCIAL_SERVICES', 'social-services'], ['CARE', 'care']] as const) {
        const consenting = new Set((await sql<{ personnummer: string }>`
          SELECT DISTINCT personnummer FROM consent
          WHERE agency = ${agency} AND revoked_at IS NULL AND valid_from <= ${today} AND valid_to >= ${today}`.execute(coordination)).rows.map((r) => r.personnummer));
        const expected = members.filter((p) => consenting.has(p));
        // The seed has members without consent to each agency: the agency must not even learn of them.
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(members.length);
        const db = graph.store(store);
        try {
          const records = (await sql<{ personnummer: string | null; decision: string; member_count: number; fields: string }>`
            SELECT personnummer, decision, member_count, fields FROM audit_log WHERE reason = 'STATISTICS_RELEASE'`.execute(db)).rows;
          const year = records.filter((r) => r.fields.includes('2025"'));
          expect(year, agency).toHaveLength(1);
          expect(year[0]).toMatchObject({ personnummer: null, decision: 'RELEASED' });
          expect(Number(year[0]!.member_count), agency).toBe(expected.length);
        } finally {
          await db.destroy();
        }
      }
    } finally {
      await coordination.destroy();
    }
  });

  it('never lets a member list or an agency\'s answers out through the graph', async () => {
    for (const field of ['sicknessInsuranceMembers', 'careMembers', 'careSignalFacts']) {
      const response = await graph.query(analyst, `{ cohort(from: "2025-01-01", to: "2025-12-31") { ${field} } }`);
      expect(response.body.errors?.[0]?.extensions?.code, field).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('is for analysts only', async () => {
    const response = await graph.query(await graph.token('coordinator', 'coordinator-1'), COHORT, YEAR);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.body.data?.cohort ?? null).toBeNull();
  });
});
