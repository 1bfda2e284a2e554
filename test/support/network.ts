import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { buildGateway } from '@finsam/gateway';
import { verifyAuditChains } from '@finsam/gateway/audit-verify';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import type { AuditDb } from '@finsam/kit/audit';
import type { Role } from '@finsam/kit/caller';
import { capturedOutput } from '@finsam/kit/command-output';
import { controllerStoresOf } from '@finsam/kit/controllers';
import { openExisting, storeDatabaseUrlVariable } from '@finsam/kit/database';
import { listen, sendJson, type RunningServer } from '@finsam/kit/http';
import { networkPlan, prepareNetwork, writeTrustedList, type NetworkPlan, type PartName } from '../../scripts/network-plan.ts';
import { BUILDERS, testPostgresDatabase, type GraphQLResponse } from './graph.ts';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;

/**
 * The two-förbund network of `npm run start:network` (scripts/network-plan.ts), built in this
 * process: every part with the environment the script gives it, on its own loopback port, over
 * real HTTP; on PostgreSQL in the PostgreSQL run, each store in a database of its own.
 */
export async function startNetwork(options: { persons?: number } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-network-'));
  // Every port taken first, each server answering 503 until its part is built: the plan needs them all.
  const handlers = new Map<string, Handler>();
  const key = (owner: string, name: PartName) => `${owner}/${name}`;
  const servers = new Map<string, RunningServer>();
  const ownersAndNames: [string, PartName][] = networkPlan(root, () => 0).parts.map((p) => [p.owner, p.name]);
  for (const [owner, name] of ownersAndNames) {
    const server = await listen(async (request, response) => {
      const handler = handlers.get(key(owner, name));
      return handler ? handler(request, response) : sendJson(response, 503, { status: 'not ready' });
    }, 0, '127.0.0.1');
    servers.set(key(owner, name), server);
  }
  const plan = networkPlan(root, (owner, name) => Number(new URL(servers.get(key(owner, name))!.url).port));
  await prepareNetwork(plan);

  const common: NodeJS.ProcessEnv = {
    SEED_PERSONS: String(options.persons ?? 200), SEED: '1', LOG_LEVEL: 'silent',
    // As startGraph: checkpoints when a test asks; a busy shared core is not a slow agency; analysts' clock share off.
    AUDIT_CHECKPOINT_INTERVAL_MS: '0', SUBGRAPH_TIMEOUT_MS: '20000', ANALYST_MS_PER_SECOND_TOTAL: '1000000',
  };
  const databases: { drop(): Promise<void> }[] = [];
  /** Each store of a part in its own database (PostgreSQL run): the part's own and, behind the social services, each municipality's. */
  const postgresEnv = async (owner: string, name: PartName, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> => {
    const stores = [name, ...(name === 'gateway' ? [] : controllerStoresOf(name, env))];
    const out: NodeJS.ProcessEnv = {};
    for (const store of stores) {
      const database = await testPostgresDatabase(`${owner}_${store}`.slice(0, 40));
      if (!database) return {};
      databases.push(database);
      out[storeDatabaseUrlVariable(store)] = database.url;
    }
    return out;
  };

  const stops: (() => Promise<void>)[] = [];
  const envOf = new Map<string, NodeJS.ProcessEnv>();
  // The national agencies first: each förbund's parts call them.
  for (const part of plan.parts) {
    const env: NodeJS.ProcessEnv = { ...common, ...part.env };
    Object.assign(env, await postgresEnv(part.owner, part.name, env));
    envOf.set(key(part.owner, part.name), env);
    if (part.name === 'gateway') {
      const gateway = await buildGateway({ env, dataDir: env.DATA_DIR!, coordinatorAdHocQueries: true });
      handlers.set(key(part.owner, part.name), gateway.handler);
      stops.push(() => gateway.stop());
      await gateway.checkpointAuditChains();
    } else {
      const built = await BUILDERS[part.name]({ dataDir: env.DATA_DIR!, env });
      handlers.set(key(part.owner, part.name), built.handler);
      stops.push(() => built.stop());
    }
  }

  const forbund = Object.fromEntries(plan.forbund.map((f) => [f.id, {
    ...f,
    url: `${f.gatewayUrl}/graphql`,
    token: (role: Role = 'coordinator', sub = f.id === plan.forbund[0]!.id ? 'coordinator-1' : `${f.id}-coordinator-1`) => mintDevToken(f.dataDir, { sub, role }),
    async query<T = Record<string, any>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
      const response = await fetch(`${f.gatewayUrl}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
  }]));

  return {
    plan: plan as NetworkPlan,
    forbund,
    /** A national agency's store (`sickness-insurance`, `employment`), as its operator reads it. */
    nationalStore(name: 'sickness-insurance' | 'employment'): Kysely<AuditDb> {
      const env = envOf.get(key('national', name))!;
      const url = env[storeDatabaseUrlVariable(name)];
      return openExisting<AuditDb>(url ? { databaseUrl: url } : { file: path.join(plan.nationalDataDir, `${name}.sqlite`) });
    },
    /** Rewrites the national agencies' list with these förbund cut off (none: all answered again). */
    cutOff: (ids: readonly string[]) => writeTrustedList(plan, ids),
    /** `npm run audit -- verify` on the national agencies' stores, with their list. */
    async verifyNationalAudit(): Promise<{ status: number; out: string }> {
      const output = capturedOutput();
      const env = { ...process.env, ...envOf.get(key('national', 'sickness-insurance')), ...envOf.get(key('national', 'employment')) };
      const status = await verifyAuditChains({ ...env, GATEWAY_JWKS_URL: undefined }, output);
      return { status, out: output.all() };
    },
    async close() {
      for (const server of servers.values()) await server.close().catch(() => undefined);
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      for (const database of databases) await database.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export type TestNetwork = Awaited<ReturnType<typeof startNetwork>>;
