import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { generatePopulation } from '@finsam/devkit/population/generate';
import { writtenForms } from '@finsam/kit/personnummer';
import { addDays, todayIso } from '@finsam/kit/dates';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import type { Kysely } from 'kysely';
import { AuditLog, type AuditDb } from '@finsam/kit/audit';
import { dataDir } from '@finsam/kit/config';
import { databaseUrlFor, openDatabase } from '@finsam/kit/database';
import { createLogger } from '@finsam/kit/logger';
import { subgraphKitMigrations } from '@finsam/kit/subgraph';
import { migrations } from '@finsam/coordination/migrations';
import { monthBounds, seededRandom } from '@finsam/kit/statistics-release';
import { releaseDomains, type CoordinationDb } from '@finsam/coordination/data';
import { SETTLE_DAYS, STARTED, followUpWorkload, releasePeriod, runStatisticsReleaseJob } from '@finsam/coordination/statistics-release-job';

const operation = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations', `${name}.graphql`), 'utf8');
const CASELOAD = operation('Caseload');
const PERSON_OVERVIEW = operation('PersonOverview');
const RECORD_OBSTACLE = operation('RecordObstacle');
const PERSON_OBSTACLES = operation('PersonObstacles');
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

  describe('participations: register in and out (SUS), and find a person', () => {
    const REGISTER = operation('RegisterParticipation');
    const END = operation('EndParticipation');
    const FIND = operation('FindPerson');
    const today = todayIso();
    let keys = 0;
    const key = () => `test-${process.pid}-${++keys}-${Math.random().toString(36).slice(2, 10)}`;
    type Err = { extensions?: Record<string, unknown> };
    const refusal = (errors: Err[] | undefined) => errors?.map((e) => [e.extensions?.code, e.extensions?.argument ?? null, e.extensions?.reason ?? null]);

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store's tables and the audit log's, read as a test reads them
    async function store<T>(read: (db: Kysely<any>) => Promise<T>): Promise<T> {
      const db = graph.store('coordination') as Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        return await read(db);
      } finally {
        await db.destroy();
      }
    }
    const participationCount = () => store(async (db) => Number((await db.selectFrom('participation' as never).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst() as { n: number }).n)
      + Number((await db.selectFrom('anonymous_participation' as never).select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst().catch(() => ({ n: 0 })) as { n: number }).n));
    const changesOf = (personnummer: string) => store((db) => db.selectFrom('audit_log').select(['seq', 'decision', 'reason', 'fields']).where('personnummer', '=', personnummer)
      .where('decision', '=', 'RECORDED').orderBy('seq').execute());
    /** An individual-oriented intervention of coordinator-1's förbund running today, and one structural. */
    const interventions = () => store(async (db) => {
      const rows = await db.selectFrom('intervention' as never).selectAll().orderBy('id' as never).execute() as unknown as { id: string; kind: string; start_date: string; end_date: string | null; forbund_id: string }[];
      const running = (i: { start_date: string; end_date: string | null }) => i.start_date <= today && (i.end_date === null || i.end_date >= today);
      return {
        individual: rows.filter((i) => i.kind === 'INDIVIDUAL' && running(i) && i.forbund_id === rows[0]!.forbund_id),
        forbund: rows[0]!.forbund_id,
      };
    });
    const form = (over: Record<string, unknown>) => ({
      submissionKey: key(), registeredIn: today, incomeSources: ['SJUKPENNING', 'FORSORJNINGSSTOD'], occupation: 'OVRIGT',
      occupationShareOfFullTime: 25, educationLevel: 'GYMNASIAL', yearsOnPublicSupport: 3, ...over,
    });
    const endForm = (participationId: string, over: Record<string, unknown> = {}) => ({
      submissionKey: key(), participationId, registeredOut: today, reason: 'MOVED_ON_EARLY', occupation: 'FORVARVSARBETE', incomeSources: ['LON'], ...over,
    });
    /** The intervention the person is not in (an open participation) today. */
    async function freeIntervention(personnummer: string): Promise<string> {
      const { individual } = await interventions();
      const open = await store((db) => db.selectFrom('participation' as never).select('intervention_id' as never).where('personnummer' as never, '=', personnummer as never)
        .where('registered_out' as never, 'is', null as never).execute()) as unknown as { intervention_id: string }[];
      const free = individual.find((i) => !open.some((o) => o.intervention_id === i.id));
      expect(free).toBeDefined();
      return free!.id;
    }

    it('registers a person of the caseload in with the SUS fields and out again, each write audited and in the person\'s audit trail', async () => {
      const person = FIXTURE_PERSONS.lacksCare;
      const interventionId = await freeIntervention(person);
      const input = form({ personnummer: person.slice(2, 8) + '-' + person.slice(8), interventionId });
      const response = await graph.query(token, REGISTER, { input });
      expect(response.body.errors).toBeUndefined();
      const { participation, person: after } = response.body.data!.registerParticipation;
      expect(participation).toMatchObject({
        registeredIn: today, registeredOut: null, intervention: { id: interventionId },
        atStart: { incomeSources: ['SJUKPENNING', 'FORSORJNINGSSTOD'], occupation: 'OVRIGT', occupationShareOfFullTime: 25, educationLevel: 'GYMNASIAL', yearsOnPublicSupport: 3 },
      });
      expect(after.participations.map((p: { id: string }) => p.id)).toContain(participation.id);

      // The same form sent twice records once and answers the same.
      const count = await participationCount();
      const again = await graph.query(token, REGISTER, { input });
      expect(again.body.errors).toBeUndefined();
      expect(again.body.data!.registerParticipation.participation).toEqual(participation);
      expect(await participationCount()).toBe(count);

      const ending = endForm(participation.id);
      const ended = await graph.query(token, END, { input: ending });
      expect(ended.body.errors).toBeUndefined();
      expect(ended.body.data!.endParticipation.participation).toMatchObject({
        id: participation.id, registeredOut: today, atEnd: { reason: 'MOVED_ON_EARLY', occupation: 'FORVARVSARBETE', incomeSources: ['LON'] },
      });
      const endedAgain = await graph.query(token, END, { input: ending });
      expect(endedAgain.body.errors).toBeUndefined();
      expect(endedAgain.body.data!.endParticipation.participation).toEqual(ended.body.data!.endParticipation.participation);
      // A second, different registration out of the ended participation is refused.
      const otherEnd = await graph.query(token, END, { input: endForm(participation.id, { reason: 'NO_CONTACT' }) });
      expect(refusal(otherEnd.body.errors)).toEqual([['BAD_USER_INPUT', 'input.participationId', 'ALREADY_ENDED']]);

      const changes = await changesOf(person);
      expect(changes.filter((c) => c.reason?.startsWith('REGISTERED_IN')).length).toBe(1);
      expect(changes.filter((c) => c.reason?.startsWith('REGISTERED_OUT')).length).toBe(1);
      const auditor = await graph.token('auditor', 'auditor-1');
      const trail = await graph.query(auditor, 'query($p: String!) { auditTrail(personnummer: $p) { records { agency decision reason fields actor } } }', { p: person });
      expect(trail.body.errors).toBeUndefined();
      const own = trail.body.data!.auditTrail.records.filter((r: { agency: string; decision: string }) => r.agency === 'COORDINATION' && r.decision === 'RECORDED');
      expect(own.map((r: { reason: string }) => r.reason.split(' ')[0])).toEqual(expect.arrayContaining(['REGISTERED_IN', 'REGISTERED_OUT']));
      expect(own.every((r: { actor: string }) => r.actor === 'coordinator-1')).toBe(true);
    });

    it('refuses each invalid registration with a coded error naming the argument, and writes nothing', async () => {
      const person = FIXTURE_PERSONS.lacksSocialServices;
      const interventionId = await freeIntervention(person);
      // An intervention of another förbund, put in the store as a second förbund's would be, and a
      // structural and an ended one of the caller's förbund, whatever the seed drew.
      const { forbund } = await interventions();
      const sql = ["INSERT INTO forbund (id, name) VALUES ('other-forbund', 'Annat förbund')",
        "INSERT INTO intervention (id, name, kind, forbund_id, start_date, end_date) VALUES ('other-insats-1', 'Annan insats', 'INDIVIDUAL', 'other-forbund', '2020-01-01', NULL)",
        `INSERT INTO intervention (id, name, kind, forbund_id, start_date, end_date) VALUES ('structural-insats-1', 'Strukturinsats', 'STRUCTURAL', '${forbund}', '2020-01-01', NULL)`,
        `INSERT INTO intervention (id, name, kind, forbund_id, start_date, end_date) VALUES ('ended-insats-1', 'Avslutad insats', 'INDIVIDUAL', '${forbund}', '2020-01-01', '2021-12-31')`];
      await graph.asOwner('coordination', { sqlite: sql, postgres: sql });
      const open = await graph.query(token, REGISTER, { input: form({ personnummer: person, interventionId, submissionKey: 'reused-key-1' }) });
      expect(open.body.errors).toBeUndefined();
      const openId = open.body.data!.registerParticipation.participation.id;
      const count = await participationCount();
      const recorded = (await changesOf(person)).length;
      const cases: [Record<string, unknown>, string, string | null, string | null][] = [
        [{ registeredIn: addDays(today, 400) }, 'BAD_USER_INPUT', 'input.registeredIn', 'DATE_IN_FUTURE'],
        [{ registeredIn: '2026-02-30' }, 'BAD_USER_INPUT', 'input.registeredIn', null],
        [{ interventionId: 'other-insats-1' }, 'BAD_USER_INPUT', 'input.interventionId', 'UNKNOWN_INTERVENTION'],
        [{ interventionId: 'no-such-insats' }, 'BAD_USER_INPUT', 'input.interventionId', 'UNKNOWN_INTERVENTION'],
        [{ interventionId: 'structural-insats-1' }, 'BAD_USER_INPUT', 'input.interventionId', 'INTERVENTION_STRUCTURAL'],
        [{ interventionId: 'ended-insats-1' }, 'BAD_USER_INPUT', 'input.registeredIn', 'INTERVENTION_NOT_RUNNING'],
        [{ registeredIn: '1990-01-01' }, 'BAD_USER_INPUT', 'input.registeredIn', 'INTERVENTION_NOT_RUNNING'],
        [{}, 'BAD_USER_INPUT', 'input.interventionId', 'ALREADY_PARTICIPATING'],
        [{ incomeSources: [] }, 'BAD_USER_INPUT', 'input.incomeSources', null],
        [{ incomeSources: ['LON', 'A_KASSA', 'SJUKPENNING', 'FORSORJNINGSSTOD'] }, 'BAD_USER_INPUT', 'input.incomeSources', null],
        [{ incomeSources: ['OKAND', 'LON'] }, 'BAD_USER_INPUT', 'input.incomeSources', null],
        [{ occupationShareOfFullTime: 101 }, 'BAD_USER_INPUT', 'input.occupationShareOfFullTime', null],
        [{ occupationShareOfFullTime: -1 }, 'BAD_USER_INPUT', 'input.occupationShareOfFullTime', null],
        [{ yearsOnPublicSupport: 61 }, 'BAD_USER_INPUT', 'input.yearsOnPublicSupport', null],
        [{ submissionKey: 'short' }, 'BAD_USER_INPUT', 'input.submissionKey', null],
        [{ personnummer: FIXTURE_PERSONS.protectedIdentity }, 'BAD_USER_INPUT', 'input.anonymous', 'ANONYMOUS_REQUIRED'],
        [{ personnummer: null }, 'BAD_USER_INPUT', 'input.personId', null],
        [{ anonymous: { sex: 'FEMALE', reason: 'NO_REGISTRATION_CONSENT' } }, 'BAD_USER_INPUT', 'input.personnummer, input.anonymous', null],
      ];
      // Every form names the intervention the person is already in: each check before that one answers first.
      for (const [over, code, argument, reason] of cases) {
        const response = await graph.query(token, REGISTER, { input: form({ personnummer: person, interventionId, ...over }) });
        expect([JSON.stringify(over), refusal(response.body.errors)]).toEqual([JSON.stringify(over), [[code, argument, reason]]]);
        expect(response.body.data?.registerParticipation ?? null).toBeNull();
      }
      // The first form's key again, with another form: not the same submission.
      const reused = await graph.query(token, REGISTER, { input: form({ personnummer: person, interventionId, submissionKey: 'reused-key-1', occupation: 'STUDIER' }) });
      expect(refusal(reused.body.errors)).toEqual([['BAD_USER_INPUT', 'input.submissionKey', 'SUBMISSION_KEY_REUSED']]);
      const ends: [Record<string, unknown>, string, string | null, string | null][] = [
        [{ registeredOut: addDays(today, 400) }, 'BAD_USER_INPUT', 'input.registeredOut', 'DATE_IN_FUTURE'],
        [{ registeredOut: addDays(today, -1) }, 'BAD_USER_INPUT', 'input.registeredOut', 'END_BEFORE_START'],
        [{ incomeSources: [] }, 'BAD_USER_INPUT', 'input.incomeSources', null],
      ];
      for (const [over, code, argument, reason] of ends) {
        const response = await graph.query(token, END, { input: endForm(openId, over) });
        expect([JSON.stringify(over), refusal(response.body.errors)]).toEqual([JSON.stringify(over), [[code, argument, reason]]]);
      }
      expect(await participationCount()).toBe(count);
      expect((await changesOf(person)).length).toBe(recorded);
      const stillOpen = await store((db) => db.selectFrom('participation' as never).select('registered_out' as never).where('id' as never, '=', openId as never).executeTakeFirst()) as { registered_out: string | null };
      expect(stillOpen.registered_out).toBeNull();

      // Another coordinator cannot end it: outside their caseload, as an unknown id is.
      const other = await graph.token('coordinator', 'coordinator-2');
      for (const id of [openId, 'SF-D-no-such-participation']) {
        const response = await graph.query(other, END, { input: endForm(id) });
        expect(refusal(response.body.errors)).toEqual([['FORBIDDEN', null, 'NOT_IN_CASELOAD']]);
      }
    });

    it('adds a person of a member municipality to the caseload by personnummer, and refuses an unknown person alike a stranger', async () => {
      const stranger = await store((db) => db.selectFrom('caseload_assignment').select('personnummer')
        .where('coordinator_id', '=', 'coordinator-2').where('personnummer', 'not in', db.selectFrom('caseload_assignment').select('personnummer').where('coordinator_id', '=', 'coordinator-1'))
        .orderBy('personnummer').executeTakeFirst()) as { personnummer: string };
      const interventionId = await freeIntervention(stranger.personnummer);
      const before = await graph.query(token, 'query($p: String) { person(personnummer: $p) { id } }', { p: stranger.personnummer });
      expect(refusal(before.body.errors)).toEqual([['FORBIDDEN', null, 'NOT_IN_CASELOAD']]);
      const response = await graph.query(token, REGISTER, { input: form({ personnummer: stranger.personnummer, interventionId }) });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.registerParticipation.person.id).toMatch(/^p_/);
      const afterRead = await graph.query(token, 'query($p: String) { person(personnummer: $p) { id } }', { p: stranger.personnummer });
      expect(afterRead.body.errors).toBeUndefined();
      expect((await changesOf(stranger.personnummer)).at(-1)!.reason).toMatch(/ADDED_TO_CASELOAD/);
      // A valid personnummer nobody in the register has gets the same answer as a stranger would.
      const count = await participationCount();
      const unknown = await graph.query(token, REGISTER, { input: form({ personnummer: '19121212-1212', interventionId }) });
      expect(refusal(unknown.body.errors)).toEqual([['FORBIDDEN', null, 'NOT_IN_CASELOAD']]);
      expect(await participationCount()).toBe(count);
    });

    it('registers an anonymous participant with sex and start year only, and never a person with protected identity by name or number', async () => {
      const interventionId = (await interventions()).individual[0]!.id;
      const input = form({ anonymous: { sex: 'FEMALE', reason: 'PROTECTED_IDENTITY' }, interventionId });
      const response = await graph.query(token, REGISTER, { input });
      expect(response.body.errors).toBeUndefined();
      const { participation, person } = response.body.data!.registerParticipation;
      expect(person).toBeNull();
      expect(participation.id).toMatch(/^SF-A-/);
      const again = await graph.query(token, REGISTER, { input });
      expect(again.body.data!.registerParticipation.participation.id).toBe(participation.id);
      const row = await store((db) => db.selectFrom('anonymous_participation' as never).selectAll().where('id' as never, '=', participation.id as never).executeTakeFirst()) as Record<string, unknown>;
      expect(row).toMatchObject({ sex: 'FEMALE', start_year: Number(today.slice(0, 4)), intervention_id: interventionId });
      expect(Object.values(row).join(' ')).not.toMatch(/\d{12}|Gunilla|Skyddad/);
      // The write is audited without any personal data.
      const record = await store((db) => db.selectFrom('audit_log').select(['personnummer', 'reason', 'fields', 'decision']).where('decision', '=', 'RECORDED')
        .where('fields', 'like', '%anonymousParticipation%').orderBy('seq', 'desc').executeTakeFirst());
      expect(record).toMatchObject({ personnummer: null, decision: 'RECORDED' });
      const ended = await graph.query(token, END, { input: endForm(participation.id, { reason: 'PLANNED_END' }) });
      expect(ended.body.errors).toBeUndefined();
      expect(ended.body.data!.endParticipation).toMatchObject({ person: null, participation: { id: participation.id, registeredOut: today } });
      const other = await graph.token('coordinator', 'coordinator-2');
      const refused = await graph.query(other, END, { input: endForm(participation.id) });
      expect(refusal(refused.body.errors)).toEqual([['FORBIDDEN', null, 'NOT_IN_CASELOAD']]);
    });

    it('counts new registrations in the next statistics release, and a participation registered in error in none', async () => {
      const db = graph.store('coordination') as unknown as Kysely<CoordinationDb>;
      try {
        const period = today.slice(0, 7);
        const { from, to } = monthBounds(period);
        const workload = followUpWorkload(await releaseDomains(db));
        // The truth: the month through the same bounding with negligible noise.
        const truth = async () => {
          const release = await releasePeriod(db, period, workload, 1e7, seededRandom('truth'), 'truth');
          return release.tables.find((t) => t.measure === STARTED && t.dimensions.length === 0)!.cells[0]!.count;
        };
        const before = await truth();
        const registeredThisMonth = db.selectFrom('participation').select('personnummer').where('registered_in', '>=', from);
        const fresh = await db.selectFrom('caseload_assignment').innerJoin('person', 'person.personnummer', 'caseload_assignment.personnummer')
          .select('person.personnummer').where('caseload_assignment.coordinator_id', '=', 'coordinator-1').where('person.identity_protection', '=', 'NONE')
          .where('person.personnummer', 'not in', registeredThisMonth).orderBy('person.personnummer').limit(3).execute();
        expect(fresh).toHaveLength(3);
        const ids: string[] = [];
        for (const { personnummer } of fresh) {
          const response = await graph.query(token, REGISTER, { input: form({ personnummer, interventionId: await freeIntervention(personnummer) }) });
          expect(response.body.errors).toBeUndefined();
          ids.push(response.body.data!.registerParticipation.participation.id);
        }
        expect(await truth()).toBe(before + 3);
        // An anonymous participant counts too, as SUS counts them (by sex and start, in no municipality or age band).
        const anonymous = await graph.query(token, REGISTER, { input: form({ anonymous: { sex: 'MALE', reason: 'NO_REGISTRATION_CONSENT' }, interventionId: (await interventions()).individual[0]!.id }) });
        expect(anonymous.body.errors).toBeUndefined();
        expect(await truth()).toBe(before + 4);
        const inErrorNow = await graph.query(token, END, { input: endForm(ids[0]!, { reason: 'REGISTERED_IN_ERROR', occupation: 'OVRIGT', incomeSources: ['SJUKPENNING'] }) });
        expect(inErrorNow.body.errors).toBeUndefined();
        const expected = before + 3;
        expect(await truth()).toBe(expected);

        // The next release (the job's first run after the month has settled) publishes it, with noise of a few persons.
        // The job's own run, as the daily command makes it once the month has settled (the command refuses a day ahead, so the test runs the job itself).
        const opened = await openDatabase<CoordinationDb>({
          store: 'coordination', dataDir: dataDir(graph.storeEnv), databaseUrl: databaseUrlFor('coordination', graph.storeEnv),
          kitMigrations: subgraphKitMigrations, migrations, onStatement: () => undefined, logger: createLogger('statistics-release', { level: 'silent' }),
        });
        try {
          const audit = new AuditLog(opened.auditDb as unknown as Kysely<AuditDb>, opened.dialect, opened.auditWriter);
          const result = await runStatisticsReleaseJob(opened.db, { today: addDays(to, SETTLE_DAYS + 1), audit, random: seededRandom('next release') });
          expect(result.released.map((r) => r.period)).toContain(period);
        } finally {
          await opened.close();
        }
        const analyst = await graph.token('analyst', 'analyst-1');
        const report = await graph.query(analyst, 'query($f: String!, $t: String!) { interventionFollowUp(from: $f, to: $t) { total { started { value } } } }', { f: from, t: to });
        expect(report.body.errors).toBeUndefined();
        const published = report.body.data!.interventionFollowUp.total.started.value as number;
        // σ ≈ 3 persons for the main tables (MAIN_TABLE_WEIGHT): 5σ is a bound a correct release misses once in millions.
        expect(Math.abs(published - expected)).toBeLessThanOrEqual(15);
      } finally {
        await db.destroy();
      }
    });

    it('finds persons of the caller\'s own caseload by part of a name, accents and case aside, or by any written form of the number', async () => {
      const byName = await graph.query(token, FIND, { text: 'fÁRId exempel' });
      expect(byName.body.errors).toBeUndefined();
      expect(byName.body.data!.findPerson.nodes.map((n: { personnummer: string }) => n.personnummer)).toEqual([FIXTURE_PERSONS.coordinationNumber]);
      const family = await graph.query(token, FIND, { text: 'exempelsson', first: 25 });
      expect(family.body.data!.findPerson.nodes.length).toBeGreaterThan(5);
      expect(family.body.data!.findPerson.nodes.map((n: { personnummer: string }) => n.personnummer)).not.toContain(FIXTURE_PERSONS.protectedIdentity);
      const limited = await graph.query(token, FIND, { text: 'exempelsson', first: 2 });
      expect(limited.body.data!.findPerson).toMatchObject({ hasMore: true });
      expect(limited.body.data!.findPerson.nodes).toHaveLength(2);
      for (const written of writtenForms(FIXTURE_PERSONS.allConsent)) {
        const byNumber = await graph.query(token, FIND, { text: written });
        expect(byNumber.body.data!.findPerson.nodes.map((n: { personnummer: string }) => n.personnummer)).toEqual([FIXTURE_PERSONS.allConsent]);
      }
      // Protected identity: never by name, by number without a name.
      const hiddenByName = await graph.query(token, FIND, { text: 'Gunilla' });
      expect(hiddenByName.body.data!.findPerson.nodes).toEqual([]);
      const hiddenByNumber = await graph.query(token, FIND, { text: FIXTURE_PERSONS.protectedIdentity });
      expect(hiddenByNumber.body.data!.findPerson.nodes).toEqual([expect.objectContaining({ personnummer: FIXTURE_PERSONS.protectedIdentity, name: null })]);
      // Another coordinator's person: not by number, not by name.
      const theirs = await store((db) => db.selectFrom('person').innerJoin('caseload_assignment', 'caseload_assignment.personnummer', 'person.personnummer')
        .select(['person.personnummer', 'person.given_name', 'person.family_name']).where('caseload_assignment.coordinator_id', '=', 'coordinator-3').orderBy('person.personnummer').executeTakeFirst()) as { personnummer: string; given_name: string; family_name: string };
      for (const text of [theirs.personnummer, `${theirs.given_name} ${theirs.family_name}`]) {
        const response = await graph.query(token, FIND, { text });
        expect(response.body.errors).toBeUndefined();
        expect(response.body.data!.findPerson.nodes.map((n: { personnummer: string }) => n.personnummer)).not.toContain(theirs.personnummer);
      }
      // The read is audited as any read of the person.
      const reads = await store((db) => db.selectFrom('audit_log').select(['fields']).where('personnummer', '=', FIXTURE_PERSONS.allConsent).where('decision', '=', 'RELEASED').orderBy('seq', 'desc').executeTakeFirst());
      expect(reads!.fields).toMatch(/findPerson/);
      for (const [variables, argument, reason] of [
        [{ text: ' a ' }, 'text', 'SEARCH_TOO_SHORT'], [{ text: 'x'.repeat(101) }, 'text', 'SEARCH_TOO_LONG'],
        [{ text: 'anna', first: 0 }, 'first', null], [{ text: 'anna', first: 26 }, 'first', null],
      ] as const) {
        const response = await graph.query(token, FIND, variables);
        expect(refusal(response.body.errors)).toEqual([['BAD_USER_INPUT', argument, reason]]);
      }
      const analyst = await graph.token('analyst', 'analyst-1');
      const refused = await graph.query(analyst, FIND, { text: 'anna' });
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
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
      // Named by the variable and the place in it, not by the enum's type name (test/e2e/attacks/no-suggestions.test.ts).
      expect(unknownCode.body.errors?.[0]?.message).toMatch(/^Variable "\$input" got an invalid value at "input\.code"/);
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
