// A worker thread that writes to one SQLite store: the durable commit (an fsync with
// synchronous = FULL) blocks the thread that makes it, and here that is not the thread serving
// requests. Plain JavaScript so that it starts the same under node, tsx and vitest.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { statementKeeper } from './statement-keeper.mjs';

const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');

const { statementFor } = statementKeeper(db);

// All of one write or none of it.
const writeAll = db.transaction((statements) => {
  for (const { sql, parameters } of statements) statementFor(sql).run(...parameters);
});

parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    writeAll(message.statements);
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
