import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import type { Logger } from './logger.ts';
import { SqliteWriterThread, type BackgroundWriter } from './sqlite-writer.ts';

export type Migrations = Record<string, Migration>;

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
  /** Versioned migrations; a function when some SQL differs between the two databases. */
  migrations: Migrations | ((dialect: Dialect) => Migrations);
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

/** `<STORE>_DATABASE_URL`, else `DATABASE_URL` (one store per process, as in the containers). */
export function databaseUrlFor(store: string, env: NodeJS.ProcessEnv): string | undefined {
  return env[`${store.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`] || env.DATABASE_URL || undefined;
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
      options.onStatement(/audit_log|audit_checkpoint/.test(event.query.sql) ? 'audit' : 'data');
      if (event.level === 'error') {
        // The SQL text only: parameters may hold a personnummer.
        options.logger.error({ sql: event.query.sql, err: (event.error as Error)?.message }, 'database statement failed');
      }
    },
  });
  const migrations = typeof options.migrations === 'function' ? options.migrations(dialect) : options.migrations;
  await migrate(db, migrations, options.logger);
  const auditDb = options.databaseUrl
    ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: postgresPool(options.databaseUrl, 2, options.logger) }), log: () => options.onStatement('audit') })
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
 * A pool whose idle connections may be cut by the server (restart, failover, an operator): that
 * is logged and the pool reconnects on next use, instead of the unhandled error ending the process.
 */
function postgresPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (error) => logger.warn({ err: error.message }, 'idle database connection lost'));
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
  return new SqliteDialect({ database: sqlite });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
async function migrate(db: Kysely<any>, migrations: Migrations, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') logger.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
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
