import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@finsam/kit/caller';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * A body that is not a GraphQL request is refused the same way whoever sends it: 400 BAD_REQUEST
 * with the same body, before any role's own step (a coordinator's registered operations, an
 * analyst's ad hoc query) looks at it. Each case carries the registered Caseload text, so that a
 * step that repaired the body (dropped what it could not read) would serve it. docs/edges.md.
 */
const MANIFEST = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/manifest.json'), 'utf8')) as { operations: { id: string; name: string; body: string }[] };
const CASELOAD = MANIFEST.operations.find((o) => o.name === 'Caseload')!;
const ROLES: Role[] = ['coordinator', 'analyst', 'auditor'];

interface Malformed {
  name: string;
  /** A POST body: a string is sent as is, anything else as JSON. */
  body?: unknown;
  contentType?: string;
  /** A GET's search parameters instead. */
  search?: Record<string, string | string[]>;
}

const caseload = (rest: Record<string, unknown>) => ({ query: CASELOAD.body, variables: { first: 5 }, ...rest });
const persisted = (persistedQuery: unknown) => ({ variables: { first: 5 }, extensions: { persistedQuery } });

const CASES: Malformed[] = [
  { name: 'extensions a string', body: caseload({ extensions: 'x' }) },
  { name: 'extensions a number', body: caseload({ extensions: 42 }) },
  { name: 'extensions a list', body: caseload({ extensions: [] }) },
  { name: 'extensions true', body: caseload({ extensions: true }) },
  { name: 'variables a string', body: caseload({ variables: '{"first":5}' }) },
  { name: 'variables a number', body: caseload({ variables: 5 }) },
  { name: 'variables a list', body: caseload({ variables: [5] }) },
  { name: 'operationName a number', body: caseload({ operationName: 42 }) },
  { name: 'operationName an object', body: caseload({ operationName: { name: 'Caseload' } }) },
  { name: 'operationName a list', body: caseload({ operationName: ['Caseload'] }) },
  { name: 'query a number', body: caseload({ query: 42 }) },
  { name: 'query an object', body: caseload({ query: { kind: 'Document' } }) },
  { name: 'query a list', body: caseload({ query: [CASELOAD.body] }) },
  { name: 'query empty, nothing else naming an operation', body: caseload({ query: '' }) },
  { name: 'no query and no persisted query', body: { variables: { first: 5 } } },
  { name: 'persistedQuery a string', body: persisted(CASELOAD.id) },
  { name: 'persistedQuery a list', body: persisted([1, CASELOAD.id]) },
  { name: 'persistedQuery of another version', body: persisted({ version: 2, sha256Hash: CASELOAD.id }) },
  { name: 'persistedQuery hash a number', body: persisted({ version: 1, sha256Hash: 42 }) },
  { name: 'persistedQuery a string beside the text', body: caseload({ extensions: { persistedQuery: 'x' } }) },
  { name: 'an empty object', body: {} },
  { name: 'a JSON string', body: '"query Caseload { me { id } }"' },
  { name: 'a JSON number', body: '42' },
  { name: 'JSON null', body: 'null' },
  { name: 'an empty list', body: [] },
  { name: 'a batch', body: [caseload({}), caseload({})] },
  { name: 'invalid JSON', body: `{"query": ${JSON.stringify(CASELOAD.body)}` },
  { name: 'text/plain', body: JSON.stringify(caseload({})), contentType: 'text/plain' },
  { name: 'GET: extensions not JSON', search: { query: CASELOAD.body, extensions: 'x' } },
  { name: 'GET: extensions a JSON string', search: { query: CASELOAD.body, extensions: '"x"' } },
  { name: 'GET: variables not JSON', search: { query: CASELOAD.body, variables: '{first:5}' } },
  { name: 'GET: variables a JSON list', search: { query: CASELOAD.body, variables: '[5]' } },
  { name: 'GET: query twice', search: { query: [CASELOAD.body, CASELOAD.body] } },
  { name: 'GET: persistedQuery a string', search: { extensions: JSON.stringify({ persistedQuery: CASELOAD.id }) } },
];

describe('a malformed body gets the same 400 whoever sends it', () => {
  let graph: TestGraph;
  const tokens: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    // Many requests from one analyst in a few seconds: the rate limit (tested on its own) is not what is tested here.
    graph = await startGraph({ persons: 40, registeredOperations: true, subgraphs: ['coordination'], statisticsRelease: false, gatewayEnv: { ANALYST_REQUESTS_PER_MINUTE: '100000' } });
    tokens.coordinator = await graph.token('coordinator', 'coordinator-1');
    tokens.analyst = await graph.token('analyst', 'analyst-1');
    tokens.auditor = await graph.token('auditor', 'auditor-1');
  });
  afterAll(() => graph?.close());

  async function send(role: Role, c: Malformed): Promise<{ status: number; body: string }> {
    const headers = { authorization: `Bearer ${tokens[role]}`, 'apollo-require-preflight': 'true' };
    if (c.search) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(c.search)) for (const one of [value].flat()) search.append(name, one);
      const response = await fetch(`${graph.url}?${search}`, { headers });
      return { status: response.status, body: await response.text() };
    }
    const response = await fetch(graph.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': c.contentType ?? 'application/json' },
      body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
    });
    return { status: response.status, body: await response.text() };
  }

  it('is served when well-formed, so that each case below is refused for its shape alone', async () => {
    for (const role of ROLES) {
      const answer = await send(role, { name: 'well-formed', body: caseload({}) });
      expect(answer.body, role).not.toMatch(/BAD_REQUEST/);
    }
    const coordinator = JSON.parse((await send('coordinator', { name: 'well-formed', body: caseload({}) })).body);
    expect(coordinator.data.me.caseload.nodes.length).toBeGreaterThan(0);
  });

  it('answers every malformed shape 400 BAD_REQUEST, with one body for the coordinator, the analyst and the auditor', async () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const answers = await Promise.all(ROLES.map((role) => send(role, c)));
      const summary = ROLES.map((role, i) => `${role} ${answers[i]!.status} ${answers[i]!.body.slice(0, 160)}`).join(' | ');
      const statuses = answers.map((a) => a.status);
      if (statuses.some((s) => s !== 400)) failures.push(`${c.name}: ${summary}`);
      else if (new Set(answers.map((a) => a.body)).size !== 1) failures.push(`${c.name}: bodies differ: ${summary}`);
      else {
        const body = JSON.parse(answers[0]!.body) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
        if (body.data !== undefined || body.errors?.length !== 1 || body.errors[0]!.extensions?.code !== 'BAD_REQUEST') failures.push(`${c.name}: not one BAD_REQUEST: ${answers[0]!.body}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
