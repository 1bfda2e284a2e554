import fs from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { isAgency, type AgencyController } from './agencies.ts';
import { controllerStoreName, controllersOf } from './controllers.ts';
import { agencyReleaseMigrations, statisticsReleaseRoute, type AgencyStatisticsRelease } from './agency-statistics-release.ts';
import { createApolloServer } from './apollo.ts';
import { AuditLog, RequestAudit, auditMigrations, type AuditActor, type AuditDb, type AuditEntry, type AuditLogOwner, type AuditRow, type ChainHead, type ChainHeads } from './audit.ts';
import { AUDIT_HEADS_EXTENSION, CHECKPOINT_PATH, auditCheckpointRoute } from './audit-checkpoint.ts';
import { auditedAnswer } from './audited-answer.ts';
import type { Caller } from './caller.ts';
import { dataDir, defaultSubgraphPort, intFromEnv, isSubgraphName, listenHost } from './config.ts';
import { subgraphSdlFile } from './composition.ts';
import { retiredCellKeyMigrations } from './retired-cell-key.ts';
import { databaseUrlFor, openDatabase, storeDatabaseUrlVariable, privateDirectory, type Dialect, type Migrations, type Store } from './database.ts';
import { todayIso } from './dates.ts';
import { createGatewayTokenVerifier, isForbundRefusal, type TokenCheck } from './gateway-token.ts';
import { forbundId, trustedForbund } from './trusted-forbund.ts';
import { createGraphQLHttpHandler, listenOrExit, sendJson, type RunningServer } from './http.ts';
import { refusal } from './errors.ts';
import { apolloOptionsOf, type RequestPlugin } from './request-plugin.ts';
import { loadOrCreateEncryptionKey } from './signing-key.ts';
import { createReleaseBasisVerifier, type ReleaseBasisVerifier } from './release-basis.ts';
import { createWithdrawalView, WITHDRAWALS_PATH, withdrawalPushRoute } from './consent-withdrawals.ts';
import { createLogger, type Logger } from './logger.ts';
import { createProcessMetrics, type ProcessMetrics } from './metrics.ts';
import { startTracing, traceEntryFields } from './tracing.ts';
import { STATISTICS_RELEASE_ACTOR, STATISTICS_RELEASE_PATH } from './statistics-release/agency-release.ts';


/** What every subgraph's request context holds: the verified caller and the request's audit entries. */
export interface SubgraphRequest {
  caller: Caller;
  audit: RequestAudit;
  /** The store's audit log (for the auditors' reads); for a subgraph of many controllers, all its stores' logs read as one. */
  auditLog: SubgraphAuditLogs;
  /**
   * The data controllers behind this subgraph, each with its own store (controllers.ts); empty
   * for an agency that is one authority, and for coordination.
   */
  controllers: readonly AgencyController[];
  /**
   * A statistics release's reads only: for each member, the controllers a consent names, whose
   * data alone counts for them (agency-statistics-release.ts).
   */
  controllersOfMember?: ReadonlyMap<string, ReadonlySet<string>>;
  /** The förbund this subgraph is part of (FORBUND_ID; a national agency's is the one it keeps statistics for). */
  ownForbund: string;
  /** Checks the release bases coordination signs (release-basis.ts); what an agency releases under. */
  releaseBases: ReleaseBasisVerifier;
  metrics: ProcessMetrics;
}

/** What Apollo's buildSubgraphSchema takes as a resolver map. */
export type SubgraphResolvers = NonNullable<Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>['resolvers']>;

