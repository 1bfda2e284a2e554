import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type LogEvent, type Migration } from 'kysely';
import pg from 'pg';
import type { Logger } from './logger.ts';
import { SqliteWriterThread, type BackgroundWriter } from './sqlite-writer.ts';
import { statementKeeper } from './statement-keeper.mjs';
import { isTracing, recordFinishedSpan } from './tracing.ts';

export type Migrations = Record<string, Migration>;

/** Migrations, or a function giving them when some SQL differs between the two databases. */
export type MigrationsFor = Migrations | ((dialect: Dialect) => Migrations);

/** `audit`: writes and reads of the access log; `data`: everything else. Counted apart so the
 * per-request read budget stays visible next to the one append every request makes. */
export type StatementKind = 'data' | 'audit';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** The store's name: a subgraph, or `gateway`; the embedded file is `<store>.sqlite`. */
  store: string;
  dataDir: string;
  /** PostgreSQL (production mode) when set; otherwise the embedded SQLite file. */
  databaseUrl?: string;
  /**
   * The kit's tables in this store (audit log, seed bookkeeping, record key): a sequence of their
   * own, recorded in `kit_migration`, so that the kit can add one without a package seeing it.
   */
  kitMigrations: MigrationsFor;
  /**
   * The package's own versioned migrations, recorded in `package_migration`: named after the
   * last one in its `migrations.ts`, whatever the kit's are called.
   */
  migrations: MigrationsFor;
  /** Called once for each statement sent to the database (the db_statements_total counter). */
  onStatement: (kind: StatementKind) => void;
  logger: Logger;
}

export interface Store<DB> {
  db: Kysely<DB>;
  dialect: Dialect;
  /**
   * Where the audit log is written. On PostgreSQL its own small pool, so that its transactions
   * (lock, head, insert) are counted as audit statements and never wait behind data reads.
   */
  auditDb: Kysely<DB>;
  /** SQLite only: the thread that commits audit appends, off the event loop. */
  auditWriter: BackgroundWriter | null;
  close(): Promise<void>;
}

/** The variable naming one store's own database: `CARE_DATABASE_URL`, `SOCIAL_SERVICES_1480_DATABASE_URL`. */
export const storeDatabaseUrlVariable = (store: string): string => `${store.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`;

/** `<STORE>_DATABASE_URL`, else `DATABASE_URL` (one store per process, as in the containers). */
export function databaseUrlFor(store: string, env: NodeJS.ProcessEnv): string | undefined {
  return env[storeDatabaseUrlVariable(store)] || env.DATABASE_URL || undefined;
}

/**
 * Opens the store's own database and brings it to the latest migration. The embedded default
 * is one SQLite file per store under DATA_DIR; production mode is PostgreSQL through
 * node-postgres. All SQL goes through Kysely, so queries and migrations are the same for both.
 */
export async function openDatabase<DB>(options: DatabaseOptions): Promise<Store<DB>> {
  const dialect: Dialect = options.databaseUrl ? 'postgres' : 'sqlite';
  const db = new Kysely<DB>({
    dialect: options.databaseUrl ? new PostgresDialect({ pool: postgresPool(options.databaseUrl, 10, options.logger) }) : sqliteDialect(options),
    log(event) {
      const kind = /audit_log|audit_checkpoint/.test(event.query.sql) ? 'audit' : 'data';
      options.onStatement(kind);
      if (isTracing()) statementSpan(event, dialect, options.store, kind);
      if (event.level === 'error') {
        // The SQL text only: parameters may hold a personnummer.
        options.logger.error({ sql: event.query.sql, err: (event.error as Error)?.message }, 'database statement failed');
      }
    },
  });
  await migrate(db, dialect, resolve(options.kitMigrations, dialect), resolve(options.migrations, dialect), options.logger);
  const auditDb = options.databaseUrl
    ? new Kysely<DB>({
      dialect: new PostgresDialect({ pool: postgresPool(options.databaseUrl, 2, options.logger) }),
      log: (event) => {
        options.onStatement('audit');
        if (isTracing()) statementSpan(event, dialect, options.store, 'audit');
      },
    })
    : db;
  const auditWriter = options.databaseUrl ? null : new SqliteWriterThread(sqliteFile(options), () => options.onStatement('audit'));
  return {
    db, dialect, auditDb, auditWriter,
    async close() {
      await auditWriter?.close();
      if (auditDb !== db) await auditDb.destroy();
      await db.destroy();
    },
  };
}

/**
 * A span for each statement, made once Kysely reports it run (its duration known): named by what
 * it does and to which table (`SELECT person`), never its text or parameters. A statement's text
 * has placeholders for what a request sent, but the text is still more than an operator needs to
 * see where time goes, and the kind and the table are enough.
 */
function statementSpan(event: LogEvent, dialect: Dialect, store: string, kind: StatementKind): void {
  const { operation, table } = statementOf(event.query.query, event.query.sql);
  recordFinishedSpan(table ? `${operation} ${table}` : operation, event.queryDurationMillis, {
    'db.system.name': dialect === 'postgres' ? 'postgresql' : 'sqlite',
    'db.namespace': store,
    'db.operation.name': operation,
    ...(table ? { 'db.collection.name': table } : {}),
    'finsam.statement.kind': kind,
  }, event.level === 'error');
}

