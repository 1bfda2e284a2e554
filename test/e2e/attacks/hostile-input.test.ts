import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '@finsam/kit/config';
import { addDays, todayIso } from '@finsam/kit/dates';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

interface HostileRequest {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Skip the user's token. */
  anonymous?: boolean;
  /** A well-formed request wrapped in something hostile: an ordinary answer is right. */
  answerable?: boolean;
}

const gql = (query: string, variables?: Record<string, unknown>, operationName?: string) => ({ query, variables, operationName });
const person = (personnummer: unknown) => gql('query($p: String!) { person(personnummer: $p) { personnummer } }', { p: personnummer });

/** Malformed and hostile requests: each must get a 4xx or a GraphQL error with a code, quickly, and change nothing. */
const CORPUS: HostileRequest[] = [
  { name: 'invalid JSON', body: '{"query": "{ me { id } }"' },
  { name: 'empty body', body: '' },
  { name: 'JSON that is not an object', body: '"just a string"' },
  { name: 'query that is not a string', body: { query: 42 } },
  { name: 'variables that are not an object', body: { query: '{ me { id } }', variables: 'x' } },
  { name: 'batched array', body: [gql('{ me { id } }'), gql('{ me { id } }')] },
  { name: 'text/plain (CSRF)', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(gql('{ me { id } }')) },
  { name: 'form content type', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B%20me%20%7B%20id%20%7D%20%7D' },
  { name: 'a 2 MB body', body: { query: `{ me { id } } #${'x'.repeat(2_000_000)}` } },
  { name: 'a 900 kB string argument', body: person('8'.repeat(900_000)) },
  { name: 'JSON nested 100,000 deep', body: `{"query":"{ me { id } }","variables":${'['.repeat(100_000)}${']'.repeat(100_000)}}` },
  { name: 'query 50 levels deep', body: { query: `query { ${'me { '.repeat(50)}id${' }'.repeat(50)} }` } },
  { name: 'introspection 50 levels deep', body: { query: `{ __schema { types { ${'fields { type { '.repeat(25)}name${' } }'.repeat(25)} } } }` } },
  { name: '1,000 aliases', body: { query: `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: me { id }`).join(' ')} }` } },
  { name: 'fragment bomb', body: { query: `query { me { ...F9 } } fragment F0 on Coordinator { id name } ${Array.from({ length: 9 }, (_, i) => `fragment F${i + 1} on Coordinator { ...F${i} ...F${i} caseload { totalCount } }`).join(' ')}` } },
  { name: 'fragment cycle', body: { query: 'query { me { ...A } } fragment A on Coordinator { ...B } fragment B on Coordinator { ...A }' } },
  { name: 'unknown operation name', body: gql('query A { me { id } }', {}, 'Nope') },
  { name: 'two operations, no name', body: gql('query A { me { id } } query B { me { name } }') },
  { name: 'unknown field', body: gql('{ me { salary } }') },
  { name: 'misspelled field (no suggestion)', body: gql('{ me { caseloads { totalCount } } }') },
  { name: 'wrongly typed variable', body: gql('query($f: Int) { me { caseload(first: $f) { totalCount } } }', { f: 'fifty' }) },
  { name: 'Int overflow', body: gql('query($f: Int) { me { caseload(first: $f) { totalCount } } }', { f: 1e12 }) },
  { name: 'negative page size', body: gql('{ me { caseload(first: -5) { totalCount } } }') },
  { name: 'missing required variable', body: gql('query($p: String!) { person(personnummer: $p) { personnummer } }', {}) },
  { name: 'null for a non-null variable', body: person(null) },
  { name: 'personnummer: empty', body: person('') },
  { name: 'personnummer: blank', body: person('   ') },
  { name: 'personnummer: one digit', body: person('1') },
  { name: 'personnummer: date only', body: person('19850312') },
  { name: 'personnummer: 11 digits', body: person('85031238234') },
  { name: 'personnummer: 13 digits', body: person('1985031238234') },
  { name: 'personnummer: underscore separator', body: person('850312_3823') },
  { name: 'personnummer: letter', body: person('850312-382X') },
  { name: 'personnummer: month 13', body: person('851312-3823') },
  { name: 'personnummer: day 32', body: person('850332-3823') },
  { name: 'personnummer: wrong check digit', body: person('850312-3824') },
  { name: 'personnummer: full-width digits', body: person('８５０３１２-３８２３') },
  { name: 'personnummer: number instead of string', body: person(8503123823) },
  { name: 'personnummer: SQL', body: person("850312-3823' OR '1'='1") },
  { name: 'personnummer: NUL byte', body: person('850312-3823\u0000') },
  { name: 'personnummer: control characters', body: person('\u0007\u001b[2J850312-3823') },
  { name: 'cursor: SQL', body: gql('{ me { caseload(first: 5, after: "\' OR 1=1 --") { totalCount } } }') },
  { name: 'consent: SQL and control characters in the form reference', body: gql('mutation($i: RecordConsentInput!) { recordConsent(input: $i) { consents { agency } } }', { i: { personnummer: FIXTURE_PERSONS.allConsent, agencies: ['CARE'], validFrom: todayIso(), validTo: addDays(todayIso(), 365), formReference: "x'); DROP TABLE consent;--\u0000" } }) },
  { name: 'consent: unknown agency', body: gql('mutation { revokeConsent(personnummer: "198503123823", agency: TAX_AGENCY) { consent { agency } } }') },
  { name: 'mutation over GET', method: 'GET', path: '/graphql?query=mutation%20%7B%20revokeConsent(personnummer%3A%22198503123823%22%2C%20agency%3A%20CARE)%20%7B%20consent%20%7B%20agency%20%7D%20%7D%20%7D' },
  { name: 'PUT', method: 'PUT', body: gql('{ me { id } }') },
  { name: 'unknown path', path: '/graphql/../admin', body: gql('{ me { id } }') },
  { name: 'introspection as a coordinator', body: gql('{ __schema { types { name } } }') },
  { name: '500 directives', body: { query: `{ me { id ${'@include(if: true) '.repeat(500)} } }` } },
  { name: 'a 20 kB header', headers: { 'x-padding': 'p'.repeat(20_000) }, body: gql('{ me { id } }') },
  { name: 'a 10 kB bearer token', headers: { authorization: `Bearer ${'a'.repeat(10_000)}` }, body: gql('{ me { id } }') },
  { name: 'alg none token', headers: { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"coordinator-1","role":"coordinator"}').toString('base64url')}.` }, body: gql('{ me { id } }') },
  { name: 'prototype pollution in the body', answerable: true, body: '{"query":"{ me { id } }","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' },
];

