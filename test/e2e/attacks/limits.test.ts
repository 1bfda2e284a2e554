import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraph, type TestGraph } from '../../support/graph.ts';

describe('introspection and CORS at the gateway', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    // Introspection and CORS are the gateway's own: no sector needs to answer.
    graph = await startGraph({ persons: 100, subgraphs: ['coordination'], gatewayEnv: { CORS_ORIGINS: 'https://samordnare.example.se' } });
  });
  afterAll(() => graph?.close());

  it('answers introspection for analysts and refuses it to coordinators and auditors', async () => {
    // The full query GraphiQL sends to load the schema.
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true });
    const analyst = await graph.query(await graph.token('analyst', 'analyst-1'), query);
    expect(analyst.body.errors).toBeUndefined();
    const queryType = analyst.body.data!.__schema.types.find((t: { name: string }) => t.name === analyst.body.data!.__schema.queryType.name);
    const fields = queryType.fields.map((f: { name: string }) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['me', 'person', 'auditTrail']));
    // What the graph keeps to itself is not in the public schema.
    expect(JSON.stringify(analyst.body)).not.toMatch(/_entities|releaseBasis/);
    for (const role of ['coordinator', 'auditor'] as const) {
      const refused = await graph.query(await graph.token(role, `${role}-1`), query);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.body.data ?? null).toBeNull();
    }
  });

  it('allows the configured browser origin and no other', async () => {
    const preflight = await fetch(`${graph.gatewayUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://samordnare.example.se', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://samordnare.example.se');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await fetch(`${graph.gatewayUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
