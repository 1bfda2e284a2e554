import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGateway } from '../../gateway/src/gateway.ts';
import { mintDevToken } from '../../gateway/src/dev-issuer.ts';
import { buildCare } from '../../subgraphs/care/src/subgraph.ts';
import { buildCoordination } from '../../subgraphs/coordination/src/subgraph.ts';
import { buildEmployment } from '../../subgraphs/employment/src/subgraph.ts';
import type { Role } from '../../subgraphs/shared/src/caller.ts';
import { envPrefix, type SubgraphName } from '../../subgraphs/shared/src/config.ts';
import { listen, type RunningServer } from '../../subgraphs/shared/src/http.ts';
import { createLogger } from '../../subgraphs/shared/src/logger.ts';
import { buildSicknessInsurance } from '../../subgraphs/sickness-insurance/src/subgraph.ts';
import { buildSocialServices } from '../../subgraphs/social-services/src/subgraph.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[] };
}

export const BUILDERS = {
  coordination: buildCoordination,
  'sickness-insurance': buildSicknessInsurance,
  employment: buildEmployment,
  'social-services': buildSocialServices,
  care: buildCare,
} as const satisfies Record<SubgraphName, unknown>;

/**
 * The whole graph for a test: the five real subgraphs, each on its own SQLite file and its own
 * loopback port, and the real gateway calling them over HTTP. Nothing is mocked.
 */
export async function startGraph(options: { persons?: number; seed?: number; gatewayEnv?: NodeJS.ProcessEnv; logLines?: string[] } = {}) {
  const destination = options.logLines ? { write: (line: string) => void options.logLines!.push(line) } : undefined;
  const logger = (service: string) => (destination ? createLogger(service, { level: 'debug', destination }) : undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-test-'));
  const env = { SEED_PERSONS: String(options.persons ?? 300), SEED: String(options.seed ?? 1) };
  const names = Object.keys(BUILDERS) as SubgraphName[];
  const built = await Promise.all(names.map((name) => BUILDERS[name]({ dataDir, env, logger: logger(name) })));
  const servers: Record<string, RunningServer> = {};
  for (const [i, name] of names.entries()) servers[name] = await listen(built[i]!.handler, 0, '127.0.0.1');
  const gatewayEnv: NodeJS.ProcessEnv = { ...env, ...options.gatewayEnv };
  for (const name of names) gatewayEnv[`${envPrefix(name)}_URL`] = `${servers[name]!.url}/graphql`;
  const gateway = await buildGateway({ env: gatewayEnv, dataDir, logger: logger('gateway') });
  const gatewayServer = await listen(gateway.handler, 0, '127.0.0.1');

  return {
    dataDir,
    url: `${gatewayServer.url}/graphql`,
    gatewayUrl: gatewayServer.url,
    subgraphUrl: (name: SubgraphName) => `${servers[name]!.url}/graphql`,
    subgraphs: Object.fromEntries(names.map((name, i) => [name, built[i]!])) as Record<SubgraphName, (typeof built)[number]>,
    token: (role: Role = 'coordinator', sub = 'coordinator-1') => mintDevToken(dataDir, { sub, role }),
    async query<T = Record<string, any>>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
      const response = await fetch(`${gatewayServer.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    /** Takes a subgraph off the network, as when its process dies. */
    async stopSubgraph(name: SubgraphName) {
      await servers[name]!.close();
    },
    /** Brings it back on the same port. */
    async restartSubgraph(name: SubgraphName) {
      servers[name] = await listen(built[names.indexOf(name)]!.handler, servers[name]!.port, '127.0.0.1');
    },
    /** db_statements_total of a subgraph for one kind, read from its /metrics over HTTP as Prometheus would. */
    async statements(name: SubgraphName, kind: 'data' | 'audit' = 'data'): Promise<number> {
      const text = await (await fetch(`${servers[name]!.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('db_statements_total{') && l.includes(`kind="${kind}"`));
      return line ? Number(line.split(' ').pop()) : 0;
    },
    async close() {
      await gatewayServer.close();
      await gateway.stop();
      for (const name of names) await servers[name]!.close().catch(() => undefined);
      for (const b of built) await b.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestGraph = Awaited<ReturnType<typeof startGraph>>;
