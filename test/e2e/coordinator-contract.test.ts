import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '../../subgraphs/shared/src/population/fixtures.ts';
import { generatePopulation } from '../../subgraphs/shared/src/population/generate.ts';
import { writtenForms } from '../../subgraphs/shared/src/personnummer.ts';
import { todayIso } from '../../subgraphs/shared/src/dates.ts';
import { startGraph, type TestGraph } from '../support/graph.ts';

const operation = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../../schema/operations', `${name}.graphql`), 'utf8');
const CASELOAD = operation('Caseload');
const PERSON_OVERVIEW = operation('PersonOverview');

describe('the coordinator client contract, end to end through the gateway', () => {
  let graph: TestGraph;
  let token: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    token = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  it('Caseload pages through the whole caseload with cursors, each person once', async () => {
    const first = await graph.query(token, CASELOAD, { first: 5 });
    expect(first.body.errors).toBeUndefined();
    const me = first.body.data!.me;
    expect(me.id).toBe('coordinator-1');
    expect(me.caseload.nodes).toHaveLength(5);
    expect(me.caseload.totalCount).toBeGreaterThanOrEqual(10);
    expect(me.caseload.pageInfo.hasNextPage).toBe(true);

    const seen = me.caseload.nodes.map((n: { personnummer: string }) => n.personnummer);
    let after = me.caseload.pageInfo.endCursor;
    for (let page = 0; page < 20 && after; page++) {
      const next = await graph.query(token, CASELOAD, { first: 7, after });
      const caseload = next.body.data!.me.caseload;
      seen.push(...caseload.nodes.map((n: { personnummer: string }) => n.personnummer));
      after = caseload.pageInfo.hasNextPage ? caseload.pageInfo.endCursor : null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(me.caseload.totalCount);
    for (const number of Object.values(FIXTURE_PERSONS)) expect(seen).toContain(number);
  });

  it('refuses page sizes and cursors it did not hand out', async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { first: 5, after: 'not-a-cursor' }]) {
      const response = await graph.query(token, CASELOAD, variables);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('PersonOverview joins all four sectors for a person with consent for all four', async () => {
    const response = await graph.query(token, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
    expect(response.body.errors).toBeUndefined();
    const person = response.body.data!.person;
    expect(person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
    expect(person.sicknessInsurance).toEqual({ __typename: 'SicknessInsurance' });
    expect(person.employment).toEqual({ __typename: 'EmploymentService' });
    expect(person.socialServices).toEqual({ __typename: 'SocialServices' });
    expect(person.care).toEqual({ __typename: 'Care' });
    expect(person.consents.map((c: { agency: string }) => c.agency).sort()).toEqual(['CARE', 'EMPLOYMENT', 'SICKNESS_INSURANCE', 'SOCIAL_SERVICES']);
    expect(person.signals).toEqual([]);
  });

  it('finds the same person by every written form of the personnummer', async () => {
    for (const form of writtenForms(FIXTURE_PERSONS.allConsent)) {
      const response = await graph.query(token, PERSON_OVERVIEW, { personnummer: form });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
    }
  });

  it('says what is wrong with a malformed personnummer', async () => {
    const wrongCheck = FIXTURE_PERSONS.allConsent.slice(0, 11) + ((Number(FIXTURE_PERSONS.allConsent[11]) + 1) % 10);
    const cases: [string, RegExp][] = [[wrongCheck, /check digit/], ['19850230-1234', /date/], ['12345', /10 or 12 digits/]];
    for (const [input, message] of cases) {
      const response = await graph.query(token, PERSON_OVERVIEW, { personnummer: input });
      expect(response.status).toBe(200);
      expect(response.body.data?.person ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toMatch(message);
    }
  });

  it('gives FORBIDDEN and no data for a person outside the caller\'s caseload', async () => {
    const population = generatePopulation({ seed: 1, persons: 300, referenceDate: todayIso() });
    const someoneElses = population.persons.find((p) => p.coordinatorId === 'coordinator-2')!.personnummer;
    const response = await graph.query(token, PERSON_OVERVIEW, { personnummer: someoneElses });
    expect(response.body.data?.person ?? null).toBeNull();
    expect(response.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(response.body)).not.toContain('sicknessInsurance":{');
  });

  it('raises each signal for its fixture person in coordinator-1\'s caseload', async () => {
    for (const [code, personnummer] of Object.entries(SIGNAL_FIXTURES)) {
      const response = await graph.query(token, `query($p: String!) { person(personnummer: $p) { signals { code arose summary facts { agency description date } } } }`, { p: personnummer });
      expect(response.body.errors).toBeUndefined();
      const signal = response.body.data!.person.signals.find((s: { code: string }) => s.code === code);
      expect(signal, code).toBeDefined();
      expect(signal.summary.length).toBeGreaterThan(10);
      expect(signal.facts.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('answers 401 UNAUTHENTICATED without a valid token', async () => {
    for (const bad of [null, 'not.a.token', `${token.slice(0, -4)}AAAA`]) {
      const response = await graph.query(bad, CASELOAD, { first: 5 });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.body.data).toBeUndefined();
    }
  });

  it('reports /health and /ready on the gateway and every subgraph', async () => {
    for (const base of [graph.gatewayUrl, ...(['coordination', 'sickness-insurance', 'employment', 'social-services', 'care'] as const).map((n) => graph.subgraphUrl(n).replace('/graphql', ''))]) {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    }
  });

  it('turns away direct calls to a subgraph that do not come from the gateway', async () => {
    const response = await fetch(graph.subgraphUrl('care'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _entities(representations: [{ __typename: "Person", personnummer: "198503123823" }]) { ... on Person { care { __typename } } } }' }),
    });
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).not.toContain('Care');
  });
});
