import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { request, type Dispatcher } from 'undici';
import { createApolloServer } from '@finsam/kit/apollo';
import { sharedRead } from '@finsam/kit/expiring-cache';
import { AuditLog } from '@finsam/kit/audit';
import { privateDirectory } from '@finsam/kit/database';
import { SUBGRAPH_NAMES, dataDir, envPrefix, intFromEnv, subgraphUrl, type SubgraphName } from '@finsam/kit/config';
import { GatewayTokens } from '@finsam/kit/gateway-token';
import { signingKeyRing } from '@finsam/kit/signing-key';
import { forbundId } from '@finsam/kit/trusted-forbund';
import { createGraphQLHttpHandler, sendJson } from '@finsam/kit/http';
import { createLogger, type Logger } from '@finsam/kit/logger';
import { createProcessMetrics } from '@finsam/kit/metrics';
import { apolloOptionsOf } from '@finsam/kit/request-plugin';
import { startTracing } from '@finsam/kit/tracing';
import { createAuthenticator } from './authentication.ts';
import { clientAppRoutes } from './client-app.ts';
import type { GatewayContext } from './context.ts';
import { graphiqlAssetRoutes, serveGraphiQL } from './graphiql.ts';
import { AnalystRateLimit, analystRateLimitSettings } from './analyst-rate-limit.ts';
import { AuditCheckpoints, auditCheckpointIntervalMs } from './audit-checkpoints.ts';
import { DEV_ANALYSTS } from './dev-issuer.ts';
import { KnownAnalysts, knownAnalystDb, knownAnalystsMaxAgeMs, openGatewayStore, retireDevAnalysts, seedDevAnalysts } from './known-analysts.ts';
import { gatewayPlugins } from './plugins/index.ts';
import { RegisteredOperations, readManifest } from './registered-operations.ts';
import { requiresOf } from './selected-errors.ts';
import { SubgraphSource, subgraphConnections } from './subgraph-source.ts';

/** The composed supergraph, as the @finsam/schema package exports it. */
export const SUPERGRAPH_FILE = createRequire(import.meta.url).resolve('@finsam/schema/supergraph.graphql');

/** `<NAME>_TIMEOUT_MS`, else `SUBGRAPH_TIMEOUT_MS`, else 2 s. */
export function subgraphTimeoutMs(name: SubgraphName, env: NodeJS.ProcessEnv): number {
  return intFromEnv(`${envPrefix(name)}_TIMEOUT_MS`, intFromEnv('SUBGRAPH_TIMEOUT_MS', 2000, env), env);
}

/** How long a `/ready` answer is reused. */
export const READY_CACHE_MS = 2000;

/**
 * `/ready` is answered without a token (orchestrators probe it) and each real check calls all
 * five subgraphs: the last answer is reused for `maxAgeMs`, and callers arriving while a check
 * runs wait for that one. A flood of anonymous `/ready` thus costs the subgraphs at most one
 * round of checks per `maxAgeMs`; a subgraph's fall or return shows that much later.
 */
export function cachedReadiness(check: () => Promise<boolean>, maxAgeMs = READY_CACHE_MS, now: () => number = Date.now): () => Promise<boolean> {
  // A failed check is an answer here (not ready), kept like any other.
  return sharedRead(() => check().catch(() => false), maxAgeMs, now);
}

/** Each subgraph's /ready, over the gateway's own connections to it (and so its TLS trust). */
async function allSubgraphsReady(graphqlUrls: string[], connections: Dispatcher): Promise<boolean> {
  const checks = graphqlUrls.map(async (url) => {
    const response = await request(new URL('/ready', url), { dispatcher: connections, signal: AbortSignal.timeout(2000) });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300;
  });
  return (await Promise.all(checks.map((c) => c.catch(() => false)))).every(Boolean);
}

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  logger?: Logger;
  /**
   * Serve coordinators ad hoc queries as well as the registered operations (registered-operations.ts).
   * For tests of the checks behind that one only; deliberately not read from the environment.
   */
  coordinatorAdHocQueries?: boolean;
  /**
   * Set this process's tracing up as the gateway's (service.name `gateway`; on when an OTLP
   * endpoint is set, docs/tracing.md), flushed by `stop`. main.ts: the gateway is its own process.
   */
  tracing?: boolean;
}

/**
 * Builds the gateway without listening: @apollo/gateway on the committed static supergraph
 * inside Apollo Server, behind the shared HTTP front with the user's token check.
 */
