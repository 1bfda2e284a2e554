import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '@finsam/gateway';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { listen } from '@finsam/kit/http';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { proxy } from '../../support/slow-proxy.ts';

const root = path.join(import.meta.dirname, '../../..');
const PERSON_OVERVIEW = fs.readFileSync(path.join(root, 'schema/operations/PersonOverview.graphql'), 'utf8');
const FOLLOW_UP = 'query($groupBy: FollowUpDimension) { interventionFollowUp(from: "2025-01-01", to: "2025-12-31", groupBy: $groupBy) { total { started { value } } } }';

/** A proxy in front of coordination that holds the first `hold` requests until `open()`; the rest pass straight through. */
async function gatedProxy(targetUrl: string, hold: number) {
  let opened!: () => void;
  const gate = new Promise<void>((resolve) => { opened = resolve; });
  let held = 0;
  let heldAll!: () => void;
  const allHeld = new Promise<void>((resolve) => { heldAll = resolve; });
  const server = await proxy(targetUrl, async () => {
    if (held < hold) {
      held += 1;
      if (held === hold) heldAll();
      await gate;
    }
  });
  return { url: `${server.url}/graphql`, allHeld, open: () => opened(), close: () => server.close(), received: () => held };
}

describe('per-analyst rate limit at the gateway', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, knownAnalysts: ['analyst-a', 'analyst-b'] });
  });
  afterAll(() => graph?.close());

  /** A gateway of its own with these limits, whose calls to coordination pass the gated proxy; `post` asks it as a client. */
  async function gatewayBehind(proxy: { url: string }, limits: NodeJS.ProcessEnv) {
    const env: NodeJS.ProcessEnv = { ...graph.clientTls, ...limits };
    for (const name of SUBGRAPH_NAMES) env[`${envPrefix(name)}_URL`] = name === 'coordination' ? proxy.url : graph.subgraphUrl(name);
    const gateway = await buildGateway({ env, dataDir: graph.dataDir });
    const server = await listen(gateway.handler, 0, '127.0.0.1');
    const post = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
    };
    return { post, async close() { await server.close(); await gateway.stop(); } };
  }

  it('answers a third request in flight and a bucket overflow with 429 RATE_LIMITED, while another analyst and a coordinator are served', async () => {
    const proxy = await gatedProxy(graph.subgraphUrl('coordination'), 2);
    const { post, close } = await gatewayBehind(proxy, { ANALYST_REQUESTS_PER_MINUTE: '4', ANALYST_CONCURRENT_REQUESTS: '2', ANALYST_CONCURRENT_REQUESTS_TOTAL: '3', ANALYST_MS_PER_SECOND_TOTAL: '1000000' });
    const analyst = await graph.token('analyst', 'analyst-a');
    const coordinator = await graph.token('coordinator', 'coordinator-1');
    const overviewIsWhole = async () => {
      const overview = await post(coordinator, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
      expect(overview.status).toBe(200);
      expect(overview.body.errors).toBeUndefined();
      for (const sector of ['sicknessInsurance', 'employment', 'socialServices', 'care']) expect(overview.body.data.person[sector], sector).not.toBeNull();
    };
    try {
      // Two of analyst-a's requests held at coordination.
      const first = post(analyst, FOLLOW_UP, {});
      const second = post(analyst, FOLLOW_UP, {});
      await proxy.allHeld;

      const third = await post(analyst, FOLLOW_UP, {});
      expect(third.status).toBe(429);
      expect(third.retryAfter).toBe('1');
      expect(third.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED' });
      expect(third.body.errors?.[0]?.message).toMatch(/At most 2 requests of one analyst/);
      expect(proxy.received()).toBe(2);

      // Meanwhile another analyst and a coordinator are served.
      const other = await post(await graph.token('analyst', 'analyst-b'), FOLLOW_UP, {});
      expect(other.status).toBe(200);
      expect(other.body.errors).toBeUndefined();
      await overviewIsWhole();

      proxy.open();
      for (const held of await Promise.all([first, second])) {
        expect(held.status).toBe(200);
        expect(held.body.errors).toBeUndefined();
      }

      // The bucket holds 4: two spent above (the refused one spent none), two more, then 429.
      for (let i = 0; i < 2; i++) expect((await post(analyst, FOLLOW_UP, {})).status).toBe(200);
      const overflow = await post(analyst, FOLLOW_UP, {});
      expect(overflow.status).toBe(429);
      expect(overflow.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(overflow.body.errors?.[0]?.message).toMatch(/At most 4 requests per minute per analyst/);
      expect(Number(overflow.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(overflow.retryAfter)).toBeLessThanOrEqual(15);
      // Coordinators are never rate limited by it.
      for (let i = 0; i < 6; i++) await overviewIsWhole();
    } finally {
      await close();
      await proxy.close();
    }
  });

  it('refuses every analyst once analysts\' answers have taken their share of the clock, and never a coordinator', async () => {
    const proxy = await gatedProxy(graph.subgraphUrl('coordination'), 1);
    // A share of 1 ms a second: one answer held 300 ms spends the next five minutes' share.
    const { post, close } = await gatewayBehind(proxy, { ANALYST_MS_PER_SECOND_TOTAL: '1' });
    try {
      const held = post(await graph.token('analyst', 'analyst-a'), FOLLOW_UP, {});
      await proxy.allHeld;
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.open();
      const answered = await held;
      expect(answered.status).toBe(200);
      expect(answered.body.errors).toBeUndefined();

      const refused = await post(await graph.token('analyst', 'analyst-b'), FOLLOW_UP, {});
      expect(refused.status).toBe(429);
      expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED' });
      expect(refused.body.errors?.[0]?.message).toMatch(/at most 1 ms of each second/);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(250);
      expect(proxy.received()).toBe(1);
      const overview = await post(await graph.token('coordinator', 'coordinator-1'), PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
      expect(overview.status).toBe(200);
      expect(overview.body.errors).toBeUndefined();
    } finally {
      await close();
      await proxy.close();
    }
  });
});
