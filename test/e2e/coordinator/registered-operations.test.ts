import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { addTypenameToDocument, print } from '@apollo/client/utilities';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * The coordinator role is served only the client's registered operations (schema/operations/,
 * docs/registered-operations.md); analysts and auditors keep ad hoc queries. The operations and
 * their hashes are taken from the files as Apollo Client would send them, so the test follows
 * the files as they change.
 */
const OPERATIONS_DIR = path.join(import.meta.dirname, '../../../schema/operations');
const operationText = (name: string) => fs.readFileSync(path.join(OPERATIONS_DIR, `${name}.graphql`), 'utf8');
const PERSON_OVERVIEW = operationText('PersonOverview');
/** What Apollo Client 4 with an InMemoryCache puts on the wire for a document, and the hash its PersistedQueryLink sends. */
const asApolloClientSends = (text: string) => print(addTypenameToDocument(parse(text)));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PERSON_OVERVIEW_HASH = sha256(asApolloClientSends(PERSON_OVERVIEW));

const declaredVariables = (text: string) => new Set(parse(text).definitions
  .find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!.variableDefinitions?.map((v) => v.variable.name.value));

interface Answer {
  status: number;
  requestId: string;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('registered operations for the coordinator role', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  let coordinator: string;
  /** PersonOverview's variables for the all-consent fixture person, as the client sends them: its id from the caseload, where the file takes one. */
  let overviewVariables: Record<string, unknown>;
  const personOverviewVariables = () => overviewVariables;

  beforeAll(async () => {
    graph = await startGraph({ persons: 120, logLines: lines, registeredOperations: true });
    coordinator = await graph.token('coordinator', 'coordinator-1');
    overviewVariables = { personnummer: FIXTURE_PERSONS.allConsent };
    if (declaredVariables(PERSON_OVERVIEW).has('id')) {
      const caseload = await post(coordinator, byHash(sha256(asApolloClientSends(operationText('Caseload'))), { first: 100 }));
      const node = caseload.body.data!.me.caseload.nodes.find((n: { personnummer: string }) => n.personnummer === FIXTURE_PERSONS.allConsent);
      overviewVariables = { id: node.id };
    }
  });
  afterAll(() => graph?.close());

  async function post(token: string, body: unknown): Promise<Answer> {
    const response = await fetch(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, requestId: response.headers.get('x-request-id')!, body: await response.json() };
  }

  /** GraphQL requests each subgraph has answered so far, read from its /metrics. */
  async function subgraphRequests(): Promise<number> {
    let total = 0;
    for (const name of SUBGRAPH_NAMES) {
      const text = await graph.metrics(name);
      for (const line of text.split('\n')) if (line.startsWith('http_requests_total{') && line.includes('route="/graphql"')) total += Number(line.split(' ').pop());
    }
    return total;
  }

  const byHash = (hash: string, variables: Record<string, unknown> = {}) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
  const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

  it('refuses a coordinator\'s ad hoc query with OPERATION_NOT_REGISTERED before any subgraph is called', async () => {
    const before = await subgraphRequests();
    const answer = await post(coordinator, { query: '{ me { id } }' });
    expect(codeOf(answer)).toBe('OPERATION_NOT_REGISTERED');
    expect(answer.body.errors![0]!.message).toMatch(/coordinator.*registered operations/i);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.status).toBe(403);
    expect(await subgraphRequests()).toBe(before);
    // No subgraph holds a record of the request; the gateway's own says it was refused.
    const coordination = graph.store('coordination');
    expect(await coordination.selectFrom('audit_log').select('seq').where('request_id', '=', answer.requestId).execute()).toEqual([]);
    await coordination.destroy();
    const gateway = graph.store('gateway');
    const rows = await gateway.selectFrom('audit_log').select(['actor', 'role', 'decision', 'reason', 'personnummer']).where('request_id', '=', answer.requestId).execute();
    await gateway.destroy();
    expect(rows).toEqual([{ actor: 'coordinator-1', role: 'coordinator', decision: 'ERROR', reason: 'OPERATION_NOT_REGISTERED', personnummer: null }]);
  });

  it('serves PersonOverview to a coordinator by its hash alone', async () => {
    const answer = await post(coordinator, byHash(PERSON_OVERVIEW_HASH, personOverviewVariables()));
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
    expect(answer.body.data!.person.consents.length).toBe(4);
  });