/** Raw HTTP so that nothing (fetch, a client) cleans up the request on the way. */
function send(url: string, token: string, request: HostileRequest): Promise<{ status: number; body: string }> {
  const target = new URL(request.path ?? '/graphql', url);
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(target, {
      method: request.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        ...(request.anonymous ? {} : { authorization: `Bearer ${token}` }),
        ...request.headers,
      },
      timeout: 10_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('hang: no answer in 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A digest of every table but the access log, per store. */
async function dataDigest(graph: TestGraph): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const store of SUBGRAPH_NAMES) {
    const db = graph.store(store) as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const hash = createHash('sha256');
    const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => name !== 'audit_log').sort();
    for (const name of tables) {
      const rows = (await db.selectFrom(name).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
      hash.update(name).update(rows.join('\n'));
    }
    await db.destroy();
    digests[store] = hash.digest('hex');
  }
  return digests;
}

describe('hostile input', () => {
  let graph: TestGraph;
  let token: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200 });
    token = await graph.token();
  });
  afterAll(() => graph?.close());

  it(`has at least 40 cases (${CORPUS.length})`, () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  });

  it('answers every case with a 4xx or a coded GraphQL error, without stack traces or suggestions, and changes no data', async () => {
    const before = await dataDigest(graph);
    for (const request of CORPUS) {
      const { status, body } = await send(graph.gatewayUrl, token, request);
      expect(status, request.name).toBeLessThan(500);
      expect(body, request.name).not.toMatch(/stacktrace|Did you mean|\bat [\w.]+ \(|node_modules/i);
      if (status === 200 && request.answerable) {
        expect(JSON.parse(body).data, request.name).toBeTruthy();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      } else if (status === 200) {
        const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
        expect(parsed.errors?.length, request.name).toBeGreaterThan(0);
        for (const error of parsed.errors ?? []) expect(error.extensions?.code, request.name).toMatch(/^[A-Z_]+$/);
        expect(parsed.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR'), request.name).toBe(false);
      }
    }
    expect((await fetch(`${graph.gatewayUrl}/ready`)).status).toBe(200);
    const sanity = await graph.query(token, '{ me { id } }');
    expect(sanity.body.data?.me?.id).toBe('coordinator-1');
    expect(await dataDigest(graph)).toEqual(before);
  });

  it('rejects the depth, alias and size attacks with the codes a client can act on', async () => {
    const codes = async (name: string) => {
      const { status, body } = await send(graph.gatewayUrl, token, CORPUS.find((c) => c.name === name)!);
      return { status, codes: body.startsWith('{') ? (JSON.parse(body).errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code) : [] };
    };
    const deep = await send(graph.gatewayUrl, token, CORPUS.find((c) => c.name === 'query 50 levels deep')!);
    expect(JSON.parse(deep.body).errors.some((e: { message: string; extensions: { code: string } }) => /depth/i.test(e.message) && e.extensions.code === 'GRAPHQL_VALIDATION_FAILED')).toBe(true);
    expect((await codes('1,000 aliases')).codes).toContain('GRAPHQL_VALIDATION_FAILED');
    expect((await codes('a 2 MB body')).status).toBe(413);
    expect((await codes('invalid JSON')).status).toBe(400);
    expect((await codes('introspection as a coordinator')).codes).toEqual(['FORBIDDEN']);
  });
});
