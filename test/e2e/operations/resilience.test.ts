import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '@finsam/gateway';
import { envPrefix } from '@finsam/kit/config';
import { listen } from '@finsam/kit/http';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type TestGraph } from '../../support/graph.ts';
import { proxy } from '../../support/slow-proxy.ts';

const PERSON_OVERVIEW = fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/PersonOverview.graphql'), 'utf8');

describe('partial results when a subgraph is down', () => {
  let graph: TestGraph;
  let token: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200 });
    token = await graph.token();
  });
  afterAll(() => graph?.close());

  it('answers with the other sectors and an error naming the missing one, and is whole again when it returns', async () => {
    await graph.stopSubgraph('care');
    const started = Date.now();
    const partial = await graph.query(token, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
    // A refused connection is answered at once, not after the gateway's 20 s subgraph timeout; half
    // of it is the bound, so that a busy machine does not fail what a hang would.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(partial.status).toBe(200);
    const person = partial.body.data!.person;
    expect(person.care).toBeNull();
    // Computed from the three that answered; the rules that need care were not evaluated, and the person says so.
    expect(person.signals).toEqual([]);
    expect(person.unseenAgencies).toEqual([{ agency: 'CARE', reason: 'UNAVAILABLE', signalsNotEvaluated: ['SICK_IN_PROGRAMME_NO_CERTIFICATE', 'CONFLICTING_ASSESSMENTS'] }]);
    expect(person.sicknessInsurance).not.toBeNull();
    expect(person.employment).not.toBeNull();
    expect(person.socialServices).not.toBeNull();
    expect(partial.body.errors?.some((e) => e.extensions?.serviceName === 'care' && e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
    // At the path of the field care owns, and at signals, which were computed without it (docs/errors.md).
    expect(partial.body.errors?.map((e) => e.path)).toEqual(expect.arrayContaining([['person', 'care'], ['person', 'signals']]));
    expect(JSON.stringify(partial.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/i);
    expect((await fetch(`${graph.gatewayUrl}/ready`)).status).toBe(503);

    await graph.restartSubgraph('care');
    const whole = await graph.query(token, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
    expect(whole.body.errors).toBeUndefined();
    expect(whole.body.data!.person.care).not.toBeNull();
    // /ready answers from a cache of a few seconds (gateway.ts, READY_CACHE_MS): it turns ready once that has passed.
    await expect.poll(async () => (await fetch(`${graph.gatewayUrl}/ready`)).status, { timeout: 15_000, interval: 250 }).toBe(200);
  });

  it('counts the failures on the gateway\'s /metrics', async () => {
    const metrics = await graph.metrics('gateway');
    expect(metrics).toMatch(/subgraph_failures_total\{subgraph="care",code="SUBGRAPH_UNAVAILABLE"[^}]*\} [1-9]/);
  });
});

describe('partial results when a subgraph is slower than its timeout', () => {
  let graph: TestGraph;
  afterAll(() => graph?.close());

  it('gives up on the slow one after its timeout and answers the rest', async () => {
    graph = await startGraph({ persons: 200 });
    // The real employment subgraph behind a proxy that holds every request until the test ends; its
    // timeout is 500 ms. That an answer comes at all shows the gateway gave up on it, whatever the machine's speed.
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    const slow = await proxy(graph.subgraphUrl('employment'), () => held);
    const env: NodeJS.ProcessEnv = { ...graph.clientTls, EMPLOYMENT_TIMEOUT_MS: '500', EMPLOYMENT_URL: `${slow.url}/graphql` };
    for (const name of ['coordination', 'sickness-insurance', 'social-services', 'care'] as const) env[`${envPrefix(name)}_URL`] = graph.subgraphUrl(name);
    const gateway = await buildGateway({ env, dataDir: graph.dataDir });
    const server = await listen(gateway.handler, 0, '127.0.0.1');
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await graph.token()}` },
        body: JSON.stringify({ query: PERSON_OVERVIEW, variables: { personnummer: FIXTURE_PERSONS.allConsent } }),
      });
      const body = await response.json();
      expect(body.data.person.employment).toBeNull();
      expect(body.data.person.care).not.toBeNull();
      expect(body.errors.some((e: { extensions: Record<string, string> }) => e.extensions.serviceName === 'employment' && e.extensions.code === 'SUBGRAPH_TIMEOUT')).toBe(true);
      expect(body.errors.filter((e: { extensions: Record<string, string> }) => e.extensions.code === 'SUBGRAPH_TIMEOUT').map((e: { path?: unknown }) => e.path))
        .toEqual(expect.arrayContaining([['person', 'employment']]));
    } finally {
      release();
      await server.close();
      await gateway.stop();
      await slow.close();
    }
  });
});
