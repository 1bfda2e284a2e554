import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { inject } from 'vitest';
import { verifyAuditChains } from '@finsam/gateway/audit-verify';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import type { AuditDb } from '@finsam/kit/audit';
import type { Role } from '@finsam/kit/caller';
import { capturedOutput } from '@finsam/kit/command-output';
import { SUBGRAPH_NAMES, envPrefix, type SubgraphName } from '@finsam/kit/config';
import { controllerStoresOf } from '@finsam/kit/controllers';
import { openExisting, storeDatabaseUrlVariable } from '@finsam/kit/database';
import { freePort } from './free-port.ts';
import { createStoreDatabase } from './postgres-database.ts';

export type PartName = SubgraphName | 'gateway';

const root = path.join(import.meta.dirname, '../..');

/**
 * Chosen parts of the graph as processes of their own, as `npm start` runs them (scripts/start-all.ts):
 * each on its own loopback port, all on one DATA_DIR, so that a test can kill one with
 * SIGKILL and start it again on the same store. Each runs under plain node from its bundle, built
 * once per vitest run from the same sources (part-bundles.ts: tsx's loader was most of what a
 * process cost to start); `npm start` itself runs under tsx in test/e2e/operations/start.test.ts.
 * test/support/graph.ts builds the parts in the test's process instead, which is cheaper but
 * cannot lose a process.
 *
 * Stores: SQLite files under the data dir; in the PostgreSQL run (or with `postgresAdminUrl`, a
 * cluster of the test's own) each store in a fresh database on that server. Plain HTTP between the
 * parts: what the wire adds is tested by test/e2e/trust.
 */