/** What a subgraph folder provides; the shared module does the rest the same way for all five. */
export interface SubgraphDefinition<DB, TContext extends SubgraphRequest> {
  /** One of the five served subgraphs (config.ts SUBGRAPH_NAMES), or a new one (`npm run new-subgraph`) not yet in the graph. */
  name: string;
  /** Whose log the audit records are in: the agency, or COORDINATION. */
  agency: Exclude<AuditLogOwner, 'GATEWAY'>;
  /**
   * The subgraph's resolvers, typed in the subgraph by the `Resolvers` type its `codegen` script
   * generates from its schema (`@finsam/devkit/codegen`): fields, parents, results and context are
   * checked there. Apollo's own map type cannot say more than "resolvers with any context".
   */
  resolvers: SubgraphResolvers;
  /**
   * The subgraph's own versioned store, a sequence apart from the kit's tables (audit log, seed
   * bookkeeping, record key): the next one is named after the last one here.
   */
  migrations: Migrations;
  /**
   * Loads the subgraph's seed (`async () => (await import('./seed.ts')).seedCare`), which the kit
   * calls once, for an empty store with seeding on. Loaded only then, because a seed draws the
   * synthetic population from @finsam/devkit, which a production install (SEED=none) lacks.
   */
  seed: () => Promise<SeedWriter<DB>>;
  /**
   * Per-request context: the request's caller and audit, plus fresh DataLoaders. For an agency of
   * many controllers (controllers.ts) the data is in `controllerStores`, one per controller, and
   * `db` holds only the kit's tables (its statistics releases, its gateway refusals).
   */
  createContext: (db: Kysely<DB>, request: SubgraphRequest, controllerStores: readonly ControllerStore<DB>[]) => TContext;
  /** Work done once before the subgraph serves, so that the first request does not wait for it. */
  warmUp?: (db: Kysely<DB>) => Promise<void>;
  /** Extra HTTP routes (coordination's published key set). */
  routes?: Parameters<typeof createGraphQLHttpHandler>[0]['routes'];
  /**
   * An agency's statistics release (agency-statistics-release.ts, docs/statistics-release.md): its
   * kinds of category, each member's categories and its signal answers. Given, the kit serves
   * STATISTICS_RELEASE_PATH, where coordination's release job hands the agency a period's cohort.
   * Coordination has none: it releases its own figures itself.
   */
  statisticsRelease?: AgencyStatisticsRelease<TContext>;
  /** Its SDL file, in its own package (`fileURLToPath(new URL('../schema/<name>.graphql', import.meta.url))`); by default the one its package `@finsam/<name>` exports as `./schema.graphql`. */
  schemaFile?: string;
  /** Port when PORT is not set; a served subgraph's comes from its place in SUBGRAPH_NAMES. */
  defaultPort?: number;
}

/** One controller's own store behind a subgraph: its data, read only after the controller's own release decision. */
export interface ControllerStore<DB> {
  controller: AgencyController;
  db: Kysely<DB>;
}

/**
 * The audit logs of a subgraph and of each controller behind it. A record goes to the log of the
 * controller it names (AuditEntry.controller): each municipality answers for the reads of its
 * own data in its own chain. A record naming none (a gateway turned away, a basis that does not
 * verify: nothing of any controller was read) goes to the subgraph's own.
 */
export class SubgraphAuditLogs {
  /** This request's: the head after its newest records, per store (forRequest). */
  private readonly written = new Map<string, ChainHead>();

  constructor(
    private readonly own: AuditLog, private readonly byController: ReadonlyMap<string, AuditLog>,
    /** The stores' names: the subgraph's own, and `<subgraph>-<code>` by controller code (controllers.ts). */
    private readonly names: { own: string; byController: ReadonlyMap<string, string> } = { own: 'own', byController: new Map() },
  ) {}

  /** The same logs for one request, which remember the chain heads after that request's records (heads()). */
  forRequest(): SubgraphAuditLogs {
    return new SubgraphAuditLogs(this.own, this.byController, this.names);
  }

  /**
   * The chain head after this request's records in each store it wrote to: what the answer carries
   * to the gateway (docs/audit-anchoring.md, "No window"). Null when it wrote none.
   */
  heads(): ChainHeads | null {
    return this.written.size > 0 ? Object.fromEntries(this.written) : null;
  }

  private note(store: string, head: ChainHead | null): void {
    // Concurrent writes of one request: the newest record holds the older ones in its chain.
    if (head && head.seq > (this.written.get(store)?.seq ?? -1)) this.written.set(store, head);
  }

  async append(actor: AuditActor, entries: AuditEntry[]): Promise<void> {
    const groups = new Map<string | undefined, AuditEntry[]>();
    for (const entry of entries) {
      if (entry.controller !== undefined && !this.byController.has(entry.controller)) {
        throw new Error(`an audit record names the controller ${entry.controller}, which this subgraph does not serve`);
      }
      (groups.get(entry.controller) ?? groups.set(entry.controller, []).get(entry.controller)!).push(entry);
    }
    await Promise.all([...groups].map(async ([controller, group]) => {
      const head = await (controller === undefined ? this.own : this.byController.get(controller)!).append(actor, group);
      this.note(controller === undefined ? this.names.own : this.names.byController.get(controller) ?? controller, head);
    }));
  }

