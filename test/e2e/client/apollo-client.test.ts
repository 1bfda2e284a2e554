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
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
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
