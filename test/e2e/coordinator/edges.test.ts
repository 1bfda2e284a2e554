import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type SubgraphName } from '@finsam/kit/config';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';

const PERSON_OVERVIEW = fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/PersonOverview.graphql'), 'utf8');

/** Audit rows in a store with this request id, or all rows when none is given. */
async function auditRows(graph: TestGraph, store: SubgraphName | 'gateway' | (string & {}), requestId?: string): Promise<number> {
  const db = graph.store(store);
  try {
    let query = db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'));
    if (requestId !== undefined) query = query.where('request_id', '=', requestId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  } finally {
    await db.destroy();
  }
}

/** A sample of a counter in Prometheus text, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * A POST that declares `declaredBytes` of body but sends only `sentBytes` of it, then waits:
 * a server that reads the body before it answers never answers, one that checks the token
 * first answers at once. Resolves with the answer and once the server has closed the connection.
 */
function postWithoutFinishing(url: string, headers: Record<string, string>, declaredBytes: number, sentBytes: number, ca?: Buffer) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const target = new URL(url);
    // A subgraph serves HTTPS when the run is over TLS (FINSAM_TEST_TLS).
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, ca,
      headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes), ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const answer = { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') };
        // The server closes its side: the rest of the declared body is never read.
        if (request.socket?.destroyed) resolve(answer);
        else request.socket?.once('close', () => resolve(answer));
      });
    });
    // Nested JSON, as an attacker would send to make parsing expensive.
    request.write(Buffer.from(`{"query":"{ me { id } }","variables":${'['.repeat(sentBytes - 40)}`.slice(0, sentBytes)));
  });
}