  /** A change to the subgraph's own store with its records, in one transaction (AuditLog.changeWithRecords): coordination's writes. */
  async changeWithRecords<DB, T>(actor: AuditActor, change: (trx: Kysely<DB>) => Promise<T>, entriesFor: (result: T) => AuditEntry[]): Promise<T> {
    const { result, head } = await this.own.changeWithRecordsAndHead(actor, change, entriesFor);
    this.note(this.names.own, head);
    return result;
  }

  async recordsOf(personnummer: string, from: string | null, to: string): Promise<AuditRow[]> {
    const all = await Promise.all([this.own, ...this.byController.values()].map((log) => log.recordsOf(personnummer, from, to)));
    return all.flat().sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}

export interface SubgraphOptions {
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /**
   * Set this process's tracing up as this subgraph's (tracing.ts: on when an OTLP endpoint is
   * set), flushed by `stop`. For a subgraph that is its own process (startSubgraph); a process
   * has one tracer provider, so subgraphs built together in one process (the tests) leave it off.
   */
  tracing?: boolean;
}

export interface BuiltSubgraph<DB> {
  name: string;
  /** Whose release basis it releases under, and whose log its records are in. */
  agency: Exclude<AuditLogOwner, 'GATEWAY'>;
  /** Where it listens when PORT is not set (undefined: PORT must be set). */
  defaultPort: number | undefined;
  db: Kysely<DB>;
  /** For an agency of many controllers, each one's store, where its data is (`db` then holds only the kit's tables). */
  controllerStores: readonly ControllerStore<DB>[];
  metrics: ProcessMetrics;
  logger: Logger;
  handler: ReturnType<typeof createGraphQLHttpHandler>;
  /** Stops Apollo Server and closes the database. */
  stop(): Promise<void>;
}

export interface SeedSettings {
  seed: number;
  persons: number;
  referenceDate: string;
  /** SEED_FORBUND: the förbund whose persons are seeded (the synthetic catalogue's ids); unset, the embedded default's one. */
  forbund?: string[];
  /** For a store of one controller (controllers.ts): its code; the seed writes only what that controller holds. */
  controller?: string;
}

/**
 * Writes a sector's part of the synthetic population these settings make, into the transaction it
 * is given; the kit records the settings in `seed_run` in the same transaction.
 */
export type SeedWriter<DB> = (db: Kysely<DB>, settings: SeedSettings) => Promise<void>;

/**
 * The population an empty store is seeded with (SEED, SEED_PERSONS, SEED_DATE), or null for no
 * seeding: SEED=none (a deployment's store, filled by its agency), and a production process
 * (NODE_ENV=production) not told SEED at all — npm installs the devkit with every workspace even
 * for production, so its presence cannot be what keeps synthetic persons out of a real register.
 */
export function seedSettings(env: NodeJS.ProcessEnv = process.env): SeedSettings | null {
  const seed = env.SEED?.trim().toLowerCase();
  if (seed === 'none') return null;
  if (!seed && env.NODE_ENV === 'production') return null;
  const referenceDate = env.SEED_DATE ?? todayIso();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate)) throw new Error(`SEED_DATE must be YYYY-MM-DD, got "${referenceDate}"`);
  const forbund = env.SEED_FORBUND?.split(',').map((id) => id.trim()).filter(Boolean);
  return {
    seed: seed ? intFromEnv('SEED', 1, { SEED: seed }) : 1, persons: intFromEnv('SEED_PERSONS', 2000, env), referenceDate,
    ...(forbund?.length ? { forbund } : {}),
  };
}

