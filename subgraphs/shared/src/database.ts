import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import type { SubgraphName } from './config.ts';
import type { Logger } from './logger.ts';

export type Migrations = Record<string, Migration>;

/** `audit`: writes and reads of the access log; `data`: everything else. Counted apart so the
 * per-request read budget stays visible next to the one append every request makes. */
export type StatementKind = 'data' | 'audit';

export interface DatabaseOptions {
  /** The store's name: a subgraph, or `gateway`; the file is `<store>.sqlite`. */
  store: SubgraphName | 'gateway';
  dataDir: string;
  migrations: Migrations;
  /** Called once for each statement sent to the database (the db_statements_total counter). */
  onStatement: (kind: StatementKind) => void;
  logger: Logger;
}

/**
 * Opens the subgraph's own store and brings it to the latest migration. The embedded default
 * is one SQLite file per subgraph under DATA_DIR; all SQL goes through Kysely so that the same
 * queries and migrations can run on PostgreSQL.
 */
export async function openDatabase<DB>(options: DatabaseOptions): Promise<Kysely<DB>> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, `${options.store}.sqlite`);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a write the subgraph acknowledged (consent, audit) survives a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: sqlite }),
    log(event) {
      options.onStatement(event.query.sql.includes('"audit_log"') ? 'audit' : 'data');
      if (event.level === 'error') {
        // The SQL text only: parameters may hold a personnummer.
        options.logger.error({ sql: event.query.sql, err: (event.error as Error)?.message }, 'database statement failed');
      }
    },
  });
  await migrate(db, options.migrations, options.logger);
  return db;
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

/** Opens an existing store read-only, without migrating: for checks such as `npm run audit -- verify`. */
export function openReadOnly<DB>(file: string): Kysely<DB> {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: new SQLite(file, { readonly: true, fileMustExist: true }) }) });
}

/** Inserts rows in chunks that stay under SQLite's limit on bound parameters. */
export async function insertInChunks<T extends Record<string, unknown>>(
  insert: (rows: T[]) => Promise<unknown>,
  rows: T[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).length;
  const chunk = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += chunk) await insert(rows.slice(i, i + chunk));
}
