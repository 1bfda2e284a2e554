import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Store } from '../src/database.ts';
import { createLogger } from '../src/logger.ts';

interface DB { note: { id: number; text: string } }

const opened: { store: Store<DB>; dir: string }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const { store, dir } of opened.splice(0)) {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function open(): Promise<Store<DB>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-statements-'));
  const store = await openDatabase<DB>({
    store: 'statements', dataDir: dir, kitMigrations: {}, onStatement: () => {}, logger: createLogger('statements-test', { level: 'silent' }),
    migrations: { '0001_note': { async up(db) { await db.schema.createTable('note').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('text', 'text', (c) => c.notNull()).execute(); } } },
  });
  opened.push({ store, dir });
  return store;
}

describe('SQLite statements compiled once per text (issue 24: CPU per request)', () => {
  it('prepares a statement the first time its SQL is run, not every time', async () => {
    const { db } = await open();
    const prepare = vi.spyOn(SQLite.prototype, 'prepare');
    for (let i = 1; i <= 5; i++) await db.insertInto('note').values({ id: i, text: `n${i}` }).execute();
    for (let i = 1; i <= 5; i++) expect(await db.selectFrom('note').select('text').where('id', '=', i).executeTakeFirst()).toEqual({ text: `n${i}` });
    // One insert text and one select text, whatever the parameters.
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('answers as before after the schema changes under a kept statement, inside and outside transactions', async () => {
    const { db } = await open();
    await db.insertInto('note').values({ id: 1, text: 'a' }).execute();
    const all = () => sql<{ id: number; text: string }>`select * from note order by id`.execute(db);
    expect((await all()).rows).toEqual([{ id: 1, text: 'a' }]);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('note').values({ id: 2, text: 'b' }).execute();
      await sql`alter table note add column extra text`.execute(trx);
    });
    expect((await all()).rows).toEqual([{ id: 1, text: 'a', extra: null }, { id: 2, text: 'b', extra: null }]);
  });
});
