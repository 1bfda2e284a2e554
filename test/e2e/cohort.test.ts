import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '../../subgraphs/shared/src/dates.ts';
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
    graph = await startGraph({ persons: 2500 });
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

  it('counts signals by code, municipality and intervention, suppressed, adding up to the totals', async () => {
    // Women only: the whole population is over the 2,000 members signal counts take.
    const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31", filter: { sex: FEMALE }) {
      size ${COUNT}
      signals {
        byCode { code count ${COUNT} }
        byMunicipality { code counts { category count ${COUNT} } }
        byIntervention { code counts { category count ${COUNT} } }
      }
    } }`);
    expect(response.body.errors).toBeUndefined();
    const signals = response.body.data!.cohort.signals;
    expect(signals.byCode).toHaveLength(8);
    // The seed plants people falling between the chairs: some signal must show, and above the threshold.
    expect(signals.byCode.some((s: { count: { value: number | null } }) => (s.count.value ?? 0) > 4)).toBe(true);
    for (const cell of countCells(signals)) {
      if (cell.suppressed) expect(cell.value).toBeNull();
      else expect(cell.value === 0 || cell.value! > 4, JSON.stringify(cell)).toBe(true);
    }
    for (const { code, count } of signals.byCode as { code: string; count: { value: number | null } }[]) {
      const cells = (signals.byMunicipality as { code: string; counts: { count: { value: number | null; suppressed: boolean } }[] }[])
        .find((b) => b.code === code)!.counts.map((c) => c.count);
      const hidden = cells.filter((c) => c.suppressed);
      // Each member has one home municipality: the cells add up to the total, and a total that is
      // published never leaves exactly one hidden cell to be worked out from it.
      if (count.value !== null && hidden.length === 0) expect(cells.reduce((s, c) => s + c.value!, 0)).toBe(count.value);
      if (count.value !== null) expect(hidden.length).not.toBe(1);
    }
  });

  it('hands each agency only the members whose consent covers it, and logs each one released for signal counts', async () => {
    const coordination = graph.store('coordination');
    const sickness = graph.store('sickness-insurance');
    try {
      const since = (await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(sickness)).rows[0]!.seq;
      const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31", filter: { sex: FEMALE }) {
        sicknessInsurance { benefitsNow { category } } signals { byCode { code count { value } } } } }`);
      expect(response.body.errors).toBeUndefined();
      const today = todayIso();
      const members = (await sql<{ personnummer: string }>`
        SELECT DISTINCT p.personnummer FROM participation p JOIN person ON person.personnummer = p.personnummer
        WHERE p.registered_in BETWEEN '2020-01-01' AND '2030-12-31' AND person.identity_protection = 'NONE' AND person.sex = 'FEMALE'`.execute(coordination)).rows.map((r) => r.personnummer);
      const consenting = new Set((await sql<{ personnummer: string }>`
        SELECT DISTINCT personnummer FROM consent
        WHERE agency = 'SICKNESS_INSURANCE' AND revoked_at IS NULL AND valid_from <= ${today} AND valid_to >= ${today}`.execute(coordination)).rows.map((r) => r.personnummer));
      const expected = members.filter((p) => consenting.has(p)).sort();
      expect(expected.length).toBeGreaterThan(0);
      // The seed has members without consent to Försäkringskassan: the agency must not even learn of them.
      expect(expected.length).toBeLessThan(members.length);
      const records = (await sql<{ personnummer: string | null; decision: string; reason: string | null }>`
        SELECT personnummer, decision, reason FROM audit_log WHERE seq > ${since}`.execute(sickness)).rows;
      const released = records.filter((r) => r.reason === 'SIGNAL_STATISTICS' && r.decision === 'RELEASED').map((r) => r.personnummer).sort();
      expect(released).toEqual(expected);
      expect(records.filter((r) => r.personnummer !== null && !consenting.has(r.personnummer))).toEqual([]);
      // The aggregates were counted over the same members, and logged as one record.
      expect(records.filter((r) => r.reason?.startsWith('AGGREGATE_OF_')).map((r) => r.reason)).toEqual([`AGGREGATE_OF_${expected.length}`]);
    } finally {
      await coordination.destroy();
      await sickness.destroy();
    }
  });

  it('asks to narrow a cohort too large for signal counts, before any agency releases anything, and still gives its other figures', async () => {
    const sickness = graph.store('sickness-insurance');
    try {
      const since = (await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(sickness)).rows[0]!.seq;
      const response = await graph.query(analyst, '{ cohort(from: "2020-01-01", to: "2030-12-31") { size { value } signals { byCode { code } } } }');
      expect(response.body.data?.cohort).toMatchObject({ size: { value: expect.any(Number) }, signals: null });
      expect(response.body.errors).toHaveLength(1);
      const error = response.body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COHORT_TOO_LARGE_FOR_SIGNALS' });
      expect(error?.message).toMatch(/at most 2000 members/);
      const released = (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM audit_log WHERE seq > ${since} AND reason = 'SIGNAL_STATISTICS'`.execute(sickness)).rows[0]!.n;
      expect(Number(released)).toBe(0);
    } finally {
      await sickness.destroy();
    }
  });

  it('suppresses a small cohort rather than describe a few persons', async () => {
    const response = await graph.query(analyst, COHORT, { filter: { sex: 'FEMALE', ageBand: 'FROM_65' } });
    expect(response.body.errors).toBeUndefined();
    const cells = countCells(response.body.data!.cohort);
    expect(cells.every((c) => c.suppressed || c.value === 0 || c.value! > 4)).toBe(true);
  });

  it('never lets the member lists out of the graph', async () => {
    for (const field of ['sicknessInsuranceMembers', 'employmentMembers', 'socialServicesMembers', 'careMembers', 'careSignalFacts']) {
      const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31") { ${field} } }`);
      expect(response.body.errors?.[0]?.extensions?.code, field).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(response.body)).not.toMatch(/\d{12}/);
    }
  });

  it('is for analysts only', async () => {
    const response = await graph.query(await graph.token('coordinator', 'coordinator-1'), COHORT);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
