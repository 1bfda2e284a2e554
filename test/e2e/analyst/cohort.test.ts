import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayIso } from '@finsam/kit/dates';
import { monthBounds } from '@finsam/kit/statistics-release';
import { countCells } from '../../support/counts.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const COUNT = '{ value suppressed }';
/** Up to the last month released: the agencies answer from their releases, and refuse a period past them (naming `to`). */
const COHORT = `query($to: String!, $filter: FollowUpFilter) {
  cohort(from: "2020-01-01", to: $to, filter: $filter) {
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
  /** The last day of the latest month released (coordination's, and so the agencies'). */
  let released: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 2500, agencyReleases: true });
    analyst = await graph.token('analyst', 'analyst-1');
    const coordination = graph.store('coordination');
    try {
      const latest = (await sql<{ period: string }>`SELECT MAX(period) AS period FROM statistics_release WHERE period LIKE '____-__'`.execute(coordination)).rows[0]!.period;
      released = monthBounds(latest).to;
    } finally {
      await coordination.destroy();
    }
  });
  afterAll(() => graph?.close());

  it('returns figures from all four sectors in one request: the agencies\' from their releases, never suppressed; the size with no count from 1 to 4', async () => {
    const response = await graph.query(analyst, COHORT, { to: released });
    expect(response.body.errors).toBeUndefined();
    const cohort = response.body.data!.cohort;
    expect(cohort.size.value).toBeGreaterThan(1000);
    for (const sector of ['sicknessInsurance', 'employment', 'socialServices', 'care']) expect(cohort[sector], sector).not.toBeNull();
    const bands = cohort.socialServices.assistanceMonthsLast12 as { count: { value: number | null } }[];
    // Every member the social services count falls in exactly one band: the bands (a few persons' noise each) stay far below the cohort.
    expect(bands.reduce((s, b) => s + (b.count.value ?? 0), 0)).toBeLessThanOrEqual(cohort.size.value);
    expect(cohort.care.certificatesByChapter.some((c: { category: string }) => c.category.startsWith('F00-F99'))).toBe(true);
    const { size, ...agencies } = cohort as Record<string, unknown>;
    for (const cell of countCells(agencies)) expect(cell.suppressed === false && Number.isInteger(cell.value) && cell.value! >= 0, JSON.stringify(cell)).toBe(true);
    for (const cell of countCells(size)) {
      if (cell.suppressed) expect(cell.value).toBeNull();
      else expect(cell.value === 0 || cell.value! > 4, JSON.stringify(cell)).toBe(true);
    }
    // Asked again, the same figures: read from the releases, not drawn per request.
    expect((await graph.query(analyst, COHORT, { to: released })).body).toEqual(response.body);
  });

  it('counts signals for every participant, by code, municipality and intervention, with no count from 1 to 4', async () => {
    // The whole population: signal counts have no size limit.
    const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31") {
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
    type Breakdown = { code: string; counts: { count: { value: number | null; suppressed: boolean } }[] }[];
    for (const { code, count } of signals.byCode as { code: string; count: { value: number | null; suppressed: boolean } }[]) {
      for (const table of [signals.byMunicipality, signals.byIntervention] as Breakdown[]) {
        const cells = table.find((b) => b.code === code)!.counts.map((c) => c.count);
        // A code whose own count is withheld shows no category either (publishWithin).
        if (count.suppressed) expect(cells.every((c) => c.suppressed)).toBe(true);
        // A true zero is published as 0, and then every category is 0.
        if (count.value === 0) expect(cells.every((c) => c.value === 0)).toBe(true);
      }
    }
  });

  it('hands each agency only the members whose consent covers it, and logs its statistics release as one record with the set beside it', async () => {
    const coordination = graph.store('coordination');
    const stores = { SICKNESS_INSURANCE: graph.store('sickness-insurance'), EMPLOYMENT: graph.store('employment'), SOCIAL_SERVICES: graph.store('social-services'), CARE: graph.store('care') };
    try {
      const since: Record<string, number> = {};
      for (const [agency, store] of Object.entries(stores)) since[agency] = Number((await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(store)).rows[0]!.seq);
      const coordinationSince = Number((await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(coordination)).rows[0]!.seq);
      const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31") { signals { byCode { code count { value } } } } }`);
      expect(response.body.errors).toBeUndefined();
      const today = todayIso();
      const members = (await sql<{ personnummer: string }>`
        SELECT DISTINCT p.personnummer FROM participation p JOIN person ON person.personnummer = p.personnummer
        WHERE p.registered_in BETWEEN '2020-01-01' AND '2030-12-31' AND person.identity_protection = 'NONE'`.execute(coordination)).rows.map((r) => r.personnummer);
      expect(members.length).toBeGreaterThan(2000);
      for (const [agency, store] of Object.entries(stores)) {
        const consenting = new Set((await sql<{ personnummer: string }>`
          SELECT DISTINCT personnummer FROM consent
          WHERE agency = ${agency} AND revoked_at IS NULL AND valid_from <= ${today} AND valid_to >= ${today}`.execute(coordination)).rows.map((r) => r.personnummer));
        const expected = members.filter((p) => consenting.has(p)).sort();
        expect(expected.length).toBeGreaterThan(0);
        // The seed has members without consent to each agency: the agency must not even learn of them.
        expect(expected.length).toBeLessThan(members.length);
        const records = (await sql<{ personnummer: string | null; decision: string; reason: string | null; member_count: number | null; member_set_digest: string | null }>`
          SELECT personnummer, decision, reason, member_count, member_set_digest FROM audit_log WHERE seq > ${since[agency]!}`.execute(store)).rows;
        // Not a record per member: one for the statistics release.
        expect(records.length, agency).toBe(1);
        expect(records.every((r) => r.personnummer === null)).toBe(true);
        const release = records.filter((r) => r.reason === 'SIGNAL_STATISTICS');
        expect(release).toHaveLength(1);
        expect(release[0]).toMatchObject({ decision: 'RELEASED', member_count: expected.length, member_set_digest: createHash('sha256').update(expected.join('\n')).digest('hex') });
        const set = (await sql<{ member_count: number; members: string }>`
          SELECT member_count, members FROM released_member_set WHERE digest = ${release[0]!.member_set_digest}`.execute(store)).rows;
        expect(set).toHaveLength(1);
        expect(inflateRawSync(Buffer.from(set[0]!.members, 'base64')).toString('utf8').split('\n')).toEqual(expected);
      }
      const own = (await sql<{ reason: string | null; member_count: number | null }>`SELECT reason, member_count FROM audit_log WHERE seq > ${coordinationSince} AND reason = 'SIGNAL_STATISTICS'`.execute(coordination)).rows;
      expect(own.map((r) => Number(r.member_count))).toEqual([members.length]);
    } finally {
      await coordination.destroy();
      for (const store of Object.values(stores)) await store.destroy();
    }
  });

  it('stores a released set once however often it is released, and keeps each aliased cohort its own record', async () => {
    const sickness = graph.store('sickness-insurance');
    try {
      const since = Number((await sql<{ seq: number }>`SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_log`.execute(sickness)).rows[0]!.seq);
      const sets = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM released_member_set`.execute(sickness)).rows[0]!.n);
      const query = `{ all: cohort(from: "2020-01-01", to: "2030-12-31") { signals { byCode { code } } }
        women: cohort(from: "2020-01-01", to: "2030-12-31", filter: { sex: FEMALE }) { signals { byCode { code } } } }`;
      for (let i = 0; i < 2; i++) expect((await graph.query(analyst, query)).body.errors).toBeUndefined();
      const records = (await sql<{ member_set_digest: string }>`SELECT member_set_digest FROM audit_log WHERE seq > ${since} AND reason = 'SIGNAL_STATISTICS'`.execute(sickness)).rows;
      expect(records).toHaveLength(4);
      expect(new Set(records.map((r) => r.member_set_digest)).size).toBe(2);
      // The whole population's set was kept by the test before; only the women's is new.
      expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM released_member_set`.execute(sickness)).rows[0]!.n)).toBeLessThanOrEqual(sets + 1);
    } finally {
      await sickness.destroy();
    }
  });

  it('suppresses a small cohort\'s size rather than describe a few persons; the agencies release no figures by sex and age band together', async () => {
    const response = await graph.query(analyst, COHORT, { to: released, filter: { sex: 'FEMALE', ageBand: 'FROM_65' } });
    const cells = countCells(response.body.data!.cohort.size);
    expect(cells.every((c) => c.suppressed || c.value === 0 || c.value! > 4)).toBe(true);
    // Each agency's releases hold its categories by sex or by age band, not both: refused, naming the filter.
    expect(response.body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.argument]).sort()).toEqual(
      ['care', 'employment', 'sicknessInsurance', 'socialServices'].map((sector) => [`cohort.${sector}`, 'BAD_USER_INPUT', 'filter']));
  });

  it('refuses the agencies\' figures for a period past their last release, naming to', async () => {
    const response = await graph.query(analyst, COHORT, { to: '2030-12-31' });
    expect(response.body.data!.cohort.size).not.toBeNull();
    expect(response.body.errors).toHaveLength(4);
    for (const error of response.body.errors!) expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
  });

  it('never lets the member lists out of the graph', async () => {
    for (const field of ['sicknessInsuranceMembers', 'employmentMembers', 'socialServicesMembers', 'careMembers', 'careSignalFacts']) {
      const response = await graph.query(analyst, `{ cohort(from: "2020-01-01", to: "2030-12-31") { ${field} } }`);
      expect(response.body.errors?.[0]?.extensions?.code, field).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(JSON.stringify(response.body)).not.toMatch(/\d{12}/);
    }
  });

  it('is for analysts only', async () => {
    const response = await graph.query(await graph.token('coordinator', 'coordinator-1'), COHORT, { to: released });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