/** The seed bookkeeping every subgraph database has: which population it holds. */
const SEED_MIGRATIONS: Migrations = {
  '0000_seed_run': {
    async up(db) {
      await db.schema.createTable('seed_run')
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('persons', 'integer', (c) => c.notNull())
        .addColumn('reference_date', 'text', (c) => c.notNull())
        .addColumn('seeded_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

/** The kit's tables in every subgraph's store, migrated apart from the subgraph's own (database.ts). */
export const subgraphKitMigrations = (dialect: Dialect): Migrations => ({ ...auditMigrations(dialect), ...SEED_MIGRATIONS, ...retiredCellKeyMigrations, ...agencyReleaseMigrations });

/**
 * Builds a subgraph without listening: opens and migrates its database, seeds it on first
 * start, and returns the HTTP handler. Tests import this; `startSubgraph` listens.
 */
export async function buildSubgraph<DB, TContext extends SubgraphRequest>(
  definition: SubgraphDefinition<DB, TContext>, options: SubgraphOptions = {},
): Promise<BuiltSubgraph<DB>> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger(definition.name);
  // First, so that the schema below is built with its entry fields traced.
  const tracing = options.tracing ? startTracing(definition.name, env, logger) : null;
  const metrics = createProcessMetrics(definition.name);
  const directory = options.dataDir ?? dataDir(env);
  // Keys live here in PostgreSQL mode too, where no SQLite file is opened to make it private.
  privateDirectory(directory);
  // The förbund whose gateways it answers (TRUSTED_FORBUND_FILE, else its own): for tokens and release bases alike.
  const trusted = trustedForbund(env, directory, (problem) => logger.error(problem));
  const verifyGatewayToken = createGatewayTokenVerifier(definition.name, env, directory, Date.now, trusted);
  // An agency's own key, to which coordination seals the cohort member lists meant for it (release-basis.ts).
  const decryptionKey = definition.agency === 'COORDINATION' ? undefined : await loadOrCreateEncryptionKey(directory, definition.name);
  // What an agency knows of consents withdrawn since a basis was signed: pushed by coordination, pulled within the bound (consent-withdrawals.ts).
  const withdrawals = isAgency(definition.agency) ? createWithdrawalView(definition.agency, env, trusted, { logger }) : undefined;
  const releaseBases = createReleaseBasisVerifier(env, directory, { onSignatureCheck: () => metrics.releaseBasisChecks.inc(), decryptionKey, trusted, ...(withdrawals ? { withdrawals } : {}) });
  const stores = await prepareSubgraphStores(definition, { env, dataDir: directory, logger, metrics });
  const { controllers, store, opened } = stores;
  const ownForbund = forbundId(env);
  const { db } = store;
  const controllerStores: ControllerStore<DB>[] = opened.map(({ controller, store: own }) => ({ controller, db: own.db }));
  await definition.warmUp?.(db);

  const typeDefs = parse(fs.readFileSync(definition.schemaFile ?? subgraphSdlFile(definition.name), 'utf8'));
  const auditLogOf = (s: Store<unknown>) => new AuditLog(s.auditDb as unknown as Kysely<AuditDb>, s.dialect, s.auditWriter);
  const auditLog = auditLogOf(store as Store<unknown>);
  const auditLogs = new SubgraphAuditLogs(auditLog, new Map(opened.map(({ controller, store: own }) => [controller.code, auditLogOf(own as Store<unknown>)])), {
    own: definition.name, byController: new Map(opened.map(({ controller }) => [controller.code, controllerStoreName(definition.name, controller.code)])),
  });
  const statisticsRelease = statisticsReleaseOf(definition);
  /**
   * A gateway of a förbund this subgraph does not answer is refused with its reason, and the
   * refusal is in this store's log with the förbund the token names: an agency answers for whom
   * it turned away as well as whom it served. A request with no token or one that does not
   * verify is not logged: it names no one that can be believed.
   */
  const refusedGateway = async (checked: Extract<TokenCheck, { ok: false }>, requestId: string) => {
    if (!isForbundRefusal(checked.reason)) return refusal({ code: 'UNAUTHENTICATED', message: 'This subgraph answers only the gateway.' });
    const because = { FORBUND_NOT_TRUSTED: 'is not on its list of förbund', FORBUND_CUT_OFF: 'is cut off', FORBUND_LIST_INVALID: 'cannot be checked: its list of förbund is unreadable' }[checked.reason];
    logger.warn({ requestId, forbund: checked.forbund, reason: checked.reason }, 'gateway refused: förbund not answered');
    try {
      await auditLog.append(
        { actorId: checked.actorId ?? 'gateway', role: 'gateway', purpose: 'NONE', requestId, forbund: checked.forbund },
        [{ personnummer: null, agency: definition.agency, fields: [], decision: 'UNAUTHENTICATED', reason: checked.reason, protectedIdentity: false }],
      );
    } catch (error) {
      logger.error({ requestId, err: (error as Error).message }, 'audit append failed for a refused förbund');
    }
    return refusal({ code: 'UNAUTHENTICATED', reason: checked.reason, message: `This subgraph does not answer the förbund "${checked.forbund}": it ${because}.` });
  };
  // A subgraph's request path, in order: the gateway's token (its context built from it), then
  // the access records its resolvers gathered, written before the answer leaves.
  const plugins: RequestPlugin<TContext>[] = [
    {
      name: 'use-gateway-token',
      async onRequest({ request, requestId }) {
        const checked = await verifyGatewayToken(request.headers, requestId);
        if (!checked.ok) return { refuse: await refusedGateway(checked, requestId) };
        const { caller } = checked;
        return { context: definition.createContext(db, { caller, audit: new RequestAudit(definition.agency), auditLog: auditLogs.forRequest(), controllers, ownForbund, releaseBases, metrics }, controllerStores) };
      },
    },
    {
      name: 'use-audited-answer',
      apollo: [auditedAnswer<TContext>({
        // Into the request's own logs, which remember the heads its records left.
        auditLog: auditLogs, logger, records: ({ contextValue }) => ({ caller: contextValue.caller, entries: contextValue.audit.drain(), into: contextValue.auditLog }),
        withheldMessage: 'The access could not be logged, so no data is released.',
        // The answer carries the chain head after this request's records in each store it wrote to,
        // for the gateway to keep in its own record of the request: logs at both ends, no window
        // (docs/audit-anchoring.md). Only the heads, two values per store, no personal data.
        answered({ contextValue, response }) {
          const heads = contextValue.auditLog.heads();
          if (!heads || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [AUDIT_HEADS_EXTENSION]: heads };
        },
      })],
    },
  ];
  const { plugins: apolloPlugins } = apolloOptionsOf(plugins);
  const apollo = createApolloServer<TContext>({ schema: traceEntryFields(buildSubgraphSchema([{ typeDefs, resolvers: definition.resolvers }])), plugins: apolloPlugins }, logger);
  await apollo.start();

  const handler = createGraphQLHttpHandler<TContext>({
    apollo,
    metrics,
    logger,
    // Only the gateway's signed requests are served, and a cohort's member list can be long.
    maxBodyBytes: 16_000_000,
    // The gateway's request id, so that this store's records join the gateway's.
    trustIncomingRequestId: true,
    metricsToken: env.METRICS_TOKEN || undefined,
    plugins,
    async ready() {
      await Promise.all([db, ...controllerStores.map((c) => c.db)].map((each) => sql`select 1`.execute(each)));
      return true;
    },
    routes: {
      ...(decryptionKey ? { '/.well-known/jwks.json': async (_request, response) => sendJson(response, 200, { keys: [decryptionKey.publicJwk] }) } : {}),
      ...(statisticsRelease ? {
        [STATISTICS_RELEASE_PATH]: statisticsReleaseRoute({
          agency: statisticsRelease.agency, db, auditLog, releaseBases, logger, release: statisticsRelease.release,
          // The job's reads run on the agency's own context (its DataLoaders). It acts for no person:
          // the caller is the job, with the purpose the release serves, and writes its own records.
          context: (requestId, controllersOfMember) => definition.createContext(db, {
            caller: { actorId: STATISTICS_RELEASE_ACTOR, role: 'analyst', purpose: 'STATISTICS', requestId },
            audit: new RequestAudit(statisticsRelease.agency), auditLog: auditLogs, controllers, ownForbund, releaseBases, metrics,
            ...(controllersOfMember ? { controllersOfMember } : {}),
          }, controllerStores),
          controllers: controllers.map((c) => c.code), ownForbund,
        }),
      } : {}),
      ...(withdrawals ? { [WITHDRAWALS_PATH]: withdrawalPushRoute(withdrawals) } : {}),
      ...definition.routes,
      // The gateway witnesses this store's audit chain head here, and hands over its own (audit-checkpoint.ts).
      // Each controller's chain is witnessed the same way, its own store named in the checkpoint.
      [CHECKPOINT_PATH]: auditCheckpointRoute({
        store: definition.name, db: store.auditDb as unknown as Kysely<AuditDb>, trusted, ownForbund, logger,
        controllerStores: new Map(opened.map(({ controller, store: own }) => [controllerStoreName(definition.name, controller.code), own.auditDb as unknown as Kysely<AuditDb>])),
      }),
    },
  });

  return {
    name: definition.name, agency: definition.agency, db, controllerStores, metrics, logger, handler,
    defaultPort: definition.defaultPort ?? (isSubgraphName(definition.name) ? defaultSubgraphPort(definition.name, env) : undefined),
    async stop() {
      await apollo.stop();
      await stores.close();
      // Last: the spans of the requests drained above are sent before the process ends.
      await tracing?.shutdown();
    },
  };
}

/** The definition's statistics release with its agency; a release given to coordination is a mistake, said at start. */
function statisticsReleaseOf<DB, TContext extends SubgraphRequest>(definition: SubgraphDefinition<DB, TContext>) {
  if (!definition.statisticsRelease) return null;
  const { agency } = definition;
  if (!isAgency(agency)) throw new Error(`${definition.name}: only an agency's subgraph makes a statistics release of its categories (coordination releases its own figures)`);
  return { agency, release: definition.statisticsRelease };
}

/**
 * Opens the subgraph's database (SQLite file or PostgreSQL), migrates it, and seeds it if it
 * holds no population yet. `npm run seed` runs just this.
 */
export async function prepareStore<DB>(
  definition: Pick<SubgraphDefinition<DB, never>, 'name' | 'migrations'> & { seed: SubgraphDefinition<DB, never>['seed'] | null },
  options: {
    env: NodeJS.ProcessEnv; dataDir: string; logger: Logger; metrics: ProcessMetrics;
    /** A controller's store (controllers.ts): seeded with what that controller holds, counted under its subgraph's name. */
    controller?: string; subgraph?: string;
  },
) {
  const store = await openDatabase<DB>({
    store: definition.name,
    dataDir: options.dataDir,
    databaseUrl: options.controller === undefined ? databaseUrlFor(definition.name, options.env) : controllerDatabaseUrl(definition.name, options.env),
    kitMigrations: subgraphKitMigrations,
    migrations: definition.migrations,
    // A controller's store counts under its subgraph's name: one series per subgraph, whatever is behind it.
    onStatement: (kind) => options.metrics.dbStatements.inc({ subgraph: options.subgraph ?? definition.name, kind }),
    logger: options.logger,
  });
  try {
    const settings = seedSettings(options.env);
    await seedOnFirstStart(store.db, definition, settings && options.controller !== undefined ? { ...settings, controller: options.controller } : settings, options.logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * A controller's store is in its own database (`<STORE>_DATABASE_URL`, `SOCIAL_SERVICES_1480_DATABASE_URL`),
 * never the process's shared DATABASE_URL: two municipalities' data and audit chains in one database
 * would be one controller's. PostgreSQL mode without it is said at start.
 */
function controllerDatabaseUrl(store: string, env: NodeJS.ProcessEnv): string | undefined {
  const variable = storeDatabaseUrlVariable(store);
  const own = env[variable] || undefined;
  if (!own && env.DATABASE_URL) throw new Error(`${store}: a controller's store needs its own database: set ${variable} (DATABASE_URL is one database, and each controller has its own)`);
  return own;
}

/**
 * Every store of a subgraph, opened, migrated and seeded: its own, and for an agency of many
 * controllers one per controller (`<subgraph>-<code>`), which then hold the data and each its
 * own audit chain while the subgraph's own holds only the kit's tables.
 */
export async function prepareSubgraphStores<DB>(
  definition: Pick<SubgraphDefinition<DB, never>, 'name' | 'agency' | 'migrations' | 'seed'>,
  options: { env: NodeJS.ProcessEnv; dataDir: string; logger: Logger; metrics: ProcessMetrics },
) {
  const controllers = isAgency(definition.agency) ? controllersOf(definition.agency, options.env) : [];
  const store = await prepareStore(controllers.length > 0 ? { name: definition.name, migrations: {}, seed: null } : definition, options);
  const opened: { controller: AgencyController; store: Store<DB> }[] = [];
  try {
    for (const controller of controllers) {
      opened.push({ controller, store: await prepareStore({ ...definition, name: controllerStoreName(definition.name, controller.code) }, { ...options, controller: controller.code, subgraph: definition.name }) });
    }
  } catch (error) {
    await Promise.all([store, ...opened.map((o) => o.store)].map((s) => s.close()));
    throw error;
  }
  return {
    controllers, store, opened,
    close: () => Promise.all([store, ...opened.map((o) => o.store)].map((s) => s.close())).then(() => undefined),
  };
}

/** seed_run's `seed` for a store first started without seeding: it is never seeded afterwards. */
const UNSEEDED = -1;

/** An empty store that is to be seeded where the devkit, which makes the population, is not installed. */
export class SeedUnavailableError extends Error {}

/** True for the error an import gives when @finsam/devkit (or one of its entries) cannot be resolved. */
const isDevkitMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND'
  && /@finsam\/devkit/.test((error as Error).message);

async function seedOnFirstStart<DB>(
  db: Kysely<DB>, definition: { name: string; seed: SubgraphDefinition<DB, never>['seed'] | null }, settings: SeedSettings | null, logger: Logger,
): Promise<void> {
  // Untyped view of the shared bookkeeping table, which no subgraph's DB type declares.
  const raw = db as unknown as Kysely<{ seed_run: { seed: number; persons: number; reference_date: string; seeded_at: string } }>;
  const existing = await raw.selectFrom('seed_run').selectAll().executeTakeFirst();
  if (!settings) {
    // Not seeded: the store is used as it is. A first start says so in seed_run, so that a later
    // start with seeding on never draws synthetic persons into what the agency has written since.
    if (!existing) {
      await raw.insertInto('seed_run').values({ seed: UNSEEDED, persons: 0, reference_date: todayIso(), seeded_at: new Date().toISOString() }).execute();
    }
    return;
  }
  if (existing?.seed === UNSEEDED) {
    logger.warn({ asked: settings }, 'this store was first started without seeding (SEED=none or production); it is not seeded now');
    return;
  }
  if (existing) {
    if (existing.seed !== settings.seed || existing.persons !== settings.persons) {
      logger.warn({ seeded: { seed: existing.seed, persons: existing.persons }, asked: settings }, 'database was seeded with other settings; delete DATA_DIR to reseed');
    }
    return;
  }
  const started = Date.now();
  // A store with only the kit's tables (a subgraph whose data is in its controllers' stores) has no population of its own.
  const seed = definition.seed;
  if (!seed) return;
  let write: SeedWriter<DB>;
  try {
    write = await seed();
  } catch (error) {
    if (!isDevkitMissing(error)) throw error;
    throw new SeedUnavailableError(`${definition.name}: the store is empty and seeding is on, but @finsam/devkit, which makes the synthetic population, is not installed; set SEED=none to start without seeding.`);
  }
  // One transaction: a seed interrupted half-way leaves an empty database, seeded again next start.
  await db.transaction().execute(async (trx) => {
    await write(trx, settings);
    await (trx as unknown as typeof raw).insertInto('seed_run')
      .values({ seed: settings.seed, persons: settings.persons, reference_date: settings.referenceDate, seeded_at: new Date().toISOString() })
      .execute();
  });
  logger.info({ persons: settings.persons, seed: settings.seed, ms: Date.now() - started }, 'database seeded');
}

/** The entry every subgraph's main.ts calls with its build function: build, listen on PORT, stop cleanly on a signal. */
export async function startSubgraph<DB>(build: (options?: SubgraphOptions) => Promise<BuiltSubgraph<DB>>): Promise<RunningServer> {
  let built: BuiltSubgraph<DB>;
  try {
    built = await build({ tracing: true });
  } catch (error) {
    // Said in one line, what to do included: a stack trace from the import would bury it.
    if (!(error instanceof SeedUnavailableError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const port = intFromEnv('PORT', built.defaultPort ?? Number.NaN);
  if (Number.isNaN(port)) throw new Error(`${built.name} has no default port: set PORT`);
  const server = await listenOrExit(built.name, built.handler, port, listenHost());
  built.logger.info({ url: `${server.url}/graphql` }, 'subgraph listening');
  const shutdown = async (signal: string) => {
    built.logger.info({ signal }, 'shutting down');
    await server.close();
    await built.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return server;
}

/** A subgraph's resolver modules merged type by type, as several modules add fields to one type (Cohort, Person). */
export function mergeResolverMaps<TMaps extends object[]>(...maps: TMaps): AllOf<TMaps[number]> {
  const merged: Record<string, object> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map) as [string, object][]) merged[type] = { ...merged[type], ...fields };
  }
  // Merged type by type, the map holds every module's fields: what the intersection of their types says.
  return merged as AllOf<TMaps[number]>;
}

/** The intersection of a union's members: the merged map has every module's types and fields. */
type AllOf<TUnion> = (TUnion extends unknown ? (map: TUnion) => void : never) extends (map: infer TAll) => void ? TAll : never;
