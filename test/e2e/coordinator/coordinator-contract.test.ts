import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { writtenForms } from '@finsam/kit/personnummer';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const operation = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations', `${name}.graphql`), 'utf8');
const CASELOAD = operation('Caseload');
const PERSON_OVERVIEW = operation('PersonOverview');
const HANDLE_SIGNAL = operation('HandleSignal');

/** Coordination's day for signals: the calendar's unless a test moves it (startGraph coordinationToday). */
let coordinationToday: string | null = null;

describe('the coordinator client contract, end to end through the gateway', () => {
  let graph: TestGraph;
  let token: string;

  beforeAll(async () => {
    graph = await startGraph({ persons: 300, logLines, coordinationToday: () => coordinationToday ?? todayIso() });
    token = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());
  const logLines: string[] = [];

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

  describe('HandleSignal: a signal marked handled stays quiet until its facts change or its follow-up day comes', () => {
    type SignalView = { id: string; code: string; needsAction: boolean; handling: { id: string; action: string; followUp: string; handledBy: { id: string; name: string } } | null };
    const overview = async (personnummer: string) => {
      const response = await graph.query(token, PERSON_OVERVIEW, { personnummer });
      const person = response.body.data!.person as { id: string; signals: SignalView[] };
      return { id: person.id, signal: (code: string) => person.signals.find((s) => s.code === code) };
    };
    const handle = (variables: Record<string, unknown>, as = token) => graph.query(as, HANDLE_SIGNAL, variables);
    const ACTION = 'Ringde Fatima-Handläggaren, avstämningsmöte bokat 7/12';
    const inDays = (days: number) => addDays(todayIso(), days);

    it('refuses each bad input with a coded error naming the argument, and writes nothing', async () => {
      const person = await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING);
      const signal = person.signal('DAY_180_APPROACHING')!;
      const other = await overview(SIGNAL_FIXTURES.CONFLICTING_ASSESSMENTS);
      const valid = { personId: person.id, signalId: signal.id, action: 'Kontakt tagen', followUp: inDays(14) };
      const cases: [Record<string, unknown>, string, string, string?][] = [
        [{ signalId: 'nope' }, 'BAD_USER_INPUT', 'signalId'],
        [{ signalId: other.signal('CONFLICTING_ASSESSMENTS')!.id }, 'BAD_USER_INPUT', 'signalId', 'SIGNAL_NOT_CURRENT'],
        [{ followUp: '2026-02-30' }, 'BAD_USER_INPUT', 'followUp'],
        [{ followUp: inDays(-1) }, 'BAD_USER_INPUT', 'followUp'],
        [{ followUp: inDays(400) }, 'BAD_USER_INPUT', 'followUp'],
        [{ action: '   ' }, 'BAD_USER_INPUT', 'action'],
        [{ action: 'x'.repeat(1001) }, 'BAD_USER_INPUT', 'action'],
        [{ personId: other.id }, 'BAD_USER_INPUT', 'signalId', 'SIGNAL_NOT_CURRENT'],
      ];
      for (const [change, code, argument, reason] of cases) {
        const response = await handle({ ...valid, ...change });
        expect(response.body.data?.handleSignal ?? null, argument).toBeNull();
        expect(response.body.errors?.[0]?.extensions, JSON.stringify(change).slice(0, 80)).toMatchObject({ code, argument, ...(reason ? { reason } : {}) });
      }
      const population = generatePopulation({ seed: 1, persons: 300, referenceDate: todayIso() });
      const someoneElses = population.persons.find((p) => p.coordinatorId === 'coordinator-2')!.personnummer;
      const theirs = await graph.query(await graph.token('coordinator', 'coordinator-2'), 'query($p: String!) { person(personnummer: $p) { id } }', { p: someoneElses });
      const outside = await handle({ ...valid, personId: theirs.body.data!.person.id });
      expect(outside.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_IN_CASELOAD', argument: 'personId' });
      expect((await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING)).signal('DAY_180_APPROACHING')).toMatchObject({ needsAction: true, handling: null });
    });

    it('records the handling once for a double submit, shows it on the signal, audits it without the text, and the signal returns on its follow-up day', async () => {
      const person = await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING);
      const variables = { personId: person.id, signalId: person.signal('DAY_180_APPROACHING')!.id, action: ACTION, followUp: inDays(14) };
      const [first, second] = [await handle(variables), await handle(variables)];
      expect(first.body.errors).toBeUndefined();
      const handling = first.body.data!.handleSignal.handling;
      expect(handling).toMatchObject({ action: ACTION, followUp: inDays(14), handledBy: { id: 'coordinator-1', name: expect.any(String) } });
      expect(second.body.data!.handleSignal.handling.id).toBe(handling.id);
      // The answer's person already shows the signal quiet, so a cache needs no refetch.
      expect(first.body.data!.handleSignal.person.signals.find((s: SignalView) => s.code === 'DAY_180_APPROACHING')).toMatchObject({ needsAction: false, handling: { id: handling.id } });
      expect((await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING)).signal('DAY_180_APPROACHING')).toMatchObject({ needsAction: false, handling: { id: handling.id, action: ACTION } });

      const auditor = await graph.token('auditor', 'auditor-1');
      const trail = await graph.query(auditor, 'query($p: String!) { auditTrail(personnummer: $p) { records { agency decision fields reason actor } } }', { p: SIGNAL_FIXTURES.DAY_180_APPROACHING });
      const recorded = trail.body.data!.auditTrail.records.filter((r: { fields: string[] }) => r.fields.includes('signals.DAY_180_APPROACHING.handling'));
      expect(recorded).toEqual([
        expect.objectContaining({ agency: 'COORDINATION', decision: 'RECORDED', actor: 'coordinator-1', reason: `SIGNAL_HANDLED: follow-up ${inDays(14)}` }),
        expect.objectContaining({ decision: 'RECORDED', reason: 'ALREADY_RECORDED' }),
      ]);
      expect(JSON.stringify(trail.body)).not.toContain('Fatima');
      expect(logLines.join('\n')).not.toContain('Fatima');

      // Coordination's day moved, not the clock: the day before the follow-up it is still quiet, on it the signal is back, its handling still shown.
      try {
        coordinationToday = inDays(13);
        expect((await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING)).signal('DAY_180_APPROACHING')).toMatchObject({ needsAction: false, handling: { id: handling.id } });
        coordinationToday = inDays(14);
        expect((await overview(SIGNAL_FIXTURES.DAY_180_APPROACHING)).signal('DAY_180_APPROACHING')).toMatchObject({ needsAction: true, handling: { id: handling.id } });
      } finally {
        coordinationToday = null;
      }
    });

    it('a handled signal needs action again when its facts change', async () => {
      const person = await overview(SIGNAL_FIXTURES.SICK_LISTED_WITHOUT_BENEFIT);
      const before = person.signal('SICK_LISTED_WITHOUT_BENEFIT')!;
      const handled = await handle({ personId: person.id, signalId: before.id, action: 'Ansökan om sjukpenning gjord tillsammans', followUp: inDays(30) });
      expect(handled.body.errors).toBeUndefined();
      expect((await overview(SIGNAL_FIXTURES.SICK_LISTED_WITHOUT_BENEFIT)).signal('SICK_LISTED_WITHOUT_BENEFIT')).toMatchObject({ needsAction: false });
      // Without care's consent the signal stands on fewer facts (no certificate): not the facts it was handled on.
      const revoked = await graph.query(token, 'mutation($id: ID!) { revokeConsent(personId: $id, agency: CARE) { consent { id } } }', { id: person.id });
      expect(revoked.body.errors).toBeUndefined();
      const after = (await overview(SIGNAL_FIXTURES.SICK_LISTED_WITHOUT_BENEFIT)).signal('SICK_LISTED_WITHOUT_BENEFIT')!;
      expect(after).toMatchObject({ needsAction: true, handling: null });
      expect(after.id).not.toBe(before.id);
      // A handling sent with the old id the same day (coordination cannot see the facts in a mutation) is made on the old facts: it quiets nothing.
      await handle({ personId: person.id, signalId: before.id, action: 'Igen', followUp: inDays(30) });
      expect((await overview(SIGNAL_FIXTURES.SICK_LISTED_WITHOUT_BENEFIT)).signal('SICK_LISTED_WITHOUT_BENEFIT')).toMatchObject({ needsAction: true, handling: null });
      // An id of another day is refused: what the person had then is not what they have now.
      coordinationToday = inDays(1);
      try {
        const stale = await handle({ personId: person.id, signalId: after.id, action: 'Igen', followUp: inDays(30) });
        expect(stale.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'signalId', reason: 'SIGNAL_NOT_CURRENT' });
      } finally {
        coordinationToday = null;
      }
    });
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
