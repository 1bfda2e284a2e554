import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { buildGateway } from '@finsam/gateway';
import { main as analystsCommand } from '@finsam/gateway/analysts-cli';
import { verifyAuditChains } from '@finsam/gateway/audit-verify';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import { buildCare } from '@finsam/care';
import { buildCoordination } from '@finsam/coordination';
import { statisticsReleaseCommand } from '@finsam/coordination/statistics-release-command';
import { buildEmployment } from '@finsam/employment';
import { AGENCIES, AGENCY_TABLE } from '@finsam/kit/agencies';
import type { Role } from '@finsam/kit/caller';
import { capturedOutput } from '@finsam/kit/command-output';
import { envPrefix, type SubgraphName } from '@finsam/kit/config';
import { listen, sendJson, type RunningServer } from '@finsam/kit/http';
import { createLogger } from '@finsam/kit/logger';
import type { AuditDb } from '@finsam/kit/audit';
import { openExisting, storeDatabaseUrlVariable } from '@finsam/kit/database';
import { controllerStoresOf } from '@finsam/kit/controllers';
import { sql, type Kysely } from 'kysely';
import { Agent, setGlobalDispatcher } from 'undici';
import { inject } from 'vitest';
import { buildSicknessInsurance } from '@finsam/sickness-insurance';
import { buildSocialServices } from '@finsam/social-services';
import { testCertificates } from '@finsam/devkit/testing/tls-certificates';
import { freePort } from './free-port.ts';
import { createStoreDatabase } from './postgres-database.ts';

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
 *
 * With `tls` (or FINSAM_TEST_TLS=1 for every graph of the run) the subgraphs serve HTTPS with a
 * certificate from a CA the test makes, the gateway calls them and the subgraphs fetch its key
 * set over HTTPS trusting that CA alone (TLS_CA_FILE). The gateway then listens twice: over HTTPS
 * (where the subgraphs fetch its key set) and over plain HTTP on loopback for the tests' own
 * requests, so `query()`, `url` and `gatewayUrl` stay as they are in every test.
 */