/** Kysely's tree node of a table (`person`, `person as p`), as far as this reads it. */
type TableLike = { kind: string; table?: { identifier?: { name?: string } }; node?: TableLike } | undefined;
const tableName = (node: TableLike): string | undefined => node?.kind === 'AliasNode' ? tableName(node.node) : node?.table?.identifier?.name;

/** What a statement does and to which table, from Kysely's tree of it; a raw statement by its first word. */
export function statementOf(query: { kind: string } & Record<string, any>, text: string): { operation: string; table?: string } {
  switch (query.kind) {
    case 'SelectQueryNode': return { operation: 'SELECT', table: tableName(query.from?.froms?.[0]) };
    case 'InsertQueryNode': return { operation: 'INSERT', table: tableName(query.into) };
    case 'UpdateQueryNode': return { operation: 'UPDATE', table: tableName(query.table) };
    case 'DeleteQueryNode': return { operation: 'DELETE', table: tableName(query.from?.froms?.[0]) };
    default: {
      // A raw statement's first word only (SELECT, BEGIN, PRAGMA …): its text is the caller's, whatever it holds.
      const word = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase();
      return { operation: word && /^[A-Z]{2,12}$/.test(word) ? word : 'STATEMENT' };
    }
  }
}

/**
 * A pool whose connections may be cut by the server (restart, failover, an operator): that is
 * logged and the pool reconnects on next use, instead of the unhandled error ending the process.
 *
 * The pool's own 'error' event covers idle connections only. A connection checked out (inside a
 * transaction, between its statements) emits 'error' on its client, where nothing listened: a
 * server stopped under load ended the gateway and coordination with "Unhandled 'error' event"
 * (test/e2e/faults/postgres-restart.test.ts). Every client gets a listener when it connects;
 * the statement it was running, or its next one, fails and that request is refused with a code.
 */
function postgresPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle database connection lost'));
  pool.on('connect', (client) => client.on('error', (error) => logger.warn({ err: error.message }, 'database connection lost')));
  return pool;
}

const sqliteFile = (options: DatabaseOptions) => path.join(options.dataDir, `${options.store}.sqlite`);

/**
 * DATA_DIR holds persons' data and the keys: only the service's own user may enter it (0700),
 * and every file in it is 0600, those left by an older version included. SQLite creates a
 * store's -wal and -shm files with the mode of the store's file, so that file is made 0600
 * before SQLite opens it.
 */
export function privateDirectory(directory: string): void {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  fs.chmodSync(directory, 0o700);
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      fs.chmodSync(path.join(directory, entry.name), 0o600);
    } catch (error) {
      // Another process of the graph may remove its -shm file meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function sqliteDialect(options: DatabaseOptions): SqliteDialect {
  privateDirectory(options.dataDir);
  const file = sqliteFile(options);
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a write the store acknowledged (consent, audit) survives a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  return new RollbackTolerantSqliteDialect(sqlite);
}

/**
 * On SQLITE_FULL, SQLITE_IOERR and the like SQLite rolls a transaction back itself. Kysely then
 * sends its own rollback, which fails with "cannot rollback - no transaction is active", and that
 * error replaced the real one in what the caller and the log saw: a full disk looked like a
 * programming mistake. The rollback is skipped when SQLite has already ended the transaction.
 */
class RollbackTolerantSqliteDialect extends SqliteDialect {
  private readonly database: Pick<SQLite.Database, 'prepare' | 'close'>;

  constructor(private readonly sqlite: SQLite.Database) {
    const database = withKeptStatements(sqlite);
    super({ database });
    this.database = database;
  }

  override createDriver(): Driver {
    const sqlite = this.sqlite;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (sqlite.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database: this.database });
  }
}

/** How many compiled statements a SQLite store keeps: its queries' texts, a few hundred at most, fit. */
const STATEMENTS_KEPT = 500;
/**
 * Longer texts are compiled each time: they are the DataLoaders' and cohorts' IN lists of hundreds
 * of keys, one text per list length, rarely run twice, and each kept one holds its compiled
 * program in native memory (the soak counts it).
 */
const LONGEST_TEXT_KEPT = 2048;

/**
 * The database as Kysely's SQLite driver uses it (`prepare`, `close`), each SQL text compiled
 * once and its statement run again with the next parameters. The driver prepared every
 * statement anew: SQLite's compiling was a tenth of coordination's CPU per request
 * (docs/performance.md, issue 24). Safe to share: the driver runs one statement at a time on its
 * one connection, runs each to its end (`all`/`run`; it streams nothing here), and SQLite
 * recompiles a kept statement itself when the schema changes under it. Which statements are kept
 * is the writer thread's rule too (statement-keeper.mjs), with this connection's bounds.
 */