export async function buildGateway(options: GatewayOptions = {}) {
  const env = options.env ?? process.env;
  // Read first: a gateway without its manifest does not start (`npm run operations` writes it).
  const operations = options.coordinatorAdHocQueries ? null : RegisteredOperations.load();
  // Belt and braces with the plugins in createApolloServer: nothing is reported to Apollo.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const logger = options.logger ?? createLogger('gateway');
  // Before Apollo Server is made: @apollo/gateway's own spans (gateway.request, gateway.fetch, …) go to the provider registered here.
  // An operation's name goes into a span only when it is a registered one (an analyst's own could spell a person).
  const tracing = options.tracing ? startTracing('gateway', env, logger, { knownOperationNames: readManifest().operations.map((o) => o.name) }) : null;
  const metrics = createProcessMetrics('gateway');
  const directory = options.dataDir ?? dataDir(env);
  privateDirectory(directory);
  const authenticate = await createAuthenticator(env, directory);
  // Read again when `npm run keys` rotates it: the gateway signs with the key in use and publishes the ring.
  const signingKey = await signingKeyRing(directory, 'gateway');
  const store = await openGatewayStore(env, directory, logger, (kind) => metrics.dbStatements.inc({ subgraph: 'gateway', kind }));
  const analystList = knownAnalystDb(store.db);
  // The embedded dev issuer signs tokens for the fixture analysts: they are known from the start.
  // A gateway trusting a real issuer (JWKS_URL) knows only whom `npm run analysts` added.
  const auditLog = new AuditLog(store.auditDb, store.dialect, store.auditWriter);
  if (!env.JWKS_URL) await seedDevAnalysts(analystList, DEV_ANALYSTS);
  else await retireDevAnalysts(auditLog, DEV_ANALYSTS);
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphUrl(name, env)]));

  // Subgraphs check the gateway's tokens with the keys of the förbund they name (trusted-forbund.ts).
  const tokens = new GatewayTokens(signingKey, Date.now, forbundId(env));
  const connections = subgraphConnections(env);
  const supergraphSdl = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphSource({
      name, url: urls[name] ?? url!, tokens, connections, timeoutMs: subgraphTimeoutMs(name as SubgraphName, env),
      analystTimeoutMs: intFromEnv('ANALYST_SUBGRAPH_TIMEOUT_MS', 30_000, env),
      onFailure: (subgraph, code) => metrics.subgraphFailures.inc({ subgraph, code }), logger,
    }),
    logger,
  });
  const checkpoints = new AuditCheckpoints({ db: store.auditDb, key: signingKey, urls, forbund: forbundId(env), connections, timeoutMs: intFromEnv('SUBGRAPH_TIMEOUT_MS', 2000, env), logger });
  // The first exchange is the caller's, once the gateway listens (main.ts): subgraphs on other
  // hosts check its checkpoints with the key it publishes on its own listener.
  checkpoints.every(auditCheckpointIntervalMs(env));
  // The request path, in the order it runs (plugins/index.ts); the front runs their hooks, Apollo Server their stages.
  const plugins = gatewayPlugins({
    authenticate, knownAnalysts: new KnownAnalysts(analystList, knownAnalystsMaxAgeMs(env)),
    rateLimit: new AnalystRateLimit(analystRateLimitSettings(env)), operations, auditLog, requires: requiresOf(supergraphSdl), metrics, logger,
  });
  const apollo = createApolloServer<GatewayContext>({
    gateway,
    // Introspection is answered by the schema for analysts; use-introspection-for-analysts refuses it to everyone else.
    introspection: true,
    ...apolloOptionsOf(plugins),
  }, logger);
  await apollo.start();

  const handler = createGraphQLHttpHandler<GatewayContext>({
    apollo,
    metrics,
    logger,
    plugins,
    // Ready when every subgraph is: the graph answers whole only then (and `npm start` waits for it).
    ready: cachedReadiness(() => allSubgraphsReady(Object.values(urls), connections)),
    metricsToken: env.METRICS_TOKEN || undefined,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    browserPage: serveGraphiQL,
    // The coordinator web client at / (client-app.ts): the same object, it adds a late-built bundle's assets.
    routes: Object.assign(clientAppRoutes(env, directory), {
      ...graphiqlAssetRoutes(),
      // The public key subgraphs verify the gateway's tokens with (GATEWAY_JWKS_URL).
      '/.well-known/jwks.json': async (_request: IncomingMessage, response: ServerResponse) => sendJson(response, 200, { keys: signingKey.published() }),
    }),
  });

  return {
    handler, metrics, logger, urls,
    /** Witnesses every store's audit chain head now, as at each interval (docs/audit-anchoring.md). */
    checkpointAuditChains: () => checkpoints.take(),
    async stop() {
      await apollo.stop();
      await checkpoints.stop();
      await connections.close();
      await store.close();
      await tracing?.shutdown();
    },
  };
}