export async function startGraph(options: {
  persons?: number; seed?: number; env?: NodeJS.ProcessEnv; gatewayEnv?: NodeJS.ProcessEnv; logLines?: string[]; tls?: boolean;
  /**
   * Serve coordinators only the registered operations, as a deployed gateway does. Off by default
   * in tests: most send coordinators' ad hoc queries to exercise the checks behind that one.
   */
  registeredOperations?: boolean;
  /**
   * The subgraphs this scenario needs (default: all five). The gateway serves the whole
   * supergraph all the same; a field of a subgraph not started answers SUBGRAPH_UNAVAILABLE, as
   * when its process is down.
   */
  subgraphs?: readonly SubgraphName[];
  /**
   * The day coordination judges signals and their follow-up days on (default: the calendar's):
   * a scenario moves it to see a follow-up day come, without waiting for one.
   */
  coordinationToday?: () => string;
  /**
   * Analysts (token `sub`s) put on the gateway's list with `npm run analysts -- add` before the
   * test begins, besides the dev fixture analysts every graph on the dev issuer knows
   * (`analyst-1` …). A token for any other analyst is refused UNKNOWN_ANALYST, as in production.
   */
  knownAnalysts?: readonly string[];
  /**
   * Run the statistics release job once the graph is up, as `npm start` does (default: when
   * coordination is started), so analysts' follow-ups have released months to answer from.
   */
  statisticsRelease?: boolean;
  /**
   * Its cohort step too: each released period's cohort handed to the four agencies for their
   * releases, and the signal counts released (when all four are started). Off by default: about
   * 5 s a graph at 2,000 persons, and only the scenarios that read a cohort need it.
   */
  cohortReleases?: boolean;
} = {}) {
  const destination = options.logLines ? { write: (line: string) => void options.logLines!.push(line) } : undefined;
  const logger = (service: string) => (destination ? createLogger(service, { level: 'debug', destination }) : undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-test-'));
  const names = (Object.keys(BUILDERS) as SubgraphName[]).filter((name) => !options.subgraphs || options.subgraphs.includes(name));
  const certificates = (options.tls ?? process.env.FINSAM_TEST_TLS === '1') ? testCertificates().graph : null;
  if (certificates) trustTestCaInTests();
  // What every server of the graph presents (read by listen()); empty: plain HTTP.
  const serverTls: NodeJS.ProcessEnv = certificates ? { TLS_CERT_FILE: certificates.certFile, TLS_KEY_FILE: certificates.keyFile } : {};
  // The gateway's HTTPS listener exists before the gateway does, so that the subgraphs can be
  // told where its key set is; they fetch it at the first token, when the gateway is up.
  let gatewayHandler: ((request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>) | null = null;
  const gatewayTlsServer = certificates
    ? await listen(async (request, response) => gatewayHandler ? gatewayHandler(request, response) : sendJson(response, 503, { status: 'not ready' }), 0, '127.0.0.1', serverTls)
    : null;
  const clientTls: NodeJS.ProcessEnv = certificates ? { TLS_CA_FILE: certificates.caFile, GATEWAY_JWKS_URL: `${gatewayTlsServer!.url}/.well-known/jwks.json` } : {};
  // options.env: extra environment for the subgraphs (and the gateway), e.g. ANALYST_QUERY_BUDGET.
  // /metrics answers only with METRICS_TOKEN; every test graph has one of its own.
  const metricsToken = randomBytes(16).toString('hex');
  const env: NodeJS.ProcessEnv = { METRICS_TOKEN: metricsToken, ...clientTls, ...options.env, SEED_PERSONS: String(options.persons ?? 300), SEED: String(options.seed ?? 1) };
  const postgres = await postgresStores(names, env);
  Object.assign(env, postgres?.env);
  const built = await Promise.all(names.map((name) => BUILDERS[name]({ dataDir, env, logger: logger(name), today: options.coordinationToday })));
  const servers: Record<string, RunningServer> = {};
  for (const [i, name] of names.entries()) servers[name] = await listen(built[i]!.handler, 0, '127.0.0.1', serverTls);
  // Checkpoints of the audit chains only at start, at stop and when a test asks (checkpointAuditChains).
  // The subgraphs share the test's process and its two cores with a second test file: a busy moment
  // there is not a slow agency, so the gateway waits 20 s rather than its deployed 2 s (a test of
  // timeouts sets its own, as resilience.test.ts does).
  // Analysts' share of the clock (ANALYST_MS_PER_SECOND_TOTAL) counts how long answers take, which
  // on shared cores is the other test file's doing: off here, tested on its own in analyst-limits.test.ts.
  const gatewayEnv: NodeJS.ProcessEnv = { AUDIT_CHECKPOINT_INTERVAL_MS: '0', SUBGRAPH_TIMEOUT_MS: '20000', ANALYST_MS_PER_SECOND_TOTAL: '1000000', ...env, ...options.gatewayEnv };
  const storeLocation = (store: string) => {
    const url = env[storeDatabaseUrlVariable(store)];
    return url ? { databaseUrl: url } : { file: path.join(dataDir, `${store}.sqlite`) };
  };
  for (const name of Object.keys(BUILDERS) as SubgraphName[]) {
    // A subgraph the scenario does not start: a loopback port nothing listens on.
    gatewayEnv[`${envPrefix(name)}_URL`] = servers[name] ? `${servers[name]!.url}/graphql` : `http://127.0.0.1:${await freePort()}/graphql`;
    // The subgraphs reach each other there too, as a deployment tells them: agencies pull
    // coordination's withdrawal feed, coordination pushes a withdrawal to the agency (they read `env` when they call).
    env[`${envPrefix(name)}_URL`] = gatewayEnv[`${envPrefix(name)}_URL`];
  }
  const gateway = await buildGateway({ env: gatewayEnv, dataDir, logger: logger('gateway'), coordinatorAdHocQueries: !options.registeredOperations });
  gatewayHandler = gateway.handler;
  const gatewayServer = await listen(gateway.handler, 0, '127.0.0.1', {});
  // As main.ts does once the gateway listens.
  await gateway.checkpointAuditChains();

  // Where the stores are, as the `npm run audit` command reads it. It reads the gateway's key set
  // file there: a test waiting on the command as a process cannot answer its fetch.
  const storeEnv = { ...env, GATEWAY_JWKS_URL: undefined, DATA_DIR: dataDir } as NodeJS.ProcessEnv;
  /** `npm run analysts -- <args>` on this graph's gateway store (the bin's own code, in this process). */
  const analysts = async (args: string[]): Promise<{ status: number; out: string }> => {
    const output = capturedOutput();
    const status = await analystsCommand(args, { ...process.env, ...storeEnv }, output);
    return { status, out: output.all() };
  };
  if (options.statisticsRelease ?? servers.coordination !== undefined) {
    const output = capturedOutput();
    // The cohorts' releases ask the four agencies (at <NAME>_URL); a scenario without them, or not asking for them, releases the follow-up only.
    const everyAgency = options.cohortReleases === true && AGENCIES.every((agency) => servers[AGENCY_TABLE[agency].subgraph as SubgraphName] !== undefined);
    const agencyUrls = Object.fromEntries(Object.entries(gatewayEnv).filter(([name]) => name.endsWith('_URL') && !name.includes('JWKS')));
    const status = await statisticsReleaseCommand(everyAgency ? [] : ['--follow-up-only'], { ...process.env, ...storeEnv, ...agencyUrls }, output);
    if (status !== 0) throw new Error(`npm run statistics-release: ${output.all()}`);
  }
  for (const sub of options.knownAnalysts ?? []) {
    const added = await analysts(['add', sub]);
    if (added.status !== 0) throw new Error(`npm run analysts -- add ${sub}: ${added.out}`);
  }

  const readMetrics = async (name: SubgraphName | 'gateway'): Promise<string> => {
    const base = name === 'gateway' ? gatewayServer.url : servers[name]!.url;
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    if (response.status !== 200) throw new Error(`${name} /metrics answered HTTP ${response.status}`);
    return response.text();
  };

  return {
    dataDir,
    url: `${gatewayServer.url}/graphql`,
    gatewayUrl: gatewayServer.url,
    subgraphUrl: (name: SubgraphName) => `${servers[name]!.url}/graphql`,
    /** The running subgraphs as built (after `restartSubgraphProcess`, the new build). */
    get subgraphs() {
      return Object.fromEntries(names.map((name, i) => [name, built[i]!])) as Record<SubgraphName, (typeof built)[number]>;
    },
    token: (role: Role = 'coordinator', sub = 'coordinator-1') => mintDevToken(dataDir, { sub, role }),
    async query<T = Record<string, any>>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
      const response = await fetch(`${gatewayServer.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    analysts,
    /** Has the gateway witness every store's audit chain head now, as it does at its interval. */
    checkpointAuditChains: () => gateway.checkpointAuditChains(),
    dialect: postgres ? 'postgres' as const : 'sqlite' as const,
    /** Where the stores are, as the `npm run audit` command reads it. */
    storeEnv,
    /**
     * What `npm run audit -- verify` reports on these stores (the bin's own code, in this process):
     * its exit status and its lines, stdout's and stderr's in the order written.
     */
    async verifyAudit(): Promise<{ status: number; out: string }> {
      const output = capturedOutput();
      const status = await verifyAuditChains({ ...process.env, ...storeEnv }, output);
      return { status, out: output.all() };
    },
    /** A second connection to a store, as an operator (or an intruder) with database access would have. */
    /** A store by name: a subgraph's, the gateway's, or a controller's behind a subgraph (`social-services-1481`). */
    store: (store: SubgraphName | 'gateway' | (string & {})): Kysely<AuditDb> => openExisting<AuditDb>(storeLocation(store)),
    /**
     * The stores a started subgraph logs a person's reads in: its own, or for an agency of many
     * controllers each controller's (`social-services-1480`, …), where each decision is logged.
     */
    personStores: (name: SubgraphName): string[] => {
      const controllers = controllerStoresOf(name, env);
      return controllers.length > 0 ? controllers : [name];
    },
    /** Runs statements on a store with the database owner's rights (test data no API writes, such as a second förbund's rows). */
    asOwner: (store: SubgraphName | 'gateway' | (string & {}), statements: { sqlite: string[]; postgres: string[] }) => asOwner(storeLocation(store), statements),
    /** Removes the append-only guard of a store's audit log, as someone with the database's owner rights could. */
    dropAuditGuard: (store: SubgraphName | 'gateway' | (string & {})) => asOwner(storeLocation(store), {
      sqlite: ['DROP TRIGGER audit_log_no_update', 'DROP TRIGGER audit_log_no_delete'],
      postgres: ['DROP TRIGGER audit_log_no_update ON audit_log', 'DROP TRIGGER audit_log_no_delete ON audit_log'],
    }),
    /**
     * Makes every append to a store's audit log fail, as a full disk or a lost connection would,
     * until the returned function is called: a subgraph's, the gateway's, or a controller's
     * behind a subgraph (`care-14`, where care logs a person's reads).
     */
    async failAuditAppends(store: SubgraphName | 'gateway' | (string & {})): Promise<() => Promise<void>> {
      const location = storeLocation(store);
      await asOwner(location, {
        sqlite: ["CREATE TRIGGER audit_log_test_failure BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit write failed (test)'); END"],
        postgres: [
          "CREATE FUNCTION audit_log_test_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit write failed (test)'; END $$",
          'CREATE TRIGGER audit_log_test_failure BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_test_failure()',
        ],
      });
      return () => asOwner(location, {
        sqlite: ['DROP TRIGGER audit_log_test_failure'],
        postgres: ['DROP TRIGGER audit_log_test_failure ON audit_log', 'DROP FUNCTION audit_log_test_failure()'],
      });
    },
    /** Takes a subgraph off the network, as when its process dies. */
    async stopSubgraph(name: SubgraphName) {
      await servers[name]!.close();
    },
    /** Brings it back on the same port; `tls` replaces the certificate it presents (TLS_CERT_FILE, TLS_KEY_FILE). */
    async restartSubgraph(name: SubgraphName, tls: NodeJS.ProcessEnv = serverTls) {
      servers[name] = await listen(built[names.indexOf(name)]!.handler, servers[name]!.port, '127.0.0.1', tls);
    },
    /**
     * Restarts a subgraph as its process would be restarted: taken off the network and stopped,
     * so that whatever it held in memory is gone (coordination's overlap memory, caches, snapshots),
     * then built anew on the same store and DATA_DIR and brought back on the same port.
     * `restartSubgraph` instead brings the same running build back on the network.
     */
    async restartSubgraphProcess(name: SubgraphName) {
      const i = names.indexOf(name);
      await servers[name]!.close().catch(() => undefined);
      await built[i]!.stop();
      built[i] = await BUILDERS[name]({ dataDir, env, logger: logger(name), today: options.coordinationToday });
      servers[name] = await listen(built[i]!.handler, servers[name]!.port, '127.0.0.1', serverTls);
    },
    /** The environment a further gateway of the test needs to reach these subgraphs (the CA it trusts). */
    clientTls,
    /** The bearer token /metrics answers to on every process of this graph. */
    metricsToken,
    /** A process's /metrics text, read over HTTP with the token as Prometheus would. */
    metrics: readMetrics,
    /** db_statements_total of a subgraph for one kind, read from its /metrics over HTTP as Prometheus would. */
    async statements(name: SubgraphName, kind: 'data' | 'audit' = 'data'): Promise<number> {
      const text = await readMetrics(name);
      const line = text.split('\n').find((l) => l.startsWith('db_statements_total{') && l.includes(`kind="${kind}"`));
      return line ? Number(line.split(' ').pop()) : 0;
    },
    async close() {
      await gatewayServer.close();
      await gatewayTlsServer?.close();
      await gateway.stop();
      for (const name of names) await servers[name]!.close().catch(() => undefined);
      for (const b of built) await b.stop();
      await postgres?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestGraph = Awaited<ReturnType<typeof startGraph>>;

let testCaTrusted = false;

/**
 * The tests' own `fetch` calls (a test posting to a subgraph directly, as an intruder would)
 * trust the test CA besides the system's, so that they reach HTTPS subgraphs unchanged. Only
 * the test process's global fetch: the gateway and subgraphs use their own connections, which
 * trust TLS_CA_FILE alone.
 */
function trustTestCaInTests() {
  if (testCaTrusted) return;
  testCaTrusted = true;
  setGlobalDispatcher(new Agent({ connect: { ca: [...tls.rootCertificates, fs.readFileSync(testCertificates().graph.caFile, 'utf8')] } }));
}

/**
 * In the PostgreSQL pass of the end-to-end suite (project `postgres`, vitest.postgres.config.ts), every store of
 * the graph gets a fresh database on that server, dropped again at the end.
 */
async function postgresStores(names: SubgraphName[], subgraphEnv: NodeJS.ProcessEnv) {
  // Each controller behind a subgraph (social services' municipalities) has a database of its own too.
  const controllerStores = names.flatMap((name) => controllerStoresOf(name, subgraphEnv));
  const stores = [...names, ...controllerStores, 'gateway'];
  const env: NodeJS.ProcessEnv = {};
  const databases: { drop(): Promise<void> }[] = [];
  for (const store of stores) {
    const database = await testPostgresDatabase(store);
    if (!database) return null;
    databases.push(database);
    env[storeDatabaseUrlVariable(store)] = database.url;
  }
  return { env, async drop() { for (const database of databases) await database.drop(); } };
}

/**
 * A fresh, empty database for one store on the PostgreSQL run's server; null in the SQLite run.
 * `drop` removes it, with any connection still open to it.
 */
export async function testPostgresDatabase(store: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const adminUrl = process.env.FINSAM_TEST_DATABASE === 'postgres' ? inject('postgresUrl') : '';
  return adminUrl ? createStoreDatabase(adminUrl, store) : null;
}

/** Runs statements on a store with the owner's rights, from outside the subgraph that serves it. */
async function asOwner(location: { file: string } | { databaseUrl: string }, statements: { sqlite: string[]; postgres: string[] }) {
  if ('file' in location) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(location.file);
    for (const statement of statements.sqlite) db.exec(statement);
    db.close();
  } else {
    const db = openExisting<AuditDb>(location);
    for (const statement of statements.postgres) await sql.raw(statement).execute(db);
    await db.destroy();
  }
}
