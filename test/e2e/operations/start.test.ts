import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { freePort } from '../../support/free-port.ts';

const root = path.join(import.meta.dirname, '../../..');


/**
 * `npm start` as a user runs it: six processes, seeded on first start, a printed URL, the token
 * command, and Ctrl-C that stops them all. On free ports and a temporary DATA_DIR.
 */
describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-start-'));
  // Six processes on a machine shared with another test file: 20 s before a subgraph counts as not answering, not 2.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SEED_PERSONS: '300', LOG_LEVEL: 'warn', SUBGRAPH_TIMEOUT_MS: '20000' };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** `npm start` on free ports, and what it has printed so far. */
  async function npmStart() {
    env.PORT = String(await freePort());
    for (const name of SUBGRAPH_NAMES) env[`${envPrefix(name)}_URL`] = `http://127.0.0.1:${await freePort()}/graphql`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    return { child, printed: () => output };
  }

  // One `npm start` for both: six processes and a first seed cost more than the rest of the file.
  it('starts the graph, prints the URL and token command, answers with a minted token; when a subgraph dies, prints a restart command that brings it back into the same graph; stops on Ctrl-C', async () => {
    const { child, printed } = await npmStart();
    let restarted: ReturnType<typeof spawn> | null = null;
    const mint = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'gateway/src/token-cli.ts', ...args], { cwd: root, env })
      .toString().trim().split('\n').pop()!;
    // The request `npm start` prints: the registered Caseload, which coordination answers.
    const caseload = async (token: string) => {
      const response = await fetch(`http://127.0.0.1:${env.PORT}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: /-d '(\{.*\})'/.exec(printed())![1]!,
      });
      return (await response.json()) as { data?: { me: { caseload: { nodes: unknown[] } } }; errors?: { extensions?: { code?: string } }[] };
    };
    try {
      const started = Date.now();
      while (!printed().includes('Finsam graph is up') && Date.now() - started < 60_000 && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(printed()).toContain(`http://127.0.0.1:${env.PORT}/graphql`);
      expect(printed()).toContain(`Coordinator app:  http://127.0.0.1:${env.PORT}/\n`);
      expect(printed()).toContain('npm run token -- --role coordinator');

      const body = await caseload(mint('--role', 'coordinator', '--sub', 'coordinator-1'));
      expect(body.errors).toBeUndefined();
      expect(body.data!.me.caseload.nodes).toHaveLength(5);
      expect((await fetch(`http://127.0.0.1:${env.PORT}/health`)).status).toBe(200);
      // Once up, the statistics release job runs in a process of its own and releases the seed's settled months.
      await expect.poll(printed, { timeout: 60_000, interval: 500 }).toMatch(/statistics-release: [1-9]\d* released, 0 already released \(sqlite, /);

      // The coordination subgraph's process, a child of npm start, dies.
      const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
      const coordination = children.find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('subgraphs/coordination/src/main.ts'))!;
      process.kill(coordination, 'SIGKILL');
      while (!/coordination stopped/.test(printed()) && Date.now() - started < 90_000) await new Promise((resolve) => setTimeout(resolve, 200));
      const command = /Start it again with: (.*)/.exec(printed())![1]!;
      expect(command).toContain(`DATA_DIR=${dataDir}`);
      expect(command).toContain('SEED_PERSONS=300');
      expect((await caseload(mint())).errors?.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);

      // Run as printed, from another directory and without the parent's environment.
      restarted = spawn('sh', ['-c', command], { cwd: os.tmpdir(), env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore', detached: true });
      // Back in the same graph: its own database and the gateway's key, not a second seed that answers 401.
      await expect.poll(async () => (await caseload(mint())).errors ?? [], { timeout: 60_000, interval: 500 }).toEqual([]);
    } finally {
      if (restarted?.pid && restarted.exitCode === null) {
        const gone = new Promise((resolve) => restarted!.once('exit', resolve));
        process.kill(-restarted.pid, 'SIGTERM');
        await gone;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    // Nothing is left listening on any of the six ports.
    for (const url of [`http://127.0.0.1:${env.PORT}/health`, ...SUBGRAPH_NAMES.map((n) => env[`${envPrefix(n)}_URL`]!.replace('/graphql', '/health'))]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  }, 180_000);

  it('token refuses an unknown role with a usage message', () => {
    let failure: { status?: number; stderr?: Buffer } = {};
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'gateway/src/token-cli.ts', '--role', 'superuser'], { cwd: root, env, stdio: 'pipe' });
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.status).toBe(2);
    expect(failure.stderr?.toString()).toMatch(/Unknown role "superuser"[\s\S]*--role <coordinator\|analyst\|auditor>/);
  });
});
