import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { AuditLog, auditMigrations, type AuditDb, type AuditRow } from '../../src/audit.ts';

/**
 * A store's audit log on an in-memory SQLite database, migrated with the kit's own audit
 * migrations (the same tables and append-only triggers as a subgraph's store), written the way
 * a subgraph writes when no writer thread is given. `sqlite` is the raw handle, for a test that
 * plays an attacker with access to the database file.
 */
export async function memoryAuditStore() {
  const sqlite = new SQLite(':memory:');
  const db = new Kysely<AuditDb>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => auditMigrations('sqlite') } }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return {
    db,
    sqlite,
    log: new AuditLog(db, 'sqlite'),
    rows: (): Promise<AuditRow[]> => db.selectFrom('audit_log').selectAll().orderBy('seq').execute(),
    close: () => db.destroy(),
  };
}

export type MemoryAuditStore = Awaited<ReturnType<typeof memoryAuditStore>>;
