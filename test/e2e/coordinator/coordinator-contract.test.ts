import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { writtenForms } from '@finsam/kit/personnummer';
import { todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const operation = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations', `${name}.graphql`), 'utf8');
const CASELOAD = operation('Caseload');
const PERSON_OVERVIEW = operation('PersonOverview');
const RECORD_OBSTACLE = operation('RecordObstacle');
const PERSON_OBSTACLES = operation('PersonObstacles');

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
    expect(person.sicknessInsurance).not.toBeNull();
    expect(person.employment).not.toBeNull();
    expect(person.socialServices).not.toBeNull();
    expect(person.care).not.toBeNull();
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

  describe('Person.id, the opaque id a client keeps instead of the personnummer', () => {
    const idOf = async (personnummer: string, as = token) => {
      const response = await graph.query(as, 'query($p: String!) { person(personnummer: $p) { id } }', { p: personnummer });
      return response.body.data!.person.id as string;
    };

    it('finds the person by id, and the id is stable and says nothing of the personnummer', async () => {
      const id = await idOf(FIXTURE_PERSONS.allConsent);
      expect(id).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
      expect(await idOf(FIXTURE_PERSONS.allConsent)).toBe(id);
      expect(id).not.toMatch(/850312|19850312|3823/);
      const response = await graph.query(token, PERSON_OVERVIEW, { id });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.person).toMatchObject({ id, personnummer: FIXTURE_PERSONS.allConsent });
    });

    it('answers another coordinator\'s person and an id nobody has alike, FORBIDDEN, and logs the first against the person', async () => {
      const population = generatePopulation({ seed: 1, persons: 300, referenceDate: todayIso() });
      const someoneElses = population.persons.find((p) => p.coordinatorId === 'coordinator-2')!.personnummer;
      const theirId = await idOf(someoneElses, await graph.token('coordinator', 'coordinator-2'));
      const answers = [];
      for (const id of [theirId, 'p_AAAAAAAAAAAAAAAAAAAAAA']) {
        const response = await graph.query(token, PERSON_OVERVIEW, { id });
        expect(response.body.data?.person ?? null).toBeNull();
        answers.push(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason, e.message]));
      }
      expect(answers[0]).toEqual([['FORBIDDEN', 'NOT_IN_CASELOAD', expect.any(String)]]);
      expect(answers[1]).toEqual(answers[0]);
      const coordination = graph.store('coordination');
      const refused = await coordination.selectFrom('audit_log').select(['actor', 'reason']).where('personnummer', '=', someoneElses).where('decision', '=', 'REFUSED').execute();
      await coordination.destroy();
      expect(refused).toContainEqual({ actor: 'coordinator-1', reason: 'NOT_IN_CASELOAD' });
    });

    it('refuses a malformed id, and both or neither of id and personnummer, naming the argument', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ id: '198503123823' }, 'id'], [{ id: 'p_short' }, 'id'], [{}, 'id'],
        [{ id: await idOf(FIXTURE_PERSONS.allConsent), personnummer: FIXTURE_PERSONS.allConsent }, 'id, personnummer'],
      ];
      for (const [variables, argument] of cases) {
        const response = await graph.query(token, PERSON_OVERVIEW, variables);
        expect(response.body.data?.person ?? null).toBeNull();
        expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', argument]]);
      }
    });

    it('hands out cursors that carry no personnummer, in any encoding', async () => {
      const response = await graph.query(token, CASELOAD, { first: 3 });
      const { endCursor } = response.body.data!.me.caseload.pageInfo;
      const last = response.body.data!.me.caseload.nodes[2];
      expect(endCursor).toBe(last.id);
      for (const text of [endCursor, Buffer.from(endCursor, 'base64url').toString('latin1')]) expect(text).not.toContain(last.personnummer.slice(2, 8));
      const wellFormedButUnknown = await graph.query(token, CASELOAD, { first: 3, after: 'p_AAAAAAAAAAAAAAAAAAAAAA' });
      expect(wellFormedButUnknown.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'after']]);
    });

    it('logs what a consent mutation shows of the person, as any read', async () => {
      const id = await idOf(FIXTURE_PERSONS.lacksEmployment);
      const recordsOfPerson = async () => {
        const coordination = graph.store('coordination');
        const rows = await coordination.selectFrom('audit_log').select(['seq', 'decision', 'fields']).where('personnummer', '=', FIXTURE_PERSONS.lacksEmployment).orderBy('seq').execute();
        await coordination.destroy();
        return rows;
      };
      const before = (await recordsOfPerson()).length;
      const response = await graph.query(token, 'mutation($id: ID!) { revokeConsent(personId: $id, agency: CARE) { consent { agency revokedAt } person { id name consents { agency revokedAt } } } }', { id });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.revokeConsent.person.consents.find((c: { agency: string }) => c.agency === 'CARE').revokedAt).toBeTruthy();
      const rows = (await recordsOfPerson()).slice(before);
      expect(rows.map((r) => r.decision).sort()).toEqual(['RELEASED', 'REVOKED']);
      expect(rows.find((r) => r.decision === 'RELEASED')!.fields).toMatch(/name/);
      const again = await graph.query(token, 'mutation($id: ID!) { revokeConsent(personId: $id, agency: CARE) { consent { id } } }', { id });
      expect(again.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['BAD_USER_INPUT', 'NOTHING_IN_FORCE']]);
    });
  });

  it('lists a protected person\'s name and address as null, without an error a default client would throw on', async () => {
    const response = await graph.query(token, '{ me { caseload(first: 100) { nodes { personnummer name address identityProtection } } } }');
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.me.caseload.nodes as { personnummer: string; name: string | null; address: string | null; identityProtection: string }[];
    const hidden = nodes.find((n) => n.personnummer === FIXTURE_PERSONS.protectedIdentity)!;
    expect(hidden).toMatchObject({ name: null, address: null, identityProtection: 'SKYDDAD_FOLKBOKFORING' });
    expect(nodes.filter((n) => n.identityProtection === 'NONE').every((n) => n.name !== null)).toBe(true);
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

  describe('RecordObstacle: an obstacle in rules and steering on a person of the caseload', () => {
    const person = FIXTURE_PERSONS.conflictingAssessments;
    const input = (over: Record<string, unknown> = {}) => ({
      personnummer: person, code: 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS', agencies: ['CARE', 'SICKNESS_INSURANCE'],
      note: 'FK bedömer arbetsförmåga mot hela arbetsmarknaden, vården skriver 100 % nedsatt.', signalsSeen: ['CONFLICTING_ASSESSMENTS'], ...over,
    });
    const storedOf = async (personnummer: string) => {
      const coordination = graph.store('coordination');
      try {
        const obstacles = await coordination.selectFrom('obstacle' as never).selectAll().where('personnummer' as never, '=', personnummer as never).execute() as unknown as { code: string; note: string | null; recorded_by: string }[];
        const records = await coordination.selectFrom('audit_log').select(['decision', 'reason', 'fields', 'actor']).where('personnummer', '=', personnummer).where('decision', '=', 'RECORDED').orderBy('seq').execute();
        return { obstacles, records };
      } finally {
        await coordination.destroy();
      }
    };

    it('records the code, the agencies, the note and the signals seen; the person lists it; the audit trail shows the write and never the note', async () => {
      const before = await storedOf(person);
      const response = await graph.query(token, RECORD_OBSTACLE, { input: input() });
      expect(response.body.errors).toBeUndefined();
      const { obstacle, person: after } = response.body.data!.recordObstacle;
      expect(obstacle).toMatchObject({
        code: 'CONFLICTING_WORK_CAPACITY_ASSESSMENTS', agencies: ['SICKNESS_INSURANCE', 'CARE'], signalsSeen: ['CONFLICTING_ASSESSMENTS'],
        note: input().note, recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(after.obstacles[0]).toEqual(obstacle);
      const listed = await graph.query(token, PERSON_OBSTACLES, { id: after.id });
      expect(listed.body.errors).toBeUndefined();
      expect(listed.body.data!.person.obstacles).toContainEqual(obstacle);
      const stored = await storedOf(person);
      expect(stored.obstacles.length).toBe(before.obstacles.length + 1);
      expect(stored.obstacles.find((o) => o.note === input().note)).toMatchObject({ recorded_by: 'coordinator-1' });
      const written = stored.records.slice(before.records.length);
      expect(written).toHaveLength(1);
      expect(JSON.parse(written[0]!.fields as unknown as string)).toEqual(['obstacle.CONFLICTING_WORK_CAPACITY_ASSESSMENTS', 'obstacle.agency.SICKNESS_INSURANCE', 'obstacle.agency.CARE', 'obstacle.note']);
      const trail = await graph.query(await graph.token('auditor', 'auditor-1'), 'query($p: String!) { auditTrail(personnummer: $p) { records { actor agency decision reason fields } } }', { p: person });
      expect(trail.body.errors).toBeUndefined();
      const records = trail.body.data!.auditTrail.records as { actor: string; decision: string; fields: string[] }[];
      expect(records).toContainEqual(expect.objectContaining({ actor: 'coordinator-1', agency: 'COORDINATION', decision: 'RECORDED', fields: expect.arrayContaining(['obstacle.CONFLICTING_WORK_CAPACITY_ASSESSMENTS']) }));
      // The reads of the person's obstacles are in the trail as any read of the person.
      expect(records.some((r) => r.decision === 'RELEASED' && r.fields.some((f) => f.includes('obstacles')))).toBe(true);
      expect(JSON.stringify(records)).not.toContain('arbetsmarknaden');
    });

    it('records a double submit once, and says so in the log', async () => {
      const once = input({ code: 'WAITING_TIME', agencies: ['CARE'], note: 'Väntar på bedömning i psykiatrin.' });
      const before = await storedOf(person);
      const [first, second] = await Promise.all([graph.query(token, RECORD_OBSTACLE, { input: once }), graph.query(token, RECORD_OBSTACLE, { input: once })]);
      const third = await graph.query(token, RECORD_OBSTACLE, { input: { ...once, note: `  ${once.note} ` } });
      for (const r of [first, second, third]) expect(r.body.errors).toBeUndefined();
      const ids = [first, second, third].map((r) => r.body.data!.recordObstacle.obstacle.id);
      expect(new Set(ids).size).toBe(1);
      const after = await storedOf(person);
      expect(after.obstacles.length).toBe(before.obstacles.length + 1);
      expect(after.records.slice(before.records.length).map((r) => r.reason).sort()).toEqual(['ALREADY_RECORDED', 'ALREADY_RECORDED', null]);
    });

    it('refuses no agencies, a note too long and a code not in the list, naming the argument, and writes nothing', async () => {
      const before = await storedOf(person);
      const cases: [Record<string, unknown>, string][] = [
        [input({ agencies: [] }), 'input.agencies'],
        [input({ note: 'x'.repeat(301) }), 'input.note'],
        [input({ note: 'rad\u0007' }), 'input.note'],
        [{ ...input(), personnummer: undefined }, 'input.personId'],
        [input({ personnummer: '198503120000' }), 'input.personnummer'],
      ];
      for (const [variables, argument] of cases) {
        const response = await graph.query(token, RECORD_OBSTACLE, { input: variables });
        expect(response.body.data?.recordObstacle ?? null, argument).toBeNull();
        expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.argument]), argument).toEqual([['BAD_USER_INPUT', argument]]);
        expect(JSON.stringify(response.body.errors)).not.toContain('xxxxxxxxxx');
      }
      const unknownCode = await graph.query(token, RECORD_OBSTACLE, { input: input({ code: 'NO_SUCH_CODE' }) });
      expect(unknownCode.body.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
      expect(unknownCode.body.errors?.[0]?.message).toMatch(/ObstacleCode/);
      // 300 characters is allowed: the bound is on characters, not bytes (å is two bytes).
      const longest = await graph.query(token, RECORD_OBSTACLE, { input: input({ code: 'OTHER', note: 'å'.repeat(300) }) });
      expect(longest.body.errors).toBeUndefined();
      expect((await storedOf(person)).obstacles.length).toBe(before.obstacles.length + 1);
    });

    it('refuses a person outside the caseload FORBIDDEN, logged against that person, and another role too', async () => {
      const population = generatePopulation({ seed: 1, persons: 300, referenceDate: todayIso() });
      const someoneElses = population.persons.find((p) => p.coordinatorId === 'coordinator-2')!.personnummer;
      const before = await storedOf(someoneElses);
      const response = await graph.query(token, RECORD_OBSTACLE, { input: input({ personnummer: someoneElses }) });
      expect(response.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'NOT_IN_CASELOAD']]);
      expect((await storedOf(someoneElses)).obstacles.length).toBe(before.obstacles.length);
      const coordination = graph.store('coordination');
      const refused = await coordination.selectFrom('audit_log').select(['actor', 'reason', 'fields']).where('personnummer', '=', someoneElses).where('decision', '=', 'REFUSED').execute();
      await coordination.destroy();
      expect(refused).toContainEqual(expect.objectContaining({ actor: 'coordinator-1', reason: 'NOT_IN_CASELOAD' }));
      const analyst = await graph.query(await graph.token('analyst', 'analyst-1'), RECORD_OBSTACLE, { input: input() });
      expect(analyst.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'ROLE_NOT_ALLOWED']]);
    });
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
