import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../subgraphs/shared/src/config.ts';
import { todayIso } from '../../subgraphs/shared/src/dates.ts';
import { generatePopulation } from '../../subgraphs/shared/src/population/generate.ts';
import { startGraph, type TestGraph } from '../support/graph.ts';

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

  it('a 50-person caseload page asking every sector field and signals costs at most 3 statements per subgraph', async () => {
    const token = await graph.token('coordinator', coordinatorWith50);
    const before = Object.fromEntries(await Promise.all(SUBGRAPH_NAMES.map(async (n) => [n, await graph.statements(n)] as const)));
    const response = await graph.query(token, WIDE_CASELOAD, { first: 50 });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.me.caseload.nodes).toHaveLength(50);
    const cost: Record<string, number> = {};
    for (const name of SUBGRAPH_NAMES) cost[name] = (await graph.statements(name)) - before[name]!;
    for (const name of SUBGRAPH_NAMES) {
      expect(cost[name], `${name} ran ${cost[name]} statements`).toBeGreaterThan(0);
      expect(cost[name], `${name} ran ${cost[name]} statements`).toBeLessThanOrEqual(3);
    }
  });
});
