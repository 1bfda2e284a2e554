import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/** Every sector field and the signals, for a page of a caseload: the widest thing a coordinator asks. */
export const WIDE_CASELOAD = `query Wide($first: Int) {
  me { caseload(first: $first) { totalCount nodes {
    personnummer name identityProtection age homeMunicipality { name }
    sicknessInsurance { ongoingSickLeave { id } cases { id benefit status startDate endDate degreeSteps { from to degree } currentDegree
      dayInRehabilitationChain rehabilitationCheckpoint diagnosisCode diagnosisGroup decisionDate refusalReason
      reconciliationMeetingDate rehabilitationPlanDate caseOfficer { name office } } }
    employment { currentRegistration { id } registrations { id registeredOn jobSeekerCategory { code label group } hasPlan deregisteredOn }
      programmes { id programme startDate endDate payment reportedSickFrom reportedSickTo } activityReports { month submittedOn } longTermUnemployed }
    socialServices { assistanceMonthsLast12 assistanceMonths { month amountSek householdType reasonForNeed { code label group } }
      measures { id kind startDate endDate } }
    care { certificates { id type issuedOn diagnosisCode diagnosisGroup basis { kind date } workCapacitySteps { from to reduction } }
      contacts { id kind date careUnit } rehabilitationCoordinator { name careUnit } }
    signals { code arose facts { agency description } }
  } } }
}`;

describe('batching: one statement per entity type per request', () => {
  let graph: TestGraph;
  let coordinatorWith50: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 1000 });
    const population = generatePopulation({ seed: 1, persons: 1000, referenceDate: todayIso() });
    const sizes = new Map<string, number>();
    for (const p of population.persons) sizes.set(p.coordinatorId, (sizes.get(p.coordinatorId) ?? 0) + 1);
    coordinatorWith50 = [...sizes].find(([, size]) => size >= 50)![0];
  });
  afterAll(() => graph?.close());

  it('a 50-person caseload page asking every sector field and signals costs at most 3 data statements per subgraph (5 at coordination), and one audit append', async () => {
    const token = await graph.token('coordinator', coordinatorWith50);
    // Warm up once: each store reads its audit chain head on its first append, not per request.
    await graph.query(token, WIDE_CASELOAD, { first: 1 });
    const count = (kind: 'data' | 'audit') => Promise.all(SUBGRAPH_NAMES.map((n) => graph.statements(n, kind)));
    /**
     * The agencies' reads of coordination's withdrawal feed: one range read each, at most one per
     * agency in ten seconds (docs/release-basis.md), not per request; the one a request happens to
     * start is not its own. Read before the statements at the start and after them at the end, so a
     * read counted among the statements is counted here too.
     */
    const feedReads = async () => {
      const line = (await graph.metrics('coordination')).split('\n').find((l) => l.startsWith('http_requests_total{') && l.includes('route="/consent-withdrawals"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const feedBefore = await feedReads();
    const [dataBefore, auditBefore] = [await count('data'), await count('audit')];
    const response = await graph.query(token, WIDE_CASELOAD, { first: 50 });
    // Persons whose consent lacks an agency get that sector refused; nothing else may fail.
    for (const error of response.body.errors ?? []) expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', agency: expect.any(String) });
    expect(response.body.data!.me.caseload.nodes).toHaveLength(50);
    const [dataAfter, auditAfter] = [await count('data'), await count('audit')];
    const feed = await feedReads() - feedBefore;
    SUBGRAPH_NAMES.forEach((name, i) => {
      const reads = dataAfter[i]! - dataBefore[i]! - (name === 'coordination' ? feed : 0);
      expect(reads, `${name} ran ${reads} data statements`).toBeGreaterThan(0);
      // Coordination's second call (signals, through _entities) checks the page's persons are in the caseload, and reads
      // the page's signal handlings (signal-handling.ts), one statement each.
      // Per store: the social services read each municipality's own.
      expect(reads, `${name} ran ${reads} data statements`).toBeLessThanOrEqual(name === 'coordination' ? 5 : 3 * graph.personStores(name).length);
      // Coordination is called twice by the plan (the page, then signals): one append per call.
      // An append is one INSERT on SQLite; on PostgreSQL a transaction (begin, lock, head, insert, commit).
      const statementsPerAppend = graph.dialect === 'postgres' ? 5 : 1;
      expect(auditAfter[i]! - auditBefore[i]!, `${name} audit statements`).toBe((name === 'coordination' ? 2 : graph.personStores(name).length) * statementsPerAppend);
    });
  });
});
