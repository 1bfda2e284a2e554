import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGENCIES, AGENCY_TABLE, isAgency } from '@finsam/kit/agencies';
import { defaultPurpose, type Role } from '@finsam/kit/caller';
import type { ConsentEvidence } from '@finsam/kit/consent';
import { controllersOf } from '@finsam/kit/controllers';
import { loadOrCreateGatewayKey, signGatewayToken } from '@finsam/kit/gateway-token';
import { listen } from '@finsam/kit/http';
import { loadOrCreateCoordinationKey, signPersonBases } from '@finsam/kit/release-basis';
import type { BuiltSubgraph, SubgraphOptions } from '@finsam/kit/subgraph';

/**
 * One subgraph on a loopback port with a fresh seeded database, called as the gateway would
 * call it. For the subgraph's own tests; cross-subgraph tests use test/support/graph.ts.
 */
export async function serveSubgraph<DB>(build: (options: SubgraphOptions) => Promise<BuiltSubgraph<DB>>, persons = 200) {
  const requestId = 'subgraph-test';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-subgraph-'));
  const built = await build({ dataDir, env: { SEED_PERSONS: String(persons), SEED: '1' } });
  const server = await listen(built.handler, 0, '127.0.0.1');
  // Signed as the gateway signs: the subgraph answers nothing else.
  const gatewayKey = await loadOrCreateGatewayKey(dataDir);
  // And release bases signed as coordination signs them: agencies release nothing else.
  const coordinationKey = await loadOrCreateCoordinationKey(dataDir);
  return {
    url: `${server.url}/graphql`,
    /** `_entities` representations of persons, each with a basis for this agency carrying the given consents (a consent for every agency by default). */
    async personRefs(numbers: string[], consents = FULL_CONSENT.consents, protectedIdentity = false) {
      const { agency } = built;
      if (!isAgency(agency)) throw new Error(`${built.name} is not an agency subgraph`);
      const bases = await signPersonBases(coordinationKey, agency, { actorId: 'coordinator-1', requestId },
        numbers.map((personnummer) => ({ personnummer, consents: consents.filter((c) => c.agency === agency), protectedIdentity })));
      return { r: numbers.map((personnummer, i) => ({ __typename: 'Person', personnummer, [AGENCY_TABLE[agency].releaseBasisField]: bases[i] })) };
    },
    async query(query: string, variables: Record<string, unknown> = {}, caller: { actorId?: string; role?: Role } = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          authorization: `Bearer ${await signGatewayToken(gatewayKey, { actorId: caller.actorId ?? 'coordinator-1', role: caller.role ?? 'coordinator', purpose: defaultPurpose(caller.role ?? 'coordinator') }, built.name)}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
    },
    /** Statements of a kind this subgraph has run so far (its db_statements_total). */
    statements: async (kind: 'data' | 'audit' = 'data') =>
      (await built.metrics.dbStatements.get()).values.filter((v) => v.labels.kind === kind).reduce((sum, v) => sum + v.value, 0),
    async close() {
      await server.close();
      await built.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `_entities` for Person with the given personnummer. */
export function personEntities(selection: string): string {
  return `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { personnummer ${selection} } } }`;
}

/**
 * What coordination vouches for with a person: here, a consent for all four agencies valid today,
 * naming each of the embedded förbund's controllers where the agency is many (controllers.ts).
 */
export const FULL_CONSENT = {
  consents: AGENCIES.flatMap((agency): ConsentEvidence[] => {
    const consent = { agency, validFrom: '2020-01-01', validTo: '2099-12-31', revokedAt: null };
    const controllers = controllersOf(agency, {});
    return controllers.length > 0 ? controllers.map((c) => ({ ...consent, controller: c.code })) : [consent];
  }),
  protectedIdentity: false,
};
