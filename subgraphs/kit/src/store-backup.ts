import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';

/**
 * Backing up one store and restoring it (docs/backup.md): the mechanics for each kind of store.
 * The command (`npm run backup`, `npm run restore`, gateway/src/store-backup-cli.ts) adds the
 * check of the restored chain against what the other stores witnessed of it.
 *
 * A backup holds persons' data: it is written 0600, under another name first and renamed only
 * once complete, so that a backup cut off half-way is never taken for one.
 */
export type StoreLocation = { file: string } | { databaseUrl: string };

/** What a backup file is, from its first bytes: an SQLite database, or pg_dump's custom format. */
export type BackupKind = 'sqlite' | 'postgres';

/** A refusal or failure the command reports in one line (exit 2): nothing was changed. */
export class BackupError extends Error {}

const run = promisify(execFile);

export function backupKindOf(file: string): BackupKind | null {
  const head = Buffer.alloc(16);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.toString('latin1') === 'SQLite format 3\0') return 'sqlite';
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'postgres';
  return null;
}

/**
 * A PostgreSQL client program (pg_dump, pg_restore): of the newest server version installed
 * under /usr/lib/postgresql (Debian's layout; a dump must be made by a pg_dump at least as new as
 * the server), else on PATH; null when there is none.
 */
export function postgresProgram(program: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): string | null {
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const version = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)).find((v) => fs.existsSync(path.join(base, v, 'bin', program)));
    if (version) return path.join(base, version, 'bin', program);
  }
  for (const directory of (env.PATH ?? '').split(path.delimiter)) {
    if (directory && fs.existsSync(path.join(directory, program))) return path.join(directory, program);
  }
  return null;
}

/**
 * The connection string without its password, and the password apart: it goes to pg_dump and
 * pg_restore in PGPASSWORD, not on a command line that any user of the machine can list.
 */
function connectionOf(databaseUrl: string, env: NodeJS.ProcessEnv): { url: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), env: { ...env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** A new file only the service's user may read, for a backup or a restore under way. */
function privateNewFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'wx', 0o600));
}

function removeQuietly(...files: string[]): void {
  for (const file of files) fs.rmSync(file, { force: true });
}

/**
 * Backs up a store to `to`: SQLite with its online backup API (a consistent copy while the graph
 * runs and writes), PostgreSQL with pg_dump's custom format (one snapshot of the database).
 */
