import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, envPrefix } from '@finsam/kit/config';
import { listen } from '@finsam/kit/http';
import { freePortRange } from '../../support/free-port.ts';
import { startGraph } from '../../support/graph.ts';

const root = path.join(import.meta.dirname, '../../..');

/** A line of a stack trace (`    at main (file.ts:3:7)`). */
const STACK_LINE = /^\s+at \S/m;

/**
 * `tsx scripts/start-all.ts` (what `npm start` runs after building) with `env`, until it exits:
 * its exit code and everything it printed. Bounded: a start that did not stop by itself is
 * stopped after 120 s (on two busy cores) and reported as such.
 */
async function startAllUntilExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const bound = setTimeout(() => { output += '\n[test: still running after 120 s, stopped]'; child.kill('SIGINT'); }, 120_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(bound);
  return { code, output };
}

/**
 * `npm start` as a user runs it: six processes, seeded on first start, a printed URL, the token
 * command, and Ctrl-C that stops them all. On free ports and a temporary DATA_DIR.
 */
describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-start-'));
  // Six processes on a machine shared with another test file: 20 s before a subgraph counts as not answering, not 2.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SEED_PERSONS: '300', LOG_LEVEL: 'warn', SUBGRAPH_TIMEOUT_MS: '20000' };
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** `npm start` on six free ports moved there by the one setting, FINSAM_BASE_PORT, and what it has printed so far. */
  async function npmStart() {
    delete env.PORT;
    for (const name of SUBGRAPH_NAMES) delete env[`${envPrefix(name)}_URL`];
    const base = await freePortRange(SUBGRAPH_NAMES.length + 1);
    env.FINSAM_BASE_PORT = String(base);
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-all.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    // The gateway on the base port, the subgraphs on the next five in SUBGRAPH_NAMES's order.
    return { child, printed: () => output, port: base, subgraphPorts: SUBGRAPH_NAMES.map((_, i) => base + 1 + i) };
  }

  // One `npm start` for both: six processes and a first seed cost more than the rest of the file.
  it('starts the graph, prints the URL and token command, answers with a minted token; when a subgraph dies, prints a restart command that brings it back into the same graph; stops on Ctrl-C', async () => {
    const { child, printed, port, subgraphPorts } = await npmStart();
    let restarted: ReturnType<typeof spawn> | null = null;
    const mint = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'gateway/src/token-cli.ts', ...args], { cwd: root, env })
      .toString().trim().split('\n').pop()!;
    // The request `npm start` prints: the registered Caseload, which coordination answers.
    const caseload = async (token: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: /-d '(\{.*\})'/.exec(printed())![1]!,
      });
      return (await response.json()) as { data?: { me: { caseload: { nodes: unknown[] } } }; errors?: { extensions?: { code?: string } }[] };
    };
    try {
      await expect.poll(() => child.exitCode === null ? printed() : `exited: ${printed()}`, { timeout: 120_000, interval: 200 }).toMatch(/^(?!exited)[\s\S]*Finsam graph is up/);
      expect(printed()).toContain(`http://127.0.0.1:${port}/graphql`);
      expect(printed()).toContain(`Coordinator app:  http://127.0.0.1:${port}/\n`);
      expect(printed()).toContain('npm run token -- --role coordinator');

      // Two tokens from the command, as printed and with its defaults, used for every request
      // after: a token lasts hours, and each run of the command is a process of its own (tsx
      // loading the gateway's modules, about a CPU second), once per poll before.
      const token = mint('--role', 'coordinator', '--sub', 'coordinator-1');
      const body = await caseload(token);
      expect(body.errors).toBeUndefined();
      expect(body.data!.me.caseload.nodes).toHaveLength(5);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      // Once up, the statistics release job runs in a process of its own and releases the seed's settled months.
      await expect.poll(printed, { timeout: 60_000, interval: 500 }).toMatch(/statistics-release: [1-9]\d* released, 0 already released \(sqlite, /);

      // A second npm start beside it, as an operator in another terminal: it finds all six ports
      // taken by this graph, says so before starting anything, and exits non-zero.
      const second = await startAllUntilExit(env);
      expect(second.code).not.toBe(0);
      for (const [name, taken] of [['gateway', port], ...SUBGRAPH_NAMES.map((n, i) => [n, subgraphPorts[i]!])]) {
        expect(second.output).toContain(`port ${taken} (${name}) is in use: another Finsam graph answers there`);
      }
      expect(second.output).not.toContain('Finsam graph is up');
      expect(second.output).not.toMatch(STACK_LINE);
      // The first still answers, to a token minted with the command's defaults.
      const byDefault = mint();
      expect((await caseload(byDefault)).errors).toBeUndefined();

      // The coordination subgraph's process, a child of npm start, dies.
      const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
      const coordination = children.find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('subgraphs/coordination/src/main.ts'))!;
      process.kill(coordination, 'SIGKILL');
      await expect.poll(printed, { timeout: 60_000, interval: 200 }).toMatch(/coordination stopped/);
      const command = /Start it again with: (.*)/.exec(printed())![1]!;
      expect(command).toContain(`DATA_DIR=${dataDir}`);
      expect(command).toContain('SEED_PERSONS=300');
      expect((await caseload(byDefault)).errors?.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);

      // Run as printed, from another directory and without the parent's environment.
      restarted = spawn('sh', ['-c', command], { cwd: os.tmpdir(), env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore', detached: true });
      // Back in the same graph: its own database and the gateway's key, not a second seed that
      // answers 401. The token minted before it died is the one it answers: the same graph.
      await expect.poll(async () => (await caseload(byDefault)).errors ?? [], { timeout: 60_000, interval: 500 }).toEqual([]);
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
    for (const url of [port, ...subgraphPorts].map((p) => `http://127.0.0.1:${p}/health`)) {
      await expect(fetch(url)).rejects.toThrow();
    }
  }, 300_000);

  it('on ports already taken, names each with what holds it and exits non-zero before starting or seeding anything; PORT and <NAME>_URL win over FINSAM_BASE_PORT', async () => {
    // Another Finsam graph's gateway and coordination (the real front), and a plain server of another program.
    const other = await startGraph({ subgraphs: ['coordination'], persons: 20, statisticsRelease: false });
    const base = await freePortRange(SUBGRAPH_NAMES.length + 1);
    const plainName = SUBGRAPH_NAMES[2]!;
    const plain = await listen(async (_request: http.IncomingMessage, response: http.ServerResponse) => { response.end('hello'); }, base + 3, '127.0.0.1', {});
    const emptyDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finsam-start-taken-'));
    try {
      const gatewayPort = Number(new URL(other.gatewayUrl).port);
      const coordinationPort = Number(new URL(other.subgraphUrl('coordination')).port);
      const takenEnv: NodeJS.ProcessEnv = { ...env, DATA_DIR: emptyDataDir, FINSAM_BASE_PORT: String(base), PORT: String(gatewayPort), COORDINATION_URL: other.subgraphUrl('coordination') };
      for (const name of SUBGRAPH_NAMES.filter((n) => n !== 'coordination')) delete takenEnv[`${envPrefix(name)}_URL`];
      const { code, output } = await startAllUntilExit(takenEnv);
      expect(code, output).not.toBe(0);
      expect(code, output).not.toBeNull();
      expect(output).toContain(`port ${gatewayPort} (gateway) is in use: another Finsam graph answers there`);
      expect(output).toContain(`port ${coordinationPort} (coordination) is in use: another Finsam graph answers there`);
      expect(output).toContain(`port ${base + 3} (${plainName}) is in use by another program`);
      // The base port's own places for the gateway and coordination were not used: their explicit settings won.
      expect(output).not.toContain(`port ${base} `);
      expect(output).not.toContain(`port ${base + 1} `);
      expect(output).toMatch(/3 of the graph's 6 ports are taken; nothing was started or seeded/);
      expect(output).not.toMatch(STACK_LINE);
      expect(output).not.toMatch(/EADDRINUSE|Finsam graph is up/);
      expect(fs.readdirSync(emptyDataDir)).toEqual([]);
    } finally {
      await plain.close();
      await other.close();
      fs.rmSync(emptyDataDir, { recursive: true, force: true });
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
    // One process, but on two cores shared with other runs one start took 60 s.
  }, 180_000);
});