  it('serves PersonOverview by hash over GET as well', async () => {
    const search = new URLSearchParams({
      extensions: JSON.stringify(byHash(PERSON_OVERVIEW_HASH).extensions),
      variables: JSON.stringify(personOverviewVariables()),
    });
    const response = await fetch(`${graph.url}?${search}`, { headers: { authorization: `Bearer ${coordinator}`, 'apollo-require-preflight': 'true' } });
    const body = await response.json() as Answer['body'];
    expect(body.errors).toBeUndefined();
    expect(body.data!.person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
  });

  it('serves PersonOverview sent as the file\'s full text, and as Apollo Client sends it with its hash', async () => {
    const asFile = await post(coordinator, { query: PERSON_OVERVIEW, variables: personOverviewVariables() });
    expect(asFile.body.errors).toBeUndefined();
    expect(asFile.body.data!.person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
    const withHash = await post(coordinator, { query: asApolloClientSends(PERSON_OVERVIEW), ...byHash(PERSON_OVERVIEW_HASH, personOverviewVariables()) });
    expect(withHash.body.errors).toBeUndefined();
    expect(withHash.body.data!.person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
  });

  it('refuses PersonOverview with one field more than registered', async () => {
    const widened = PERSON_OVERVIEW.replace(/person\(([^)]*)\)\s*\{/, (match) => `${match}\n    name`);
    expect(widened).not.toBe(PERSON_OVERVIEW);
    const answer = await post(coordinator, { query: widened, variables: personOverviewVariables() });
    expect(codeOf(answer)).toBe('OPERATION_NOT_REGISTERED');
    expect(answer.body.data ?? null).toBeNull();
  });

  it('refuses a registered text with another operation beside it, a batch, and an ad hoc query over GET', async () => {
    const before = await subgraphRequests();
    const smuggled = await post(coordinator, { query: `${PERSON_OVERVIEW}\nquery Other { me { id name } }`, operationName: 'Other' });
    expect(codeOf(smuggled)).toBe('OPERATION_NOT_REGISTERED');
    const batch = await post(coordinator, [{ query: PERSON_OVERVIEW, variables: personOverviewVariables() }, { query: '{ me { id } }' }]);
    // Not a GraphQL request at all: refused before the role's step, as for every role (test/e2e/attacks/malformed-body.test.ts).
    expect(batch.status).toBe(400);
    expect(codeOf(batch)).toBe('BAD_REQUEST');
    const response = await fetch(`${graph.url}?${new URLSearchParams({ query: '{ me { id } }' })}`, { headers: { authorization: `Bearer ${coordinator}`, 'apollo-require-preflight': 'true' } });
    expect(((await response.json()) as Answer['body']).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    expect(await subgraphRequests()).toBe(before);
  });

  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, the code Apollo\'s PersistedQueryLink retries on', async () => {
    const answer = await post(coordinator, byHash(sha256('{ me { id } }')));
    expect(codeOf(answer)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(answer.body.data ?? null).toBeNull();
  });

  it('refuses a registered hash sent with another query\'s text', async () => {
    const before = await subgraphRequests();
    const answer = await post(coordinator, { query: '{ me { id name } }', ...byHash(PERSON_OVERVIEW_HASH, personOverviewVariables()) });
    expect(codeOf(answer)).toBe('OPERATION_NOT_REGISTERED');
    expect(answer.body.data ?? null).toBeNull();
    expect(await subgraphRequests()).toBe(before);
  });

  it('serves a coordinator\'s registered operation through Apollo Client 4 with PersistedQueryLink, hash first', async () => {
    const sent: { hasQuery: boolean }[] = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.from([
        new PersistedQueryLink({ sha256 }),
        new HttpLink({
          uri: graph.url,
          headers: { authorization: `Bearer ${coordinator}` },
          fetch: async (url, init) => {
            sent.push({ hasQuery: String(init?.body ?? '').includes('"query"') });
            return fetch(url, init);
          },
        }),
      ]),
    });
    const result = await client.query({ query: parse(PERSON_OVERVIEW), variables: personOverviewVariables() });
    expect(result.error).toBeUndefined();
    expect((result.data as { person: { personnummer: string } }).person.personnummer).toBe(FIXTURE_PERSONS.allConsent);
    // Served on the hash alone: no retry with the full text was needed.
    expect(sent).toEqual([{ hasQuery: false }]);
    client.stop();
  });

  it('serves analysts and auditors ad hoc queries', async () => {
    for (const role of ['analyst', 'auditor'] as const) {
      const answer = await post(await graph.token(role, `${role}-1`), { query: '{ __typename }' });
      expect(answer.body.errors, role).toBeUndefined();
      expect(answer.body.data, role).toEqual({ __typename: 'Query' });
    }
  });

  it('counts refusals on /metrics by reason, and logs them without the query or its personnummer', async () => {
    const adHoc = `{ person(personnummer: "${FIXTURE_PERSONS.lacksCare}") { personnummer name } }`;
    const answer = await post(coordinator, { query: adHoc });
    expect(codeOf(answer)).toBe('OPERATION_NOT_REGISTERED');
    const metrics = await graph.metrics('gateway');
    expect(metrics).toMatch(/registered_operation_refusals_total\{[^}]*reason="not_registered"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/registered_operation_refusals_total\{[^}]*reason="unknown_hash"[^}]*\} [1-9]/);
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === answer.requestId && /not registered/.test(String(l.msg)));
    expect(refusal).toBeDefined();
    const logged = lines.filter((l) => l.includes(answer.requestId)).join('\n');
    expect(logged).not.toContain(FIXTURE_PERSONS.lacksCare);
    expect(logged).not.toContain('personnummer:');
  });
});
