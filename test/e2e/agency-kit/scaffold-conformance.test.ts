import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPurpose } from '@finsam/kit/caller';
import { signGatewayToken } from '@finsam/kit/gateway-token';
import { FIXTURE_PERSONS } from '@finsam/devkit/population/fixtures';
import { AGENCY_TABLE } from '@finsam/kit/agencies';
import { controllersOf } from '@finsam/kit/controllers';
import { signPersonBases } from '@finsam/kit/release-basis';
import { readSigningKey } from '@finsam/kit/signing-key';
import { personEntities } from '@finsam/devkit/testing/subgraph-client';
import { freePort } from '../../support/free-port.ts';
import { startGraph, type TestGraph } from '../../support/graph.ts';

/**
 * Issue 14's acceptance point "a scaffolded subgraph passes the conformance kit untouched": what
 * `npm run new-subgraph` writes is started as its own process, as an agency would deploy it (its
 * own DATA_DIR and store, trusting the test deployment's gateway and coordination through their
 * published key sets), and `npm run conformance -- <name> --agency <AGENCY>` passes against it.
 *
 * Written inside the repository (a hidden, gitignored folder under subgraphs/) so that node
 * finds @finsam/kit from it as from subgraphs/<name>. Its store is SQLite in the PostgreSQL run
 * too: what that run changes for this test is the graph's, HTTPS between its parts, which the
 * new subgraph and the kit then trust through TLS_CA_FILE.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const execFileAsync = promisify(execFile);
const NAME = 'rehabilitation';
const AGENCY = 'CARE';
// Generous: the new subgraph's first start compiles its TypeScript and seeds its store, on two shared cores in CI.
const READY_WITHIN_MS = 90_000;

/** Runs one of the repository's TypeScript commands as `npm run` would, without blocking the graph this process serves. */
async function command(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', script, ...args],
      { cwd: root, env: { ...process.env, ...env, FORCE_COLOR: '0', LOG_LEVEL: 'silent' }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The written subgraph's process: its src/main.ts, as its package's `npm start` runs it. */
interface NewSubgraphProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startWritten(dir: string, port: number, env: NodeJS.ProcessEnv): NewSubgraphProcess {
  // Not the test's DATABASE_URL, if any: the agency's store is its own SQLite file in DATA_DIR.
  const { DATABASE_URL: _shared, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: dir, env: { ...inherited, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  // Read so that a chatty process never blocks on a full pipe; kept for the failure message only.
  const keep = (chunk: Buffer) => { printed = (printed + chunk.toString('utf8')).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, url: `http://127.0.0.1:${port}`, output: () => printed };
}

/** Polls /ready until it answers 200; fails at once, with what the process printed, if it exits. */
async function ready(subgraph: NewSubgraphProcess): Promise<void> {
  const exited = new Promise<never>((_, reject) => subgraph.child.once('exit', (code, signal) =>
    reject(new Error(`the new subgraph exited (${code ?? signal}) before it was ready:\n${subgraph.output()}`))));
  exited.catch(() => undefined);
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    const answered = await Promise.race([
      fetch(`${subgraph.url}/ready`).then((r) => r.status === 200, () => false),
      exited,
    ]);
    if (answered) return;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), exited]);
  }
  throw new Error(`the new subgraph did not answer /ready within ${READY_WITHIN_MS / 1000} s:\n${subgraph.output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // Cleanup only: a process that ignores SIGTERM must not hold the run.
  const stubborn = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(stubborn);
}

describe(`a subgraph written by npm run new-subgraph (${NAME} --agency ${AGENCY})`, () => {
  let graph: TestGraph;
  let subgraph: NewSubgraphProcess | undefined;
  const dir = path.join(root, 'subgraphs', `.scaffold-conf-${randomBytes(4).toString('hex')}`);
  let dataDir = '';
  // With HTTPS between the graph's parts (FINSAM_TEST_TLS=1), the kit trusts the graph's CA as its processes do.
  const trustGraphCa = (): NodeJS.ProcessEnv => (graph.clientTls.TLS_CA_FILE ? { TLS_CA_FILE: graph.clientTls.TLS_CA_FILE } : {});

  beforeAll(async () => {
    graph = await startGraph({ persons: 300 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `finsam-${NAME}-`));
    const written = await command('subgraphs/devkit/src/scaffold/cli.ts', [NAME, '--agency', AGENCY, '--dir', dir]);
    if (written.code !== 0) throw new Error(`npm run new-subgraph failed (${written.code}):\n${written.stderr}`);
    subgraph = startWritten(dir, await freePort(), {
      ...graph.clientTls,
      DATA_DIR: dataDir, SEED: '1', SEED_PERSONS: '300',
      GATEWAY_JWKS_URL: `${graph.gatewayUrl}/.well-known/jwks.json`,
      COORDINATION_JWKS_URL: graph.subgraphUrl('coordination').replace(/\/graphql$/, '/.well-known/jwks.json'),
    });
    await ready(subgraph);
  }, READY_WITHIN_MS + 60_000);

  afterAll(async () => {
    if (subgraph) await stop(subgraph.child);
    await graph?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds data about the person the conformance kit reads (its seed draws on the synthetic population)', async () => {
    // Asked as the gateway asks, with a basis signed by the graph's coordination: what the kit's release check sees, and more.
    const [gatewayKey, coordinationKey] = await Promise.all([readSigningKey(graph.dataDir, 'gateway'), readSigningKey(graph.dataDir, 'coordination')]);
    const requestId = 'scaffold-conformance-seed';
    const person = FIXTURE_PERSONS.allConsent;
    const [basis] = await signPersonBases(coordinationKey!, AGENCY, { actorId: 'coordinator-1', requestId },
      // As coordination records it: care's consent names the region (länskod), each controller deciding on its own.
      [{ personnummer: person, consents: controllersOf(AGENCY, {}).map((c) => ({ agency: AGENCY, validFrom: '2020-01-01', validTo: '2099-12-31', revokedAt: null, controller: c.code })), protectedIdentity: false }]);
    const token = await signGatewayToken(gatewayKey!, { actorId: 'coordinator-1', role: 'coordinator', purpose: defaultPurpose('coordinator') }, NAME);
    const response = await fetch(`${subgraph!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: personEntities(`${NAME} { entries { id } }`), variables: { r: [{ __typename: 'Person', personnummer: person, [AGENCY_TABLE[AGENCY].releaseBasisField]: basis }] } }),
    });
    const body = await response.json() as { data?: { _entities: { rehabilitation: { entries: unknown[] } | null }[] }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data!._entities[0]!.rehabilitation!.entries.length).toBeGreaterThan(0);
  });

  it(`passes npm run conformance -- ${NAME} --agency ${AGENCY} untouched: every check`, async () => {
    const result = await command('subgraphs/devkit/src/conformance/cli.ts',
      [NAME, '--agency', AGENCY, '--url', `${subgraph!.url}/graphql`, '--data-dir', graph.dataDir], trustGraphCa());
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('PASS ')), result.stdout).toEqual([]);
    expect(lines.map((l) => l.split(' ')[1]!.replace(/:$/, ''))).toEqual(['token', 'composition', 'consent', 'release', 'audit', 'revocation']);
    expect(result.code).toBe(0);
  }, 120_000);
});
