import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster of a test's own, on a free loopback port under a temp dir, that
 * the test may stop and start again (test/e2e/faults/postgres-restart.test.ts); the PostgreSQL
 * run's shared cluster (postgres-global-setup.ts) serves every other file and is never stopped.
 * Debian's binaries; as root the server runs as `postgres`, which initdb requires.
 *
 * Unlike the shared cluster it keeps synchronous_commit on, as production does: a commit is
 * acknowledged only once its WAL is written, so a server stopped at once (`immediate`, no
 * shutdown checkpoint: crash recovery at the next start) loses nothing it acknowledged. fsync
 * stays off: the machine does not lose power here, only the server its processes.
 */
export async function throwawayCluster() {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-pg-own-'));
  const dataDir = path.join(root, 'data');
  const asServerUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asServerUser.length > 0) await run('chown', ['postgres', root]);
  const pg = async (program: string, args: string[]) => {
    const [command, ...rest] = [...asServerUser, path.join(bin, program), ...args];
    await run(command!, rest);
  };
  const port = await freePort();
  await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const start = () => pg('pg_ctl', ['-D', dataDir, '-w', '-l', path.join(root, 'server.log'), '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, 'start']);
  await start();
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    /** `immediate`: every server process ends at once, no checkpoint, as when the server is killed. */
    stop: (mode: 'fast' | 'immediate' = 'immediate') => pg('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']),
    async remove() {
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Debian's PostgreSQL binaries, the newest version installed; null when there are none. */
export function findPostgresBinaries(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const version = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)).find((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')));
  return version ? path.join(base, version, 'bin') : null;
}