function withKeptStatements(sqlite: SQLite.Database): Pick<SQLite.Database, 'prepare' | 'close'> {
  const keeper = statementKeeper(sqlite, { longestKept: LONGEST_TEXT_KEPT, most: STATEMENTS_KEPT });
  return {
    prepare: (text: string) => keeper.statementFor(text),
    close: () => sqlite.close(),
  } as Pick<SQLite.Database, 'prepare' | 'close'>;
}

const resolve = (migrations: MigrationsFor, dialect: Dialect) => (typeof migrations === 'function' ? migrations(dialect) : migrations);

/** Where each sequence records what it has run; Kysely's own lock table beside each. */
export const MIGRATION_TABLES = { kit: 'kit_migration', package: 'package_migration' } as const;

/** Serialises the one-time split on PostgreSQL when replicas of a store start together (any constant of ours). */
const SPLIT_LOCK_ID = 7_204_611_021;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
async function migrate(db: Kysely<any>, dialect: Dialect, kit: Migrations, own: Migrations, logger: Logger): Promise<void> {
  // The split files an old row by its name: a name in both sequences could not be told apart.
  const clash = Object.keys(own).filter((name) => Object.hasOwn(kit, name));
  if (clash.length > 0) throw new Error(`migration ${clash.join(', ')}: the kit has a migration of that name; give the package's another`);
  await splitSharedHistory(db, dialect, kit, logger);
  // The kit's first: a package's migration may read the kit's tables, never the other way round.
  for (const [sequence, migrations] of [['kit', kit], ['package', own]] as const) {
    const migrator = new Migrator({
      db, provider: { getMigrations: async () => migrations },
      migrationTableName: MIGRATION_TABLES[sequence], migrationLockTableName: `${MIGRATION_TABLES[sequence]}_lock`,
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const result of results ?? []) {
      if (result.status === 'Success') logger.info({ migration: result.migrationName, sequence }, 'migration applied');
      if (result.status === 'Error') logger.error({ migration: result.migrationName, sequence }, 'migration failed');
    }
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Stores made before the kit's and the package's migrations were kept apart hold both in Kysely's
 * default table, in one sequence sorted by name. Once, before either migrator reads its table,
 * those rows are copied by name into the two tables, so that nothing runs twice. The old table is
 * left as it was (a record of what ran before, read by nothing after this).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bookkeeping tables are in no store's DB type
async function splitSharedHistory(db: Kysely<any>, dialect: Dialect, kit: Migrations, logger: Logger): Promise<void> {
  const tables = async (trx: Kysely<any>) => new Set((await trx.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name));
  const existing = await tables(db);
  if (!existing.has(DEFAULT_MIGRATION_TABLE) || existing.has(MIGRATION_TABLES.kit)) return;
  await exclusively(db, dialect, async (trx) => {
    // Another process may have split it while this one waited for the lock.
    if ((await tables(trx)).has(MIGRATION_TABLES.kit)) return;
    const rows = await trx.selectFrom(DEFAULT_MIGRATION_TABLE).select(['name', 'timestamp']).execute() as { name: string; timestamp: string }[];
    const counts = { kit: 0, package: 0 };
    for (const sequence of ['kit', 'package'] as const) {
      // The columns Kysely's Migrator makes its table with, so that it takes this one as its own.
      await trx.schema.createTable(MIGRATION_TABLES[sequence]).ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
        .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
        .execute();
      const mine = rows.filter((row) => (row.name in kit) === (sequence === 'kit'));
      if (mine.length > 0) await trx.insertInto(MIGRATION_TABLES[sequence]).values(mine).execute();
      counts[sequence] = mine.length;
    }
    logger.info({ kit: counts.kit, package: counts.package, from: DEFAULT_MIGRATION_TABLE }, 'migration history split into the kit\'s and the package\'s');
  });
}

/**
 * One transaction that no other process of the same store runs beside: on PostgreSQL under an
 * advisory lock (replicas starting together); on SQLite begun IMMEDIATE, so a second process
 * waits for the write lock before it reads anything, instead of reading, then failing on a stale
 * snapshot (SQLITE_BUSY_SNAPSHOT) when it writes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bookkeeping tables are in no store's DB type
async function exclusively(db: Kysely<any>, dialect: Dialect, work: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  if (dialect === 'postgres') {
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${SPLIT_LOCK_ID})`.execute(trx);
      await work(trx);
    });
    return;
  }
  await db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      await work(connection);
      await sql`commit`.execute(connection);
    } catch (error) {
      // SQLite may have ended the transaction itself (RollbackTolerantSqliteDialect): the work's error is the one to report.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** Opens an existing store without migrating, read-only where the database allows: for checks such as `npm run audit -- verify`. */
export function openExisting<DB>(location: { file: string } | { databaseUrl: string }): Kysely<DB> {
  return new Kysely<DB>({
    dialect: 'file' in location
      ? new SqliteDialect({ database: new SQLite(location.file, { readonly: true, fileMustExist: true }) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: location.databaseUrl, max: 1 }) }),
  });
}

/** Inserts rows in chunks that stay under SQLite's limit on bound parameters. */
export async function insertInChunks<T extends object>(
  insert: (rows: T[]) => Promise<unknown>,
  rows: T[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  const chunk = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}
