import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { mintDevToken } from '@finsam/gateway/dev-issuer';
import type { Role } from '@finsam/kit/caller';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { freePort } from './free-port.ts';

const root = path.join(import.meta.dirname, '../..');
const resolveEntry = createRequire(import.meta.url).resolve;

/**
 * The whole graph as `npm start` runs it: the five subgraphs and the gateway, each a process of
 * its own (`@finsam/<name>/main`, `@finsam/gateway/main` under tsx), on loopback ports and one
 * DATA_DIR. For what is set up once per process, such as tracing (a process has one tracer
 * provider), which the in-process graph of graph.ts cannot show. Each process's output lines are
 * kept (`lines`); `stop` sends SIGTERM and waits for every process to exit.
 */
export async function startGraphProcesses(options: { env?: NodeJS.ProcessEnv; persons?: number } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-processes-'));
  const ports = Object.fromEntries(await Promise.all([...SUBGRAPH_NAMES, 'gateway'].map(async (name) => [name, await freePort()] as const)));
  const common: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, SEED: '1', SEED_PERSONS: String(options.persons ?? 200),
    // As startGraph: checkpoints only at start; a busy shared core is not a slow agency.
    AUDIT_CHECKPOINT_INTERVAL_MS: '0', SUBGRAPH_TIMEOUT_MS: '20000', ANALYST_MS_PER_SECOND_TOTAL: '1000000',
    ...options.env,
  };
  for (const name of SUBGRAPH_NAMES) common[`${envPrefix(name)}_URL`] = `http://127.0.0.1:${ports[name]}/graphql`;
  const lines: { name: string; line: string }[] = [];
  const children = new Map<string, ChildProcess>();
  const start = (name: string, entry: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...common, PORT: String(ports[name]) }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        for (const line of parts) lines.push({ name, line });
      });
    }
    children.set(name, child);
  };
  // Should the test's process end first (a timeout, a crash), its graph ends with it.
  const killAll = () => { for (const child of children.values()) child.kill('SIGKILL'); };
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    const exited = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const child of children.values()) child.kill('SIGTERM');
    await Promise.all(exited);
  };
  try {
    // The subgraphs first: the gateway's key set and stores are in DATA_DIR, which they share.
    for (const name of SUBGRAPH_NAMES) start(name, resolveEntry(`@finsam/${name}/main`));
    start('gateway', resolveEntry('@finsam/gateway/main'));
    const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    const deadline = Date.now() + 240_000;
    while (!(await fetch(`${gatewayUrl}/ready`).then((r) => r.ok, () => false))) {
      const dead = [...children].find(([, c]) => c.exitCode !== null);
      if (dead) throw new Error(`${dead[0]} exited with ${dead[1].exitCode}: ${lines.filter((l) => l.name === dead[0]).map((l) => l.line).join('\n')}`);
      if (Date.now() > deadline) throw new Error('the graph did not become ready within 240 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      dataDir, lines, url: `${gatewayUrl}/graphql`,
      /** Each process's id, by part (for reading its CPU time). */
      pids: () => Object.fromEntries([...children].map(([name, child]) => [name, child.pid!])),
      token: (role: Role = 'coordinator', sub = 'coordinator-1') => mintDevToken(dataDir, { sub, role }),
      /** POSTs a request body to the gateway as a client does; the answer's status, body and request id. */
      async post(token: string, body: unknown) {
        const response = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
        return { status: response.status, requestId: response.headers.get('x-request-id')!, body: await response.json() as { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] } };
      },
      /** SIGTERM to every process, as Ctrl-C on `npm start`; resolves when all have exited. */
      stop,
      async close() {
        await stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