export async function startParts(options: {
  subgraphs: readonly SubgraphName[]; persons?: number; env?: NodeJS.ProcessEnv; gatewayEnv?: NodeJS.ProcessEnv;
  /** A PostgreSQL server to make the stores' databases on (default: the PostgreSQL run's, none in the SQLite run). */
  postgresAdminUrl?: string;
}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-parts-'));
  const env: NodeJS.ProcessEnv = {
    // A DATABASE_URL of the developer's shell would put every store of the scenario in one database.
    ...process.env, DATABASE_URL: undefined, DATA_DIR: dataDir, SEED: '1', SEED_PERSONS: String(options.persons ?? 100), LOG_LEVEL: 'warn',
    ...options.env,
  };
  const adminUrl = options.postgresAdminUrl ?? (process.env.FINSAM_TEST_DATABASE === 'postgres' ? inject('postgresUrl') : '');
  const databases: { drop(): Promise<void> }[] = [];
  if (adminUrl) {
    const stores = [...options.subgraphs, ...options.subgraphs.flatMap((name) => controllerStoresOf(name, env)), 'gateway'];
    for (const store of stores) {
      const database = await createStoreDatabase(adminUrl, store);
      databases.push(database);
      env[storeDatabaseUrlVariable(store)] = database.url;
    }
  }
  const ports = Object.fromEntries(await Promise.all([...SUBGRAPH_NAMES, 'gateway' as const].map(async (name) => [name, await freePort()] as const))) as Record<PartName, number>;
  // Every subgraph at its port, started or not: one not started is a port nothing listens on, as when it is down.
  for (const name of SUBGRAPH_NAMES) env[`${envPrefix(name)}_URL`] = `http://127.0.0.1:${ports[name]}/graphql`;
  const gatewayEnv: NodeJS.ProcessEnv = { AUDIT_CHECKPOINT_INTERVAL_MS: '0', ...options.gatewayEnv };

  const running = new Map<PartName, { child: ChildProcess; output: string[] }>();
  /** Each part's output since it was last started, kept after it stops (what it said at exit included). */
  const outputs = new Map<PartName, string[]>();
  const base = (name: PartName) => `http://127.0.0.1:${ports[name]}`;

  /**
   * Starts a part (again) on its port and store and waits until it serves: a subgraph's /ready, the
   * gateway's /health (its /ready waits for all five subgraphs, and a scenario starts fewer).
   * `wrap` runs it under a command (`prlimit …`).
   */
  async function start(name: PartName, extra: { env?: NodeJS.ProcessEnv; wrap?: string[] } = {}): Promise<void> {
    if (running.has(name)) throw new Error(`${name} is running`);
    const partEnv = { ...env, ...(name === 'gateway' ? gatewayEnv : {}), ...extra.env, PORT: String(ports[name]) };
    const [command, ...args] = [...(extra.wrap ?? []), process.execPath, inject('partBundles')[name]];
    const child = spawn(command!, args, { cwd: root, env: partEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    running.set(name, { child, output });
    outputs.set(name, output);
    const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${output.join('').slice(-4000)}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ready = await Promise.race([fetch(`${base(name)}/${name === 'gateway' ? 'health' : 'ready'}`).then((r) => r.ok, () => false), exited]);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`${name} not ready within 120 s:\n${output.join('').slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Ends a part's process with `signal` (SIGKILL: nothing flushed, nothing closed) and waits for it to be gone. */
  async function stop(name: PartName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const part = running.get(name);
    if (!part) return;
    running.delete(name);
    if (part.child.exitCode !== null || part.child.signalCode !== null) return;
    const gone = new Promise((resolve) => part.child.once('exit', resolve));
    part.child.kill(signal);
    await gone;
  }

  try {
    for (const name of options.subgraphs) await start(name);
    await start('gateway');
  } catch (error) {
    // A part that did not come up: the others would outlive the test run, holding their ports and stores.
    for (const name of [...running.keys()]) await stop(name, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const storeEnv: NodeJS.ProcessEnv = { ...env, GATEWAY_JWKS_URL: undefined };
  return {
    dataDir,
    url: `${base('gateway')}/graphql`,
    start,
    stop,
    /** What a part wrote to stdout and stderr since it was last started (also once it has stopped). */
    output: (name: PartName) => outputs.get(name)?.join('') ?? '',
    /** Every running part stopped with `signal` (SIGTERM: as Ctrl-C on npm start, each flushes and closes). */
    async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
      await Promise.all([...running.keys()].map((name) => stop(name, signal)));
    },
    /** POSTs a request body to the gateway as a client does: the answer's status, request id and body. */
    async post(token: string, body: unknown) {
      const response = await fetch(`${base('gateway')}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      return { status: response.status, requestId: response.headers.get('x-request-id')!, body: await response.json() as { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] } };
    },
    token: (role: Role = 'coordinator', sub = 'coordinator-1') => mintDevToken(dataDir, { sub, role }),
    /** A connection to a store, as its operator has. */
    store: (store: PartName): Kysely<AuditDb> => {
      const url = env[storeDatabaseUrlVariable(store)];
      return openExisting<AuditDb>(url ? { databaseUrl: url } : { file: path.join(dataDir, `${store}.sqlite`) });
    },
    databaseUrl: (store: PartName): string | undefined => env[storeDatabaseUrlVariable(store)],
    dialect: adminUrl ? 'postgres' as const : 'sqlite' as const,
    /** `npm run audit -- verify` on these stores (the bin's own code, in this process): exit status and lines. */
    async verifyAudit(): Promise<{ status: number; out: string }> {
      const output = capturedOutput();
      const status = await verifyAuditChains(storeEnv, output);
      return { status, out: output.all() };
    },
    /** Where the stores are, as `npm run audit` reads it. */
    storeEnv,
    async close() {
      for (const name of [...running.keys()]) await stop(name, 'SIGKILL');
      for (const database of databases) await database.drop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestParts = Awaited<ReturnType<typeof startParts>>;

/** Runs statements on a store as its owner, from outside the part that serves it. */
export async function asStoreOwner(db: Kysely<AuditDb>, statements: string[]): Promise<void> {
  try {
    for (const statement of statements) await sql.raw(statement).execute(db);
  } finally {
    await db.destroy();
  }
}
