import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '@finsam/gateway';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { gatewayKeySetFile } from '@finsam/kit/gateway-token';
import { listen } from '@finsam/kit/http';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { startGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.ts';
import { testCertificates } from '@finsam/devkit/testing/tls-certificates';

const PERSON_OVERVIEW = fs.readFileSync(path.join(import.meta.dirname, '../../../schema/operations/PersonOverview.graphql'), 'utf8');
const SECTORS = ['sicknessInsurance', 'employment', 'socialServices', 'care'] as const;

/**
 * The gateway and the subgraphs over TLS with certificates this test makes: the subgraphs serve
 * HTTPS, the gateway trusts only the graph's CA (TLS_CA_FILE) for its calls, and the subgraphs
 * fetch the gateway's key set over HTTPS with the same CA.
 */
describe('TLS between the gateway and the subgraphs', () => {
  const lines: string[] = [];
  let graph: TestGraph;
  let token: string;
  beforeAll(async () => {
    graph = await startGraph({ persons: 200, tls: true, logLines: lines });
    token = await graph.token();
  });
  afterAll(() => graph?.close());

  const overview = () => graph.query(token, PERSON_OVERVIEW, { personnummer: FIXTURE_PERSONS.allConsent });
  const expectWhole = (response: GraphQLResponse) => {
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    for (const sector of SECTORS) expect(response.body.data!.person[sector], sector).not.toBeNull();
  };
  const gatewayLogs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.service === 'gateway');

  it('answers a PersonOverview whole, every subgraph on HTTPS, the gateway\'s key fetched over HTTPS', async () => {
    for (const name of SUBGRAPH_NAMES) expect(graph.subgraphUrl(name)).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    // Without the key set file beside them the subgraphs can verify the gateway's tokens only
    // with the key set they fetch from the gateway over HTTPS.
    fs.rmSync(gatewayKeySetFile(graph.dataDir));
    expectWhole(await overview());
  });

  it('refuses a subgraph whose certificate another CA signed: its part is null with SUBGRAPH_UNAVAILABLE, the log says why', async () => {
    const stranger = testCertificates().stranger;
    await graph.stopSubgraph('care');
    await graph.restartSubgraph('care', { TLS_CERT_FILE: stranger.certFile, TLS_KEY_FILE: stranger.keyFile });
    try {
      const logged = gatewayLogs().length;
      const response = await overview();
      expect(response.status).toBe(200);
      expect(response.body.data!.person.care).toBeNull();
      expect(response.body.data!.person.sicknessInsurance).not.toBeNull();
      const errors = response.body.errors ?? [];
      expect(errors.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions?.serviceName === 'care')).toBe(true);
      // A signal code that names a medical certificate (in unseenAgencies' signals not evaluated) is not a TLS detail.
      const text = JSON.stringify(response.body).replaceAll('SICK_IN_PROGRAMME_NO_CERTIFICATE', '');
      // The reason stays in the gateway's log: no stack, no certificate detail for the client.
      expect(text).not.toMatch(/stacktrace|\bat [^"]*\.[jt]s:\d+|certificate|UNABLE_TO_VERIFY/i);
      const reasons = gatewayLogs().slice(logged).filter((l) => l.subgraph === 'care' && l.code === 'SUBGRAPH_UNAVAILABLE');
      expect(reasons.length).toBeGreaterThan(0);
      expect(String(reasons[0]!.reason)).toMatch(/certificate/i);
    } finally {
      await graph.stopSubgraph('care');
      await graph.restartSubgraph('care');
    }
    expectWhole(await overview());
  });

  it('refuses plain HTTP to a TLS subgraph, from a client and from a gateway pointed at http://', async () => {
    const plain = graph.subgraphUrl('care').replace(/^https:/, 'http:');
    await expect(fetch(plain, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).rejects.toThrow();

    const env: NodeJS.ProcessEnv = { ...graph.clientTls };
    for (const name of SUBGRAPH_NAMES) env[`${envPrefix(name)}_URL`] = name === 'care' ? plain : graph.subgraphUrl(name);
    const misconfigured = await buildGateway({ env, dataDir: graph.dataDir });
    const server = await listen(misconfigured.handler, 0, '127.0.0.1', {});
    try {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: PERSON_OVERVIEW, variables: { personnummer: FIXTURE_PERSONS.allConsent } }),
      });
      const body = await response.json() as GraphQLResponse['body'];
      expect(body.data!.person.care).toBeNull();
      expect(body.data!.person.employment).not.toBeNull();
      expect(body.errors?.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions?.serviceName === 'care')).toBe(true);
    } finally {
      await server.close();
      await misconfigured.stop();
    }
  });
});
