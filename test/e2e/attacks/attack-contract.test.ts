import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, visit, type SelectionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type SubgraphName } from '@finsam/kit/config';
import { todayIso } from '@finsam/kit/dates';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { makePersonnummer, writtenForms } from '@finsam/kit/personnummer';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Red-team attacks on issue 13's contract: registered operations for coordinators, Person.id,
 * caseload cursors made of ids, and the consent mutations that return the person. Each test
 * asserts the SAFE behaviour, so a failing test is a finding. Scored against the stores.
 */
const OPERATIONS_DIR = path.join(import.meta.dirname, '../../../schema/operations');
const manifest = JSON.parse(fs.readFileSync(path.join(OPERATIONS_DIR, 'manifest.json'), 'utf8')) as { operations: { id: string; name: string; body: string }[] };
const registered = (name: string) => manifest.operations.find((o) => o.name === name)!;
const CASELOAD = registered('Caseload');
const PERSON_OVERVIEW = registered('PersonOverview');
const RECORD_CONSENT = registered('RecordConsent');
const REVOKE_CONSENT = registered('RevokeConsent');
/** The fields of a caseload node in the registered Caseload: what an answer may hold, however the request was dressed. */
const CASELOAD_NODE_FIELDS = (() => {
  // Read as GraphQL, not as text: an inline fragment (`... @include(if: $signals) { … }`) adds its
  // fields to the node's, and a nested selection (signals { handling { … } }) adds none.
  const keysOf = (selections: readonly SelectionNode[]): string[] => selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.alias?.value ?? selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return keysOf(selection.selectionSet.selections);
    return [];
  });
  let nodes: readonly SelectionNode[] = [];
  visit(parse(CASELOAD.body), { Field(field) { if (field.name.value === 'nodes' && field.selectionSet) nodes = field.selectionSet.selections; } });
  return [...new Set(keysOf(nodes))].sort();
})();
const byHash = (id: string, variables: Record<string, unknown> = {}) => ({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
const AD_HOC = '{ me { id name caseload(first: 100) { nodes { personnummer name address } } } }';
const ALL_FIXTURE_FORMS = Object.values(FIXTURE_PERSONS).flatMap((p) => writtenForms(p as never));

interface Answer {
  status: number;
  requestId: string;
  text: string;
  body: { data?: Record<string, any> | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } | null;
}

async function send(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, requestId: response.headers.get('x-request-id') ?? '', text, body };
}

const codeOf = (answer: Answer) => answer.body?.errors?.[0]?.extensions?.code;

async function subgraphRequests(graph: TestGraph): Promise<number> {
  let total = 0;
  for (const name of SUBGRAPH_NAMES) {
    const text = await graph.metrics(name);
    for (const line of text.split('\n')) if (line.startsWith('http_requests_total{') && line.includes('route="/graphql"')) total += Number(line.split(' ').pop());
  }
  return total;
}

/** A valid personnummer that no seeded person has (checked against the store in the test that uses it). */
const nonexistentPersonnummer = () => makePersonnummer('1931-01-01', 999);

describe('attack: registered operations for coordinators (deployed gateway)', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  let coordinator: string;
  let post: (body: unknown, headers?: Record<string, string>) => Promise<Answer>;

  beforeAll(async () => {
    graph = await startGraph({ persons: 300, logLines: lines, registeredOperations: true });
    coordinator = await graph.token('coordinator', 'coordinator-1');
    post = (body, headers = {}) => send(graph.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}`, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  });
  afterAll(() => graph?.close());

  /** Nothing of an ad hoc selection came back, nothing reached a subgraph. */
  async function expectNotExecuted(attempt: () => Promise<Answer>) {
    const before = await subgraphRequests(graph);
    const answer = await attempt();
    expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
    expect(answer.status, answer.text).toBeLessThan(500);
    expect(answer.text).not.toMatch(/"caseload"|"__schema"|"address"/);
    expect(answer.body?.data ?? null).toBeNull();
    expect(await subgraphRequests(graph)).toBe(before);
    return answer;
  }

  const headersOf = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${coordinator}`, 'apollo-require-preflight': 'true', ...extra });

  it('refuses an ad hoc query sent as application/graphql, text/plain, form-encoded or multipart', async () => {
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf({ 'content-type': 'application/graphql' }), body: AD_HOC }));
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf({ 'content-type': 'text/plain' }), body: JSON.stringify({ query: AD_HOC }) }));
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf({ 'content-type': 'application/x-www-form-urlencoded' }), body: new URLSearchParams({ query: AD_HOC }).toString() }));
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: AD_HOC }));
    form.set('map', '{}');
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf(), body: form }));
    // A content type that contains application/json without being it: the front parses, Apollo Server may not.
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf({ 'content-type': 'text/plain; x=application/json' }), body: JSON.stringify({ query: AD_HOC }) }));
    // No content type at all.
    await expectNotExecuted(() => send(graph.url, { method: 'POST', headers: headersOf(), body: JSON.stringify({ query: AD_HOC }) }));
  });

  it('refuses batches, with or without a registered operation in them', async () => {
    await expectNotExecuted(() => post([{ query: CASELOAD.body }, { query: AD_HOC }]));
    await expectNotExecuted(() => post([byHash(CASELOAD.id)]));
    await expectNotExecuted(() => post([]));
  });

  it('refuses a document with the registered operation and another one beside it, whatever operationName says', async () => {
    for (const operationName of ['Caseload', 'Sneaky', undefined]) {
      await expectNotExecuted(() => post({ query: `${CASELOAD.body}\nquery Sneaky { me { caseload(first: 100) { nodes { name address } } } }`, operationName }));
    }
    // A fragment beside it that the operation does not use, a second copy of the operation.
    await expectNotExecuted(() => post({ query: `${CASELOAD.body}\nfragment F on Person { name address }` }));
    await expectNotExecuted(() => post({ query: `${CASELOAD.body}\n${CASELOAD.body}` }));
  });

  it('runs the registered text when the hash is sent in upper case, refuses a hash with another text, and survives a very long or odd hash', async () => {
    const upper = await post(byHash(CASELOAD.id.toUpperCase(), { first: 1 }));
    expect(upper.body?.errors).toBeUndefined();
    expect(Object.keys(upper.body!.data!.me.caseload.nodes[0]).sort()).toEqual(CASELOAD_NODE_FIELDS);
    await expectNotExecuted(() => post({ query: AD_HOC, ...byHash(CASELOAD.id) }));
    await expectNotExecuted(() => post({ query: AD_HOC, ...byHash(CASELOAD.id.toUpperCase()) }));
    for (const hash of ['a'.repeat(200_000), `${CASELOAD.id}\u0000`, `${CASELOAD.id} `, 'ｃ'.repeat(64), '']) {
      const answer = await post({ ...byHash(hash) });
      expect(answer.status).toBeLessThan(500);
      expect(answer.body?.data ?? null).toBeNull();
      expect(['PERSISTED_QUERY_NOT_FOUND', 'OPERATION_NOT_REGISTERED']).toContain(codeOf(answer));
    }
    for (const persistedQuery of [{ version: '1', sha256Hash: CASELOAD.id }, { version: 1, sha256Hash: [CASELOAD.id] }, { version: 1 }, null, 'x']) {
      await expectNotExecuted(() => post({ query: AD_HOC, extensions: { persistedQuery } }));
    }
  });

  it('refuses ad hoc GETs: malformed extensions, duplicated parameters, the registered hash beside an ad hoc query', async () => {
    const get = (search: string) => send(`${graph.url}?${search}`, { headers: headersOf() });
    await expectNotExecuted(() => get(new URLSearchParams({ query: AD_HOC }).toString()));
    await expectNotExecuted(() => get(`query=${encodeURIComponent(AD_HOC)}&extensions=%7Bnot-json`));
    await expectNotExecuted(() => get(`extensions=%7Bnot-json&query=${encodeURIComponent(AD_HOC)}`));
    await expectNotExecuted(() => get(new URLSearchParams({ query: AD_HOC, extensions: JSON.stringify(byHash(CASELOAD.id).extensions) }).toString()));
    // Two `query` parameters: the registered one first, an ad hoc one second.
    const twice = await get(`query=${encodeURIComponent(CASELOAD.body)}&query=${encodeURIComponent(AD_HOC)}&variables=${encodeURIComponent('{"first":1}')}`);
    expect(twice.text).not.toMatch(/"address"/);
    if (twice.body?.data) expect(Object.keys(twice.body.data.me.caseload.nodes[0]).sort()).toEqual(CASELOAD_NODE_FIELDS);
  });

  it('refuses introspection and directive-widened texts (@include, @defer, @skip) as a coordinator', async () => {
    await expectNotExecuted(() => post({ query: '{ __schema { types { name } } }' }));
    await expectNotExecuted(() => post({ query: '{ __typename }' }));
    await expectNotExecuted(() => post({ query: CASELOAD.body.replace('personnummer\n', 'personnummer\n        name @include(if: true)\n        address @include(if: true)\n') }));
    await expectNotExecuted(() => post({ query: CASELOAD.body.replace('nodes {', 'nodes @skip(if: false) {') }));
    await expectNotExecuted(() => post({ query: CASELOAD.body.replace('personnummer\n', 'personnummer\n        ... @defer { name address }\n') }, { accept: 'multipart/mixed;deferSpec=20220824, application/json' }));
    // An alias of __typename over another field, and __typename where the canonical form has none.
    await expectNotExecuted(() => post({ query: CASELOAD.body.replace('personnummer\n', 'personnummer\n        __typename: name\n') }));
  });

  it('serves nothing ad hoc on other paths or methods', async () => {
    const base = graph.gatewayUrl;
    for (const suffix of ['/graphql/', '//graphql', '/GRAPHQL', '/graphql%2F', '/%67raphql', '/graphql;x', '/./graphql/..//graphql']) {
      const answer = await send(`${base}${suffix}`, { method: 'POST', headers: headersOf({ 'content-type': 'application/json' }), body: JSON.stringify({ query: AD_HOC }) });
      if (answer.status < 400) {
        // Served: only the registration's own decision would do.
        expect(answer.body?.data ?? null, `${suffix}: ${answer.text}`).toBeNull();
      }
      expect(answer.text).not.toMatch(/"caseload"/);
    }
    for (const method of ['HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await send(`${graph.url}?query=${encodeURIComponent(AD_HOC)}`, { method, headers: headersOf({ 'content-type': 'application/json' }), ...(method === 'HEAD' || method === 'OPTIONS' ? {} : { body: JSON.stringify({ query: AD_HOC }) }) });
      expect(answer.text).not.toMatch(/"caseload"/);
    }
  });

  it('a POST with the registered text in the body ignores an ad hoc query in the URL', async () => {
    const answer = await send(`${graph.url}?query=${encodeURIComponent(AD_HOC)}`, { method: 'POST', headers: headersOf({ 'content-type': 'application/json' }), body: JSON.stringify({ query: CASELOAD.body, variables: { first: 1 } }) });
    expect(answer.body?.errors).toBeUndefined();
    expect(Object.keys(answer.body!.data!.me.caseload.nodes[0]).sort()).toEqual(CASELOAD_NODE_FIELDS);
  });

  it('a JSON body with a duplicated query key or a __proto__ key runs nothing ad hoc', async () => {
    const dup = `{"query":${JSON.stringify(CASELOAD.body)},"query":${JSON.stringify(AD_HOC)}}`;
    await expectNotExecuted(() => post(dup));
    const proto = `{"__proto__":{"query":${JSON.stringify(AD_HOC)}},"extensions":${JSON.stringify(byHash(CASELOAD.id).extensions)},"variables":{"first":1}}`;
    const answer = await post(proto);
    expect(answer.text).not.toMatch(/"address"/);
    if (answer.body?.data) expect(Object.keys(answer.body.data.me.caseload.nodes[0]).sort()).toEqual(CASELOAD_NODE_FIELDS);
  });

  it('refuses a registered mutation over GET (no consent changed), and a registered text asked with a foreign operationName', async () => {
    const consentsBefore = await countConsents(graph);
    const search = new URLSearchParams({
      extensions: JSON.stringify(byHash(REVOKE_CONSENT.id).extensions),
      variables: JSON.stringify({ personnummer: FIXTURE_PERSONS.allConsent, agency: 'CARE' }),
    });
    const answer = await send(`${graph.url}?${search}`, { headers: headersOf() });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.body?.data ?? null).toBeNull();
    expect(await countConsents(graph)).toEqual(consentsBefore);
    const named = await post({ ...byHash(CASELOAD.id), operationName: 'PersonOverview' });
    expect(named.body?.data ?? null).toBeNull();
  });

  it('variables of the wrong shape get BAD_USER_INPUT, not data, and do not leak into logs', async () => {
    for (const variables of [{ id: { $ne: null } }, { personnummer: { eq: FIXTURE_PERSONS.allConsent } }, { id: [FIXTURE_PERSONS.allConsent] }, { personnummer: FIXTURE_PERSONS.allConsent, id: 'p_aaaaaaaaaaaaaaaaaaaaaa' }]) {
      const answer = await post(byHash(PERSON_OVERVIEW.id, variables));
      expect(answer.status).toBeLessThan(500);
      expect(answer.body?.data?.person ?? null).toBeNull();
      expect(['BAD_USER_INPUT', 'BAD_REQUEST']).toContain(codeOf(answer));
    }
    const first = await post(byHash(CASELOAD.id, { first: '100000' }));
    expect(first.body?.data ?? null).toBeNull();
    const huge = await post(byHash(CASELOAD.id, { first: 1e12 }));
    expect(huge.body?.data?.me?.caseload ?? null).toBeNull();
  });

  it('a unicode-decorated registered text runs the registered text and nothing more', async () => {
    for (const text of [`\uFEFF${CASELOAD.body}`, CASELOAD.body.replace(/\n/g, '\r\n'), CASELOAD.body.replace(/ {2}/g, '\t'), `# ${FIXTURE_PERSONS.allConsent}\n${CASELOAD.body}`]) {
      const answer = await post({ query: text, variables: { first: 1 } });
      if (answer.body?.data) expect(Object.keys(answer.body.data.me.caseload.nodes[0]).sort()).toEqual(CASELOAD_NODE_FIELDS);
      else expect(answer.status).toBeLessThan(500);
    }
  });

  it('an operationName carrying a personnummer, and bad ids or personnummer, are not echoed into logs', async () => {
    await post({ ...byHash(CASELOAD.id), operationName: FIXTURE_PERSONS.lacksCare });
    await post({ query: CASELOAD.body, operationName: `${FIXTURE_PERSONS.lacksCare}` });
    for (const variables of [{ id: FIXTURE_PERSONS.lacksEmployment }, { personnummer: `${FIXTURE_PERSONS.lacksEmployment.slice(0, 11)}0` }, { id: `p_${FIXTURE_PERSONS.lacksEmployment}` }]) {
      const answer = await post(byHash(PERSON_OVERVIEW.id, variables));
      expect(answer.body?.data?.person ?? null).toBeNull();
      for (const form of writtenForms(FIXTURE_PERSONS.lacksEmployment)) expect(answer.body?.errors?.[0]?.message ?? '').not.toContain(form);
    }
    const joined = lines.join('\n');
    for (const form of [...writtenForms(FIXTURE_PERSONS.lacksCare), ...writtenForms(FIXTURE_PERSONS.lacksEmployment)]) expect(joined).not.toContain(form);
  });

  it('a client\'s x-request-id that is a personnummer does not reach the logs', async () => {
    const person = FIXTURE_PERSONS.day180Approaching;
    for (const form of writtenForms(person)) {
      await send(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}`, 'x-request-id': form }, body: JSON.stringify({ query: AD_HOC }) });
      await send(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}`, 'x-request-id': form }, body: JSON.stringify(byHash(CASELOAD.id, { first: 1 })) });
    }
    const joined = lines.join('\n');
    for (const form of writtenForms(person)) expect(joined).not.toContain(form);
  });

  it('personnummer error messages never quote the number sent (serial 000, future date, bad day, wrong check digit, odd separators)', async () => {
    for (const personnummer of ['19850312-0008', '20990101-1234', '19850230-1234', '198503123824', '850312-3823X', '1985-03-12-3823']) {
      const answer = await post(byHash(PERSON_OVERVIEW.id, { personnummer }));
      expect(answer.body?.data?.person ?? null, personnummer).toBeNull();
      const message = answer.body?.errors?.map((e) => e.message).join(' ') ?? '';
      expect(message.replace(/\D/g, ''), `${personnummer}: ${message}`).not.toContain(personnummer.replace(/\D/g, '').slice(-10));
    }
  });

  it('no refusal or error wrote a query text, hash or personnummer into the logs', () => {
    const joined = lines.join('\n');
    for (const form of ALL_FIXTURE_FORMS) expect(joined).not.toContain(form);
    expect(joined).not.toContain('caseload(first: 100)');
    expect(joined).not.toContain(CASELOAD.id);
    expect(joined).not.toMatch(/query Caseload|__schema|\$ne/);
  });
});

