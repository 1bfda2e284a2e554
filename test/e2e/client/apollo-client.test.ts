/**
 * The client contract as a standard client lives with it: Apollo Client 4 with a default
 * InMemoryCache and the default error policy ('none': any error throws and the data is lost),
 * running every operation of the coordinator client (the files in schema/operations/) against the
 * real graph. No keyFields, no typePolicies, no refetch: what the cache does with the answers is
 * what a client developer gets by default.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS, SIGNAL_FIXTURES } from '@finsam/devkit/population/fixtures';
import { addDays, todayIso } from '@finsam/kit/dates';
import { writtenForms } from '@finsam/kit/personnummer';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const OPERATIONS_DIR = path.join(import.meta.dirname, '../../../schema/operations');
const operationFiles = fs.readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql')).sort();
const operation = (name: string) => gql(fs.readFileSync(path.join(OPERATIONS_DIR, `${name}.graphql`), 'utf8'));

const CONSENTS_OF_PERSON = gql`fragment ConsentsOfPerson on Person { consents { id agency revokedAt } }`;

interface ConsentView { id: string; agency: string; revokedAt: string | null }

describe('Apollo Client 4, as it comes, against the coordinator operations', () => {
  let graph: TestGraph;
  let requests: string[];
  let client: ApolloClient;

  beforeAll(async () => {
    // As deployed: coordinators are served the registered operations only (docs/registered-operations.md).
    graph = await startGraph({ persons: 300, registeredOperations: true });
    const token = await graph.token('coordinator', 'coordinator-1');
    requests = [];
    client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({
        uri: graph.url,
        headers: { authorization: `Bearer ${token}` },
        fetch: (input, init) => {
          requests.push(String(init?.body ?? ''));
          return fetch(input, init);
        },
      }),
    });
  });
  afterAll(() => graph?.close());

  /** Person.id of a fixture person, as the client learns it: from the caseload. */
  async function idOf(personnummer: string): Promise<string> {
    const { data } = await client.query({ query: operation('Caseload'), variables: { first: 100 } });
    const node = (data as any).me.caseload.nodes.find((n: { personnummer: string }) => n.personnummer === personnummer);
    expect(node, `${personnummer} in coordinator-1's caseload`).toBeDefined();
    return node.id;
  }

  /** Registers the fixture person into an individual intervention of the förbund running today that they are not in, as the person page does. */
  async function register(personnummer: string): Promise<{ id: string; personId: string }> {
    const personId = await idOf(personnummer);
    const today = todayIso();
    const shown = await client.query({ query: operation('PersonParticipations'), variables: { id: personId } });
    const open = (shown.data as any).person.participations.filter((p: { registeredOut: string | null }) => p.registeredOut === null).map((p: { intervention: { id: string } }) => p.intervention.id);
    const intervention = (shown.data as any).me.forbund.interventions.find((i: { id: string; kind: string; startDate: string; endDate: string | null }) =>
      i.kind === 'INDIVIDUAL' && i.startDate <= today && (i.endDate === null || i.endDate >= today) && !open.includes(i.id));
    const input = {
      submissionKey: crypto.randomUUID(), personId, interventionId: intervention.id, registeredIn: today, incomeSources: ['FORSORJNINGSSTOD'],
      occupation: 'AKTIVT_ARBETSSOKANDE', occupationShareOfFullTime: 50, educationLevel: 'FORGYMNASIAL', yearsOnPublicSupport: 2,
    };
    const { data, error } = await client.mutate({ mutation: operation('RegisterParticipation'), variables: { input } });
    expect(error).toBeUndefined();
    const registered = (data as any).registerParticipation;
    expect(registered.person.id).toBe(personId);
    // The cached person lists the new participation, without asking again.
    const before = requests.length;
    const cached = client.readQuery({ query: operation('PersonParticipations'), variables: { id: personId } }) as any;
    expect(requests.length).toBe(before);
    expect(cached.person.participations.map((p: { id: string }) => p.id)).toContain(registered.participation.id);
    return { id: registered.participation.id, personId };
  }

  // Every operation file must have a run here: a new operation without one fails this test.
  const runs: Record<string, () => Promise<void>> = {
    async Caseload() {
      const { data, error } = await client.query({ query: operation('Caseload'), variables: { first: 60 } });
      expect(error).toBeUndefined();
      const nodes = (data as any).me.caseload.nodes as { id: string; personnummer: string }[];
      expect(nodes.length).toBeGreaterThanOrEqual(15);
      for (const node of nodes) {
        expect(node.id).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
        expect(node.id).not.toContain(node.personnummer.slice(2, 8));
      }
      // The persons alone (signals: false), as the coordinator client asks first: the same persons, no signals.
      const light = await client.query({ query: operation('Caseload'), variables: { first: 60, signals: false }, fetchPolicy: 'network-only' });
      expect(light.error).toBeUndefined();
      const lightNodes = (light.data as any).me.caseload.nodes as { id: string; signals?: unknown }[];
      expect(lightNodes.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
      for (const node of lightNodes) expect(node).not.toHaveProperty('signals');
    },
    async HandleSignal() {
      // The signal's id as the client learns it: from the caseload (no refusal there for the default policy to throw on).
      const { data: caseload } = await client.query({ query: operation('Caseload'), variables: { first: 100 }, fetchPolicy: 'network-only' });
      const node = (caseload as any).me.caseload.nodes.find((n: { personnummer: string }) => n.personnummer === SIGNAL_FIXTURES.DAY_180_APPROACHING);
      const signal = node.signals.find((s: { code: string }) => s.code === 'DAY_180_APPROACHING');
      expect(signal).toMatchObject({ needsAction: true, handling: null });
      const followUp = addDays(todayIso(), 14);
      const { data, error } = await client.mutate({
        mutation: operation('HandleSignal'), variables: { personId: node.id, signalId: signal.id, action: 'Avstämningsmöte bokat', followUp },
      });
      expect(error).toBeUndefined();
      const handled = (data as any).handleSignal;
      expect(handled.handling).toMatchObject({ followUp, action: 'Avstämningsmöte bokat', handledBy: { id: 'coordinator-1' } });
      // The cached caseload row shows the signal handled, off the work list, without asking again.
      const before = requests.length;
      const cached = client.readQuery({ query: operation('Caseload'), variables: { first: 100 } }) as any;
      expect(requests.length).toBe(before);
      const row = cached.me.caseload.nodes.find((n: { id: string }) => n.id === node.id);
      expect(row.signals.find((s: { code: string }) => s.code === 'DAY_180_APPROACHING')).toMatchObject({ needsAction: false, handling: { followUp } });
    },
    async MemberMunicipalities() {
      const { data, error } = await client.query({ query: operation('MemberMunicipalities') });
      expect(error).toBeUndefined();
      const forbund = (data as any).me.forbund;
      expect(forbund.municipalities.map((m: { code: string; name: string }) => `${m.code} ${m.name}`).sort()).toEqual(['1402 Partille', '1480 Göteborg', '1481 Mölndal']);
    },
    async PersonOverview() {
      const id = await idOf(FIXTURE_PERSONS.allConsent);
      const { data, error } = await client.query({ query: operation('PersonOverview'), variables: { id } });
      expect(error).toBeUndefined();
      const person = (data as any).person;
      expect(person.id).toBe(id);
      expect(person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
      expect(person.consents.map((c: ConsentView) => c.agency).sort()).toEqual(['CARE', 'EMPLOYMENT', 'SICKNESS_INSURANCE', 'SOCIAL_SERVICES']);
      // Every registration, not only the current one.
      expect(person.employment.registrations.length).toBeGreaterThanOrEqual(1);
      expect(person.employment.registrations[0]).toMatchObject({ jobSeekerCategory: { code: expect.any(String) }, office: expect.any(String) });
    },
    async RecordConsent() {
      // Lacking CARE, PersonOverview would carry care's refusal, which the default policy throws on.
      const id = await idOf(FIXTURE_PERSONS.lacksCare);
      const today = todayIso();
      const { data, error } = await client.mutate({
        mutation: operation('RecordConsent'),
        variables: { input: { personId: id, agencies: ['CARE'], validFrom: today, validTo: addDays(today, 365), formReference: 'SAMTYCKE-APOLLO/1' } },
      });
      expect(error).toBeUndefined();
      const recorded = (data as any).recordConsent;
      expect(recorded.consents).toHaveLength(1);
      // Care's consent names the person's region, a value object the cache keeps inside the consent.
      expect(recorded.consents[0]).toMatchObject({ agency: 'CARE', revokedAt: null, controller: { kind: 'REGION', code: '14', name: 'Västra Götalandsregionen' } });
      expect(recorded.consents[0].id).toBeTruthy();
      expect(recorded.person.id).toBe(id);
      // The cached person now lists the new consent, without asking the server again.
      const before = requests.length;
      const cached = client.readFragment({ id: client.cache.identify({ __typename: 'Person', id }), fragment: CONSENTS_OF_PERSON }) as any;
      expect(requests.length).toBe(before);
      expect(cached.consents.some((c: ConsentView) => c.agency === 'CARE' && c.revokedAt === null)).toBe(true);
    },
    async PersonObstacles() {
      const id = await idOf(FIXTURE_PERSONS.day180Approaching);
      const { data, error } = await client.query({ query: operation('PersonObstacles'), variables: { id } });
      expect(error).toBeUndefined();
      expect((data as any).person).toMatchObject({ id, obstacles: expect.any(Array) });
    },
    async RecordObstacle() {
      const id = await idOf(FIXTURE_PERSONS.day180Approaching);
      const listed = await client.query({ query: operation('PersonObstacles'), variables: { id } });
      const before = (listed.data as any).person.obstacles.length as number;
      const input = { personId: id, code: 'WAITING_TIME', agencies: ['SICKNESS_INSURANCE'], note: 'Inget avstämningsmöte bokat.', signalsSeen: ['DAY_180_APPROACHING'] };
      const { data, error } = await client.mutate({ mutation: operation('RecordObstacle'), variables: { input } });
      expect(error).toBeUndefined();
      const recorded = (data as any).recordObstacle;
      expect(recorded.obstacle).toMatchObject({ code: 'WAITING_TIME', agencies: ['SICKNESS_INSURANCE'], signalsSeen: ['DAY_180_APPROACHING'] });
      expect(recorded.person.id).toBe(id);
      // The cached list shows the new obstacle from the mutation's answer alone.
      const requestsBefore = requests.length;
      const cached = client.readQuery({ query: operation('PersonObstacles'), variables: { id } }) as any;
      expect(requests.length).toBe(requestsBefore);
      expect(cached.person.obstacles).toHaveLength(before + 1);
      expect(cached.person.obstacles[0].id).toBe(recorded.obstacle.id);
      // A double submit gives the same obstacle back; a refusal throws with its code under the default policy.
      const again = await client.mutate({ mutation: operation('RecordObstacle'), variables: { input } });
      expect((again.data as any).recordObstacle.obstacle.id).toBe(recorded.obstacle.id);
      const refused = await client.mutate({ mutation: operation('RecordObstacle'), variables: { input: { ...input, agencies: [] } } }).catch((e: unknown) => e);
      expect(JSON.stringify(refused)).toMatch(/input\.agencies/);
    },
    async RevokeConsent() {
      const id = await idOf(FIXTURE_PERSONS.allConsent);
      const shown = await client.query({ query: operation('PersonOverview'), variables: { id } });
      const inForce = (shown.data as any).person.consents.find((c: ConsentView) => c.agency === 'SOCIAL_SERVICES' && c.revokedAt === null);
      expect(inForce).toBeDefined();
      // Göteborg's social services, the municipality the seeded consent names (the person lives there).
      const { data, error } = await client.mutate({ mutation: operation('RevokeConsent'), variables: { personId: id, agency: 'SOCIAL_SERVICES', controller: '1480' } });
      expect(error).toBeUndefined();
      const revocation = (data as any).revokeConsent;
      expect(revocation.consent.id).toBe(inForce.id);
      expect(revocation.consent.revokedAt).toBeTruthy();
      expect(revocation.person.id).toBe(id);
      // Shown as revoked from the cache alone: no refetch.
      const before = requests.length;
      const cached = client.readQuery({ query: operation('PersonOverview'), variables: { id } }) as any;
      expect(requests.length).toBe(before);
      const consent = cached.person.consents.find((c: ConsentView) => c.id === inForce.id);
      expect(consent.revokedAt).toBeTruthy();
    },
    async FindPerson() {
      const { data, error } = await client.query({ query: operation('FindPerson'), variables: { text: 'anna exempelsson' } });
      expect(error).toBeUndefined();
      const found = (data as any).findPerson;
      expect(found.nodes.map((n: { personnummer: string }) => n.personnummer)).toEqual([FIXTURE_PERSONS.allConsent]);
      expect(found.hasMore).toBe(false);
      // The number travels in the POST body, never in a URL.
      expect(requests.at(-1)).toContain('anna exempelsson');
    },
    async PersonParticipations() {
      const id = await idOf(FIXTURE_PERSONS.day180Approaching);
      const { data, error } = await client.query({ query: operation('PersonParticipations'), variables: { id } });
      expect(error).toBeUndefined();
      expect((data as any).person.id).toBe(id);
      expect((data as any).me.forbund.interventions.some((i: { kind: string }) => i.kind === 'INDIVIDUAL')).toBe(true);
    },
    async RegisterParticipation() {
      const { id } = await register(FIXTURE_PERSONS.day180Approaching);
      expect(id).toMatch(/^SF-D-/);
    },
    async EndParticipation() {
      const { id, personId } = await register(FIXTURE_PERSONS.leftInsuranceOnSocialAssistance);
      const input = { submissionKey: crypto.randomUUID(), participationId: id, registeredOut: todayIso(), reason: 'PLANNED_END', occupation: 'STUDIER', incomeSources: ['INGEN_OFFENTLIG'] };
      const { data, error } = await client.mutate({ mutation: operation('EndParticipation'), variables: { input } });
      expect(error).toBeUndefined();
      expect((data as any).endParticipation.participation).toMatchObject({ id, registeredOut: todayIso(), atEnd: { reason: 'PLANNED_END', occupation: 'STUDIER' } });
      // The cached person shows it ended, without asking again.
      const before = requests.length;
      const cached = client.readQuery({ query: operation('PersonParticipations'), variables: { id: personId } }) as any;
      expect(requests.length).toBe(before);
      expect(cached.person.participations.find((p: { id: string }) => p.id === id).registeredOut).toBe(todayIso());
    },
  };

  it('has a run for every operation file', () => {
    expect(operationFiles.map((f) => f.replace(/\.graphql$/, ''))).toEqual(Object.keys(runs).sort());
  });

  for (const name of Object.keys(runs)) {
    it(`runs ${name} with the default cache and error policy`, async () => {
      await runs[name]!();
    });
  }

  it('keeps one cached person whatever written form of the personnummer found them', async () => {
    const forms = writtenForms(FIXTURE_PERSONS.coordinationNumber);
    const ids = new Set<string>();
    for (const personnummer of forms) {
      const { data } = await client.query({ query: operation('PersonOverview'), variables: { personnummer }, fetchPolicy: 'network-only' });
      ids.add((data as any).person.id);
    }
    expect(ids.size).toBe(1);
    const people = Object.keys(client.cache.extract() as Record<string, unknown>).filter((key) => key.startsWith('Person:'));
    expect(people).toContain(`Person:${[...ids][0]}`);
    expect(people.some((key) => key.includes(FIXTURE_PERSONS.coordinationNumber))).toBe(false);
  });
});