describe('the request path\'s edges', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  let coordinator1: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, logLines: lines });
    coordinator1 = await graph.token('coordinator', 'coordinator-1');
  });
  afterAll(() => graph?.close());

  describe('the gateway owns the request id', () => {
    it('never stores, forwards or answers with a request id the client chose; it logs it beside as clientRequestId', async () => {
      const chosen = 'chosen-by-the-client-1';
      const response = await fetch(graph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator1}`, 'x-request-id': chosen },
        body: JSON.stringify({ query: PERSON_OVERVIEW, variables: { personnummer: FIXTURE_PERSONS.allConsent } }),
      });
      expect(response.status).toBe(200);
      const assigned = response.headers.get('x-request-id')!;
      expect(assigned).toBeTruthy();
      expect(assigned).not.toBe(chosen);
      // Care logs a person's reads where it decides them: in the region's store (care-14).
      for (const store of ['gateway', 'coordination', ...graph.personStores('care')]) {
        expect(await auditRows(graph, store, chosen), store).toBe(0);
        expect(await auditRows(graph, store, assigned), store).toBeGreaterThan(0);
      }
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.some((l) => l.requestId === chosen)).toBe(false);
      expect(logged).toContainEqual(expect.objectContaining({ service: 'gateway', requestId: assigned, clientRequestId: chosen }));
    });
  });

  describe('authentication before the body', () => {
    it('answers an anonymous 1 MB body with 401 before the client has sent it, and closes the connection', async () => {
      for (const url of [graph.url, graph.subgraphUrl('care')]) {
        const ca = graph.clientTls.TLS_CA_FILE ? fs.readFileSync(graph.clientTls.TLS_CA_FILE) : undefined;
        const answer = await postWithoutFinishing(url, {}, 1_000_000, 16_384, ca);
        expect(answer.status, url).toBe(401);
        expect(JSON.parse(answer.body).errors[0].extensions.code, url).toBe('UNAUTHENTICATED');
        expect(answer.headers.connection, url).toBe('close');
      }
      const forged = await postWithoutFinishing(graph.url, { authorization: 'Bearer not.a.token' }, 1_000_000, 16_384);
      expect(forged.status).toBe(401);
    }, 20_000);

    it('adds no audit row for anonymous requests, and counts them on /metrics by reason', async () => {
      const rowsBefore = await auditRows(graph, 'gateway');
      const before = await graph.metrics('gateway');
      const body = `{"query":"{ me { id } }","variables":{"v":${'[{"a":'.repeat(1000)}1${'}]'.repeat(1000)},"w":"${'x'.repeat(880_000)}"}}`;
      const send = (authorization?: string) => fetch(graph.url, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body,
      }).then((r) => r.status, () => 'connection closed by the server');
      const outcomes = [...await Promise.all(Array.from({ length: 10 }, () => send())), ...await Promise.all(Array.from({ length: 10 }, () => send('Bearer forged.token.value')))];
      for (const outcome of outcomes) expect([401, 'connection closed by the server']).toContain(outcome);
      expect(await auditRows(graph, 'gateway')).toBe(rowsBefore);
      const after = await graph.metrics('gateway');
      const counted = (reason: string) => sample(after, 'unauthenticated_requests_total', { reason }) - sample(before, 'unauthenticated_requests_total', { reason });
      expect(counted('missing_token')).toBe(10);
      expect(counted('rejected_token')).toBe(10);
      expect(lines.join('\n')).not.toContain('forged.token.value');
    }, 30_000);

    it('answers a flood of /ready from a short cache, not with five subgraph calls each', async () => {
      const readyCalls = async () => {
        const counts = await Promise.all(SUBGRAPH_NAMES.map(async (name) => sample(await graph.metrics(name), 'http_requests_total', { route: '/ready' })));
        return Math.max(...counts);
      };
      const before = await readyCalls();
      const started = Date.now();
      const statuses = await Promise.all(Array.from({ length: 100 }, () => fetch(`${graph.gatewayUrl}/ready`).then((r) => r.status)));
      for (let i = 0; i < 50; i++) statuses.push((await fetch(`${graph.gatewayUrl}/ready`)).status);
      const elapsed = Date.now() - started;
      expect(statuses.every((s) => s === 200)).toBe(true);
      // One check per 2 s at most, one in flight at a time: the bound follows from the time the 150 took, whatever it was.
      expect(await readyCalls() - before).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 2000));
    }, 30_000);

    it('keeps serving authenticated users their answers', async () => {
      const response = await graph.query(coordinator1, '{ me { id } }');
      expect(response.body.data?.me?.id).toBe('coordinator-1');
    });
  });

  describe('persisted queries', () => {
    it('does not tell user B whether user A sent a document: automatic persisted queries are off', async () => {
      const query = '{ me { id caseload(first: 3) { totalCount } } }';
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const extensions = { persistedQuery: { version: 1, sha256Hash } };
      const post = (token: string, body: Record<string, unknown>) => fetch(graph.url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() as { data?: unknown; errors?: { extensions?: { code?: string } }[] } }));
      await post(coordinator1, { query, extensions });
      const userB = await post(await graph.token('coordinator', 'coordinator-2'), { extensions });
      expect(userB.body.data ?? null).toBeNull();
      expect(userB.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
      expect(userB.status).toBeLessThan(500);
    });
  });

  describe('/metrics', () => {
    it('answers only with METRICS_TOKEN, on the gateway and on every subgraph', async () => {
      const bases = [graph.gatewayUrl, ...SUBGRAPH_NAMES.map((name) => graph.subgraphUrl(name).replace('/graphql', ''))];
      for (const base of bases) {
        for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: graph.metricsToken }] as Record<string, string>[]) {
          const refused = await fetch(`${base}/metrics`, { headers });
          expect(refused.status, base).toBe(401);
          const text = await refused.text();
          expect(text, base).not.toContain('process_cpu');
          expect(JSON.parse(text).errors[0].message, base).toMatch(/METRICS_TOKEN/);
        }
        const answered = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${graph.metricsToken}` } });
        expect(answered.status, base).toBe(200);
        expect(await answered.text(), base).toContain('http_requests_total');
      }
    });
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 50, env: { METRICS_TOKEN: '' } });
  });
  afterAll(() => graph?.close());

  it('is refused, with a message saying how to turn it on', async () => {
    for (const base of [graph.gatewayUrl, graph.subgraphUrl('care').replace('/graphql', '')]) {
      const response = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer ' } });
      expect(response.status, base).toBe(403);
      const body = await response.json() as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.message, base).toMatch(/METRICS_TOKEN/);
      expect(body.errors[0]!.extensions.code, base).toBe('FORBIDDEN');
    }
  });
});