async function countConsents(graph: TestGraph) {
  const db = graph.store('coordination') as any;
  const rows = await db.selectFrom('consent').select(['id', 'revoked_at']).execute();
  await db.destroy();
  return rows.map((r: { id: string; revoked_at: string | null }) => `${r.id}:${r.revoked_at}`).sort();
}

describe('attack: Person.id, caseload cursors and consent mutations', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  let one: string;
  let two: string;
  let mine: { id: string; personnummer: string }[];
  let theirs: { id: string; personnummer: string }[];
  const asHash = (token: string, op: { id: string }, variables: Record<string, unknown>) => send(graph.url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(byHash(op.id, variables)),
  });

  async function wholeCaseload(token: string) {
    const all: { id: string; personnummer: string }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const answer = await asHash(token, CASELOAD, { first: 100, after });
      const caseload = answer.body!.data!.me.caseload;
      all.push(...caseload.nodes);
      if (!caseload.pageInfo.hasNextPage) break;
      after = caseload.pageInfo.endCursor;
    }
    return all;
  }

  beforeAll(async () => {
    graph = await startGraph({ persons: 300, logLines: lines, registeredOperations: true });
    one = await graph.token('coordinator', 'coordinator-1');
    two = await graph.token('coordinator', 'coordinator-2');
    mine = await wholeCaseload(one);
    theirs = await wholeCaseload(two);
  });
  afterAll(() => graph?.close());

  const auditOf = async (store: SubgraphName | 'gateway', requestId: string) => {
    const db = graph.store(store);
    const rows = await db.selectFrom('audit_log').select(['personnummer', 'decision', 'reason', 'fields', 'actor']).where('request_id', '=', requestId).execute();
    await db.destroy();
    return rows;
  };
  const strip = (answer: Answer) => JSON.stringify({ status: answer.status, body: answer.body });

  it('the two caseloads are disjoint, and a Person.id is not the personnummer in any form', () => {
    expect(mine.length).toBeGreaterThan(10);
    expect(theirs.length).toBeGreaterThan(10);
    const mineSet = new Set(mine.map((p) => p.personnummer));
    expect(theirs.filter((p) => mineSet.has(p.personnummer))).toEqual([]);
    for (const p of [...mine, ...theirs]) {
      for (const form of writtenForms(p.personnummer as never)) {
        expect(p.id).not.toContain(form);
        expect(Buffer.from(p.id.slice(2), 'base64url').toString('latin1')).not.toContain(form.slice(2));
      }
    }
  });

  it('PersonOverview with another coordinator\'s person\'s id answers exactly as an unknown id, and the try is in that person\'s log', async () => {
    const target = theirs[0]!;
    const foreign = await asHash(one, PERSON_OVERVIEW, { id: target.id });
    const unknown = await asHash(one, PERSON_OVERVIEW, { id: 'p_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(foreign.body?.data?.person ?? null).toBeNull();
    expect(codeOf(foreign)).toBe('FORBIDDEN');
    expect(strip(foreign)).toBe(strip(unknown));
    expect(foreign.text).not.toContain(target.personnummer);
    const refused = await auditOf('coordination', foreign.requestId);
    expect(refused).toEqual([expect.objectContaining({ personnummer: target.personnummer, decision: 'REFUSED', actor: 'coordinator-1' })]);
  });

  it('PersonOverview with another coordinator\'s personnummer answers exactly as a personnummer nobody has', async () => {
    const db = graph.store('coordination') as any;
    expect(await db.selectFrom('person').select('id').where('personnummer', '=', nonexistentPersonnummer()).execute()).toEqual([]);
    await db.destroy();
    const foreign = await asHash(one, PERSON_OVERVIEW, { personnummer: theirs[0]!.personnummer });
    const nobody = await asHash(one, PERSON_OVERVIEW, { personnummer: nonexistentPersonnummer() });
    expect(codeOf(foreign)).toBe('FORBIDDEN');
    expect(strip(foreign)).toBe(strip(nobody));
  });

  /** The other coordinator's person whose personnummer falls inside my caseload's range, so a page would tell where. */
  const inMyRange = () => {
    const sorted = [...mine].sort((a, b) => a.personnummer.localeCompare(b.personnummer));
    return { sorted, target: theirs.find((p) => p.personnummer > sorted[0]!.personnummer && p.personnummer < sorted[sorted.length - 1]!.personnummer)! };
  };

  it('a caseload cursor that is another coordinator\'s person\'s id gives no page (it would place that person\'s personnummer among mine)', async () => {
    const { sorted, target } = inMyRange();
    expect(target).toBeDefined();
    const foreign = await asHash(one, CASELOAD, { first: 100, after: target.id });
    const unknown = await asHash(one, CASELOAD, { first: 100, after: 'p_AAAAAAAAAAAAAAAAAAAAAA' });
    // What a page leaks: my persons after the foreign person, i.e. the foreign personnummer's place among mine.
    const leakedAfter = foreign.body?.data?.me?.caseload?.nodes?.map((n: { personnummer: string }) => n.personnummer) ?? [];
    expect(leakedAfter, `a foreign id as cursor gave a page of ${leakedAfter.length} of my ${mine.length}: the target's personnummer lies between ${sorted.filter((p) => p.personnummer < target.personnummer).pop()?.personnummer} and ${leakedAfter[0]}`).toEqual([]);
    expect(codeOf(foreign)).toBe('BAD_USER_INPUT');
    expect(strip(foreign)).toBe(strip(unknown));
  });

  it('a caseload cursor that is another coordinator\'s person\'s id past the end of my caseload answers as an unknown id (no existence oracle for ids)', async () => {
    const { sorted } = inMyRange();
    // Anyone in the store outside my caseload whose personnummer sorts after my last one.
    const db = graph.store('coordination') as any;
    const past = await db.selectFrom('person').select(['id', 'personnummer']).where('personnummer', '>', sorted[sorted.length - 1]!.personnummer)
      .where('personnummer', 'not in', mine.map((p) => p.personnummer)).executeTakeFirst() as { id: string; personnummer: string } | undefined;
    await db.destroy();
    expect(past).toBeDefined();
    const end = await asHash(one, CASELOAD, { first: 100, after: past!.id });
    const unknown = await asHash(one, CASELOAD, { first: 100, after: 'p_AAAAAAAAAAAAAAAAAAAAAA' });
    expect(strip(end)).toBe(strip(unknown));
  });

  it('a foreign cursor is refused and logged against the probed person (who probed them)', async () => {
    const { target } = inMyRange();
    const foreign = await asHash(one, CASELOAD, { first: 5, after: target.id });
    const rows = await auditOf('coordination', foreign.requestId);
    // The probe is in the probed person's log extract: who tried to page from them.
    expect(rows.filter((r) => r.personnummer === target.personnummer)).toEqual([expect.objectContaining({ decision: 'REFUSED', reason: 'NOT_IN_CASELOAD', actor: 'coordinator-1' })]);
  });

  it('my own last person\'s id as cursor is still the end of the list, not a refusal', async () => {
    const { sorted } = inMyRange();
    const last = mine.find((p) => p.personnummer === sorted[sorted.length - 1]!.personnummer)!;
    const end = await asHash(one, CASELOAD, { first: 100, after: last.id });
    expect(end.body?.errors).toBeUndefined();
    expect(end.body!.data!.me.caseload.nodes).toEqual([]);
    expect(end.body!.data!.me.caseload.pageInfo.hasNextPage).toBe(false);
  });

  it('hardening: a GET that would put a personnummer in the URL (PersonOverview by hash with $personnummer) is refused', async () => {
    const search = new URLSearchParams({
      extensions: JSON.stringify(byHash(PERSON_OVERVIEW.id).extensions),
      variables: JSON.stringify({ personnummer: FIXTURE_PERSONS.allConsent }),
    });
    const answer = await send(`${graph.url}?${search}`, { headers: { authorization: `Bearer ${one}`, 'apollo-require-preflight': 'true' } });
    expect(answer.body?.data?.person ?? null, 'served: the personnummer sat in the request line, where proxies and access logs keep it').toBeNull();
    expect(answer.status).toBeGreaterThanOrEqual(400);
  });

  it('RecordConsent / RevokeConsent for another coordinator\'s person (by id or personnummer) change nothing and answer as for nobody', async () => {
    const before = await countConsents(graph);
    const today = todayIso();
    const input = (ref: Record<string, string>) => ({ input: { ...ref, agencies: ['CARE'], validFrom: today, validTo: today, formReference: 'attack-1' } });
    const target = theirs[1]!;
    const byId = await asHash(one, RECORD_CONSENT, input({ personId: target.id }));
    const byUnknownId = await asHash(one, RECORD_CONSENT, input({ personId: 'p_AAAAAAAAAAAAAAAAAAAAAA' }));
    const byNumber = await asHash(one, RECORD_CONSENT, input({ personnummer: target.personnummer }));
    const byNobody = await asHash(one, RECORD_CONSENT, input({ personnummer: nonexistentPersonnummer() }));
    for (const answer of [byId, byNumber]) {
      expect(codeOf(answer)).toBe('FORBIDDEN');
      expect(answer.body?.data ?? null).toBeNull();
    }
    expect(strip(byId)).toBe(strip(byUnknownId));
    expect(strip(byNumber)).toBe(strip(byNobody));
    const revokeById = await asHash(one, REVOKE_CONSENT, { personId: target.id, agency: 'CARE' });
    const revokeUnknown = await asHash(one, REVOKE_CONSENT, { personId: 'p_AAAAAAAAAAAAAAAAAAAAAA', agency: 'CARE' });
    const revokeByNumber = await asHash(one, REVOKE_CONSENT, { personnummer: target.personnummer, agency: 'CARE' });
    const revokeNobody = await asHash(one, REVOKE_CONSENT, { personnummer: nonexistentPersonnummer(), agency: 'CARE' });
    expect(strip(revokeById)).toBe(strip(revokeUnknown));
    expect(strip(revokeByNumber)).toBe(strip(revokeNobody));
    expect(codeOf(revokeById)).toBe('FORBIDDEN');
    expect(await countConsents(graph)).toEqual(before);
    // Invalid input is refused before the person is looked at: the same answer for someone else's and for nobody.
    const bad = (ref: Record<string, string>) => asHash(one, RECORD_CONSENT, { input: { ...ref, agencies: ['CARE'], validFrom: '1850-01-01', validTo: today, formReference: 'x' } });
    expect(strip(await bad({ personId: target.id }))).toBe(strip(await bad({ personId: 'p_AAAAAAAAAAAAAAAAAAAAAA' })));
  });

  it('the registered RecordConsent and RevokeConsent log the person they return, in coordination\'s audit log, for that request', async () => {
    const person = mine.find((p) => p.personnummer === FIXTURE_PERSONS.lacksCare)!;
    const today = todayIso();
    const recorded = await asHash(one, RECORD_CONSENT, { input: { personId: person.id, agencies: ['CARE'], validFrom: today, validTo: today, formReference: 'attack-record' } });
    expect(recorded.body?.errors).toBeUndefined();
    expect(recorded.body!.data!.recordConsent.person.id).toBe(person.id);
    const rows = await auditOf('coordination', recorded.requestId);
    expect(rows.filter((r) => r.personnummer === person.personnummer).map((r) => r.decision).sort()).toEqual(['RECORDED', 'RELEASED']);
    const revoked = await asHash(one, REVOKE_CONSENT, { personId: person.id, agency: 'CARE' });
    expect(revoked.body?.errors).toBeUndefined();
    expect(revoked.body!.data!.revokeConsent.consent.revokedAt).not.toBeNull();
    const revokeRows = await auditOf('coordination', revoked.requestId);
    expect(revokeRows.filter((r) => r.personnummer === person.personnummer).map((r) => r.decision).sort()).toEqual(['RELEASED', 'REVOKED']);
  });

  it('no personnummer in any cursor, id, error message or log line', async () => {
    const page = await asHash(one, CASELOAD, { first: 3 });
    const cursor = page.body!.data!.me.caseload.pageInfo.endCursor as string;
    for (const p of mine) for (const form of writtenForms(p.personnummer as never)) {
      expect(cursor).not.toContain(form);
      expect(Buffer.from(cursor, 'base64').toString('latin1')).not.toContain(form);
    }
    const joined = lines.join('\n');
    for (const p of [...mine, ...theirs]) {
      for (const form of writtenForms(p.personnummer as never)) expect(joined).not.toContain(form);
      expect(joined).not.toContain(p.id);
    }
  });
});

