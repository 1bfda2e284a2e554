import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../src/database.ts';
import { createLogger } from '../src/logger.ts';

describe('a SQLite transaction that SQLite itself ended', () => {
  let store: Store<any> | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  // A commit that fails with a disk I/O error or a full disk is rolled back by SQLite itself; the
  // rollback the caller's transaction then sends fails with "cannot rollback - no transaction is
  // active", and that error, not the disk's, reached the caller and the masked log line.
  it('reaches the caller with its own error, not the failed rollback\'s', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-db-'));
    store = await openDatabase({
      store: 'rollback-test', dataDir, kitMigrations: {}, migrations: {}, onStatement: () => {}, logger: createLogger('test', { level: 'silent' }),
    });
    const attempt = store.db.transaction().execute(async (trx) => {
      await sql`create table t (x integer)`.execute(trx);
      // What SQLite does on SQLITE_FULL or SQLITE_IOERR: the transaction is over before the caller knows.
      await sql`rollback`.execute(trx);
      throw new Error('disk I/O error');
    });
    await expect(attempt).rejects.toThrow('disk I/O error');
    // The connection is usable afterwards, outside any transaction.
    await expect(sql`select 1 as one`.execute(store.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });
});
