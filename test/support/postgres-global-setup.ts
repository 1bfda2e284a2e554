import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';
import { findPostgresBinaries } from './postgres-cluster.ts';

/**
 * Starts a throwaway PostgreSQL cluster on a free loopback port for the PostgreSQL run of the
 * end-to-end suite, and stops it afterwards. Uses Debian's PostgreSQL (installed by .ci/run
 * when missing); as root, the server runs as the `postgres` user, which initdb requires.
 */
export default async function setup(project: TestProject) {
  const bin = findPostgresBinaries();
  if (!bin) {
    const message = 'PostgreSQL is not installed (apt-get install -y postgresql); the PostgreSQL run needs it.';
    if (process.env.CI) throw new Error(message);
    console.warn(`${message} Skipping it.`);
    project.provide('postgresUrl', '');
    return () => undefined;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-pg-'));
  const dataDir = path.join(root, 'data');
  const asServerUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asServerUser.length > 0) execFileSync('chown', ['postgres', root]);
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = [...asServerUser, path.join(bin, program), ...args];
    execFileSync(command!, rest, { stdio: 'pipe' });
  };
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  run('pg_ctl', ['-D', dataDir, '-w', '-l', path.join(root, 'server.log'), '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=400`, 'start']);
  project.provide('postgresUrl', `postgres://postgres@127.0.0.1:${port}/postgres`);
  return () => {
    run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    fs.rmSync(root, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
