import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteWriterThread } from '../src/sqlite-writer.ts';

describe('the SQLite writer thread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-writer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const insert = (n: number) => CompiledQuery.raw('INSERT INTO t (n) VALUES (?)', [n]);

  it('commits all of a write or none of it, and keeps serving after a failed one', async () => {
    const file = path.join(dir, 'store.sqlite');
    const setup = new SQLite(file);
    setup.exec('CREATE TABLE t (n INTEGER NOT NULL CHECK (n > 0))');
    setup.close();
    let statements = 0;
    const writer = new SqliteWriterThread(file, () => statements++);
    await writer.write([insert(1), insert(2)]);
    await expect(writer.write([insert(3), insert(-1)])).rejects.toThrow(/CHECK constraint/);
    await writer.write([insert(4)]);
    await writer.close();
    const reader = new SQLite(file, { readonly: true });
    expect(reader.prepare('SELECT n FROM t ORDER BY n').all()).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    reader.close();
    expect(statements).toBe(5);
  });

  it('fails the write when its thread cannot open the store, and starts again once it can', async () => {
    const file = path.join(dir, 'later.sqlite');
    const writer = new SqliteWriterThread(file, () => undefined);
    await expect(writer.write([insert(1)])).rejects.toThrow();
    const setup = new SQLite(file);
    setup.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    setup.close();
    await writer.write([insert(7)]);
    await writer.close();
    const reader = new SQLite(file, { readonly: true });
    expect(reader.prepare('SELECT n FROM t').all()).toEqual([{ n: 7 }]);
    reader.close();
  });
});