export async function backupStore(location: StoreLocation, to: string, env: NodeJS.ProcessEnv = process.env): Promise<BackupKind> {
  const partial = path.join(path.dirname(to), `.${path.basename(to)}.partial-${process.pid}`);
  if (fs.existsSync(to)) throw new BackupError(`${to} exists; a backup is not written over another file`);
  if ('file' in location && !fs.existsSync(location.file)) throw new BackupError(`there is no store at ${location.file}`);
  let kind: BackupKind;
  privateNewFile(partial);
  try {
    if ('file' in location) {
      const source = new SQLite(location.file, { readonly: true, fileMustExist: true });
      try {
        await source.backup(partial);
      } finally {
        source.close();
      }
      kind = 'sqlite';
    } else {
      const pgDump = postgresProgram('pg_dump', env);
      if (!pgDump) throw new BackupError('pg_dump is not installed on this machine (Debian: apt-get install postgresql-client); a PostgreSQL store is backed up with it');
      const connection = connectionOf(location.databaseUrl, env);
      await run(pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${connection.url}`], { env: connection.env })
        .catch((error: { stderr?: string; message: string }) => { throw new BackupError(`pg_dump failed: ${firstErrorLine(error, 'pg_dump')}`); });
      kind = 'postgres';
    }
    fs.renameSync(partial, to);
  } finally {
    removeQuietly(partial);
  }
  return kind;
}

/**
 * Restores a store from a backup, all or nothing, and never over a store in use.
 * - SQLite: the backup is copied beside the store under another name and checked
 *   (integrity_check, an audit log in it); the store in place, if any, is taken with an
 *   exclusive lock (refused while any process has it open), its write-ahead log folded in and
 *   closed; then the copy is renamed over it in one step.
 * - PostgreSQL: refused while any other session is connected to the database; pg_restore in one
 *   transaction (an error leaves the database as it was), replacing what is there with `replace`.
 * An existing store is replaced only with `replace`.
 */
export async function restoreStore(from: string, location: StoreLocation, options: { replace: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const kind = backupKindOf(from);
  if (!kind) throw new BackupError(`${from} is not a backup of a store (neither an SQLite database nor a pg_dump custom-format file)`);
  if ((kind === 'sqlite') !== ('file' in location)) {
    throw new BackupError(`${from} is a backup of ${kind === 'sqlite' ? 'an SQLite' : 'a PostgreSQL'} store; the store to restore is ${'file' in location ? 'an SQLite file' : 'a PostgreSQL database'}`);
  }
  if ('file' in location) await restoreSqlite(from, location.file, options.replace);
  else await restorePostgres(from, location.databaseUrl, options.replace, env);
}

async function restoreSqlite(from: string, file: string, replace: boolean): Promise<void> {
  const directory = path.dirname(file);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const restoring = path.join(directory, `.${path.basename(file)}.restoring-${process.pid}`);
  const sidecars = (name: string) => [`${name}-wal`, `${name}-shm`, `${name}-journal`];
  if (fs.existsSync(file) && !replace) throw new BackupError(`${file} exists; restore over it with --replace (once its process is stopped), or restore into another place with --into`);
  privateNewFile(restoring);
  try {
    fs.copyFileSync(from, restoring);
    const copy = new SQLite(restoring);
    try {
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new BackupError(`${from} is damaged (integrity_check: ${String(integrity)}); nothing was restored`);
      if (!copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get()) throw new BackupError(`${from} holds no audit log: it is not a store of the graph; nothing was restored`);
    } catch (error) {
      if (error instanceof BackupError) throw error;
      throw new BackupError(`${from} cannot be read as a store (${(error as Error).message}); nothing was restored`);
    } finally {
      copy.close();
    }
    if (fs.existsSync(file)) {
      // Taken exclusively: refused at once while any process (a subgraph, the gateway) has it open.
      const current = new SQLite(file, { timeout: 0 });
      try {
        current.pragma('locking_mode = EXCLUSIVE');
        current.exec('BEGIN EXCLUSIVE');
        current.exec('COMMIT');
        // Its write-ahead log folded in, so that none is left to be read against the restored file.
        current.pragma('wal_checkpoint(TRUNCATE)');
      } catch (error) {
        throw new BackupError(`${file} is open in a running process (${(error as Error).message}): stop the process that serves this store first; nothing was restored`);
      } finally {
        current.close();
      }
      removeQuietly(...sidecars(file));
    }
    // One step: before it the store is what it was, after it the backup's.
    fs.renameSync(restoring, file);
  } finally {
    removeQuietly(restoring, ...sidecars(restoring));
  }
}

async function restorePostgres(from: string, databaseUrl: string, replace: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  const pgRestore = postgresProgram('pg_restore', env);
  if (!pgRestore) throw new BackupError('pg_restore is not installed on this machine (Debian: apt-get install postgresql-client); a PostgreSQL store is restored with it');
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`the database to restore into cannot be reached (${(error as Error).message}): create it first (an empty database), or name another with --into`);
  }
  try {
    const sessions = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0]!.n);
    if (sessions > 0) throw new BackupError(`${sessions} other session(s) are connected to that database: stop the process that serves this store first; nothing was restored`);
    const exists = (await client.query<{ present: boolean }>("SELECT to_regclass('public.audit_log') IS NOT NULL AS present")).rows[0]!.present;
    if (exists && !replace) throw new BackupError('that database holds a store already; restore over it with --replace (once its process is stopped), or into an empty database with --into');
  } finally {
    await client.end();
  }
  const connection = connectionOf(databaseUrl, env);
  // One transaction: an error on the way leaves the database as it was.
  await run(pgRestore, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', ...(replace ? ['--clean', '--if-exists'] : []), `--dbname=${connection.url}`, from], { env: connection.env })
    .catch((error: { stderr?: string; message: string }) => { throw new BackupError(`pg_restore failed, nothing was restored (one transaction): ${firstErrorLine(error, 'pg_restore')}`); });
}

/**
 * The program's first error line only: what follows it (the statement, its CONTEXT) may quote
 * a row of the store, and a row may hold a personnummer.
 */
function firstErrorLine(error: { stderr?: string; message: string }, program: string): string {
  const line = (error.stderr ?? '').split('\n').find((l) => l.startsWith(`${program}: error:`));
  return (line ?? error.message.split('\n')[0] ?? '').replace(/^\S+: error: /, '').slice(0, 300);
}