describe('attack: consent mutation payloads past the registration (ad hoc, as someone with the checks behind it)', () => {
  let graph: TestGraph;
  let one: string;
  const lines: string[] = [];

  beforeAll(async () => {
    graph = await startGraph({ persons: 300, logLines: lines });
    one = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  const PERSON_EVERYTHING = `person {
      id name address identityProtection birthDate
      consents { id agency }
      participations { registeredIn intervention { name } }
      signals { code }
      sicknessInsurance { cases { benefit status } }
      employment { __typename }
      socialServices { __typename }
      care { __typename }
    }`;

  async function mutate(query: string, variables: Record<string, unknown>) {
    return send(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${one}` }, body: JSON.stringify({ query, variables }) });
  }

  async function releasedIn(requestId: string, personnummer: string) {
    const out: Partial<Record<SubgraphName, string[][]>> = {};
    for (const name of SUBGRAPH_NAMES) {
      out[name] = [];
      // The social services' releases are in each municipality's own store.
      for (const store of graph.personStores(name)) {
        const db = graph.store(store);
        const rows = await db.selectFrom('audit_log').select(['decision', 'fields']).where('request_id', '=', requestId).where('personnummer', '=', personnummer).execute();
        await db.destroy();
        out[name].push(...rows.filter((r) => r.decision === 'RELEASED').map((r) => JSON.parse(r.fields) as string[]));
      }
    }
    return out;
  }

  const idOf = async (personnummer: string) => {
    const db = graph.store('coordination') as any;
    const row = await db.selectFrom('person').select(['id', 'given_name', 'family_name', 'address']).where('personnummer', '=', personnummer).executeTakeFirst();
    await db.destroy();
    return row as { id: string; given_name: string; family_name: string; address: string | null };
  };

  it('recordConsent: everything the payload shows of the person has a RELEASED record in the store that gave it', async () => {
    const personnummer = FIXTURE_PERSONS.allConsent;
    const { id } = await idOf(personnummer);
    const today = todayIso();
    const answer = await mutate(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { consents { id } ${PERSON_EVERYTHING} } }`,
      { input: { personId: id, agencies: ['EMPLOYMENT'], validFrom: today, validTo: today, formReference: 'attack-payload' } });
    expect(answer.body?.data?.recordConsent?.person?.name, answer.text).toBeTruthy();
    const released = await releasedIn(answer.requestId, personnummer);
    const coordinationFields = released.coordination!.flat();
    for (const field of ['name', 'address', 'birthDate', 'consents.agency', 'participations.registeredIn']) expect(coordinationFields).toContain(field);
    const person = answer.body!.data!.recordConsent.person;
    if (person.sicknessInsurance) expect(released['sickness-insurance']!.length).toBeGreaterThan(0);
    if (person.employment) expect(released.employment!.length).toBeGreaterThan(0);
    if (person.socialServices) expect(released['social-services']!.length).toBeGreaterThan(0);
    if (person.care) expect(released.care!.length).toBeGreaterThan(0);
  });

  it('revokeConsent: the same for the person it returns', async () => {
    const personnummer = FIXTURE_PERSONS.lacksSicknessInsurance;
    const { id } = await idOf(personnummer);
    const answer = await mutate(`mutation($id: ID) { revokeConsent(personId: $id, agency: CARE) { consent { id revokedAt } ${PERSON_EVERYTHING} } }`, { id });
    expect(answer.body?.data?.revokeConsent?.person?.name, answer.text).toBeTruthy();
    const released = await releasedIn(answer.requestId, personnummer);
    const coordinationFields = released.coordination!.flat();
    for (const field of ['name', 'address', 'consents.agency', 'participations.registeredIn']) expect(coordinationFields).toContain(field);
    // After the revocation, care releases nothing.
    expect(answer.body!.data!.revokeConsent.person.care).toBeNull();
    expect(released.care).toEqual([]);
  });

  it('a protected identity\'s name and address never come back in a mutation payload, and are logged as withheld', async () => {
    const personnummer = FIXTURE_PERSONS.protectedIdentity;
    const row = await idOf(personnummer);
    const today = todayIso();
    const aliasQuery = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { person { n: name a: address ...F ... on Person { address } } } }
      fragment F on Person { name }`;
    const answer = await mutate(aliasQuery, { input: { personId: row.id, agencies: ['CARE'], validFrom: today, validTo: today, formReference: 'attack-protected' } });
    expect(answer.text).not.toContain(row.given_name);
    expect(answer.text).not.toContain(row.family_name);
    if (row.address) expect(answer.text).not.toContain(row.address);
    const db = graph.store('coordination');
    const rows = await db.selectFrom('audit_log').select(['decision', 'fields', 'protected_identity']).where('request_id', '=', answer.requestId).where('personnummer', '=', personnummer).execute();
    await db.destroy();
    for (const r of rows.filter((x) => x.decision === 'RELEASED')) {
      expect(JSON.parse(r.fields)).not.toContain('name');
      expect(JSON.parse(r.fields)).not.toContain('address');
    }
  });

  it('two consent mutations in one request: the second one\'s person shows the consents after its own change, not a cached copy', async () => {
    const personnummer = FIXTURE_PERSONS.sickListedWithoutBenefit;
    const { id } = await idOf(personnummer);
    const today = todayIso();
    const answer = await mutate(`mutation($input: RecordConsentInput!, $id: ID) {
        a: recordConsent(input: $input) { person { consents { id agency revokedAt } } }
        b: revokeConsent(personId: $id, agency: CARE) { consent { id revokedAt } person { consents { id agency revokedAt } } }
      }`, { id, input: { personId: id, agencies: ['CARE'], validFrom: today, validTo: today, formReference: 'attack-two' } });
    expect(answer.body?.errors, answer.text).toBeUndefined();
    const revoked = answer.body!.data!.b.consent;
    const shown = answer.body!.data!.b.person.consents.find((c: { id: string }) => c.id === revoked.id);
    expect(shown?.revokedAt ?? null, 'the revoked consent shows as in force in the payload meant to update the client\'s cache').not.toBeNull();
  });

  it('a consent revoked by the second mutation of a request releases nothing under it (no release basis signed before the revocation is reused)', async () => {
    const personnummer = FIXTURE_PERSONS.allConsent;
    const { id } = await idOf(personnummer);
    const today = todayIso();
    // The first mutation records a form for another agency and reads the person's care; the second withdraws care.
    const answer = await mutate(`mutation($input: RecordConsentInput!, $id: ID) {
        a: recordConsent(input: $input) { person { care { __typename } } }
        b: revokeConsent(personId: $id, agency: CARE) { consent { revokedAt } person { care { __typename } } }
      }`, { id, input: { personId: id, agencies: ['SOCIAL_SERVICES'], validFrom: today, validTo: today, formReference: 'attack-basis' } });
    expect(answer.body?.data?.b?.consent?.revokedAt, answer.text).toBeTruthy();
    expect(answer.body!.data!.b.person.care, 'care answered for the person after the request withdrew the care consent').toBeNull();
  });

  it('a mutation whose payload selects nothing of the person but __typename still leaves no unlogged read, and consents selected twice under aliases are logged', async () => {
    const personnummer = FIXTURE_PERSONS.lacksEmployment;
    const { id } = await idOf(personnummer);
    const today = todayIso();
    const answer = await mutate(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { p: person { c: consents { f: formReference v: validTo } } q: person { participations { registeredIn } } } }`,
      { input: { personId: id, agencies: ['EMPLOYMENT'], validFrom: today, validTo: today, formReference: 'attack-alias' } });
    expect(answer.body?.errors, answer.text).toBeUndefined();
    const released = (await releasedIn(answer.requestId, personnummer)).coordination!.flat();
    expect(released).toContain('consents.formReference');
    expect(released).toContain('participations.registeredIn');
  });
});
